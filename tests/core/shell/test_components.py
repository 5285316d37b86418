"""The shared template components and the linli_ui tag library."""

import datetime

import pytest
from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.html import format_html

from linli.core.templatetags.linli_ui import sort_param, widget_kind

rf = RequestFactory()


def render(source: str, request=None, **context) -> str:
    template = Template("{% load linli_ui %}" + source)
    return template.render(Context({"request": request or rf.get("/"), **context})).strip()


class Status(models.TextChoices):
    NEW = "new", "New"
    DONE = "done", "Done"

    @property
    def badge(self):
        return {"new": "blue", "done": "green"}[self.value]


class Priority(models.TextChoices):
    LOW = "low", "Low"


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the ID card.")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "Alpha"), ("b", "Beta")])
    urgent = forms.BooleanField(label="Urgent", required=False)
    channel = forms.ChoiceField(label="Channel", widget=forms.RadioSelect,
                                choices=[("sms", "SMS"), ("mail", "E-mail")])
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("The two dates overlap.")


class FilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "all"), *Status.choices])


# --- querystring -------------------------------------------------------------------------

def test_querystring_replaces_and_keeps_other_parameters():
    request = rf.get("/users/?q=李&status=new&page=3")
    assert render("{% querystring page=4 %}", request) == "?q=%E6%9D%8E&amp;status=new&amp;page=4"


def test_querystring_removes_with_none_or_empty():
    request = rf.get("/users/?q=li&page=3&sort=name")
    assert render("{% querystring page=None q='' %}", request) == "?sort=name"
    assert render("{% querystring page=None q=None sort=None %}", request) == "?"


def test_querystring_keeps_repeated_parameters():
    request = rf.get("/users/?tag=a&tag=b")
    assert render("{% querystring page=2 %}", request) == "?tag=a&amp;tag=b&amp;page=2"


# --- sorting -----------------------------------------------------------------------------

def test_sort_link_cycles_ascending_descending():
    plain = render('{% sort_link "name" "Name" %}', rf.get("/?page=2&q=x"))
    assert plain == ('<a href="?q=x&amp;sort=name" class="table-sort " data-sort="name">'
                     "Name</a>")
    ascending = render('{% sort_link "name" "Name" %}', rf.get("/?sort=name"))
    assert ascending == ('<a href="?sort=-name" class="table-sort asc" data-sort="-name">'
                         "Name</a>")
    descending = render('{% sort_link "name" "Name" %}', rf.get("/?sort=-name"))
    assert descending == ('<a href="?sort=name" class="table-sort desc" data-sort="name">'
                          "Name</a>")


def test_sort_link_escapes_the_label():
    html = render('{% sort_link "name" label %}', label="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_sort_param_allows_only_listed_keys():
    allowed = {"name": "display_name", "unit": "org_unit__name"}
    assert sort_param(rf.get("/?sort=name"), allowed, "-id") == "display_name"
    assert sort_param(rf.get("/?sort=-unit"), allowed, "-id") == "-org_unit__name"
    assert sort_param(rf.get("/?sort=password"), allowed, "-id") == "-id"
    assert sort_param(rf.get("/?sort=-"), allowed, "-id") == "-id"
    assert sort_param(rf.get("/"), allowed, "-id") == "-id"


# --- badge -------------------------------------------------------------------------------

def test_badge_takes_label_and_colour_from_the_choices():
    assert render("{% badge 'done' Status %}", Status=Status) == (
        '<span class="badge bg-green-lt">Done</span>')


def test_badge_without_colour_is_grey():
    assert render("{% badge 'low' Priority %}", Priority=Priority) == (
        '<span class="badge bg-secondary-lt">Low</span>')


def test_badge_with_explicit_colour_and_unknown_value():
    assert render("{% badge 'odd' Status colour='red' %}", Status=Status) == (
        '<span class="badge bg-red-lt">odd</span>')
    assert render("{% badge 'new' missing_variable %}") == (
        '<span class="badge bg-secondary-lt">new</span>')


# --- forms -------------------------------------------------------------------------------

def test_widget_kinds():
    assert widget_kind(forms.TextInput()) == "control"
    assert widget_kind(forms.Textarea()) == "control"
    assert widget_kind(forms.Select()) == "select"
    assert widget_kind(forms.SelectMultiple()) == "select"
    assert widget_kind(forms.CheckboxInput()) == "check"
    assert widget_kind(forms.RadioSelect()) == "choices"
    assert widget_kind(forms.CheckboxSelectMultiple()) == "choices"


def test_bootstrap_field_marks_errors_and_help():
    form = SampleForm(data={"name": "", "kind": "a", "channel": "sms"})
    form.is_valid()
    html = render("{% bootstrap_field form.name %}", form=form)
    assert 'class="form-control is-invalid"' in html
    assert '<label class="form-label required" for="id_name">Name</label>' in html
    assert ('<div class="invalid-feedback d-block" id="id_name_errors">'
            "This field is required.</div>") in html
    assert '<div class="form-hint">As on the ID card.</div>' in html


def test_bootstrap_field_select_check_and_radio():
    form = SampleForm()
    assert 'class="form-select"' in render("{% bootstrap_field form.kind %}", form=form)
    check = render("{% bootstrap_field form.urgent %}", form=form)
    assert 'class="form-check-input"' in check
    assert '<span class="form-check-label">Urgent</span>' in check
    radios = render("{% bootstrap_field form.channel inline=True %}", form=form)
    assert radios.count('class="form-check-input"') == 2
    assert radios.count('<label class="form-check form-check-inline">') == 2
    assert '<span class="form-check-label">E-mail</span>' in radios


def test_bootstrap_field_keeps_the_widgets_own_classes():
    class Form(forms.Form):
        code = forms.CharField(widget=forms.TextInput(attrs={"class": "font-monospace"}))

    html = render("{% bootstrap_field form.code %}", form=Form())
    assert 'class="font-monospace form-control"' in html


def test_form_component_shows_form_errors_hidden_fields_and_buttons():
    form = SampleForm(data={"name": "Li", "kind": "a", "channel": "sms"})
    form.is_valid()
    html = render_to_string("components/form.html", {
        "form": form, "submit_label": "Create", "cancel_url": "/users/"})
    assert ('<div class="alert alert-danger" role="alert" data-testid="form-errors">\n    '
            "The two dates overlap.\n  </div>") in html
    assert '<input type="hidden" name="token" id="id_token">' in html
    assert '<button type="submit" class="btn btn-primary">Create</button>' in html
    assert '<a href="/users/" class="btn btn-link">Cancel</a>' in html
    assert 'enctype' not in html


def test_form_component_with_get_has_no_csrf_and_default_label():
    html = render_to_string("components/form.html", {"form": FilterForm(), "method": "get"},
                            request=rf.get("/"))
    assert "csrfmiddlewaretoken" not in html
    assert '<button type="submit" class="btn btn-primary">Save</button>' in html


def test_filter_bar_keeps_the_sort_and_offers_reset():
    request = rf.get("/users/?sort=-name&q=li&page=2")
    html = render_to_string("components/filter_bar.html",
                            {"filter_form": FilterForm(request.GET)}, request=request)
    assert '<form method="get"' in html
    assert '<input type="hidden" name="sort" value="-name">' in html
    assert 'name="page"' not in html
    assert 'value="li"' in html
    assert '<a href="/users/?sort=-name" class="btn btn-link">Reset</a>' in html


# --- lists -------------------------------------------------------------------------------

def _page(count: int, number: int, per_page: int = 10):
    return Paginator(list(range(count)), per_page).page(number)


def test_pagination_keeps_filters_and_tells_the_position():
    request = rf.get("/users/?q=li&page=5")
    html = render_to_string("components/pagination.html", {"page_obj": _page(200, 5)},
                            request=request)
    assert "Page 5 of 20, 200 rows" in html
    assert '<a class="page-link" href="?q=li&amp;page=4" rel="prev">' in html
    assert '<a class="page-link" href="?q=li&amp;page=6" rel="next">' in html
    assert ('<li class="page-item active" aria-current="page"><span class="page-link">5</span>'
            in html)
    assert ('<li class="page-item d-none d-sm-block"><a class="page-link" href="?q=li&amp;page=20">'
            "20</a></li>") in html
    assert ('<li class="page-item disabled d-none d-sm-block"><span class="page-link">…</span></li>'
            in html)


def test_pagination_of_a_single_page_shows_only_the_count():
    html = render_to_string("components/pagination.html", {"page_obj": _page(1, 1)},
                            request=rf.get("/"))
    assert "Page 1 of 1, 1 row" in html
    assert "page-link" not in html


def test_data_table_rows_links_and_column_classes():
    columns = [{"label": "Name", "sort": "name"}, {"label": "Amount", "class": "text-end"},
               {"label": "Status"}]
    rows = [{"cells": ["李雷", "12.50", format_html('<span class="badge">{}</span>', "New")],
             "url": "/users/1/"},
            {"cells": ["<script>", "0.00", "—"]}]
    html = render_to_string("components/data_table.html", {
        "columns": columns, "rows": rows, "page_obj": _page(2, 1)}, request=rf.get("/users/"))
    assert '<a href="?sort=name" class="table-sort " data-sort="name">Name</a>' in html
    assert '<th class="text-end">Amount</th>' in html
    assert '<td><a href="/users/1/">李雷</a></td>' in html
    assert '<td class="text-end">12.50</td>' in html
    assert '<td><span class="badge">New</span></td>' in html
    assert "<td>&lt;script&gt;</td>" in html
    assert "Page 1 of 1, 2 rows" in html


def test_data_table_without_rows_shows_the_empty_state():
    html = render_to_string("components/data_table.html", {
        "columns": [{"label": "Name"}], "rows": [], "empty_title": "No users match",
        "empty_text": "Change the filters."}, request=rf.get("/"))
    assert '<p class="empty-title">No users match</p>' in html
    assert '<p class="empty-subtitle text-secondary">Change the filters.</p>' in html
    assert "<table" not in html


def test_empty_state_defaults():
    html = render_to_string("components/empty_state.html", {})
    assert '<p class="empty-title">Nothing here yet</p>' in html
    assert '<i class="ti ti-mood-empty"' in html
    assert "empty-action" not in html


def test_confirm_modal_posts_with_csrf():
    html = render_to_string("components/confirm_modal.html", {
        "modal_id": "deactivate-7", "title": "Deactivate Li Lei?", "action": "/users/7/off/",
        "danger": True}, request=rf.get("/"))
    assert '<div class="modal modal-blur fade" id="deactivate-7"' in html
    assert '<form method="post" action="/users/7/off/">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<h3 id="deactivate-7-title">Deactivate Li Lei?</h3>' in html
    assert '<button type="submit" class="btn w-100 btn-danger">Confirm</button>' in html


def test_template_exists():
    assert render('{% template_exists "components/badge.html" as yes %}{{ yes }}') == "True"
    assert render('{% template_exists "exchange/partials/nope.html" as no %}{{ no }}') == "False"


def test_export_slot_shows_the_exchange_buttons(settings, tmp_path):
    partial = tmp_path / "exchange" / "partials" / "export_buttons.html"
    partial.parent.mkdir(parents=True)
    partial.write_text('<a href="{{ request.path }}?export=xlsx">Excel</a>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    html = render_to_string("components/export_buttons.html", {}, request=rf.get("/users/"))
    assert ('<div class="d-flex justify-content-end linli-export">'
            '<a href="/users/?export=xlsx">Excel</a></div>') in html


@pytest.mark.parametrize(("delta", "minutes"), [
    (datetime.timedelta(minutes=15), 15), (datetime.timedelta(seconds=61), 2),
    (None, 0)])
def test_duration_minutes(delta, minutes):
    assert render("{{ delta|duration_minutes }}", delta=delta) == str(minutes)
