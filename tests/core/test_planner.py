"""The written-join-order hint (core/planner.py): in force inside the block only, whether the
block opens the transaction or runs inside the caller's, and undone when the block fails."""

import pytest
from django.db import DatabaseError, connection, transaction

from linli.core.planner import in_written_join_order, written_join_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
    pytest.mark.django_db(transaction=True),
]


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def test_the_hint_holds_inside_the_block_and_not_after_it():
    default = _limit()
    assert default != "1"
    with written_join_order():
        assert _limit() == "1"
        assert connection.in_atomic_block
    assert _limit() == default
    assert not connection.in_atomic_block


def test_inside_the_callers_transaction_the_queries_after_the_block_plan_freely():
    default = _limit()
    with transaction.atomic():
        with written_join_order():
            assert _limit() == "1"
        assert _limit() == default


def test_a_failing_block_leaves_neither_the_hint_nor_its_writes():
    default = _limit()
    with transaction.atomic():
        with (pytest.raises(DatabaseError), written_join_order(),
              connection.cursor() as cursor):
            cursor.execute("SELECT 1/0")
        assert _limit() == default


def test_the_decorator_runs_the_whole_handler_under_the_hint():
    @in_written_join_order
    def handler(value):
        return value, _limit()

    assert handler("x") == ("x", "1")
    assert _limit() != "1"


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_an_export_is_planned_for_all_its_rows_and_only_while_it_is_read():
    from linli.core.exchange.exports import ExportColumn, export_response
    from linli.core.tenancy import Tenant
    from tests.builders import make_tenant

    make_tenant("物业甲")
    make_tenant("物业乙")
    seen = []

    def settings_now(_tenant):
        seen.append((_show("cursor_tuple_fraction"), _show("jit")))
        return "x"

    response = export_response(Tenant.objects.order_by("pk"),
                               [ExportColumn("Code", settings_now)], "t", "csv")
    assert _show("cursor_tuple_fraction") == "0.1"
    b"".join(response.streaming_content)
    assert seen == [("1", "off"), ("1", "off")]
    assert (_show("cursor_tuple_fraction"), _show("jit")) == ("0.1", "on")
    assert not connection.in_atomic_block
