"""Community profile statistics (DIR-6): who lives in a community and how its units are used.

Every distribution is a list of (label, count) pairs computed by aggregate queries in the
database, never by loading people into Python. The people counted are those the actor may view
who are related to a unit of the community on the reference date: 31 December of the chosen
year, or today for the current year. Unit statuses are the current ones (a status is a fact
recorded now, its past values live in the history only).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.directory.choices import UnitRole, UnitStatus
from linli.directory.models import Community, Person, Unit, UnitRelation

TOP_OCCUPATIONS = 10
# Lower bounds of the age bands in years; the last band is open-ended.
AGE_BANDS = (0, 25, 35, 45, 55, 65)
HOUSEHOLD_SIZES = 5  # households of this size or more share one bar: "5+"
EARLIEST_YEAR = 2000

Distribution = list[tuple[str, int]]


@dataclass(frozen=True)
class CommunityProfile:
    community: Community
    year: int
    reference_date: datetime.date
    people: int
    occupation: Distribution
    age: Distribution
    household_size: Distribution
    tenure: Distribution
    occupancy: Distribution

    def sections(self) -> list[tuple[str, str, Distribution]]:
        """(key, title, distribution) of every chart, in page order."""
        return [
            ("occupation", _("Occupation"), self.occupation),
            ("age", _("Age"), self.age),
            ("household_size", _("Household size"), self.household_size),
            ("tenure", _("Owners and renters"), self.tenure),
            ("occupancy", _("Unit status"), self.occupancy),
        ]


def stats_communities(actor) -> QuerySet[Community]:
    """The communities whose profile the actor may see, by name."""
    return Community.objects.restrict(actor, "view").order_by("name_pinyin", "pk")


def stats_community_get(actor, pk) -> Community:
    """A community in the actor's scope; another tenant's or an unseen branch's: 404."""
    return get_object_or_404(stats_communities(actor), pk=pk)


def stats_years() -> list[int]:
    """The years a profile can be asked for, newest first."""
    return list(range(timezone.localdate().year, EARLIEST_YEAR - 1, -1))


def reference_date(year: int) -> datetime.date:
    today = timezone.localdate()
    return today if year >= today.year else datetime.date(year, 12, 31)


def _relations_on(community: Community, day: datetime.date) -> QuerySet[UnitRelation]:
    return UnitRelation.objects.filter(
        unit__community=community,
    ).filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day))


def _residents(actor, relations: QuerySet[UnitRelation]) -> QuerySet[Person]:
    return (Person.objects.restrict(actor, "view").filter(merged_into__isnull=True)
            .filter(Exists(relations.filter(person=OuterRef("pk")))))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _occupation(people: QuerySet[Person]) -> Distribution:
    rows = list(people.exclude(occupation="").values("occupation")
                .annotate(n=Count("pk")).order_by("-n", "occupation"))
    result = [(r["occupation"], r["n"]) for r in rows[:TOP_OCCUPATIONS]]
    other = sum(r["n"] for r in rows[TOP_OCCUPATIONS:])
    if other:
        result.append((_("Other"), other))
    unknown = people.filter(occupation="").count()
    if unknown:
        result.append((_("Not recorded"), unknown))
    return result


def _age(people: QuerySet[Person], day: datetime.date) -> Distribution:
    """Age on ``day`` from the birthday: someone born on ``day`` 25 years ago is 25."""
    counts: dict[str, Count] = {}
    labels = []
    for index, low in enumerate(AGE_BANDS):
        high = AGE_BANDS[index + 1] if index + 1 < len(AGE_BANDS) else None
        if low == 0:
            label = _("Under %(age)d") % {"age": high}
        elif high is None:
            label = _("%(age)d and over") % {"age": low}
        else:
            label = f"{low}–{high - 1}"
        # Aged at least ``low``: born on or before day-minus-low-years; under ``high``: born
        # after day-minus-high-years.
        band = Q(birthday__lte=_years_before(day, low))
        if high is not None:
            band &= Q(birthday__gt=_years_before(day, high))
        key = f"band{index}"
        counts[key] = Count("pk", filter=band)
        labels.append((key, label))
    counts["unknown"] = Count("pk", filter=Q(birthday__isnull=True) | Q(birthday__gt=day))
    totals = people.aggregate(**counts)
    result = [(label, totals[key]) for key, label in labels]
    if totals["unknown"]:
        result.append((_("Not recorded"), totals["unknown"]))
    return result


def _household_size(people: QuerySet[Person]) -> Distribution:
    counts = {f"size{n}": Count("pk", filter=Q(household_size=n))
              for n in range(1, HOUSEHOLD_SIZES)}
    counts["large"] = Count("pk", filter=Q(household_size__gte=HOUSEHOLD_SIZES))
    counts["unknown"] = Count("pk", filter=Q(household_size__isnull=True)
                              | Q(household_size=0))
    totals = people.aggregate(**counts)
    result = [(str(n), totals[f"size{n}"]) for n in range(1, HOUSEHOLD_SIZES)]
    result.append((f"{HOUSEHOLD_SIZES}+", totals["large"]))
    if totals["unknown"]:
        result.append((_("Not recorded"), totals["unknown"]))
    return result


def _tenure(actor, relations: QuerySet[UnitRelation]) -> Distribution:
    """People by their relation: owners (owner or co-owner), renters, other residents. Someone
    who both owns and rents counts in each group."""
    visible = relations.filter(person__in=Person.objects.restrict(actor, "view").filter(
        merged_into__isnull=True).values("pk"))
    groups = {
        "owners": Q(role__in=(UnitRole.OWNER, UnitRole.CO_OWNER)),
        "renters": Q(role=UnitRole.RENTER),
        "residents": Q(role=UnitRole.RESIDENT),
    }
    totals = visible.aggregate(**{key: Count("person", filter=q, distinct=True)
                                  for key, q in groups.items()})
    return [(_("Owners"), totals["owners"]), (_("Renters"), totals["renters"]),
            (_("Residents"), totals["residents"])]


def _occupancy(community: Community) -> Distribution:
    counts = dict(Unit.objects.filter(community=community).values_list("status")
                  .annotate(n=Count("pk")).order_by())
    return [(str(status.label), counts.get(status.value, 0)) for status in UnitStatus]


def community_profile(actor, community: Community, year: int) -> CommunityProfile:
    """The distributions of ``community`` (already resolved in the actor's scope) for
    ``year``; see the module docstring for who is counted."""
    day = reference_date(year)
    relations = _relations_on(community, day)
    people = _residents(actor, relations)
    return CommunityProfile(
        community=community, year=year, reference_date=day, people=people.count(),
        occupation=_occupation(people), age=_age(people, day),
        household_size=_household_size(people), tenure=_tenure(actor, relations),
        occupancy=_occupancy(community),
    )
