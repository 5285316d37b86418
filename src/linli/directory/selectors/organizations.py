"""Reads of organisations and their contacts (DIR-3), always inside the viewer's scope.

An organisation is visible where the viewer holds directory.view_organization; its contacts
need directory.view_contact, the communities it serves directory.view_community. Missing and
out of scope are the same 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from linli.directory.choices import ContactRole
from linli.directory.models import Community, Contact, Organization, Person

# Public sort keys of the list → model fields (names sort by pinyin, so 阿 comes before 张).
ORGANIZATION_SORTS = {
    "name": "name_pinyin", "kind": "kind", "city": "city", "created": "created_at",
}
DEFAULT_SORT = "name_pinyin"


def organization_list(actor, filters: dict | None = None, action: str = "view"
                      ) -> QuerySet[Organization]:
    """Organisations the actor may ``action``, without those merged into another.

    ``filters``: kind, city (exact), q (part of the name, or the start of its pinyin or
    initials: "zhongjian", "zj"), parent (id), sort (an ORGANIZATION_SORTS key, "-" for
    descending).
    """
    filters = filters or {}
    qs = Organization.objects.restrict(actor, action).filter(merged_into__isnull=True)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("city"):
        qs = qs.filter(city=filters["city"])
    if filters.get("parent"):
        qs = qs.filter(parent_id=filters["parent"])
    query = (filters.get("q") or "").strip()
    if query:
        key = query.casefold().replace(" ", "")
        match = Q(name__icontains=query)
        if key.isascii() and key.isalnum():
            match |= Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
        qs = qs.filter(match)
    sort = filters.get("sort") or ""
    key = sort.lstrip("-")
    order = ORGANIZATION_SORTS.get(key, DEFAULT_SORT)
    if key in ORGANIZATION_SORTS and sort.startswith("-"):
        order = f"-{order}"
    return qs.select_related("parent").order_by(order, "name_pinyin", "pk")


def organization_list_with_contacts(actor, filters: dict | None = None
                                    ) -> QuerySet[Organization]:
    """The list with each row's visible contacts in ``visible_contacts`` (for exports)."""
    return organization_list(actor, filters).prefetch_related(
        Prefetch("contacts", queryset=contact_list(actor), to_attr="visible_contacts")
    )


def organization_cities(actor) -> list[str]:
    """Cities of the visible organisations, for the city filter."""
    return list(
        organization_list(actor).exclude(city="").order_by("city")
        .values_list("city", flat=True).distinct()
    )


def organizations_visible(actor, action: str = "view") -> QuerySet[Organization]:
    """Every organisation the actor may ``action``, merged ones included (detail pages)."""
    return Organization.objects.restrict(actor, action).select_related(
        "parent", "org_unit", "merged_into")


def organization_get(actor, pk, action: str = "view") -> Organization:
    return get_object_or_404(organizations_visible(actor, action), pk=pk)


def organization_find(actor, pk) -> Organization | None:
    """A visible organisation by id, or None (for choosing a parent in a payload)."""
    return organization_list(actor).filter(pk=pk).first()


def parent_choices(actor) -> QuerySet[Organization]:
    """Organisations that may be chosen as a parent company: the visible ones."""
    return organization_list(actor).select_related(None)


_COMMUNITY_ROLES = {
    "developer": _("Developer"),
    "property_company": _("Property company"),
    "management_office": _("Management office"),
}


@dataclass(frozen=True)
class CommunityLink:
    """A community that names the organisation, and as what (keys of _COMMUNITY_ROLES)."""

    community: Community
    roles: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [str(_COMMUNITY_ROLES[role]) for role in self.roles]


@dataclass(frozen=True)
class OrganizationDetail:
    organization: Organization
    contacts: list[Contact]
    branches: list[Organization]
    communities: list[CommunityLink]


def communities_of(actor, organization: Organization) -> list[CommunityLink]:
    """Visible communities that have ``organization`` as developer, property company or
    management office (one query)."""
    pk = organization.pk
    communities = Community.objects.restrict(actor, "view").filter(
        Q(developer_id=pk) | Q(property_company_id=pk) | Q(management_office_id=pk)
    ).order_by("name_pinyin", "pk")
    return [
        CommunityLink(community, [role for role in _COMMUNITY_ROLES
                                  if getattr(community, f"{role}_id") == pk])
        for community in communities
    ]


def organization_detail(actor, pk) -> OrganizationDetail:
    """One organisation with its visible contacts, branches and communities, in four queries."""
    return organization_detail_for(actor, organization_get(actor, pk))


def organization_detail_for(actor, organization: Organization) -> OrganizationDetail:
    """The detail of an organisation the caller has already resolved in the actor's scope."""
    return OrganizationDetail(
        organization=organization,
        contacts=list(contact_list(actor).filter(organization=organization)),
        branches=list(organization_list(actor, {"parent": organization.pk}).select_related(None)),
        communities=communities_of(actor, organization),
    )


# --- contacts -------------------------------------------------------------------------------

_ROLE_ORDER = {ContactRole.LEGAL_REPRESENTATIVE: 0, ContactRole.PERSON_IN_CHARGE: 1,
               ContactRole.STAFF: 2}


def contact_list(actor, action: str = "view") -> QuerySet[Contact]:
    """Contacts the actor may ``action``: the legal representative first, then by name."""
    rank = Case(*(When(role=role, then=Value(order)) for role, order in _ROLE_ORDER.items()),
                default=Value(9), output_field=IntegerField())
    return Contact.objects.restrict(actor, action).annotate(role_rank=rank).order_by(
        "organization_id", "role_rank", "name", "pk"
    )


def contacts_of(actor, organization: Organization) -> QuerySet[Contact]:
    return contact_list(actor).filter(organization=organization)


def contact_get(actor, pk, action: str = "view") -> Contact:
    return get_object_or_404(contact_list(actor, action).select_related("organization"), pk=pk)


def person_find(actor, pk) -> Person | None:
    """A visible person by id, or None (for linking a contact to a person in a payload)."""
    return Person.objects.restrict(actor, "view").filter(pk=pk).first()
