"""Writes of the sales app; each module's functions take keyword arguments and ``actor``."""

from linli.sales.services.contracts import (  # noqa: F401
    LineIn,
    contract_cancel,
    contract_create,
    contract_file,
    contract_settle,
    contract_transition,
    payment_record,
)
from linli.sales.services.leads import (  # noqa: F401
    assignment_rule_create,
    assignment_rule_update,
    dispute_decide,
    dispute_open,
    lead_assign,
    lead_claim,
    lead_close,
    lead_create,
    lead_policy,
    lead_policy_save,
    lead_transition,
    lead_work,
    pool_unworked,
)
from linli.sales.services.opportunities import (  # noqa: F401
    appointment_book,
    appointment_close,
    calendar_feed_renew,
    calendar_feed_token,
    follow_up_reminders,
    lost_reason_create,
    lost_reason_set_active,
    lost_reasons_install,
    lost_review,
    opportunity_create,
    opportunity_follow_up,
    opportunity_transition,
    opportunity_update,
    visit_register,
)
from linli.sales.services.prices import (  # noqa: F401
    price_list_create,
    price_list_update,
    quote_create,
    quote_decide,
    reprice_apply,
    reprice_changed,
    reprice_preview,
    rule_add,
    rule_end,
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
from linli.sales.services.subscriptions import (  # noqa: F401
    queue_number_convert,
    queue_number_refund,
    queue_number_take,
    queue_number_transition,
    subscription_cancel,
    subscription_change_decide,
    subscription_change_request,
    subscription_create,
    subscription_transition,
)
