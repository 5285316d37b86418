"""Writes of partner outreach. Every function takes keyword arguments including ``actor``
(None for system writers such as the demo generator), runs in one transaction, checks the
actor's right at the org unit concerned and raises ValidationError({"field": [message]}) for
input a user can correct."""

from linli.outreach.services.campaigns import (  # noqa: F401
    DEFAULT_RETRY_RULES,
    MAX_ATTEMPTS,
    MAX_WAIT_HOURS,
    SOURCE_KINDS,
    SheetRow,
    call_record,
    call_sheet_write,
    call_transition,
    campaign_assign,
    campaign_complete,
    campaign_create,
    retry_rules_clean,
)
from linli.outreach.services.content import (  # noqa: F401
    content_create,
    content_transition,
    content_update,
)
from linli.outreach.services.corrections import (  # noqa: F401
    CONTACT_FIELDS,
    ORGANIZATION_FIELDS,
    SPOT_CHECK_SIZES,
    UPDATE_REMINDER,
    Answer,
    answers_write,
    correction_record,
    correction_verify,
    review_answer,
    review_transition,
    reviews_open,
    spot_check_draw,
    spot_check_sample,
    spot_check_seed,
    update_reminder_send,
)
from linli.outreach.services.distribution import (  # noqa: F401
    CALLBACK_AFTER,
    DEFAULT_CHANNELS,
    channel_create,
    channel_update,
    channels_install,
    distribution_create,
    distribution_transition,
    distributions_send_due,
    document_check,
    edition_create,
    recipient_download,
)
from linli.outreach.services.promotion import (  # noqa: F401
    distribution_callback,
    promotion_decline_confirm,
    promotion_transition,
    promotions_mail,
)
from linli.outreach.services.registry import (  # noqa: F401
    AGENT_TRANSITIONS,
    FILTER_KEYS,
    HANDOVER_FROM,
    HANDOVER_TO,
    PARTNER_KINDS,
    agent_create,
    agent_handover,
    agent_register,
    agent_transition,
    agent_update,
    filter_params_clean,
    partner_create,
    partner_filter_delete,
    partner_filter_save,
    partner_filters_install,
    partner_register,
    partner_update,
)
from linli.outreach.services.subsidies import (  # noqa: F401
    rule_on,
    statement_build,
    statement_transition,
    subsidy_rule_create,
)
