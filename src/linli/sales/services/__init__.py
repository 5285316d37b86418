"""Writes of the sales app; each module's functions take keyword arguments and ``actor``."""

from linli.sales.services.prices import (  # noqa: F401
    price_list_create,
    price_list_update,
    quote_create,
    quote_decide,
    reprice_apply,
    reprice_changed,
    reprice_preview,
    rule_add,
    rule_revise,
)
from linli.sales.services.projects import (  # noqa: F401
    project_create,
    project_update,
    sale_unit_transition,
    sale_unit_update,
    units_enlist,
)
from linli.sales.services.seed import SEED_RULES, seed_rules_install  # noqa: F401
