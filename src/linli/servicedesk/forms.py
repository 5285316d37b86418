"""Forms of the service-desk screens: intake, the contact log, the moves of a work order and
the list filters.

Choices are scoped to the signed-in user (communities, buildings, people, categories, org
units and staff come from the selectors); the services check rights and rules again, and
their errors are attached to the form with ``add_service_errors``. Each move's form names its
service's keyword arguments in ``service_kwargs``.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import reports as core_reports
from linli.core.restapi.types import MAX_ID
from linli.directory.selectors import people as people_selectors
from linli.directory.selectors import property as property_selectors
from linli.servicedesk import selectors
from linli.servicedesk.choices import (
    Area,
    CallbackOutcome,
    CallbackStatus,
    ClockKind,
    ComplaintSubject,
    ContactChannel,
    ContactDirection,
    IntakeChannel,
    Level,
    OrderType,
    Priority,
    Severity,
    WaitingOn,
)
from linli.servicedesk.knowledge import selectors as knowledge_selectors
from linli.servicedesk.reports import selectors as report_selectors
from linli.servicedesk.slips import day_in_range, day_out_of_range
from linli.servicedesk.states import Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
EMPTY = [("", "—")]


def _text(rows: int = 2, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _person_label(person) -> str:
    phone = people_selectors.preferred_phone(person)
    units = ", ".join(r.unit.room_code for r in getattr(person, "current_relations", []))
    parts = [person.name, f"···{phone.last4}" if phone else "", units]
    return " · ".join(p for p in parts if p)


class _ListedIterator(ModelChoiceIterator):
    """The options from ``ListedChoiceField.listed``: objects read once for every form of a
    page (and only when a form is shown), instead of a query per form; a choice sent back is
    still checked against the queryset."""

    def __iter__(self):
        if self.field.listed is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed():
            yield self.choice(obj)

    def __len__(self):
        if self.field.listed is None:
            return super().__len__()
        return len(self.field.listed()) + (self.field.empty_label is not None)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = _ListedIterator
    listed: Callable[[], list] | None = None

    def offer(self, queryset, listed: Callable[[], list]) -> None:
        self.listed = listed
        self.queryset = queryset


class StaffChoiceField(ListedChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class DepartmentChoiceField(ListedChoiceField):
    """Org units indented by depth, so a flat select still reads as the tree."""

    def label_from_instance(self, obj) -> str:
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


def category_choices(actor) -> list:
    """Active categories grouped by order type, children indented under their parents."""
    groups: dict[str, list] = {}
    for category, depth in selectors.category_tree(actor, {"active": True}):
        groups.setdefault(category.order_type, []).append(
            (category.pk, "\u3000" * depth + category.name))
    return [*EMPTY, *[(OrderType(t).label, items) for t, items in groups.items()]]


# --- intake ---------------------------------------------------------------------------------

class _CallerForm(forms.Form):
    """Who is calling and about which place: the community, the room (resolved to a unit of
    that community) and the person chosen in the search."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=None)
    room_code = forms.CharField(label=_("Room"), max_length=60, required=False,
                                help_text=_("Building-section-room, e.g. 3-2-1502."))
    person = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput,
                                    label=_("Caller"))
    caller_name = forms.CharField(label=_("Caller's name"), max_length=100, required=False)
    caller_phone = forms.CharField(
        label=_("Caller's phone"), max_length=30, required=False,
        help_text=_("Empty: the chosen caller's preferred number."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        communities = people_selectors.communities_for_filter(actor)
        self.fields["community"].queryset = communities
        self.fields["person"].queryset = people_selectors.person_queryset(actor)

    def clean(self):
        data = super().clean()
        data["unit"] = None
        community, code = data.get("community"), (data.get("room_code") or "").strip()
        if community is not None and code:
            data["unit"] = people_selectors.unit_find(self.actor, community.pk, code)
            if data["unit"] is None:
                self.add_error("room_code", _("There is no unit %(code)s in this community.")
                               % {"code": code})
        if not (data.get("caller_phone") or "").strip():
            data["caller_phone"] = selectors.preferred_phone_number(data.get("person"))
        return data

    def caller_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"community": data["community"], "unit": data["unit"],
                "person": data.get("person"), "caller_name": data.get("caller_name", ""),
                "caller_phone": data.get("caller_phone", "")}


class WorkOrderForm(_CallerForm):
    """A new work order with the "five clears": who, where, what, since when, how urgent."""

    order_type = forms.ChoiceField(label=_("Type"), choices=[*EMPTY, *OrderType.choices])
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int,
                                      empty_value=None)
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices, initial=Area.PRIVATE_UNIT)
    channel = forms.ChoiceField(label=_("Channel"), choices=IntakeChannel.choices,
                                initial=IntakeChannel.PHONE)
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False,
                                      help_text=_("For public areas without a room."))
    location = forms.CharField(label=_("Where exactly"), max_length=200, required=False,
                               widget=forms.TextInput(attrs={
                                   "placeholder": _("e.g. kitchen ceiling, lift 2")}))
    summary = forms.CharField(label=_("What happened"), max_length=200,
                              widget=forms.TextInput(attrs={
                                  "placeholder": _("In a few words")}))
    description = forms.CharField(label=_("Details"), required=False, widget=_text(3))
    since = forms.CharField(label=_("Since when"), max_length=100, required=False,
                            widget=forms.TextInput(attrs={
                                "placeholder": _("e.g. since this morning")}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices,
                                initial=Level.MEDIUM)
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices, initial=Level.LOW)
    severity = forms.ChoiceField(label=_("Complaint severity"), required=False,
                                 choices=[*EMPTY, *Severity.choices])
    complaint_subject = forms.ChoiceField(label=_("Complaint about"), required=False,
                                          choices=[*EMPTY, *ComplaintSubject.choices])
    is_sensitive = forms.BooleanField(
        label=_("Sensitive or public opinion (the reply needs approval)"), required=False)
    # Set when the desk picks a suggested article: the consultation is answered and closed
    # as it is registered (SVC-13).
    knowledge_article = forms.IntegerField(
        label=_("Answered with the article"), required=False,
        widget=forms.HiddenInput(attrs={"data-kb-target": ""}))

    FIVE_CLEARS = {
        _("Who"): ("caller_name", "caller_phone", "channel"),
        _("Where"): ("community", "room_code", "building", "area", "location"),
        _("What"): ("order_type", "category", "summary", "description"),
        _("Since when"): ("since",),
        _("How urgent"): ("urgency", "impact"),
        _("Complaints only"): ("severity", "complaint_subject", "is_sensitive"),
    }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["category"].choices = category_choices(actor)
        community = self._chosen_community()
        self.fields["building"].queryset = (
            property_selectors.building_list(actor, {"community": community})
            if community else property_selectors.building_list(actor).none())

    def _chosen_community(self) -> int | None:
        raw = (self.data.get(self.add_prefix("community")) if self.is_bound
               else self.initial.get("community"))
        raw = getattr(raw, "pk", raw)
        return int(raw) if str(raw or "").isdigit() else None

    def sections(self) -> list[tuple[str, list]]:
        """The visible fields grouped by the five clears, for the template."""
        return [(title, [self[name] for name in names]) for title, names in
                self.FIVE_CLEARS.items()]

    def clean(self):
        data = super().clean()
        data["category_obj"] = None
        if data.get("category"):
            data["category_obj"] = selectors.category_find(self.actor, data["category"])
            if data["category_obj"] is None:
                self.add_error("category", _("Choose a category from the list."))
        data["article_obj"] = None
        if data.get("knowledge_article"):
            data["article_obj"] = knowledge_selectors.article_find(
                self.actor, data["knowledge_article"], published=True)
            if data["article_obj"] is None:
                self.add_error("knowledge_article",
                               _("Choose a published article of the knowledge base."))
        return data

    def answered_with(self):
        """The published article the desk answered the consultation with, if any."""
        return self.cleaned_data.get("article_obj")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**self.caller_kwargs(), "order_type": data["order_type"],
                "category": data["category_obj"], "area": data["area"],
                "channel": data["channel"], "building": data.get("building"),
                "location": data["location"], "summary": data["summary"],
                "description": data["description"], "since": data["since"],
                "urgency": data["urgency"], "impact": data["impact"],
                "severity": data["severity"], "complaint_subject": data["complaint_subject"],
                "is_sensitive": data["is_sensitive"]}


class ContactLogForm(_CallerForm):
    """A call or visit that needs no work order (logged all the same)."""

    direction = forms.ChoiceField(label=_("Direction"), choices=ContactDirection.choices,
                                  initial=ContactDirection.INBOUND)
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices,
                                initial=ContactChannel.PHONE)
    content = forms.CharField(label=_("What was it about"), widget=_text(2))
    follow_up = forms.CharField(label=_("Follow-up"), max_length=200, required=False)

    field_order = ["direction", "channel", "community", "room_code", "caller_name",
                   "caller_phone", "content", "follow_up"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["community"].required = False

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**self.caller_kwargs(), "direction": data["direction"],
                "channel": data["channel"], "content": data["content"],
                "follow_up": data["follow_up"]}


# --- the moves of a work order --------------------------------------------------------------

class ActionForm(forms.Form):
    """The input of one move on ``order``; ``service_kwargs`` are its service's arguments.

    Field ids carry the order's id, so that many rows of a list can each hold the form.
    """

    def __init__(self, *args, order, actor, desk: selectors.DeskChoices | None = None,
                 **kwargs):
        kwargs.setdefault("auto_id", f"id_{order.pk}_%s")
        super().__init__(*args, **kwargs)
        self.order = order
        self.actor = actor
        # Shared by the forms of one page; a form on its own reads its own.
        self.desk = desk or selectors.DeskChoices(actor)

    def offer_departments(self, field: str, office) -> None:
        self.fields[field].offer(self.desk.department_queryset(office),
                                 lambda: self.desk.departments(office))

    def offer_staff(self, field: str, unit) -> None:
        self.fields[field].offer(self.desk.staff_queryset(unit),
                                 lambda: self.desk.staff(unit))

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class NoInputForm(ActionForm):
    """Moves that need nothing but the click (accept, arrive, start)."""


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=_text(2))


class OptionalReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=_text(2))


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=_text(2))


class ClusterLinkForm(ActionForm):
    """Link the order to an incident, named by the incident's order number."""

    parent = forms.CharField(label=_("Order number of the incident"), max_length=20,
                             help_text=_("E.g. GD20261204-0007: the first report of the "
                                         "incident, which the others follow."))

    def clean_parent(self):
        parent = selectors.work_order_by_number(self.actor, self.cleaned_data["parent"])
        if parent is None:
            raise forms.ValidationError(_("No order with this number that you can see."))
        return parent


class VerifyForm(ActionForm):
    """Identify a quarantined order's contact: a person (among the candidates found by the
    order's phone and name) and, for a private unit, the room."""

    person = forms.ModelChoiceField(label=_("The person who asked"), queryset=None,
                                    widget=forms.RadioSelect)
    room_code = forms.CharField(label=_("Room"), max_length=60, required=False,
                                help_text=_("Building-section-room in the order's "
                                            "community, e.g. 3-2-1502."))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = people_selectors.person_queryset(self.actor)
        if candidates is None:
            candidates = selectors.verify_candidates(self.actor, self.order)
        # Validated against every visible person, listed as the candidates only.
        field.widget.choices = [(p.pk, _person_label(p)) for p in candidates]
        if self.order.unit_id:
            self.fields["room_code"].initial = self.order.unit.room_code

    def clean(self):
        data = super().clean()
        data["unit"] = None
        code = (data.get("room_code") or "").strip()
        if code:
            data["unit"] = people_selectors.unit_find(self.actor, self.order.community_id, code)
            if data["unit"] is None:
                self.add_error("room_code", _("There is no unit %(code)s in this community.")
                               % {"code": code})
        return data

    def service_kwargs(self) -> dict:
        return {"person": self.cleaned_data["person"], "unit": self.cleaned_data["unit"]}


class DispatchForm(ActionForm):
    department = DepartmentChoiceField(label=_("Department"), queryset=None)
    handler = StaffChoiceField(label=_("Handler"), queryset=None, required=False,
                               help_text=_("Empty: the department's supervisor."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        office = self.order.community.org_unit
        self.offer_departments("department", office)
        self.offer_staff("handler", office)
        suggested = self.desk.suggested(self.order) if not self.is_bound else None
        if suggested is not None:
            self.fields["department"].initial = suggested.pk


class AssignForm(ActionForm):
    handler = StaffChoiceField(label=_("Worker"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_staff("handler", self.order.department)


class TransferForm(ActionForm):
    department = DepartmentChoiceField(label=_("To department"), queryset=None)
    handler = StaffChoiceField(label=_("To handler"), queryset=None, required=False,
                               help_text=_("Empty: the department's supervisor."))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=_text(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        office = self.order.community.org_unit
        self.offer_departments("department", office)
        self.offer_staff("handler", office)


class ScheduleForm(ActionForm):
    appointment_at = forms.DateTimeField(label=_("Appointment"), widget=DATETIME)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class WaitForm(ActionForm):
    waiting_on = forms.ChoiceField(label=_("Waiting on"), choices=WaitingOn.choices,
                                   widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=_text(2))


class ResolveForm(ActionForm):
    resolution = forms.CharField(label=_("What was done"), widget=_text(3))
    interim_measure = forms.CharField(
        label=_("Interim measure"), required=False, widget=_text(2),
        help_text=_("When it cannot be fixed in time: what was done for now."))
    committed_at = forms.DateTimeField(label=_("Committed fix time"), required=False,
                                       widget=DATETIME)


SATISFACTION = [("", _("Not asked")), *[(str(n), str(n)) for n in range(5, 0, -1)]]


class CallbackForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallbackOutcome.choices,
                                widget=forms.RadioSelect)
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (5 = very satisfied)"), choices=SATISFACTION, coerce=int,
        empty_value=None, required=False, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=_text(2))


class ReplyForm(ActionForm):
    reply = forms.CharField(label=_("Reply to the complainant"), widget=_text(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].initial = self.order.reply


class ReplyReviewForm(ActionForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve and send")), ("reject", _("Send back"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           help_text=_("Required when sending back: what to change."))

    def service_kwargs(self) -> dict:
        return {"approve": self.cleaned_data["decision"] == "approve",
                "note": self.cleaned_data["note"]}


class QuoteForm(ActionForm):
    amount = forms.DecimalField(label=_("Price (yuan)"), max_digits=12, decimal_places=2,
                                min_value=0)
    note = forms.CharField(label=_("Quote details"), max_length=200, required=False)


class QuoteAnswerForm(ActionForm):
    answer = forms.ChoiceField(label=_("The customer"), widget=forms.RadioSelect, choices=[
        ("accepted", _("Accepts the quote")), ("declined", _("Declines the quote"))])

    def service_kwargs(self) -> dict:
        return {"accepted": self.cleaned_data["answer"] == "accepted"}


class ChargeForm(ActionForm):
    amount = forms.DecimalField(label=_("Amount charged (yuan)"), max_digits=12,
                                decimal_places=2, min_value=0, required=False,
                                help_text=_("Empty: the quoted price."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs["placeholder"] = str(self.order.quote_amount or "")


# --- list filters ---------------------------------------------------------------------------

class _FilterForm(forms.Form):
    def filters(self) -> dict:
        """The valid filters only: a wrong value is reported and the others still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


def _community_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_("Community"), required=False, coerce=int,
                                  empty_value=None)


def _community_choices(actor) -> list:
    return [("", _("All communities"))] + [
        (c.pk, c.name) for c in people_selectors.communities_for_filter(actor)]


class WorkOrderFilterForm(_FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "placeholder": _("Number, summary or caller")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Status.choices])
    order_type = forms.ChoiceField(label=_("Type"), required=False,
                                   choices=[("", _("Any type")), *OrderType.choices])
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("Any priority")), *Priority.choices])
    community = _community_field()
    created_from = forms.DateField(label=_("Registered from"), required=False, widget=DATE)
    created_to = forms.DateField(label=_("Registered until"), required=False, widget=DATE)

    # The drill-down from a report figure or a dashboard tile (reports.selectors.narrow):
    # hidden, kept while the visible filters change.
    open = forms.BooleanField(required=False, widget=forms.HiddenInput)
    channel = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                                choices=[("", ""), *IntakeChannel.choices])
    department = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                             widget=forms.HiddenInput)
    handler = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                             widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                             widget=forms.HiddenInput)
    category = forms.RegexField(required=False, regex=r"^(none|[1-9][0-9]{0,8})$",
                                widget=forms.HiddenInput)
    clock = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                              choices=[("", ""), *ClockKind.choices])
    clock_state = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                                    choices=[("", ""), *report_selectors.CLOCK_STATES.items()])
    response = forms.ChoiceField(required=False, widget=forms.HiddenInput, choices=[
        ("", ""), *((b.key, b.label) for b in report_selectors.RESPONSE_BUCKETS)])
    resolution = forms.ChoiceField(required=False, widget=forms.HiddenInput, choices=[
        ("", ""), ("resolved", ""), ("unresolved", ""),
        *((b.key, b.label) for b in report_selectors.RESOLUTION_BUCKETS)])
    callback = forms.ChoiceField(required=False, widget=forms.HiddenInput, choices=[
        ("", ""), *((k, v[0]) for k, v in report_selectors.CALLBACK_STATES.items())])
    satisfaction = forms.IntegerField(required=False, min_value=1, max_value=5,
                                      widget=forms.HiddenInput)
    phone = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    review = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                               choices=[("", ""), ("pending", "")])
    breached = forms.BooleanField(required=False, widget=forms.HiddenInput)
    due_soon = forms.BooleanField(required=False, widget=forms.HiddenInput)
    no_handler = forms.BooleanField(required=False, widget=forms.HiddenInput)
    unassigned = forms.BooleanField(required=False, widget=forms.HiddenInput)
    after_work = forms.BooleanField(required=False, widget=forms.HiddenInput)
    formal = forms.BooleanField(required=False, widget=forms.HiddenInput)
    figure = forms.BooleanField(required=False, widget=forms.HiddenInput)

    DRILL_FIELDS = ("figure", "open", "channel", "department", "handler", "person", "category",
                    "clock", "clock_state", "response", "resolution", "callback", "satisfaction",
                    "phone", "review", "breached", "due_soon", "no_handler", "unassigned",
                    "after_work", "formal")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _community_choices(actor)

    def clean(self):
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end comes before the start."))
        return data

    def drilled(self) -> bool:
        """Whether a drill-down filter narrows the list (the list says so)."""
        return any(self.filters().get(name) for name in self.DRILL_FIELDS)


class QueueFilterForm(_FilterForm):
    community = _community_field()
    order_type = forms.ChoiceField(label=_("Type"), required=False,
                                   choices=[("", _("Any type")), *OrderType.choices])
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("Any priority")), *Priority.choices])
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int,
                                        empty_value=None)
    unassigned = forms.BooleanField(label=_("Not dispatched yet"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _community_choices(actor)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d.pk, d.name) for d in selectors.department_choices(actor)]


class CallbackFilterForm(_FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Due and retry")), *CallbackStatus.choices])
    due_today = forms.BooleanField(label=_("Due by the end of today"), required=False)

    def filters(self) -> dict:
        data = super().filters()
        if data.pop("due_today", False):
            end = timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=0)
            data["due_before"] = end
        return data


class ContactLogFilterForm(_FilterForm):
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)
    direction = forms.ChoiceField(label=_("Direction"), required=False,
                                  choices=[("", _("Both directions")),
                                           *ContactDirection.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "placeholder": _("Name, content or last digits of the phone")}))


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)

    def day_or_today(self):
        if self.is_valid() and self.cleaned_data.get("day"):
            return self.cleaned_data["day"]
        return timezone.localdate()


class HotSpotFilterForm(forms.Form):
    """The period and filters of the hot-spot view (SVC-11); the period is checked by
    ``selectors.hot_spot_period`` (at most 366 days, from 2000 to today)."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)
    order_type = forms.ChoiceField(label=_("Type"), required=False, choices=[
        ("", _("Complaints and repairs")), (OrderType.COMPLAINT, OrderType.COMPLAINT.label),
        (OrderType.REPAIR, OrderType.REPAIR.label)])
    community = _community_field()
    min_orders = forms.IntegerField(label=_("At least (orders)"), required=False, min_value=1,
                                    max_value=1000, initial=1)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["community"].choices = _community_choices(actor)

    def clean(self):
        data = super().clean()
        if "date_from" in data and "date_to" in data:
            try:
                data["date_from"], data["date_to"] = selectors.hot_spot_period(
                    data["date_from"], data["date_to"])
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return data

    def filters(self) -> dict | None:
        """The selector's arguments, or None when the input is refused (nothing is read)."""
        if not self.is_bound:
            date_from, date_to = selectors.hot_spot_period(None, None)
            return {"date_from": date_from, "date_to": date_to}
        if not self.is_valid():
            return None
        data = self.cleaned_data
        community = (property_selectors.community_find(self.actor, data["community"])
                     if data.get("community") else None)
        return {"date_from": data["date_from"], "date_to": data["date_to"],
                "order_type": data.get("order_type") or "", "community": community,
                "min_orders": data.get("min_orders") or 1}
# --- reports --------------------------------------------------------------------------------

class ReportForm(forms.Form):
    """The period and community of a report (SVC-15); an empty form is this month so far."""

    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE)
    community = _community_field()

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _community_choices(actor)
        self.period = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.period = report_selectors.period_check(data.get("start"), data.get("end"),
                                                        data.get("community"))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return data

    def checked_period(self):
        """The period asked for (the default when nothing was), or None when it is refused."""
        if not self.is_bound:
            return report_selectors.period_check(None, None)
        return self.period if self.is_valid() else None


class MonthForm(forms.Form):
    """One month (the complaint register); empty: this month."""

    month = forms.DateField(label=_("Month"), required=False, input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    community = _community_field()

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = _community_choices(actor)

    def checked_period(self):
        if self.is_bound and not self.is_valid():
            return None
        data = self.cleaned_data if self.is_bound else {}
        month = (data.get("month") or timezone.localdate()).replace(day=1)
        try:
            # The first day alone first: a month beyond the allowed days has no last day here.
            report_selectors.period_check(month, month)
            start, end = core_reports.month_period(month.year, month.month)
            return report_selectors.period_check(start, end, data.get("community"))
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    self.add_error("month", message)
            return None
class SlipDayForm(forms.Form):
    """A department's day of dispatch slips (SVC-14): a department the user sees orders in,
    and a day (today unless chosen)."""

    department = forms.TypedChoiceField(label=_("Department"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=DATE)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Choose a department"))] + [
            (d.pk, f"{d.parent.name} · {d.name}" if d.parent_id else d.name)
            for d in selectors.slip_departments(actor)]
        self.fields["day"].initial = timezone.localdate()

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not day_in_range(day):
            raise forms.ValidationError(day_out_of_range())
        return day
