"""Audit history (PLAT-3): every business model keeps django-simple-history records, each
stamped with the acting user and the channel (web, API, import, job) of the change.

Use ``history()`` as the ``history`` field of a model. The recorder below fills the channel
and, outside requests, the user from ``request_context``; it writes audit columns only.
"""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

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
