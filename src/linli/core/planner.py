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
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def written_join_order(using: str = "default") -> Iterator[None]:
    """Within the block, PostgreSQL joins tables in the order the SQL names them."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # SET LOCAL lasts until the end of the transaction: the block opens one, or a savepoint
    # inside the caller's, whose rollback on an error undoes the setting too. Inside the
    # caller's transaction the setting is put back for the queries that follow the block.
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield
        if nested:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL join_collapse_limit TO DEFAULT")


def in_written_join_order(view: Callable) -> Callable:
    """``written_join_order`` around a whole handler, e.g. an API list whose pagination reads
    the rows after the handler has returned its queryset."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with written_join_order():
            return view(*args, **kwargs)

    return wrapper
