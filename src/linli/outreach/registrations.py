"""Start-up registrations of partner outreach: its sidebar module and its permissions in the
standard role presets (platform operators keep the registry and the agents)."""

from django.utils.translation import gettext_lazy as _

from linli.accounts.presets import extend_role_preset
from linli.core.modules import MenuItem, Module, register_module
from linli.core.notifications.catalogue import register_event
from linli.core.timeline import register_verb_labels

MODELS = ["partner", "agent", "partnerfilter", "campaign", "calltask", "callattempt",
          "contactreview", "contactcorrection", "spotcheck", "contentitem",
          "edition", "distributionchannel", "distribution", "distributionrecipient",
          "promotion", "subsidyrule", "subsidystatement", "subsidyline"]


def _perms(actions: tuple[str, ...], models: list[str]) -> list[str]:
    return [f"outreach.{action}_{model}" for model in models for action in actions]


def register() -> None:
    """Called once from OutreachConfig.ready()."""
    register_event(
        "outreach.contact_update_reminder",
        label=_("Monthly update of the partner companies' contacts"),
        subject={"en": "Update the partner companies' contacts ({{ month }})",
                 "zh-hans": "请更新物业公司联系方式（{{ month }}）"},
        body={"en": "It is time for this month's update of the property companies' contact "
                    "details; report it to commerce. {{ open }} companies are still under "
                    "correction.",
              "zh-hans": "请完成本月物业公司联系方式的更新，并报备商务部。"
                         "尚有 {{ open }} 家物业公司在纠正中。"})
    everything = [*_perms(("view", "add", "change", "delete"), MODELS), "outreach.call_calltask",
                  "outreach.answer_contactreview", "outreach.update_contactreview",
                  "outreach.approve_subsidystatement"]
    extend_role_preset("platform-operator", everything)
    extend_role_preset("tenant-admin", everything)
    # An agent sees the registry and the agents (its own scope decides which rows), gets its
    # companies to correct and answers for each (OUT-3), and sees its subsidies (OUT-7).
    extend_role_preset("agent", [*_perms(("view",), ["partner", "agent", "contactreview",
                                                     "subsidystatement", "subsidyline",
                                                     "subsidyrule"]),
                                 "outreach.answer_contactreview"])
    register_module(Module(
        key="outreach", label=_("Partner outreach"), icon="speakerphone", order=60, items=(
            MenuItem(_("Partner companies"), "outreach:partners", "outreach.view_partner",
                     "building"),
            MenuItem(_("Agents"), "outreach:agents", "outreach.view_agent", "briefcase"),
            MenuItem(_("Cities by type"), "outreach:cities", "outreach.view_agent", "map-2"),
            MenuItem(_("Callback campaigns"), "outreach:campaigns", "outreach.view_campaign",
                     "phone-call"),
            MenuItem(_("Call statistics"), "outreach:statistics", "outreach.view_calltask",
                     "chart-pie"),
            MenuItem(_("Contact correction"), "outreach:reviews", "outreach.view_contactreview",
                     "address-book"),
            MenuItem(_("Content calendar"), "outreach:content", "outreach.view_contentitem",
                     "calendar-event"),
            MenuItem(_("Editions"), "outreach:editions", "outreach.view_edition", "book"),
            MenuItem(_("Distributions"), "outreach:distributions",
                     "outreach.view_distribution", "mail-forward"),
            MenuItem(_("Promotion funnel"), "outreach:funnel", "outreach.view_promotion",
                     "filter"),
            MenuItem(_("Subsidy statements"), "outreach:statements",
                     "outreach.view_subsidystatement", "coin-yuan"),
        ),
    ))
    register_verb_labels({
        "outreach.review_opened": _("Put on the correction list"),
        "outreach.review_phase": _("Correction phase changed"),
        "outreach.review_answered": _("Agent answered"),
        "outreach.correction_recorded": _("Correction recorded"),
        "outreach.correction_verified": _("Correction verified"),
        "outreach.spot_check_drawn": _("Spot check drawn"),
        "outreach.content_planned": _("Content planned"),
        "outreach.content_status": _("Content status changed"),
        "outreach.edition_created": _("Edition created"),
        "outreach.channel_created": _("Distribution channel added"),
        "outreach.distribution_created": _("Distribution created"),
        "outreach.distribution_moved": _("Distribution status changed"),
        "outreach.edition_downloaded": _("Downloaded from the e-mail's link"),
        "outreach.promotion_moved": _("Promotion stage changed"),
        "outreach.promotion_decline_confirmed": _("Decline confirmed by callback"),
        "outreach.subsidy_rule_created": _("Subsidy rule added"),
        "outreach.statement_built": _("Subsidy statement built"),
        "outreach.statement_moved": _("Subsidy statement status changed"),
    })
