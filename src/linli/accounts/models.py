"""Users, the organisation tree, roles and memberships (PLAT-1, PLAT-2), and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.tenancy import Tenant, TenantOwned

PATH_STEP = 6  # digits per level of OrgUnit.path: up to 999,999 children per node


class OrgUnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    BRANCH = "branch", _("Branch / region")
    PROJECT = "project", _("Project / management office")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")


class OrgUnit(TenantOwned):
    """A node of a tenant's organisation tree.

    ``path`` is a materialised path ("000001.000004.") so a subtree is one indexed prefix
    query; services keep it in step when a node moves.
    """

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    history = history()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "path"], name="orgunit_unique_path"),
            models.UniqueConstraint(
                fields=["tenant", "code"], condition=~models.Q(code=""),
                name="orgunit_unique_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_root(self) -> bool:
        return self.parent_id is None

    @property
    def org_unit_id(self) -> int | None:
        """A unit anchors its own scope, so ``user.has_perm(perm, unit)`` checks that very unit
        (the permission backend reads ``obj.org_unit_id``) instead of "held anywhere"."""
        return self.pk


class Role(TenantOwned):
    """A bundle of permissions, defined per tenant (front desk, dispatcher, ...)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50)
    description = models.TextField(_("description"), blank=True)
    permissions = models.ManyToManyField(
        Permission, blank=True, related_name="+", verbose_name=_("permissions")
    )

    history = history(m2m_fields=[permissions])

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="role_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Belongs to exactly one tenant; scope comes from memberships."""

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("tenant"),
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )

    history = history(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Membership(TenantOwned):
    """A user's role at an org unit; the subtree of that unit is the user's data scope."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="memberships",
        verbose_name=_("organisation unit"),
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("role")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    history = history()

    scope_by_org_unit = True
    org_unit_field = "org_unit_id"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.org_unit}"

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_until is None or today <= self.valid_until
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
