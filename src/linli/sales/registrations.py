"""Start-up registrations of sales: permissions in the role presets, the sidebar module and
the verbs of its events."""

from django.utils.translation import gettext_lazy as _

from linli.accounts.presets import extend_role_preset
from linli.core.modules import MenuItem, Module, register_module
from linli.core.timeline import register_verb_labels

MODELS = ("salesproject", "saleunit", "pricelist", "pricerule", "quote")


def _perms(actions: tuple[str, ...], models=MODELS) -> list[str]:
    return [f"sales.{action}_{model}" for model in models for action in actions]


def register() -> None:
    see = _perms(("view",))
    # A rep sees the chart and price lists and quotes; the manager keeps prices and approves
    # quotes below the floor price; the administrator may do everything.
    extend_role_preset("sales-rep", [*see, "sales.add_quote"])
    extend_role_preset("sales-manager", [
        *see, "sales.add_quote", "sales.approve_quote",
        *_perms(("add", "change"), ("salesproject", "saleunit", "pricelist", "pricerule"))])
    extend_role_preset("project-manager", see)
    extend_role_preset("tenant-admin", [*_perms(("view", "add", "change", "delete")),
                                        "sales.approve_quote"])
    register_module(Module(
        key="sales", label=_("Sales"), icon="home-dollar", order=40, items=(
            MenuItem(_("Sales projects"), "sales:projects", "sales.view_salesproject",
                     "building-estate"),
            MenuItem(_("Sales-control chart"), "sales:chart", "sales.view_saleunit",
                     "layout-grid"),
            MenuItem(_("Price lists"), "sales:price_lists", "sales.view_pricelist",
                     "currency-yuan"),
            MenuItem(_("Quotes"), "sales:quotes", "sales.view_quote", "receipt"),
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
    })
