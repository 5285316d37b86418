"""Sales services: units on sale, the sale-status machine, price lists and their rules (data,
versioned, effective-dated, overlaps refused), quotes and their approval, re-pricing."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import events_for
from linli.directory.models import Unit
from linli.sales import services
from linli.sales.models import PriceList, PriceRule, Quote, SaleUnit
from linli.sales.states import ApprovalStatus, SaleStatus
from tests.builders import make_user
from tests.directory.builders import make_building, make_unit
from tests.sales.builders import START, make_sales, make_small_sales

pytestmark = pytest.mark.django_db

MANAGER = ["sales.view_saleunit", "sales.change_saleunit", "sales.view_pricelist",
           "sales.change_pricelist", "sales.add_quote", "sales.view_quote",
           "sales.approve_quote", "sales.add_saleunit"]
REP = ["sales.view_saleunit", "sales.view_pricelist", "sales.add_quote", "sales.view_quote"]


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# --- units on sale and their status ---------------------------------------------------------

def test_enlisting_reuses_the_directory_units_and_refuses_units_without_an_area(world):
    sales = make_small_sales(world)
    sale_unit = SaleUnit.objects.get(project=sales.project)
    assert sale_unit.unit.room_code == "88-机密101x" and sale_unit.built_area == D(85)
    assert sale_unit.orientation == "south" and sale_unit.status == SaleStatus.AVAILABLE
    # A second building whose units have no area: refused whole, naming the units.
    bare = make_building(sales.community, "9", floors=2)
    make_unit(bare, floor=1, number="101")
    make_unit(bare, floor=2, number="201")
    with pytest.raises(ValidationError) as exc:
        services.units_enlist(actor=None, project=sales.project, building=bare)
    assert "9-101" in _messages(exc) and "9-201" in _messages(exc)
    assert not SaleUnit.objects.filter(building=bare).exists()
    with pytest.raises(ValidationError) as exc:
        services.units_enlist(actor=None, project=sales.project, building=bare,
                              built_area=D("-5"))
    assert "between" in _messages(exc)
    assert services.units_enlist(actor=None, project=sales.project, building=bare,
                                 built_area=D("72.5")) == 2
    # Enlisting again adds nothing: a unit is on sale once.
    assert services.units_enlist(actor=None, project=sales.project, building=bare) == 0


def test_a_building_of_another_community_cannot_go_on_sale(world):
    one, other = make_small_sales(world), make_small_sales(world, name="别处", unit_number="1")
    with pytest.raises(ValidationError) as exc:
        services.units_enlist(actor=None, project=one.project, building=other.building)
    assert "community" in _messages(exc)


def test_sale_status_moves_only_along_the_transitions_and_marks_the_unit_sold(world):
    sales = make_small_sales(world)
    su = SaleUnit.objects.get(project=sales.project)
    with pytest.raises(ValidationError) as exc:
        services.sale_unit_transition(actor=None, sale_unit=su, to="contracted")
    assert "Available; it cannot become Contracted" in _messages(exc)
    # A deal's statuses are set by the deals' services (``by_deal``), as they do.
    for to in ("reserved", "subscribed", "contracted"):
        services.sale_unit_transition(actor=None, sale_unit=su, to=to, by_deal=True)
    assert Unit.objects.get(pk=su.unit_id).status == "sold"
    services.sale_unit_transition(actor=None, sale_unit=su, to="filed", by_deal=True)
    with pytest.raises(ValidationError):
        services.sale_unit_transition(actor=None, sale_unit=su, to="available")
    with pytest.raises(ValidationError):
        services.sale_unit_transition(actor=None, sale_unit=su, to="sold-twice")
    su.refresh_from_db()
    assert su.status == SaleStatus.FILED
    assert [e.new_value for e in events_for(su)][:1] == ["Filed"]


def test_a_stale_copy_cannot_move_a_unit_that_moved_meanwhile(world):
    sales = make_small_sales(world)
    first = SaleUnit.objects.get(project=sales.project)
    second = SaleUnit.objects.get(pk=first.pk)  # read before the first move
    services.sale_unit_transition(actor=None, sale_unit=first, to="reserved")
    with pytest.raises(ValidationError) as exc:
        services.sale_unit_transition(actor=None, sale_unit=second, to="reserved")
    assert "Reserved; it cannot become Reserved" in _messages(exc)


def test_moving_a_unit_needs_the_right_in_its_office(world):
    sales = make_small_sales(world)
    su = SaleUnit.objects.get(project=sales.project)
    rep = make_user(world.tenant, world.branch_a, REP)
    elsewhere = make_user(world.tenant, world.branch_b, MANAGER)
    for actor in (rep, elsewhere):
        with pytest.raises(PermissionDenied):
            services.sale_unit_transition(actor=actor, sale_unit=su, to="held")
    services.sale_unit_transition(actor=make_user(world.tenant, world.branch_a, MANAGER),
                                  sale_unit=su, to="held")


# --- price lists and rules ------------------------------------------------------------------

def test_price_lists_of_one_building_cannot_overlap_in_time(world):
    sales = make_small_sales(world)
    with pytest.raises(ValidationError) as exc:
        services.price_list_create(actor=None, project=sales.project, building=sales.building,
                                   name="二批", valid_from=dt.date(2026, 6, 1),
                                   base_price=D(11000))
    assert "already covers" in _messages(exc) and "机密楼盘-x价目表" in _messages(exc)
    services.price_list_update(actor=None, price_list=sales.price_list,
                               valid_to=dt.date(2026, 5, 31))
    services.price_list_create(actor=None, project=sales.project, building=sales.building,
                               name="二批", valid_from=dt.date(2026, 6, 1), base_price=D(11000))


@pytest.mark.parametrize("fields, field, words", [
    ({"base_price": D(0)}, "base_price", "above 0"),
    ({"base_price": D(-100)}, "base_price", "above 0"),
    ({"base_price": D(10**9)}, "base_price", "at most"),
    ({"valid_to": dt.date(2025, 1, 1)}, "valid_to", "before the first"),
    ({"name": "  "}, "name", "Enter a name"),
])
def test_absurd_price_lists_are_refused(world, fields, field, words):
    sales = make_small_sales(world)
    other = make_building(sales.community, "2", floors=2)
    data = {"name": "新价目表", "valid_from": START, "base_price": D(9000), **fields}
    with pytest.raises(ValidationError) as exc:
        services.price_list_create(actor=None, project=sales.project, building=other, **data)
    assert words in " ".join(exc.value.message_dict[field])
    assert not PriceList.objects.filter(building=other).exists()


@pytest.mark.parametrize("rule, words", [
    ({"kind": "area", "lower": D(30), "upper": D(50), "factor": D("1.3")}, "overlaps “<40㎡”"),
    ({"kind": "area", "lower": D(85), "factor": D("1.05")}, "overlaps “40~90㎡”"),
    ({"kind": "floor", "lower": D(10), "upper": D(12), "amount": D(800)}, "overlaps “1~10层”"),
    ({"kind": "orientation", "orientation": "south", "factor": D("1.05")}, "overlaps “全朝南”"),
    ({"kind": "total", "lower": D(1_000_000), "factor": D("0.95")}, "overlaps"),
])
def test_overlapping_rules_are_refused_with_the_rule_they_overlap(world, rule, words):
    sales = make_small_sales(world)
    before = PriceRule.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.rule_add(actor=None, price_list=sales.price_list, **rule)
    assert words in _messages(exc) and "change or end that rule first" in _messages(exc)
    assert PriceRule.objects.count() == before


@pytest.mark.parametrize("rule, field", [
    ({"kind": "area", "lower": D(90), "upper": D(80), "factor": D("1")}, "upper"),
    ({"kind": "area", "lower": D(-1), "upper": D(20), "factor": D("1")}, "lower"),
    ({"kind": "area", "lower": D(90), "factor": D("0")}, "factor"),
    ({"kind": "floor", "lower": D(21), "upper": D("30.5"), "amount": D(500)}, "lower"),
    ({"kind": "floor", "lower": D(21), "upper": D(30)}, "amount"),
    ({"kind": "floor", "lower": D(21), "upper": D(30), "amount": D(10**6)}, "amount"),
    ({"kind": "orientation", "orientation": "up", "factor": D("1.1")}, "orientation"),
    ({"kind": "total", "lower": D(2_000_000), "factor": D("1.2")}, "factor"),
    ({"kind": "agreed", "factor": D("0.9")}, "name"),
    ({"kind": "nonsense", "factor": D("0.9")}, "kind"),
])
def test_rules_that_make_no_sense_are_refused(world, rule, field):
    sales = make_small_sales(world)
    with pytest.raises(ValidationError) as exc:
        services.rule_add(actor=None, price_list=sales.price_list, **rule)
    assert field in exc.value.message_dict


def test_a_revised_rule_is_a_new_version_from_its_day_and_old_quotes_keep_their_steps(world):
    sales = make_small_sales(world)
    su = SaleUnit.objects.get(project=sales.project)
    before = services.quote_create(actor=None, sale_unit=su, on=dt.date(2026, 3, 1))
    south = PriceRule.objects.get(price_list=sales.price_list, orientation="south")
    newer = services.rule_revise(actor=None, rule=south, effective=dt.date(2026, 4, 1),
                                 factor=D("1.15"))
    south.refresh_from_db()
    assert (south.valid_to, newer.version, newer.valid_from) == (dt.date(2026, 3, 31), 2,
                                                                 dt.date(2026, 4, 1))
    with pytest.raises(ValidationError):  # only the latest version may be revised
        services.rule_revise(actor=None, rule=south, effective=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError):  # not on or before the day the version began
        services.rule_revise(actor=None, rule=newer, effective=dt.date(2026, 4, 1))
    # Floor 1, 85 m²: 11,000 × 1.1 = 12,100 before; × 1.15 = 12,650 after.
    assert before.unit_price == D("12100.00")
    march = services.quote_create(actor=None, sale_unit=su, on=dt.date(2026, 3, 31))
    april = services.quote_create(actor=None, sale_unit=su, on=dt.date(2026, 4, 1))
    assert (march.unit_price, april.unit_price) == (D("12100.00"), D("12650.00"))
    kept = {s["code"]: s for s in Quote.objects.get(pk=before.pk).steps}
    assert kept["orientation"]["operand"] == "×1.1"


def test_an_ended_rule_prices_no_unit_from_the_day_after(world):
    sales = make_small_sales(world)
    su = SaleUnit.objects.get(project=sales.project)
    south = PriceRule.objects.get(price_list=sales.price_list, orientation="south")
    with pytest.raises(ValidationError) as exc:  # before the rule took effect
        services.rule_end(actor=None, rule=south, last_day=dt.date(2025, 12, 31))
    assert exc.value.message_dict == {"last_day": [
        "A rule cannot end before 2026-01-01, when it took effect."]}
    services.rule_end(actor=None, rule=south, last_day=dt.date(2026, 6, 30))
    south.refresh_from_db()
    assert south.valid_to == dt.date(2026, 6, 30)
    # Floor 1, 85 m²: 11,000 × 1.1 while the rule holds, 11,000 after.
    june = services.quote_create(actor=None, sale_unit=su, on=dt.date(2026, 6, 30))
    july = services.quote_create(actor=None, sale_unit=su, on=dt.date(2026, 7, 1))
    assert (june.unit_price, july.unit_price) == (D("12100.00"), D("11000.00"))
    # A new south rule from July on; stretching the ended one over it is refused, unchanged.
    services.rule_add(actor=None, price_list=sales.price_list, kind="orientation",
                      orientation="south", factor=D("1.05"), valid_from=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.rule_end(actor=None, rule=south, last_day=dt.date(2026, 12, 31))
    assert "overlaps" in exc.value.messages[0]
    south.refresh_from_db()
    assert south.valid_to == dt.date(2026, 6, 30)


def test_only_the_latest_version_of_a_rule_is_ended(world):
    sales = make_small_sales(world)
    south = PriceRule.objects.get(price_list=sales.price_list, orientation="south")
    services.rule_revise(actor=None, rule=south, effective=dt.date(2026, 4, 1),
                         factor=D("1.15"))
    with pytest.raises(ValidationError) as exc:
        services.rule_end(actor=None, rule=south, last_day=dt.date(2026, 2, 1))
    assert exc.value.messages == ["This version was already revised; end the latest version."]
    south.refresh_from_db()
    assert south.valid_to == dt.date(2026, 3, 31)


# --- quotes ---------------------------------------------------------------------------------

def test_quotes_are_refused_for_taken_units_and_foreign_discounts(world):
    sales = make_small_sales(world)
    su = SaleUnit.objects.get(project=sales.project)
    with pytest.raises(ValidationError) as exc:
        services.quote_create(actor=None, sale_unit=su, on=dt.date(2025, 12, 31))
    assert "No price list" in _messages(exc)
    other = make_small_sales(world, name="别处", unit_number="1")
    foreign = services.rule_add(actor=None, price_list=other.price_list, kind="agreed",
                                name="员工价", factor=D("0.9"))
    with pytest.raises(ValidationError) as exc:
        services.quote_create(actor=None, sale_unit=su, on=START, agreed=[foreign])
    assert "agreed_rule_ids" in exc.value.message_dict
    services.sale_unit_transition(actor=None, sale_unit=su, to="subscribed", by_deal=True)
    with pytest.raises(ValidationError) as exc:
        services.quote_create(actor=None, sale_unit=su, on=START)
    assert "Subscribed and cannot be quoted" in _messages(exc)
    assert not Quote.objects.filter(sale_unit=su).exists()


def test_only_a_manager_decides_a_quote_below_the_floor_price_and_the_decision_is_kept(world):
    sales = make_sales(world, floors=5)
    deep = services.rule_add(actor=None, price_list=sales.price_list, kind="agreed",
                             name="特批五折", factor=D("0.5"))
    rep = make_user(world.tenant, world.branch_a, REP, display_name="销售员")
    manager = make_user(world.tenant, world.branch_a, MANAGER, display_name="销售经理")
    quote = services.quote_create(actor=rep, sale_unit=sales.unit(5, 2), on=START,
                                  agreed=[deep])
    assert quote.approval == ApprovalStatus.PENDING and quote.created_by == rep
    with pytest.raises(PermissionDenied):
        services.quote_decide(actor=rep, quote=quote, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.quote_decide(actor=manager, quote=quote, approve=False)
    assert "Say why" in _messages(exc)
    decided = services.quote_decide(actor=manager, quote=quote, approve=True, note="老业主")
    assert (decided.approval, decided.approved_by, decided.approval_note) == (
        ApprovalStatus.APPROVED, manager, "老业主")
    assert decided.approved_at is not None
    with pytest.raises(ValidationError):
        services.quote_decide(actor=manager, quote=quote, approve=False, note="again")
    normal = services.quote_create(actor=rep, sale_unit=sales.unit(5), on=START)
    with pytest.raises(ValidationError):
        services.quote_decide(actor=manager, quote=normal, approve=True)


# --- re-pricing -----------------------------------------------------------------------------

def test_repricing_a_building_previews_then_writes_in_one_go_and_spares_taken_units(world):
    sales = make_sales(world, floors=12)
    services.sale_unit_transition(actor=None, sale_unit=sales.unit(12), to="reserved")
    preview = services.reprice_preview(sales.price_list, on=START)
    assert len(preview) == 24 and SaleUnit.objects.filter(list_total__isnull=False).count() == 0
    rows = {r.sale_unit.unit.room_code: r for r in preview}
    assert rows["1-1201"].skipped and rows["1-1201"].new_total == D(1472625)
    assert rows["1-502"].new_total == D(638400) and rows["1-502"].changed
    assert services.reprice_apply(actor=None, price_list=sales.price_list, on=START) == 23
    assert sales.unit(5, 2).list_total == D(638400)
    assert sales.unit(12).list_total is None
    # A higher base price: the preview shows the difference, applying writes it.
    services.price_list_update(actor=None, price_list=sales.price_list, base_price=D(11000))
    row = next(r for r in services.reprice_preview(sales.price_list, on=START)
               if r.sale_unit.unit.room_code == "1-502")
    # (11,000 × 1.2 + 2,000) × 1.2 = 18,240; × 38 = 693,120
    assert (row.old_total, row.new_total, row.difference) == (D(638400), D(693120), D(54720))
    rep = make_user(world.tenant, world.branch_a, REP)
    with pytest.raises(PermissionDenied):
        services.reprice_apply(actor=rep, price_list=sales.price_list, on=START)
    assert sales.unit(5, 2).list_total == D(638400)
