"""Forms of the service desk's configuration screens (SVC-2 … SVC-4): service levels and
their clocks, routing rules, categories, the priority matrix, the desk policy and the seed
install.

Choices come from the selectors (this tenant's departments, the communities and buildings the
user sees, the category tree); labels are the models' own. The forms only parse: the services
judge every rule, and their errors come back to the fields with ``attach_errors``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import add_service_errors
from linli.directory.selectors import people as people_selectors
from linli.directory.selectors import property as property_selectors
from linli.servicedesk import selectors
from linli.servicedesk.choices import Area, ClockKind, ClockUnit, Level, OrderType, Priority
from linli.servicedesk.forms import DATE, EMPTY, DepartmentChoiceField
from linli.servicedesk.models import Category, DeskPolicy, RoutingRule, ServiceClock, ServiceLevel
from linli.servicedesk.services.config import SEED_DEPARTMENTS

VALIDITY = ("valid_from", "valid_until", "is_active")


def _model_field(model, name: str, **overrides) -> forms.Field:
    """The model field's own form field (its label, help text and checks), not required
    unless asked: the services decide what is missing."""
    field = model._meta.get_field(name).formfield(**overrides)
    if isinstance(field.widget, forms.DateInput):
        field.widget = DATE
    return field


def _choice(model, name: str, choices, required: bool = False) -> forms.ChoiceField:
    label = capfirst(model._meta.get_field(name).verbose_name)
    return forms.ChoiceField(label=label, required=required,
                             choices=choices if required else [*EMPTY, *choices])


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    add_service_errors(form, error)


class _ValidityForm(forms.Form):
    def _validity(self, model) -> None:
        self.fields["valid_from"] = _model_field(model, "valid_from", required=False)
        self.fields["valid_until"] = _model_field(model, "valid_until", required=False)
        self.fields["is_active"] = _model_field(model, "is_active", required=False)

    def validity_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in VALIDITY}


def validity_initial(record) -> dict:
    return {name: getattr(record, name) for name in VALIDITY}


def category_tree_choices(actor) -> tuple[list, dict[int, Category]]:
    """Every category the user sees, grouped by order type and indented under its parent,
    and the categories by id (the tree is read once)."""
    groups: dict[str, list] = {}
    found: dict[int, Category] = {}
    for category, depth in selectors.category_tree(actor):
        found[category.pk] = category
        label = "\u3000" * depth + category.name
        if not category.is_active:
            label += f" ({_('inactive')})"
        groups.setdefault(category.order_type, []).append((category.pk, label))
    return [*EMPTY, *[(OrderType(t).label, items) for t, items in groups.items()]], found


class _CategoryChoiceForm(_ValidityForm):
    """Picks categories from the tree; ``category_field`` names the field holding one."""

    def _tree(self, actor, *names: str) -> None:
        choices, self._categories = category_tree_choices(actor)
        for name in names:
            self.fields[name].choices = choices

    def _category(self, name: str) -> Category | None:
        value = self.cleaned_data.get(name)
        return self._categories.get(value) if value else None


# --- service levels -------------------------------------------------------------------------

class ServiceLevelForm(_ValidityForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("code", "name"):
            self.fields[name] = _model_field(ServiceLevel, name)
        self.fields["order_type"] = _choice(ServiceLevel, "order_type", OrderType.choices)
        self.fields["order_type"].help_text = _("Empty: any type.")
        self.fields["priority"] = _choice(ServiceLevel, "priority", Priority.choices)
        self.fields["priority"].help_text = _("Empty: any priority.")
        for name in ("for_formal_complaints", "warning_share", "callback_hours"):
            self.fields[name] = _model_field(ServiceLevel, name, required=False)
        self._validity(ServiceLevel)

    def clean(self):
        data = super().clean()
        for name, default in (("warning_share", ServiceLevel._meta.get_field(
                "warning_share").default), ("callback_hours", 24)):
            if name in data and data[name] is None:
                data[name] = default
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"code": data["code"], "name": data["name"], "order_type": data["order_type"],
                "priority": data["priority"],
                "for_formal_complaints": data["for_formal_complaints"],
                "warning_share": data["warning_share"], "callback_hours": data["callback_hours"],
                **self.validity_kwargs()}


def level_initial(level: ServiceLevel) -> dict:
    names = ("code", "name", "order_type", "priority", "for_formal_complaints",
             "warning_share", "callback_hours")
    return {**{name: getattr(level, name) for name in names}, **validity_initial(level)}


class ClockForm(forms.Form):
    """One clock of a level; a row left without a clock is ignored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = _choice(ServiceClock, "kind", ClockKind.choices)
        self.fields["amount"] = forms.DecimalField(
            label=capfirst(ServiceClock._meta.get_field("amount").verbose_name),
            required=False, max_digits=7, decimal_places=2)
        self.fields["unit"] = _choice(ServiceClock, "unit", ClockUnit.choices, required=True)
        self.fields["unit"].initial = ClockUnit.CALENDAR_HOURS

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount."))
        if not data.get("kind") and data.get("amount") is not None:
            self.add_error("kind", _("Choose the clock."))
        return data


class BaseClockFormSet(forms.BaseFormSet):
    def clocks(self) -> list[tuple[str, object, str]]:
        """The clocks entered, for ``service_level_save``; ``self.rows`` keeps which form
        each one came from, so the service's errors find their row."""
        self.rows = []
        found = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data.get("kind") or data.get("DELETE"):
                continue
            self.rows.append(form)
            found.append((data["kind"], data["amount"], data["unit"]))
        return found

    def attach_errors(self, error: ValidationError) -> ValidationError | None:
        """Puts the service's ``clocks…`` errors on the rows and returns the others."""
        if not hasattr(error, "error_dict"):
            return error
        others = {}
        for name, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            parts = name.split(".")
            if parts[0] != "clocks":
                others[name] = messages
            elif len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self.rows):
                form = self.rows[int(parts[1])]
                form.add_error(parts[2] if parts[2] in form.fields else None, messages)
            else:
                self._non_form_errors = self.error_class(
                    [*self.non_form_errors(), *messages], renderer=self.renderer)
        return ValidationError(others) if others else None


ClockFormSet = forms.formset_factory(ClockForm, formset=BaseClockFormSet, extra=len(ClockKind),
                                     max_num=len(ClockKind), absolute_max=len(ClockKind),
                                     can_delete=True)


def clock_initial(level: ServiceLevel) -> list[dict]:
    clocks = sorted(level.clocks.all(), key=lambda c: ClockKind.values.index(c.kind))
    return [{"kind": c.kind, "amount": c.amount, "unit": c.unit} for c in clocks]


# --- routing rules --------------------------------------------------------------------------

class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.community.name} · {obj.name}"


class RoutingRuleForm(_CategoryChoiceForm):
    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        departments = selectors.configuration_departments(actor)
        self.fields["position"] = _model_field(RoutingRule, "position")
        self.fields["order_type"] = _choice(RoutingRule, "order_type", OrderType.choices)
        self.fields["category"] = forms.TypedChoiceField(
            label=capfirst(RoutingRule._meta.get_field("category").verbose_name),
            required=False, coerce=int, empty_value=None,
            help_text=RoutingRule._meta.get_field("category").help_text)
        self.fields["area"] = _choice(RoutingRule, "area", Area.choices)
        self.fields["community"] = forms.ModelChoiceField(
            label=capfirst(RoutingRule._meta.get_field("community").verbose_name),
            queryset=people_selectors.communities_for_filter(actor), required=False)
        self.fields["building"] = BuildingChoiceField(
            label=capfirst(RoutingRule._meta.get_field("building").verbose_name),
            queryset=property_selectors.building_list(actor).select_related("community")
            .order_by("community__name", "name", "pk"), required=False)
        self.fields["department"] = DepartmentChoiceField(
            label=capfirst(RoutingRule._meta.get_field("department").verbose_name),
            queryset=departments)
        self.fields["team"] = DepartmentChoiceField(
            label=capfirst(RoutingRule._meta.get_field("team").verbose_name),
            queryset=departments, required=False,
            help_text=_("A unit inside the department."))
        for name in ("to_housekeeper", "note"):
            self.fields[name] = _model_field(RoutingRule, name, required=False)
        self._validity(RoutingRule)
        self._tree(actor, "category")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"position": data["position"], "order_type": data["order_type"],
                "category": self._category("category"), "area": data["area"],
                "community": data["community"], "building": data["building"],
                "department": data["department"], "team": data["team"],
                "to_housekeeper": data["to_housekeeper"], "note": data["note"],
                **self.validity_kwargs()}


def rule_initial(rule: RoutingRule) -> dict:
    return {"position": rule.position, "order_type": rule.order_type,
            "category": rule.category_id, "area": rule.area, "community": rule.community_id,
            "building": rule.building_id, "department": rule.department_id,
            "team": rule.team_id, "to_housekeeper": rule.to_housekeeper, "note": rule.note,
            **validity_initial(rule)}


# --- categories -----------------------------------------------------------------------------

class CategoryForm(_CategoryChoiceForm):
    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_type"] = _choice(Category, "order_type", OrderType.choices,
                                            required=True)
        self.fields["parent"] = forms.TypedChoiceField(
            label=capfirst(Category._meta.get_field("parent").verbose_name), required=False,
            coerce=int, empty_value=None, help_text=_("Empty: a top category."))
        self.fields["name"] = _model_field(Category, "name")
        self.fields["default_priority"] = _choice(Category, "default_priority",
                                                  Priority.choices)
        self.fields["default_priority"].help_text = _("Empty: from the priority matrix.")
        self.fields["default_area"] = _choice(Category, "default_area", Area.choices)
        self.fields["default_department"] = DepartmentChoiceField(
            label=capfirst(Category._meta.get_field("default_department").verbose_name),
            queryset=selectors.configuration_departments(actor), required=False)
        self.fields["service_level"] = forms.ModelChoiceField(
            label=capfirst(Category._meta.get_field("service_level").verbose_name),
            queryset=selectors.service_level_list(actor).order_by("code"), required=False,
            help_text=_("Empty: the level of the order's type and priority."))
        self._validity(Category)
        self._tree(actor, "parent")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"order_type": data["order_type"], "name": data["name"],
                "parent": self._category("parent"),
                "default_priority": data["default_priority"],
                "default_area": data["default_area"],
                "default_department": data["default_department"],
                "service_level": data["service_level"], **self.validity_kwargs()}


def category_initial(category: Category) -> dict:
    return {"order_type": category.order_type, "parent": category.parent_id,
            "name": category.name, "default_priority": category.default_priority,
            "default_area": category.default_area,
            "default_department": category.default_department_id,
            "service_level": category.service_level_id, **validity_initial(category)}


# --- the priority matrix and the desk policy ------------------------------------------------

class PriorityMatrixForm(forms.Form):
    """One priority per urgency × impact cell, named ``<urgency>_<impact>``."""

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        for row in grid:
            for cell in row:
                self.fields[cell.name] = forms.ChoiceField(
                    label=f"{Level(cell.urgency).label} × {Level(cell.impact).label}",
                    choices=Priority.choices, initial=cell.priority)

    def rows(self) -> list[tuple[str, list]]:
        """(urgency label, the row's bound fields with their cells) for the grid."""
        return [(Level(row[0].urgency).label, [(self[cell.name], cell) for cell in row])
                for row in self.grid]

    def service_kwargs(self) -> dict:
        return {"cells": {(cell.urgency, cell.impact): self.cleaned_data[cell.name]
                          for row in self.grid for cell in row}}


POLICY_FIELDS = ("repeat_complaint_hours", "quarantine_clocks_from_intake",
                 "callback_retry_hours", "callback_max_attempts", "unsatisfied_at_most",
                 "duplicate_window_hours")


class DeskPolicyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in POLICY_FIELDS:
            # Left empty, the window of likely duplicates stays as it is.
            self.fields[name] = _model_field(DeskPolicy, name, required=name not in (
                "quarantine_clocks_from_intake", "duplicate_window_hours"))

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


def policy_initial(policy: DeskPolicy) -> dict:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


# --- the seed install -----------------------------------------------------------------------

SEED_LABELS = {
    "service": _("Customer service (客服部)"),
    "engineering": _("Engineering (工程部)"),
    "security": _("Security (秩序部)"),
    "environment": _("Environment (环境部)"),
    "finance": _("Finance (财务部)"),
}
# How the seed's departments are usually named, to preselect them.
SEED_NAMES = {"service": "客服", "engineering": "工程", "security": "秩序",
              "environment": "环境", "finance": "财务"}


class SeedInstallForm(forms.Form):
    """Which of the tenant's departments does the work of each seed department (empty: its
    categories get no default department and no routing rule)."""

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self._units = {d.pk: d for d in selectors.configuration_departments(actor)}
        choices = [*EMPTY, *[(d.pk, "\u3000" * max(d.depth - 1, 0) + d.name)
                             for d in self._units.values()]]
        for key in SEED_DEPARTMENTS:
            guess = next((pk for pk, d in self._units.items() if SEED_NAMES[key] in d.name),
                         None)
            self.fields[key] = forms.TypedChoiceField(
                label=SEED_LABELS[key], choices=choices, coerce=int, empty_value=None,
                required=False, initial=guess)

    def departments(self) -> dict:
        return {key: self._units.get(self.cleaned_data.get(key)) for key in SEED_DEPARTMENTS}
