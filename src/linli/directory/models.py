"""Customer and property master data (DIR-1 … DIR-3).

Every row carries ``tenant_id`` and ``org_unit_id`` (the management office or project that owns
it); buildings, sections and units copy their community's org unit so that scope checks never
need a join. Services keep these copies in step.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.tenancy import OrgScoped, TimeStamped
from linli.directory.choices import (
    CommunityKind,
    ContactChannel,
    ContactRole,
    DecorationStatus,
    FamilyRelation,
    Gender,
    IncomeBand,
    OrganizationKind,
    Orientation,
    PhoneKind,
    Purpose,
    UnitRole,
    UnitStatus,
    UnitUse,
)

AREA = {"max_digits": 9, "decimal_places": 2}


class Organization(OrgScoped, TimeStamped):
    """A company the tenant deals with: property company, office, developer, agent, …"""

    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_pinyin = models.CharField(max_length=400, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="branches",
        verbose_name=_("parent company"),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True, db_index=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("company address"), max_length=300, blank=True)
    mailing_address = models.CharField(_("mailing address"), max_length=300, blank=True)
    landline = models.CharField(_("landline"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )

    history = history()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["tenant", "kind", "name"])]

    def __str__(self) -> str:
        return self.name


class Contact(OrgScoped, TimeStamped):
    """A person attached to an organisation (DIR-3)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contacts",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=32, choices=ContactRole.choices,
                            default=ContactRole.STAFF)
    title = models.CharField(_("title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    landline = models.CharField(_("landline"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    qq = models.CharField(_("QQ"), max_length=20, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    history = history()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organization", "role", "name"]

    def __str__(self) -> str:
        return self.name


class Community(OrgScoped, TimeStamped):
    """A residential estate (小区/楼盘); also a developer's sales project."""

    name = models.CharField(_("name"), max_length=200)
    name_pinyin = models.CharField(max_length=400, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=CommunityKind.choices,
                            default=CommunityKind.COMMODITY)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True, db_index=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True, validators=[MinValueValidator(-90),
                                                           MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=[MinValueValidator(-180),
                                                            MaxValueValidator(180)])
    developer = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("developer"), limit_choices_to={"kind": OrganizationKind.DEVELOPER},
    )
    property_company = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("property company"),
        limit_choices_to={"kind": OrganizationKind.PROPERTY_COMPANY},
    )
    management_office = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("management office"),
        limit_choices_to={"kind": OrganizationKind.MANAGEMENT_OFFICE},
    )
    price_level = models.DecimalField(_("average price per m²"), max_digits=12, decimal_places=2,
                                      null=True, blank=True, validators=[MinValueValidator(0)])
    total_units = models.PositiveIntegerField(_("planned units"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    property_phone = models.CharField(_("property service phone"), max_length=20, blank=True)

    history = history()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="community_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Building(OrgScoped):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="buildings",
                                  verbose_name=_("community"))
    number = models.CharField(_("building number"), max_length=20)
    name = models.CharField(_("name"), max_length=100, blank=True)
    floors_above = models.PositiveSmallIntegerField(_("floors above ground"), default=1,
                                                    validators=[MaxValueValidator(200)])
    floors_below = models.PositiveSmallIntegerField(_("floors below ground"), default=0,
                                                    validators=[MaxValueValidator(10)])
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    # Numeric part of ``number`` so that building 10 sorts after building 9.
    sort_key = models.PositiveIntegerField(default=0, editable=False)

    history = history()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["community", "sort_key", "number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="building_unique_number")
        ]

    def __str__(self) -> str:
        return self.name or _("Building %(number)s") % {"number": self.number}


class Section(OrgScoped):
    """An entrance / stairwell (单元) of a building."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="sections",
                                 verbose_name=_("building"))
    number = models.CharField(_("section number"), max_length=20)

    history = history()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="section_unique_number")
        ]

    def __str__(self) -> str:
        return _("Section %(number)s") % {"number": self.number}


class Layout(OrgScoped):
    """A floor-plan type (户型) of a community."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="layouts",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=50)
    bedrooms = models.PositiveSmallIntegerField(_("bedrooms"), default=0)
    living_rooms = models.PositiveSmallIntegerField(_("living rooms"), default=0)
    bathrooms = models.PositiveSmallIntegerField(_("bathrooms"), default=0)
    built_area = models.DecimalField(_("built area (m²)"), null=True, blank=True, **AREA)

    history = history()

    class Meta:
        verbose_name = _("layout")
        verbose_name_plural = _("layouts")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="layout_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(OrgScoped, TimeStamped):
    """One home or shop; ``room_code`` like "3-2-1502" is unique within its community."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="units",
                                  verbose_name=_("community"))
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units",
                                 verbose_name=_("building"))
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="units", verbose_name=_("section"))
    floor = models.SmallIntegerField(_("floor"))
    number = models.CharField(_("room number"), max_length=20)
    room_code = models.CharField(_("room code"), max_length=60)
    use = models.CharField(_("use"), max_length=20, choices=UnitUse.choices,
                           default=UnitUse.RESIDENTIAL)
    layout = models.ForeignKey(Layout, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="units", verbose_name=_("layout"))
    built_area = models.DecimalField(_("built area (m²)"), null=True, blank=True, **AREA,
                                     validators=[MinValueValidator(0)])
    measured_area = models.DecimalField(_("measured area (m²)"), null=True, blank=True, **AREA,
                                        validators=[MinValueValidator(0)])
    orientation = models.CharField(_("orientation"), max_length=20, blank=True,
                                   choices=Orientation.choices)
    status = models.CharField(_("status"), max_length=20, choices=UnitStatus.choices,
                              default=UnitStatus.UNSOLD)
    decoration_status = models.CharField(_("decoration"), max_length=20, blank=True,
                                         choices=DecorationStatus.choices)

    history = history()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["community", "building__sort_key", "section__number", "-floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "room_code"], name="unit_unique_code"),
        ]
        indexes = [
            models.Index(fields=["tenant", "room_code"]),
            models.Index(fields=["building", "floor"]),
        ]

    def __str__(self) -> str:
        return self.room_code


class Zone(OrgScoped):
    """Households served by one housekeeper (管家): a set of buildings and/or sections."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="zones",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=100)
    housekeeper = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("housekeeper"),
    )
    public_phone = models.CharField(_("published phone"), max_length=20, blank=True)
    buildings = models.ManyToManyField(Building, blank=True, related_name="zones",
                                       verbose_name=_("buildings"))
    sections = models.ManyToManyField(Section, blank=True, related_name="zones",
                                      verbose_name=_("sections"))

    history = history(m2m_fields=[buildings, sections])

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="zone_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Person(OrgScoped, TimeStamped):
    """Any natural person: owner, co-owner, family member, renter, prospect or contact."""

    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=10, blank=True, choices=Gender.choices)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    income_band = models.CharField(_("income"), max_length=20, blank=True,
                                   choices=IncomeBand.choices)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True,
                                                      validators=[MaxValueValidator(50)])
    hobbies = models.CharField(_("hobbies"), max_length=300, blank=True)
    pets = models.CharField(_("pets"), max_length=200, blank=True)
    holidays = models.CharField(_("holidays they care about"), max_length=200, blank=True)
    preferred_channel = models.CharField(_("preferred contact channel"), max_length=20,
                                         blank=True, choices=ContactChannel.choices)
    preferred_time = models.CharField(_("preferred contact time"), max_length=100, blank=True)
    purpose = models.CharField(_("investment or self-use"), max_length=20, blank=True,
                               choices=Purpose.choices)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    has_mortgage = models.BooleanField(_("has a mortgage"), null=True, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_verified = models.BooleanField(_("identity verified"), default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )

    history = history()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["tenant", "name"]),
            models.Index(fields=["tenant", "id_number"]),
        ]

    def __str__(self) -> str:
        return self.name


class PersonPhone(OrgScoped):
    """One phone number of a person, in E.164; ``last4`` serves "the last four digits" search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones",
                               verbose_name=_("person"))
    number = models.CharField(_("number"), max_length=20)
    last4 = models.CharField(max_length=4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=PhoneKind.choices,
                            default=PhoneKind.MOBILE)
    is_preferred = models.BooleanField(_("preferred"), default=False)

    history = history()

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["-is_preferred", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="phone_unique_per_person"),
            models.UniqueConstraint(fields=["person"], condition=Q(is_preferred=True),
                                    name="phone_one_preferred"),
        ]
        indexes = [
            models.Index(fields=["tenant", "last4"]),
            models.Index(fields=["tenant", "number"]),
        ]

    def __str__(self) -> str:
        return self.number


class UnitRelation(OrgScoped):
    """A person's role at a unit over a period; ownership transfers close the old one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="unit_relations",
                               verbose_name=_("person"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="relations",
                             verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=20, choices=UnitRole.choices)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = _("unit relation")
        verbose_name_plural = _("unit relations")
        ordering = ["unit", "role", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "role"], condition=Q(end_date__isnull=True),
                name="unit_relation_one_current",
            ),
        ]
        indexes = [models.Index(fields=["unit", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.unit}"


class PersonRelation(OrgScoped):
    """A family tie: ``person`` is the ``kind`` of ``relative`` (e.g. spouse, child)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relatives",
                               verbose_name=_("person"))
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("relative"))
    kind = models.CharField(_("relation"), max_length=20, choices=FamilyRelation.choices)

    history = history()

    class Meta:
        verbose_name = _("family relation")
        verbose_name_plural = _("family relations")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="person_relation_unique"),
            models.CheckConstraint(condition=~Q(person=models.F("relative")),
                                   name="person_relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.relative} ({self.get_kind_display()})"
