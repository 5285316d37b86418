"""Every write of the service desk; see the modules for the use cases."""

from linli.servicedesk.services.callbacks import (
    work_order_callback,
    work_order_restore,
    work_order_rework,
)
from linli.servicedesk.services.clusters import (
    work_order_cluster_link,
    work_order_cluster_unlink,
)
from linli.servicedesk.services.complaints import (
    work_order_reply_review,
    work_order_reply_submit,
)
from linli.servicedesk.services.config import (
    category_deactivate,
    category_save,
    desk_configuration_install,
    desk_policy_save,
    priority_matrix_save,
    routing_rule_deactivate,
    routing_rule_save,
    service_level_deactivate,
    service_level_save,
    servicedesk_defaults_install,
)
from linli.servicedesk.services.intake import (
    contact_log_create,
    work_order_create,
    work_order_verify,
)
from linli.servicedesk.services.knowledge import (
    knowledge_article_archive,
    knowledge_article_create,
    knowledge_article_draft_from_order,
    knowledge_article_publish,
    knowledge_article_restore,
    knowledge_article_update,
    knowledge_category_save,
    knowledge_defaults_install,
    work_order_answer,
    work_order_create_answered,
)
from linli.servicedesk.services.lifecycle import (
    transition,
    work_order_accept,
    work_order_arrive,
    work_order_assign,
    work_order_cancel,
    work_order_close,
    work_order_dispatch,
    work_order_escalate,
    work_order_resolve,
    work_order_resume,
    work_order_return,
    work_order_schedule,
    work_order_start,
    work_order_transfer,
    work_order_wait,
)
from linli.servicedesk.services.paid import (
    work_order_charge,
    work_order_quote,
    work_order_quote_answer,
)
from linli.servicedesk.services.scan import sla_scan

__all__ = [
    "category_deactivate", "category_save", "contact_log_create", "desk_configuration_install",
    "desk_policy_save", "knowledge_article_archive", "knowledge_article_create",
    "knowledge_article_draft_from_order", "knowledge_article_publish", "knowledge_article_restore",
    "knowledge_article_update", "knowledge_category_save", "knowledge_defaults_install",
    "priority_matrix_save", "routing_rule_deactivate", "routing_rule_save",
    "service_level_deactivate", "service_level_save", "servicedesk_defaults_install", "sla_scan",
    "transition", "work_order_accept", "work_order_answer", "work_order_arrive",
    "work_order_assign", "work_order_callback", "work_order_cancel", "work_order_charge",
    "work_order_close", "work_order_cluster_link", "work_order_cluster_unlink",
    "work_order_create", "work_order_create_answered", "work_order_dispatch",
    "work_order_escalate", "work_order_quote", "work_order_quote_answer",
    "work_order_reply_review", "work_order_reply_submit", "work_order_resolve",
    "work_order_restore", "work_order_resume", "work_order_return", "work_order_rework",
    "work_order_schedule", "work_order_start", "work_order_transfer", "work_order_verify",
    "work_order_wait",
]
