"""Writes of editions and their distribution (OUT-5).

A distribution's status changes only through ``distribution_transition`` (the table is in
``outreach.states``): scheduling fixes the day (rolled to a working day) and the list of
companies, sending mails the paper copies or queues one e-mail per company in the core
outbox (delivered by its Celery task through Django's e-mail backend), starts each company's
promotion and books the callback seven days later on a callback campaign (OUT-2, OUT-6).
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.events import record_event
from linli.core.notifications.catalogue import register_event
from linli.core.notifications.choices import MessageChannel
from linli.core.notifications.services import Address, Notice, notify_all
from linli.core.tenancy import Tenant
from linli.directory.services.organizations import KEEP
from linli.outreach import download_links
from linli.outreach.choices import ChannelMedium, EditionKind, RecipientStatus, Rollout
from linli.outreach.distribution import selectors
from linli.outreach.models import (
    CallTask,
    Distribution,
    DistributionChannel,
    DistributionRecipient,
    Edition,
)
from linli.outreach.services.campaigns import campaign_create
from linli.outreach.services.promotion import promotions_mail
from linli.outreach.services.shared import _check_move, _full_clean, _require, _same_tenant
from linli.outreach.states import DISTRIBUTION_TRANSITIONS, DistributionStatus

CALLBACK_AFTER = timedelta(days=7)
MAX_FILE_BYTES = 50 * 1024 * 1024

# A document is recognised by its first bytes, not by the name it was uploaded under.
DOCUMENT_SIGNATURES = {
    b"%PDF-": ("application/pdf", {".pdf"}),
    b"PK\x03\x04": ("application/vnd.openxmlformats-officedocument",
                    {".docx", ".pptx", ".xlsx"}),
    b"\xd0\xcf\x11\xe0": ("application/msword", {".doc", ".ppt", ".xls"}),
}

# The seed's channels (§3.4): paper on the 10th by business development, customer service and
# the agents; e-mail on the 13th by commerce; the website on the 13th by marketing; WeChat,
# Weibo and the companies' QQ groups whenever there is something to say.
DEFAULT_CHANNELS = [
    ("paper", "纸质手册/报纸", ChannelMedium.PAPER, "业务拓展部、客服部、代理商", 10),
    ("email", "电子邮件", ChannelMedium.EMAIL, "商务部", 13),
    ("website", "云上城官网", ChannelMedium.WEBSITE, "市场部", 13),
    ("wechat-weibo", "微信、微博", ChannelMedium.SOCIAL, "运营推广部", None),
    ("qq-groups", "物业公司QQ群", ChannelMedium.SOCIAL, "业务拓展部、客服部", None),
]

register_event(
    "outreach.edition_mailed",
    label=gettext_lazy("A handbook or newsletter e-mailed to a company"),
    subject={"en": "{{ title }}", "zh-hans": "{{ title }}"},
    body={"en": "Dear {{ company }},\n\nplease find our {{ kind }} “{{ title }}” at "
                "{{ link }} (the link works until {{ valid_until }}).\n\nWe will call you in "
                "a few days to hear your opinion.",
          "zh-hans": "{{ company }}：\n\n您好！我们的{{ kind }}《{{ title }}》请见 {{ link }}"
                     "（链接有效期至 {{ valid_until }}）。\n\n几天后客服将致电了解您的意见。"},
)


# --- editions -------------------------------------------------------------------------------

def document_check(upload) -> str:
    """The content type of an uploaded document (PDF, Word, PowerPoint, Excel), or a
    ValidationError on ``file``."""
    suffix = Path(upload.name or "").suffix.lower()
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({"file": [_("The file is larger than 50 MB.")]})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, (content_type, suffixes) in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature) and suffix in suffixes:
            return content_type
    raise ValidationError({"file": [_("This file is not a document: upload a PDF, Word, "
                                      "PowerPoint or Excel file.")]})


def _month(value: dt.date) -> dt.date:
    return value.replace(day=1)


@transaction.atomic
def edition_create(*, actor, tenant: Tenant, org_unit, kind: str, title: str, month: dt.date,
                   version: str = "", has_new_content: bool = True, file=None) -> Edition:
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_edition", org_unit)
    if org_unit.tenant_id != tenant.pk:
        raise ValidationError({"org_unit": [_("Choose a unit of your own organisation.")]})
    if kind == EditionKind.HANDBOOK and not version.strip():
        raise ValidationError({"version": [_("A handbook needs its major version.")]})
    edition = Edition(tenant=tenant, org_unit=org_unit, kind=kind, title=title.strip(),
                      version=version.strip(), month=_month(month),
                      has_new_content=has_new_content)
    _full_clean(edition, exclude=["tenant", "org_unit", "file"])
    if file is not None:
        edition.content_type = document_check(file)
        edition.file_name = Path(file.name).name[:200]
        edition.file.save(edition.file_name, file, save=False)
    edition.save()
    # The seed's channels come with the first edition; later ones find them in place.
    channels_install(tenant=tenant)
    record_event(edition, "outreach.edition_created", actor=actor, new=edition.title)
    return edition


# --- channels -------------------------------------------------------------------------------

@transaction.atomic
def channels_install(*, tenant: Tenant) -> list[DistributionChannel]:
    """The seed's channels for a tenant that has none yet (idempotent)."""
    existing = set(DistributionChannel.objects.filter(tenant=tenant).values_list("code",
                                                                                 flat=True))
    return DistributionChannel.objects.bulk_create([
        DistributionChannel(tenant=tenant, code=code, name=name, medium=medium,
                            department=department, day_of_month=day)
        for code, name, medium, department, day in DEFAULT_CHANNELS if code not in existing])


def _check_channel(channel: DistributionChannel) -> None:
    """A channel's values, or a ValidationError with a clear message on each field at fault:
    a known medium, a day of month from 1 to 31 or none (irregular), a code, a name and an
    owner department."""
    errors: dict[str, list[str]] = {}
    if channel.medium not in ChannelMedium.values:
        errors["medium"] = [_("Choose paper, e-mail, website or social media.")]
    day = channel.day_of_month
    if day is not None and (isinstance(day, bool) or not isinstance(day, int)
                            or not 1 <= day <= 31):
        errors["day_of_month"] = [_("Give a day of the month from 1 to 31, or none for an "
                                    "irregular channel.")]
    try:
        _full_clean(channel, exclude=["tenant", "medium", "day_of_month"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def channel_create(*, actor, tenant: Tenant, code: str, name: str, medium: str,
                   department: str, day_of_month: int | None = None,
                   active: bool = True) -> DistributionChannel:
    """A channel of the tenant's own, with its owner department and day of the month (none:
    irregular); its code is unique in the tenant."""
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_distributionchannel", None)
    channel = DistributionChannel(
        tenant=tenant, code=(code or "").strip(), name=(name or "").strip(), medium=medium,
        department=(department or "").strip(), day_of_month=day_of_month, active=active)
    _check_channel(channel)
    # The tenant row is locked so that two saves of one code cannot both pass the check.
    Tenant.objects.select_for_update().get(pk=tenant.pk)
    if DistributionChannel.objects.filter(tenant=tenant, code=channel.code).exists():
        raise ValidationError({"code": [_("Your organisation already has a channel with this "
                                          "code.")]})
    channel.save()
    record_event(channel, "outreach.channel_created", actor=actor, new=channel.name)
    return channel


@transaction.atomic
def channel_update(*, actor, channel: DistributionChannel, name=KEEP, department=KEEP,
                   day_of_month=KEEP, active=KEEP) -> DistributionChannel:
    """Change a channel's name, owner department, day of month (None: irregular) or whether
    it is active; its code and medium stay."""
    _same_tenant(actor, channel.tenant_id)
    _require(actor, "outreach.change_distributionchannel", channel)
    channel = DistributionChannel.objects.select_for_update().get(pk=channel.pk)
    changes = {"name": name, "department": department, "day_of_month": day_of_month,
               "active": active}
    for field_name, value in changes.items():
        if value is not KEEP:
            setattr(channel, field_name, value.strip() if isinstance(value, str) else value)
    _check_channel(channel)
    channel.save()
    return channel


# --- distributions --------------------------------------------------------------------------

@transaction.atomic
def distribution_create(*, actor, tenant: Tenant, org_unit, edition: Edition,
                        channel: DistributionChannel, agent=None,
                        rollout: str = Rollout.NATIONAL, cities: list[str] | None = None,
                        chosen_date: dt.date | None = None) -> Distribution:
    """A draft distribution of ``edition`` through ``channel``. Paper is refused for an
    edition without new content; an irregular channel needs its day."""
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_distribution", org_unit)
    if org_unit.tenant_id != tenant.pk:
        raise ValidationError({"org_unit": [_("Choose a unit of your own organisation.")]})
    if edition.tenant_id != tenant.pk:
        raise ValidationError({"edition": [_("Choose an edition you can see.")]})
    if channel.tenant_id != tenant.pk or not channel.active:
        raise ValidationError({"channel": [_("Choose an active channel of your own.")]})
    if agent is not None and agent.tenant_id != tenant.pk:
        raise ValidationError({"agent": [_("Choose an agent you can see.")]})
    if channel.medium == ChannelMedium.PAPER and not edition.has_new_content:
        raise ValidationError({"channel": [_("This month has no new content: nothing is "
                                             "printed, send it by e-mail only.")]})
    cities = sorted({c.strip() for c in cities or [] if c.strip()})
    if rollout == Rollout.PILOT and not cities:
        raise ValidationError({"cities": [_("Name the pilot cities.")]})
    if rollout not in Rollout.values:
        raise ValidationError({"rollout": [_("Choose pilot cities or national roll-out.")]})
    day = selectors.scheduled_date(tenant.pk, channel, edition.month, chosen_date)
    if day is None:
        raise ValidationError({"chosen_date": [_("This channel has no fixed day: choose the "
                                                 "day.")]})
    distribution = Distribution.objects.create(
        tenant=tenant, org_unit=org_unit, edition=edition, channel=channel, agent=agent,
        rollout=rollout, cities=cities if rollout == Rollout.PILOT else [],
        scheduled_for=day, created_by=actor)
    record_event(distribution, "outreach.distribution_created", actor=actor,
                 new=day.isoformat())
    return distribution


def _schedule(actor, distribution: Distribution) -> None:
    """Fix the list of companies (paper and e-mail only); an empty list is refused."""
    if not selectors.has_recipients(distribution.channel):
        return
    targets = list(selectors.distribution_targets(
        actor, distribution.tenant_id, agent=distribution.agent, cities=distribution.cities))
    if not targets:
        raise ValidationError({"status": [_("No company is on this distribution's list: "
                                            "check the signed companies, the “quality "
                                            "unsigned” filter and the opt-outs.")]})
    email = distribution.channel.medium == ChannelMedium.EMAIL
    DistributionRecipient.objects.bulk_create([
        DistributionRecipient(tenant_id=p.tenant_id, org_unit_id=p.org_unit_id,
                              distribution=distribution, partner=p,
                              address=(p.organization.email if email
                                       else p.organization.address)[:300])
        for p in targets], batch_size=1000)


def _valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _send(actor, distribution: Distribution) -> None:
    """Mail or e-mail every recipient, start their promotion and book their callbacks. Each
    e-mail carries the company's own signed, expiring link to the edition's document, on the
    site's public address (``outreach.download_links``)."""
    recipients = list(distribution.recipients.select_related("partner__organization"))
    if not recipients:
        return
    edition, now = distribution.edition, timezone.now()
    if distribution.channel.medium == ChannelMedium.EMAIL:
        valid_until = download_links.valid_until().isoformat()
        notices = []
        for recipient in recipients:
            if not _valid_email(recipient.address):
                recipient.status = RecipientStatus.FAILED
                recipient.reason = _("The company has no valid e-mail address.")
                continue
            notices.append(Notice(
                tenant=distribution.tenant_id,
                recipients=[Address(MessageChannel.EMAIL, recipient.address)],
                dedup_key=f"outreach-distribution-{distribution.pk}-{recipient.partner_id}",
                context={"title": edition.title, "kind": edition.get_kind_display(),
                         "company": recipient.partner.organization.name,
                         "link": download_links.download_url(recipient.pk, edition.pk),
                         "valid_until": valid_until, "recipient": recipient.pk}))
        # One outbox message per company, written in a constant number of statements; the
        # outbox's task delivers each after the commit.
        messages = {m.payload["recipient"]: m for m in notify_all(
            event="outreach.edition_mailed", notices=notices,
            channels=[MessageChannel.EMAIL], actor=actor)}
        for recipient in recipients:
            recipient.message = messages.get(recipient.pk)
    else:
        for recipient in recipients:
            recipient.status = RecipientStatus.SENT
    reached = [r for r in recipients if r.status != RecipientStatus.FAILED]
    name = _("Callback: %(edition)s (%(channel)s, %(day)s)") % {
        "edition": edition.title, "channel": distribution.channel.name,
        "day": distribution.scheduled_for.isoformat()}
    campaign = campaign_create(
        actor=None, tenant=distribution.tenant, org_unit=distribution.org_unit,
        name=name[:200],
        phase=_("Handbook callback"), source={"kind": "empty"},
        script=_("Did you receive “%(title)s”? What do you think of it?") % {
            "title": edition.title})
    tasks = CallTask.objects.bulk_create([
        CallTask(tenant_id=r.tenant_id, org_unit_id=r.org_unit_id, campaign=campaign,
                 partner_id=r.partner_id, next_call_at=now + CALLBACK_AFTER)
        for r in reached], batch_size=1000)
    for recipient, task in zip(reached, tasks, strict=True):
        recipient.call_task = task
    DistributionRecipient.objects.bulk_update(
        recipients, ["status", "reason", "message", "call_task"], batch_size=1000)
    distribution.callback_campaign = campaign
    promotions_mail(partners=[r.partner for r in reached], rollout=distribution.rollout,
                    at=now)


@transaction.atomic
def distribution_transition(*, actor, distribution: Distribution, to: str) -> Distribution:
    """The distribution state machine, the one place its status changes: lock the row,
    check the move against ``DISTRIBUTION_TRANSITIONS`` and do what the new status means —
    scheduled: fix the list of companies; draft again: drop it; sent: mail or e-mail them
    (each e-mail with its own download link); cancelled: nothing is sent."""
    _require(actor, "outreach.change_distribution", distribution)
    distribution = Distribution.objects.select_for_update(of=("self",)).select_related(
        "edition", "channel", "agent", "tenant", "org_unit").get(pk=distribution.pk)
    old = distribution.status
    _check_move("status", DistributionStatus, DISTRIBUTION_TRANSITIONS, old, to,
                unknown=_("Choose a status from the list."),
                same=_("The distribution already has this status."),
                refused=_("A distribution cannot go from “%(old)s” to “%(new)s”."))
    fields = ["status", "updated_at"]
    if to == DistributionStatus.SCHEDULED:
        _schedule(actor, distribution)
    elif to == DistributionStatus.DRAFT:
        distribution.recipients.all().delete()
    elif to == DistributionStatus.SENT:
        _send(actor, distribution)
        distribution.sent_at = timezone.now()
        fields += ["sent_at", "callback_campaign"]
    distribution.status = to
    distribution.save(update_fields=fields)
    record_event(distribution, "outreach.distribution_moved", actor=actor, old=old, new=to)
    return distribution


def distributions_send_due(today: dt.date | None = None) -> list[Distribution]:
    """Send every scheduled distribution whose day is ``today`` (the local date) or earlier,
    each in its own transaction, so that one refused does not hold the others back."""
    today = today or timezone.localdate()
    due = list(Distribution.objects.filter(status=DistributionStatus.SCHEDULED,
                                           scheduled_for__lte=today).order_by("pk"))
    sent = []
    for distribution in due:
        try:
            sent.append(distribution_transition(
                actor=None, distribution=distribution, to=DistributionStatus.SENT))
        except ValidationError:
            continue  # moved by someone else meanwhile
    return sent


def recipient_download(*, token: str) -> DistributionRecipient:
    """The recipient (with its edition) a company's signed download link names: the link's
    signature and age are checked here (``download_links.LinkInvalid`` for a changed link or
    one not for a sent edition, ``download_links.LinkExpired`` for an old one,
    ``download_links.NoDocument`` for an edition without its document), as the holder
    has no account. The first download is recorded on the recipient's delivery, once however
    many downloads run at once (one conditional update)."""
    recipient_id, edition_id = download_links.read(token)
    recipient = selectors.download_recipient(recipient_id, edition_id)
    if recipient is None:
        raise download_links.LinkInvalid
    # Nothing served, nothing recorded.
    if not recipient.distribution.edition.file:
        raise download_links.NoDocument
    now = timezone.now()
    if DistributionRecipient.objects.filter(pk=recipient.pk, downloaded_at__isnull=True).update(
            downloaded_at=now):
        recipient.downloaded_at = now
        record_event(recipient.distribution, "outreach.edition_downloaded",
                     new=recipient.partner.organization.name)
    return recipient
