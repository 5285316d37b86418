"""Standard roles a tenant starts with (PLAT-2): named permission bundles.

``role_presets_install`` (accounts.services) creates them for a tenant. The bundles hold only
permissions that exist today; each module adds its own permissions to the presets from its
AppConfig.ready() with ``extend_role_preset("technician", ["servicedesk.view_workorder"])``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass
class RolePreset:
    code: str
    name: Promise
    description: Promise
    permissions: list[str] = field(default_factory=list)


_SEE_ORG = ["accounts.view_orgunit"]
_SEE_PEOPLE = [*_SEE_ORG, "accounts.view_user", "accounts.view_membership"]
_MANAGE_STAFF = [
    *_SEE_PEOPLE, "accounts.view_role", "accounts.add_user", "accounts.change_user",
    "accounts.add_membership", "accounts.delete_membership",
]
# Platform-core permissions: the calendar everyone plans with, personal data for those who
# call people back, the outbox, imports and jobs for those who run the office.
_CALENDAR = ["core.view_calendarday"]
_REVEAL = ["core.reveal_personal_data"]
_RUN_OFFICE = [*_CALENDAR, *_REVEAL, "core.view_accesslog", "core.view_importrun",
               "core.view_jobrun", "core.view_message"]
_CORE_ADMIN = [*_RUN_OFFICE, "core.change_calendarday", "core.add_calendarday",
               "core.delete_calendarday", "core.change_message",
               "core.change_notificationtemplate"]
_EVERYTHING_IN_ACCOUNTS = [
    f"accounts.{action}_{model}"
    for model in ("orgunit", "user", "membership", "role")
    for action in ("view", "add", "change", "delete")
]

ROLE_PRESETS: dict[str, RolePreset] = {
    preset.code: preset
    for preset in [
        RolePreset("front-desk", _("Front desk"),
                   _("Takes calls and visits, records requests and answers questions."),
                   [*_SEE_ORG, "accounts.view_user", *_CALENDAR, *_REVEAL]),
        RolePreset("dispatcher", _("Dispatcher"),
                   _("Routes work orders to departments and handlers."),
                   [*_SEE_ORG, "accounts.view_user", *_CALENDAR, *_REVEAL]),
        RolePreset("department-supervisor", _("Department supervisor"),
                   _("Leads a department: assigns work and watches its service levels."),
                   [*_SEE_PEOPLE, *_CALENDAR, *_REVEAL]),
        RolePreset("technician", _("Technician"),
                   _("Works on the orders assigned to them, often from a phone."),
                   [*_SEE_ORG, *_CALENDAR, *_REVEAL]),
        RolePreset("project-manager", _("Project manager"),
                   _("Runs a project or management office and its staff."),
                   [*_MANAGE_STAFF, "core.view_domainevent", *_RUN_OFFICE]),
        RolePreset("sales-rep", _("Sales rep"),
                   _("Works leads and opportunities of a sales project."),
                   [*_SEE_ORG, *_CALENDAR, *_REVEAL]),
        RolePreset("sales-manager", _("Sales manager"),
                   _("Leads a sales team, reviews lost deals and approves discounts."),
                   [*_SEE_PEOPLE, *_RUN_OFFICE]),
        RolePreset("platform-operator", _("Platform operator"),
                   _("Platform operations: partner registry, callbacks and corrections."),
                   [*_SEE_ORG, "accounts.view_user", *_RUN_OFFICE]),
        RolePreset("agent", _("Agent"),
                   _("A regional agent working the property companies of their cities."),
                   [*_SEE_ORG, *_CALENDAR]),
        RolePreset("tenant-admin", _("Tenant administrator"),
                   _("Manages the organisation tree, users, roles and memberships."),
                   [*_EVERYTHING_IN_ACCOUNTS, "core.view_domainevent", *_CORE_ADMIN]),
    ]
}


def extend_role_preset(code: str, permissions: list[str]) -> None:
    """Add a module's permissions to a preset (call from the module's AppConfig.ready())."""
    preset = ROLE_PRESETS[code]
    preset.permissions.extend(p for p in permissions if p not in preset.permissions)
