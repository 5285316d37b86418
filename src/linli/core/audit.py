"""Audit history (PLAT-3): every business model keeps django-simple-history records, each
stamped with the acting user and the channel (web, API, import, job) of the change.

Use ``history()`` as the ``history`` field of a model. The recorder below fills the channel
and, outside requests, the user from ``request_context``; it writes audit columns only.
"""

from django.db import connection, models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history

from linli.core.request_context import Channel, current


class ChannelHistory(models.Model):
    history_channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.CHOICES, default=Channel.SYSTEM
    )

    class Meta:
        abstract = True


def history(**kwargs) -> HistoricalRecords:
    return HistoricalRecords(bases=[ChannelHistory], **kwargs)


@receiver(pre_create_historical_record)
def stamp_channel(sender, instance, history_instance, **kwargs):
    context = current()
    history_instance.history_channel = context.channel
    if history_instance.history_user_id is None and getattr(context.user, "pk", None):
        history_instance.history_user_id = context.user.pk


# --- many new rows at once ------------------------------------------------------------------

HISTORY_BATCH = 500


def insert_with_history(model: type[models.Model], objs: list[models.Model], *,
                        user=None) -> None:
    """Insert the unsaved ``objs`` and one "created" history row each, stamped with ``user``
    (default: the acting user) and the acting channel; their primary keys are set.

    On PostgreSQL both go in by COPY with keys drawn from the table's own sequence, which is
    some ten times faster than ``bulk_create`` for large imports; elsewhere by
    django-simple-history's ``bulk_create_with_history``.
    """
    if not objs:
        return
    context = current()
    user = user if user is not None else context.user
    user_id = getattr(user, "pk", None)
    if connection.vendor != "postgresql":
        bulk_create_with_history(
            objs, model, batch_size=HISTORY_BATCH,
            default_user=user if user_id else None,
            custom_historical_attrs={"history_channel": context.channel})
        return
    rows = copy_insert(model, objs)
    fields = model._meta.concrete_fields
    history = model.history.model
    now = timezone.now()
    stamps = {"history_date": now, "history_change_reason": None, "history_type": "+",
              "history_user_id": user_id, "history_channel": context.channel}
    position = {f.attname: i for i, f in enumerate(fields)}
    columns, picks = [], []
    for field in history._meta.concrete_fields:
        if field.attname == "history_id":
            continue  # the history table's own identity
        columns.append(field.column)
        picks.append((True, position[field.attname]) if field.attname in position
                     else (False, stamps[field.attname]))
    _copy(history._meta.db_table, columns,
          (tuple(row[i] if own else i for own, i in picks) for row in rows))


_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField,
                 models.BooleanField, models.ForeignKey, models.DateField)
# Below this many rows one INSERT costs less than drawing the keys and a COPY.
COPY_FROM = 100


def copy_insert(model: type[models.Model], objs: list[models.Model]) -> list[tuple]:
    """Insert the unsaved ``objs`` by COPY (PostgreSQL only), with primary keys drawn from the
    table's own sequence first and set on them; returns the rows as written, a value per
    concrete field. A unique key taken already raises ``IntegrityError``, as an INSERT would.
    """
    opts = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [opts.db_table, opts.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
    fields = opts.concrete_fields
    # psycopg takes text, numbers, booleans, dates and None as they are; only the other
    # fields (JSON above all) need Django's conversion, which costs a call chain per value.
    plain = tuple(isinstance(f, _PLAIN_FIELDS) and not getattr(f, "auto_now_add", False)
                  and not getattr(f, "auto_now", False) for f in fields)
    rows = [tuple(getattr(obj, f.attname) if is_plain
                  else f.get_db_prep_save(f.pre_save(obj, True), connection)
                  for f, is_plain in zip(fields, plain, strict=True))
            for obj in objs]
    _copy(opts.db_table, [f.column for f in fields], rows)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return rows


def _copy(table: str, columns: list[str], rows) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    # Table and column names come from model metadata, never from input.
    statement = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
    # Django's own errors (IntegrityError …) for what COPY runs into, as for any statement.
    with (connection.wrap_database_errors, connection.cursor() as cursor,
          cursor.cursor.copy(statement) as copy):
        for row in rows:
            copy.write_row(row)
