from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.notifications.choices import MessageChannel, MessageStatus


class OutboxFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), required=False,
        choices=[("", _("All channels")), *MessageChannel.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), *MessageStatus.choices],
    )
