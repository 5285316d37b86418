"""Forms of the knowledge-base screens (SVC-13): the list's filters, the article form, and the
move that answers a consultation from an article. Choices are read in the user's scope; the
services judge the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.directory.selectors import people as people_selectors
from linli.servicedesk import selectors
from linli.servicedesk.choices import ArticleStatus
from linli.servicedesk.forms import ActionForm, _FilterForm
from linli.servicedesk.knowledge import selectors as kb


def _shelf_choices(actor, empty_label) -> list:
    return [("", empty_label)] + [(c.pk, c.name)
                                  for c in kb.knowledge_category_list(actor, active_only=True)]


class KnowledgeFilterForm(_FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "placeholder": _("The caller's question, or pinyin"),
                            "type": "search"}))
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int,
                                      empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *ArticleStatus.choices])
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int,
                                       empty_value=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _shelf_choices(actor, _("All categories"))
        self.fields["community"].choices = [("", _("All communities"))] + [
            (c.pk, c.name) for c in people_selectors.communities_for_filter(actor)]
        if not kb.can_write(actor):
            del self.fields["status"]  # readers see published articles only


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("The question as callers ask it."))
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, empty_value=None)
    keywords = forms.CharField(label=_("Keywords"), max_length=200, required=False,
                               help_text=_("Other words callers use, separated by spaces."))
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 10}))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None,
                                   help_text=_("The person responsible for keeping it right."))
    all_communities = forms.BooleanField(label=_("Applies to all communities"),
                                         required=False, initial=True)
    communities = forms.TypedMultipleChoiceField(
        label=_("Communities"), required=False, coerce=int,
        help_text=_("When it does not apply to all: the communities it applies to."))
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["category"].choices = _shelf_choices(actor, "—")
        self._owners = {u.pk: u for u in kb.owner_choices(actor)}
        self.fields["owner"].choices = [(pk, str(u)) for pk, u in self._owners.items()]
        self._communities = {c.pk: c for c in people_selectors.communities_for_filter(actor)}
        self.fields["communities"].choices = [(pk, c.name)
                                              for pk, c in self._communities.items()]

    def clean(self):
        data = super().clean()
        data["category_obj"] = kb.knowledge_category_find(self.actor, data.get("category"))
        if data.get("category") and data["category_obj"] is None:
            self.add_error("category", _("Choose a category from the list."))
        data["owner_obj"] = self._owners.get(data.get("owner"))
        data["community_objs"] = [self._communities[pk]
                                  for pk in data.get("communities") or []]
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "body": data["body"], "keywords": data["keywords"],
                "category": data["category_obj"], "owner": data["owner_obj"],
                "all_communities": data["all_communities"],
                "communities": data["community_objs"], "note": data["note"]}

    @classmethod
    def initial_of(cls, article) -> dict:
        return {"title": article.title, "category": article.category_id,
                "keywords": article.keywords, "body": article.body, "owner": article.owner_id,
                "all_communities": article.all_communities,
                "communities": list(article.communities.values_list("pk", flat=True))}


class AnswerForm(ActionForm):
    """The move that answers a consultation: the published article that answered it."""

    # Picked among the suggestions shown next to the form, or typed; looked up in the
    # user's scope in ``clean``.
    article = forms.IntegerField(
        label=_("Article number"), min_value=1,
        widget=forms.NumberInput(attrs={"data-knowledge-article": ""}),
        help_text=_("Pick it among the suggestions, or type its number."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("article"):
            data["article_obj"] = kb.article_find(self.actor, data["article"], published=True)
            if data["article_obj"] is None:
                self.add_error("article", _("Choose a published article of the knowledge "
                                            "base."))
        return data

    def service_kwargs(self) -> dict:
        return {"article": self.cleaned_data["article_obj"], "note": self.cleaned_data["note"]}


class KnowledgeCategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(label=_("Code"), max_length=50,
                           help_text=_("Short, in Latin letters: used by the API."))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767,
                                  initial=100)
    order_category = forms.TypedChoiceField(
        label=_("Work-order category"), required=False, coerce=int, empty_value=None,
        help_text=_("Drafts made from orders of this category land here."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self._categories = {c.pk: c for c in selectors.category_list(actor)}
        self.fields["order_category"].choices = [("", "—")] + [
            (pk, str(c)) for pk, c in self._categories.items()]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "code": data["code"], "position": data["position"],
                "order_category": self._categories.get(data.get("order_category")),
                "is_active": data["is_active"]}

    @classmethod
    def initial_of(cls, shelf) -> dict:
        return {"name": shelf.name, "code": shelf.code, "position": shelf.position,
                "order_category": shelf.order_category_id, "is_active": shelf.is_active}
