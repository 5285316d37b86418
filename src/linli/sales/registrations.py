"""Start-up registrations of sales: permissions in the role presets, the sidebar module and
the verbs of its events."""

from django.utils.translation import gettext_lazy as _

from linli.accounts.presets import extend_role_preset
from linli.core.modules import MenuItem, Module, register_module
from linli.core.timeline import register_verb_labels

MODELS = ("salesproject", "saleunit", "pricelist", "pricerule", "quote", "queuenumber",
          "subscription", "subscriptionchange", "contract", "planline", "payment")
# What a sales rep does with deals: queue numbers, subscriptions (and asking for their change
# or cancelling them), signing the contract and recording payments.
REP_DEALS = ["sales.add_queuenumber", "sales.change_queuenumber", "sales.add_subscription",
             "sales.change_subscription", "sales.add_contract", "sales.add_payment"]


def _perms(actions: tuple[str, ...], models=MODELS) -> list[str]:
    return [f"sales.{action}_{model}" for model in models for action in actions]


def register() -> None:
    see = _perms(("view",))
    # A rep sees the chart and price lists and quotes; the manager keeps prices and approves
    # quotes below the floor price; the administrator may do everything.
    extend_role_preset("sales-rep", [*see, "sales.add_quote", *REP_DEALS])
    # The manager also approves changes of subscriptions, files and settles contracts.
    extend_role_preset("sales-manager", [
        *see, "sales.add_quote", "sales.approve_quote", *REP_DEALS,
        "sales.approve_subscription", "sales.change_contract",
        *_perms(("add", "change"), ("salesproject", "saleunit", "pricelist", "pricerule"))])
    extend_role_preset("project-manager", see)
    extend_role_preset("tenant-admin", [*_perms(("view", "add", "change", "delete")),
                                        "sales.approve_quote", "sales.approve_subscription"])
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
        )))
    register_verb_labels({
        "sales_project.created": _("Sales project created"),
        "sales_project.units_enlisted": _("Units put on sale"),
        "sale_unit.sale_status_changed": _("Sale status changed"),
        "price_list.created": _("Price list created"),
        "price_list.rule_added": _("Price rule added"),
        "price_list.rule_revised": _("Price rule revised"),
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
    })
