"""Planning hints for PostgreSQL, for queries whose planning costs more than their running.

A detail page reads one row by primary key together with a dozen rows it points to (its
community, unit, person, category, department, handler, ...). PostgreSQL tries the possible
orders of those joins before running the query; with ten or more joins that search took
10-25 ms on the benchmark's data set while running the query took under 1 ms. The order in
which Django writes the joins (the row first, then each foreign key) is already the best one
for such a read, so the search is switched off for it: ``join_collapse_limit = 1`` makes the
planner keep the written order (PostgreSQL manual, "Controlling the Planner with Explicit
JOIN Clauses").

Only for reads driven by one table's primary key or a narrow index; never for report queries,
whose best join order depends on the data. SQLite plans differently and is left alone.

Report queries have the opposite trouble (``report_planning``): grouping and counting a year of
a tenant's orders is estimated costly enough that PostgreSQL compiles the query to machine code
(JIT) first, which took about a second on the benchmark's data set while reading and counting
the rows took a tenth of that; and counting the rows in several hash tables at once (GROUPING
SETS) needs more than the default 4 MB of working memory, or they are sorted on disk.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def _settings(using: str, settings: dict[str, str]) -> Iterator[None]:
    """PostgreSQL's ``settings`` for the queries of the block."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # SET LOCAL lasts until the end of the transaction: the block opens one, or a savepoint
    # inside the caller's, whose rollback on an error undoes the setting too. Inside the
    # caller's transaction the settings are put back for the queries that follow the block.
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            for name, value in settings.items():
                cursor.execute(f"SET LOCAL {name} = {value}")
        yield
        if nested:
            with connection.cursor() as cursor:
                for name in settings:
                    cursor.execute(f"SET LOCAL {name} TO DEFAULT")


def written_join_order(using: str = "default"):
    """Within the block, PostgreSQL joins tables in the order the SQL names them."""
    return _settings(using, {"join_collapse_limit": "1"})


def report_planning(using: str = "default"):
    """Within the block, PostgreSQL runs report queries without compiling them first and
    counts in memory (32 MB per hash table at most)."""
    return _settings(using, {"jit": "off", "work_mem": "'32MB'"})


def export_planning(using: str = "default"):
    """Within the block, a query whose every row is read through a cursor (an export) is
    planned for reading them all and run as reports are (``report_planning``). A cursor is
    otherwise planned to return its first tenth fast, and the plans PostgreSQL picks for that
    read 10,000 rows of a dozen joins several times slower."""
    return _settings(using, {"jit": "off", "work_mem": "'32MB'", "cursor_tuple_fraction": "1"})


def in_written_join_order(view: Callable) -> Callable:
    """``written_join_order`` around a whole handler, e.g. an API list whose pagination reads
    the rows after the handler has returned its queryset."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with written_join_order():
            return view(*args, **kwargs)

    return wrapper
