"""Fast bulk writing for the benchmark generator: PostgreSQL COPY of whole model rows.

The generator gives each row's business values; every other concrete column gets the model
field's own default, so a copied row is exactly what ``Model.objects.create`` would store.
Primary keys are handed out here and the table's identity is moved past them afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

_UNSET = object()


class Ids:
    """The next free primary keys of a table (read once, then counted here)."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        with connection.cursor() as cursor:
            table = model._meta.db_table
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            self.last = cursor.fetchone()[0]

    def take(self) -> int:
        self.last += 1
        return self.last

    def sync(self) -> None:
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            # Table names come from model metadata, never from input.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'GREATEST((SELECT COALESCE(MAX(id), 0) FROM "{table}"), 1))')


def _default(field: models.Field, now: dt.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        value = field.get_default()
        return json.dumps(value) if isinstance(field, models.JSONField) else value
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    return _UNSET


class Copier:
    """COPY rows of one model: ``columns`` are attnames given per row, in that order."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        now = timezone.now()
        fields = [f for f in model._meta.concrete_fields]
        by_name = {f.attname: f for f in fields}
        unknown = set(columns) - set(by_name)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.table = model._meta.db_table
        self.order = [by_name[c].column for c in columns]
        rest = [f for f in fields if f.attname not in columns]
        self.rest_columns = [f.column for f in rest]
        self.rest_values = tuple(_default(f, now) for f in rest)
        missing = [f.attname for f, v in zip(rest, self.rest_values, strict=True) if v is _UNSET]
        if missing:
            raise ValueError(f"{model.__name__}: give values for {missing}")
        self.count = 0

    def write(self, rows: Iterable[Sequence]) -> int:
        cols = ", ".join(f'"{c}"' for c in self.order + self.rest_columns)
        rest = self.rest_values
        n = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row((*row, *rest))
                    n += 1
        self.count += n
        return n


class DeferredIndexes:
    """Drop the plain (non-constraint) indexes of some tables for a bulk load and build them
    again afterwards from their own definitions: one sort per index instead of millions of
    index insertions. Foreign keys are checked once per row either way; with ``trusted`` the
    load skips those per-row triggers (the generator's rows are consistent by construction)."""

    def __init__(self, models_: list[type[models.Model]], *, trusted: bool = True):
        self.tables = [m._meta.db_table for m in models_]
        self.trusted = trusted
        self.saved: list[tuple[str, str]] = []

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [self.tables])
            self.saved = cursor.fetchall()
            for name, _definition in self.saved:
                cursor.execute(f'DROP INDEX "{name}"')
            if self.trusted:
                cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if self.trusted:
                cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in self.saved:
                cursor.execute(definition)
        return False
