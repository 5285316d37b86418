"""Start-up registrations of sales: permissions in the role presets, the sidebar module and
the verbs of its events."""

from django.utils.translation import gettext_lazy as _

from linli.accounts.presets import extend_role_preset
from linli.core.modules import MenuItem, Module, register_module
from linli.core.notifications.catalogue import register_event
from linli.core.timeline import register_timeline_provider, register_verb_labels

MODELS = ("salesproject", "saleunit", "pricelist", "pricerule", "quote", "queuenumber",
          "subscription", "subscriptionchange", "contract", "planline", "payment")
# What a sales rep does with deals: queue numbers, subscriptions (and asking for their change
# or cancelling them), signing the contract and recording payments.
REP_DEALS = ["sales.add_queuenumber", "sales.change_queuenumber", "sales.add_subscription",
             "sales.change_subscription", "sales.add_contract", "sales.add_payment"]
# Leads and opportunities (SAL-1, SAL-2, SAL-4).
PIPELINE = ("lead", "opportunity", "visit", "appointment", "stagemove", "ownershipdispute")
SETTINGS = ("lostreason", "assignmentrule", "leadpolicy")

EVENTS = {
    "sales.lead_assigned": (
        _("A lead was given to me"),
        {"en": "New lead: {{ customer }}", "zh-hans": "新线索：{{ customer }}"},
        {"en": "{{ customer }} ({{ project }}) is now your lead.",
         "zh-hans": "{{ customer }}（{{ project }}）已分配给您。"}),
    "sales.lead_disputed": (
        _("A rep disputes who owns a customer"),
        {"en": "Ownership dispute: {{ customer }}", "zh-hans": "判客申诉：{{ customer }}"},
        {"en": "{{ claimant }} says {{ customer }} is their customer; please decide.",
         "zh-hans": "{{ claimant }} 认为 {{ customer }} 是其客户，请裁定。"}),
    "sales.opportunity_reassigned": (
        _("A lost opportunity was given to me"),
        {"en": "Reassigned: {{ customer }}", "zh-hans": "商机重新分配：{{ customer }}"},
        {"en": "The sales manager gave you the lost opportunity of {{ customer }} to follow up.",
         "zh-hans": "业务经理将 {{ customer }} 的流失商机指派给您重新跟进。"}),
    "sales.follow_up_due": (
        _("A follow-up of my opportunity is due"),
        {"en": "Follow up: {{ customer }}", "zh-hans": "跟进提醒：{{ customer }}"},
        {"en": "Time to follow up {{ customer }}{% if next_step %}: {{ next_step }}{% endif %}.",
         "zh-hans": "该跟进 {{ customer }} 了{% if next_step %}：{{ next_step }}{% endif %}。"}),
}


def _perms(actions: tuple[str, ...], models=MODELS) -> list[str]:
    return [f"sales.{action}_{model}" for model in models for action in actions]


def register() -> None:
    for key, (label, subject, body) in EVENTS.items():
        register_event(key, label=label, subject=subject, body=body)
    see = _perms(("view",))
    pipeline_see = _perms(("view",), (*PIPELINE, "lostreason"))
    # A rep sees the chart, price lists and quotes, registers and works leads, moves their own
    # opportunities and makes deals; the manager keeps prices, approves quotes below the floor
    # price and changes of subscriptions, files and settles contracts, decides ownership
    # disputes, reviews lost deals and keeps the lost-reason catalogue and the assignment
    # rules; the administrator may do everything.
    work = [*pipeline_see, "sales.add_lead", "sales.change_lead", "sales.work_lead",
            "sales.add_opportunity", "sales.change_opportunity"]
    extend_role_preset("sales-rep", [*see, "sales.add_quote", *REP_DEALS, *work])
    extend_role_preset("sales-manager", [
        *see, "sales.add_quote", "sales.approve_quote", *REP_DEALS, *work,
        "sales.approve_subscription", "sales.change_contract", "sales.decide_lead",
        *_perms(("add", "change"), ("salesproject", "saleunit", "pricelist", "pricerule")),
        *_perms(("view", "add", "change"), SETTINGS)])
    extend_role_preset("project-manager", [*see, *pipeline_see])
    extend_role_preset("tenant-admin", [*_perms(("view", "add", "change", "delete")),
                                        *_perms(("view", "add", "change", "delete"),
                                                PIPELINE + SETTINGS),
                                        "sales.approve_quote", "sales.approve_subscription",
                                        "sales.work_lead", "sales.decide_lead"])
    register_module(Module(
        key="sales", label=_("Sales"), icon="home-dollar", order=40, items=(
            MenuItem(_("Sales projects"), "sales:projects", "sales.view_salesproject",
                     "building-estate"),
            MenuItem(_("Sales-control chart"), "sales:chart", "sales.view_saleunit",
                     "layout-grid"),
            MenuItem(_("Price lists"), "sales:price_lists", "sales.view_pricelist",
                     "currency-yuan"),
            MenuItem(_("Quotes"), "sales:quotes", "sales.view_quote", "receipt"),
            MenuItem(_("Queue numbers"), "sales:queue_numbers", "sales.view_queuenumber",
                     "list-numbers"),
            MenuItem(_("Subscriptions"), "sales:subscriptions", "sales.view_subscription",
                     "file-check"),
            MenuItem(_("Contracts"), "sales:contracts", "sales.view_contract", "file-text"),
            MenuItem(_("Leads"), "sales:leads", "sales.view_lead", "user-plus"),
            MenuItem(_("Pipeline"), "sales:board", "sales.view_opportunity", "layout-kanban"),
            MenuItem(_("Lost deals"), "sales:lost", "sales.view_opportunity", "user-x"),
            MenuItem(_("Ownership disputes"), "sales:disputes", "sales.view_ownershipdispute",
                     "scale"),
            MenuItem(_("Lost reasons"), "sales:lost_reasons", "sales.view_lostreason",
                     "list-details"),
            MenuItem(_("Lead rules"), "sales:lead_rules", "sales.view_assignmentrule",
                     "adjustments"),
            MenuItem(_("Sales reports"), "sales:reports", "sales.view_opportunity",
                     "chart-bar"),
        )))
    from linli.sales import timeline

    register_timeline_provider("sales.pipeline", timeline.sales_entries)
    register_verb_labels({
        "sales_project.created": _("Sales project created"),
        "sales_project.units_enlisted": _("Units put on sale"),
        "sale_unit.sale_status_changed": _("Sale status changed"),
        "price_list.created": _("Price list created"),
        "price_list.rule_added": _("Price rule added"),
        "price_list.rule_revised": _("Price rule revised"),
        "price_list.rule_ended": _("Price rule ended"),
        "price_list.changed": _("Price list changed"),
        "price_list.repriced": _("Building re-priced"),
        "quote.created": _("Quote made"),
        "quote.approval_requested": _("Approval requested: below the floor price"),
        "quote.approved": _("Quote approved"),
        "quote.rejected": _("Quote rejected"),
        "queue_number.taken": _("Queue number taken"),
        "queue_number.status_changed": _("Queue number status changed"),
        "subscription.created": _("Subscribed"),
        "subscription.status_changed": _("Subscription status changed"),
        "subscription.change_requested": _("Change of subscription requested"),
        "subscription.change_approved": _("Change of subscription approved"),
        "subscription.change_rejected": _("Change of subscription rejected"),
        "contract.signed": _("Contract signed"),
        "contract.status_changed": _("Contract status changed"),
        "contract.payment_recorded": _("Payment recorded"),
        "contract.area_settled": _("Area settled"),
        "lead.created": _("Lead registered"),
        "lead.status_changed": _("Lead status changed"),
        "lead.worked": _("Lead followed up"),
        "lead.claimed": _("Lead claimed from the pool"),
        "lead.assigned": _("Lead assigned"),
        "lead.pooled": _("Lead moved to the public pool"),
        "lead.converted": _("Lead turned into an opportunity"),
        "lead.disputed": _("Ownership disputed"),
        "lead.dispute_transferred": _("Dispute decided: customer given to the claimant"),
        "lead.dispute_kept": _("Dispute decided: customer kept by the owner"),
        "opportunity.created": _("Opportunity opened"),
        "opportunity.stage_changed": _("Stage changed"),
        "opportunity.intention_changed": _("Intention level changed"),
        "opportunity.followed_up": _("Followed up"),
        "opportunity.visited": _("Visit registered"),
        "opportunity.appointment_booked": _("Viewing booked"),
        "opportunity.loss_confirmed": _("Loss confirmed by the manager"),
        "assignment_rule.changed": _("Assignment rule changed"),
    })
