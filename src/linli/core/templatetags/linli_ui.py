"""Template helpers of the shell's components: query strings, sortable headers, badges, fields.

``{% load linli_ui %}`` then:

- ``{% querystring page=2 sort=None %}`` — the current query string with some parameters
  replaced; ``None`` or ``""`` removes a parameter. Returns ``?…`` (``?`` when nothing is left).
- ``{% sort_link "name" _("Name") %}`` — a header link cycling ``?sort=name`` → ``-name``;
  resets ``page``. Views read the parameter with ``sort_param(request, allowed, default)``.
- ``{% badge value Choices %}`` — a coloured badge with the choice's label; the colour is the
  member's ``badge`` property (e.g. ``"green"``) or ``colour=`` or grey.
- ``{% bootstrap_field form.field %}`` — one form field with label, errors and help text.
- ``{% elided_pages page_obj as pages %}`` — page numbers with ``…`` gaps for pagination.
- ``{% template_exists "app/partials/x.html" as has_x %}`` — guard an optional include.
- ``{{ items|has_view:shell_current }}`` — does a menu item list contain the current view.
- ``{% for column, cell in row.cells|with_columns:columns %}`` — a row's cells with columns.
- ``{{ timedelta|duration_minutes }}`` — whole minutes, rounded up.
- ``{% idempotency_field %}`` — a fresh key making a form safe to send twice.
"""

from __future__ import annotations

import math
import uuid
from decimal import Decimal

from django import forms, template
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.utils.html import format_html

from linli.core.idempotent_forms import FIELD

register = template.Library()

@register.simple_tag(takes_context=True)
def querystring(context, **changes) -> str:
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        elif isinstance(value, list | tuple):
            params.setlist(key, [str(v) for v in value])
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label, param: str = "sort") -> str:
    current = context["request"].GET.get(param, "")
    if current == field:
        state, target = "asc", f"-{field}"
    elif current == f"-{field}":
        state, target = "desc", field
    else:
        state, target = "", field
    href = querystring(context, **{param: target, "page": None})
    return format_html('<a href="{}" class="table-sort {}" data-sort="{}">{}</a>',
                       href, state, target, label)


def sort_param(request, allowed: dict[str, str], default: str, param: str = "sort") -> str:
    """The ``order_by`` expression for the ``?sort=`` a visitor chose.

    ``allowed`` maps public sort keys to model field paths, so that only listed columns can be
    sorted on and the query string never reaches ``order_by`` unchecked.
    """
    requested = request.GET.get(param, "")
    descending = requested.startswith("-")
    key = requested[1:] if descending else requested
    if key not in allowed:
        return default
    return f"-{allowed[key]}" if descending else allowed[key]


@register.inclusion_tag("components/badge.html")
def badge(value, choices=None, colour: str | None = None, label=None) -> dict:
    member = None
    # A misspelt context variable arrives as "" and simply gives a plain grey badge.
    if value in getattr(choices, "values", ()):
        member = choices(value)
    if label is None:
        label = member.label if member is not None else value
    if colour is None:
        colour = getattr(member, "badge", None) or "secondary"
    return {"label": label, "colour": colour}


def widget_kind(widget: forms.Widget) -> str:
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is a RadioSelect too
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, forms.Select):
        return "select"
    return "control"


_WIDGET_CLASS = {
    "choices": "form-check-input",
    "check": "form-check-input",
    "select": "form-select",
    "control": "form-control",
}


@register.inclusion_tag("components/field.html")
def bootstrap_field(field, compact: bool = False, inline: bool = False) -> dict:
    kind = widget_kind(field.field.widget)
    classes = [c for c in field.field.widget.attrs.get("class", "").split() if c]
    classes.append(_WIDGET_CLASS[kind])
    if field.errors:
        classes.append("is-invalid")
    css = " ".join(dict.fromkeys(classes))
    if kind == "choices":
        for option in field.subwidgets:
            option.data["attrs"]["class"] = css
        widget = None
    else:
        widget = field.as_widget(attrs={"class": css})
    return {"field": field, "kind": kind, "widget": widget, "compact": compact, "inline": inline}


@register.simple_tag
def elided_pages(page_obj, on_each_side: int = 2, on_ends: int = 1) -> list:
    return list(page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=on_each_side, on_ends=on_ends))


@register.simple_tag
def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except template.TemplateDoesNotExist:
        return False
    return True


@register.filter
def has_view(items, view_name: str) -> bool:
    return bool(view_name) and any(item.url_name == view_name for item in items)


@register.filter
def with_columns(cells, columns) -> list[tuple]:
    """Pairs each cell of a row with its column (for the column's CSS class)."""
    return list(zip(columns, cells, strict=False))


@register.filter
def duration_minutes(value) -> int:
    return math.ceil(value.total_seconds() / 60) if value else 0


@register.simple_tag
def idempotency_field() -> str:
    """A fresh key for a form that a phone may send twice (core/idempotent_forms.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD,
                       uuid.uuid4().hex)


@register.filter
def figure(value):
    """A report's figure as the page shows it: an amount of money in yuan or a count with
    its thousands grouped, anything else (a percentage, a name) as it is."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return "" if value is None else value
    return floatformat(value, "0g" if value == int(value) else "2g")
