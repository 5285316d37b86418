"""Start-up registrations of the service desk: its notification events, role permissions,
sidebar module, home counters and its entries on the 360° timelines of people and units."""

from django.utils.translation import gettext_lazy as _

from linli.accounts.presets import extend_role_preset
from linli.core.modules import MenuItem, Module, register_module
from linli.core.notifications.catalogue import register_event
from linli.core.personal_data.revealable import register_revealable
from linli.core.selectors import register_home_counter
from linli.core.timeline import register_timeline_provider, register_verb_labels
from linli.servicedesk.states import Action

EVENTS = {
    "servicedesk.work_order_assigned": (
        _("A work order was given to me"),
        {"en": "Work order {{ number }}", "zh-hans": "工单 {{ number }}"},
        {"en": "{{ summary }} ({{ community }}) was assigned to you.",
         "zh-hans": "{{ community }}：{{ summary }}，已派给您，请及时处理。"}),
    "servicedesk.work_order_returned": (
        _("A department returned a work order"),
        {"en": "Work order {{ number }} returned", "zh-hans": "工单 {{ number }} 被退回"},
        {"en": "{{ summary }} was returned: {{ reason }}",
         "zh-hans": "{{ summary }} 被退回调度：{{ reason }}"}),
    "servicedesk.work_order_escalated": (
        _("A work order was escalated to me"),
        {"en": "Escalation: {{ number }}", "zh-hans": "工单升级：{{ number }}"},
        {"en": "{{ summary }} is escalated to line {{ line }}{% if clock %} ({{ clock }} "
               "overdue){% endif %}.",
         "zh-hans": "{{ summary }} 已升级至第 {{ line }} 线{% if clock %}（{{ clock }}已超时）"
                    "{% endif %}。"}),
    "servicedesk.clock_warning": (
        _("A work order's deadline is near"),
        {"en": "Due soon: {{ number }}", "zh-hans": "即将超时：{{ number }}"},
        {"en": "{{ clock }} of {{ summary }} is due at {{ due }}.",
         "zh-hans": "{{ summary }} 的{{ clock }}时限为 {{ due }}，即将到期。"}),
    "servicedesk.rework_opened": (
        _("A customer was not satisfied: rework"),
        {"en": "Rework {{ number }}", "zh-hans": "返工 {{ number }}"},
        {"en": "The customer of {{ original }} was not satisfied ({{ reason }}); rework "
               "{{ number }} is open.",
         "zh-hans": "工单 {{ original }} 回访不满意（{{ reason }}），已生成返工单 {{ number }}。"}),
    "servicedesk.incident_resolved": (
        _("An order linked to an incident was resolved with it"),
        {"en": "Work order {{ number }} resolved", "zh-hans": "工单 {{ number }} 已处理"},
        {"en": "{{ summary }} ({{ community }}) was resolved with incident {{ incident }}: "
               "{{ resolution }}",
         "zh-hans": "{{ community }}：{{ summary }}，已随事件 {{ incident }} 一并处理："
                    "{{ resolution }}"}),
    "servicedesk.incident_cancelled": (
        _("An incident was cancelled: its linked order goes on by itself"),
        {"en": "Work order {{ number }}: incident cancelled",
         "zh-hans": "工单 {{ number }}：所属事件已取消"},
        {"en": "Incident {{ incident }} was cancelled ({{ reason }}). {{ summary }} "
               "({{ community }}) is no longer linked to it: handle it by itself.",
         "zh-hans": "事件 {{ incident }} 已取消（{{ reason }}）。{{ community }}：{{ summary }} "
                    "已解除关联，请单独处理。"}),
    "servicedesk.major_complaint": (
        _("A major or formal complaint"),
        {"en": "Complaint {{ number }}", "zh-hans": "重要投诉 {{ number }}"},
        {"en": "{% if formal %}Formal complaint{% else %}{{ severity }} complaint{% endif %} "
               "in {{ community }}: {{ summary }}",
         "zh-hans": "{{ community }}{% if formal %}申告{% else %}{{ severity }}投诉{% endif %}："
                    "{{ summary }}"}),
    "servicedesk.reply_review": (
        _("A complaint reply waits for my approval"),
        {"en": "Approve the reply to {{ number }}", "zh-hans": "请审批工单 {{ number }} 的答复"},
        {"en": "The reply to {{ summary }} waits for your approval.",
         "zh-hans": "{{ summary }} 的答复待您审批。"}),
    "servicedesk.reply_rejected": (
        _("My complaint reply was sent back"),
        {"en": "Reply to {{ number }} sent back", "zh-hans": "工单 {{ number }} 答复被退回"},
        {"en": "Change the reply to {{ summary }}: {{ note }}",
         "zh-hans": "请修改 {{ summary }} 的答复：{{ note }}"}),
    "servicedesk.complaint_progress": (
        _("Progress of a complaint (to the complainant)"),
        {"en": "Your complaint {{ number }}", "zh-hans": "您的投诉 {{ number }}"},
        {"en": "Your complaint {{ number }} ({{ summary }}): {% if step == 'registered' %}"
               "registered{% elif step == 'dispatched' %}passed to the responsible department"
               "{% elif step == 'resolved' %}resolved{% elif step == 'reply' %}{{ reply }}"
               "{% else %}closed{% endif %}.",
         "zh-hans": "您的投诉 {{ number }}（{{ summary }}）{% if step == 'registered' %}已登记"
                    "{% elif step == 'dispatched' %}已转交责任部门处理{% elif step == 'resolved' %}"
                    "已处理完毕{% elif step == 'reply' %}答复：{{ reply }}{% else %}已办结"
                    "{% endif %}。"}),
}

WORK_ORDER = "servicedesk.{}_workorder"


def _p(*codes: str) -> list[str]:
    return [WORK_ORDER.format(c) for c in codes]


def register() -> None:
    for key, (label, subject, body) in EVENTS.items():
        register_event(key, label=label, subject=subject, body=body)
    # The desk calls people back: their numbers may be revealed (and the reveal is logged).
    register_revealable("servicedesk.WorkOrder", "caller_phone", kind="phone")
    register_revealable("servicedesk.ContactLog", "caller_phone", kind="phone")
    see = [*_p("view"), "servicedesk.view_contactlog", "servicedesk.view_callback",
           "servicedesk.view_category", "servicedesk.view_servicelevel",
           "servicedesk.view_knowledgearticle", "servicedesk.view_knowledgecategory"]
    # The knowledge base (SVC-13): the desk writes and keeps its own articles; the project
    # manager and the administrator are its editors (publish anybody's, tune the shelves).
    author = ["servicedesk.add_knowledgearticle", "servicedesk.change_knowledgearticle"]
    editor = [*author, "servicedesk.publish_knowledgearticle",
              *[f"servicedesk.{a}_knowledgecategory" for a in ("add", "change")]]
    extend_role_preset("front-desk", [*see, *_p("add", "change", "verify", "callback",
                                                "dispatch"),
                                      "servicedesk.add_contactlog", "servicedesk.change_callback",
                                      *author])
    extend_role_preset("dispatcher", [*see, *_p("add", "change", "dispatch", "verify",
                                                "report"),
                                      "servicedesk.add_contactlog"])
    extend_role_preset("department-supervisor", [*see, *_p("change", "assign", "work",
                                                           "report"), *author])
    extend_role_preset("technician", [*_p("view", "work"), "servicedesk.view_category"])
    extend_role_preset("project-manager", [
        *see, *_p("add", "change", "dispatch", "assign", "approve", "callback", "verify",
                  "report"),
        "servicedesk.add_contactlog", "servicedesk.change_callback", *editor,
        *[f"servicedesk.{a}_{m}" for m in ("servicelevel", "routingrule", "category",
                                           "priorityrule")
          for a in ("view", "add", "change")]])
    extend_role_preset("tenant-admin", [*see, *_p("report"), *[f"servicedesk.{a}_{m}" for m in
                                                ("servicelevel", "serviceclock",
                                                 "routingrule", "category", "priorityrule",
                                                 "deskpolicy")
                                                for a in ("view", "add", "change", "delete")],
                                        *editor])
    register_module(Module(
        key="servicedesk", label=_("Service desk"), icon="headset", order=30, items=(
            # Leads each role to its own dashboard (the view picks it from the user's rights).
            MenuItem(_("Dashboard"), "servicedesk:dashboard", "servicedesk.view_workorder",
                     "layout-dashboard"),
            MenuItem(_("Intake"), "servicedesk:intake", "servicedesk.add_workorder",
                     "phone-incoming"),
            MenuItem(_("Work orders"), "servicedesk:work_order_list",
                     "servicedesk.view_workorder", "clipboard-list"),
            MenuItem(_("Dispatcher queue"), "servicedesk:queue",
                     "servicedesk.dispatch_workorder", "arrows-split"),
            MenuItem(_("Dispatch slips"), "servicedesk:department_slips",
                     "servicedesk.view_workorder", "printer"),
            MenuItem(_("My orders"), "servicedesk:my_orders", "servicedesk.work_workorder",
                     "tool"),
            MenuItem(_("Quarantine"), "servicedesk:quarantine", "servicedesk.verify_workorder",
                     "shield-question"),
            MenuItem(_("Callbacks"), "servicedesk:callback_list",
                     "servicedesk.callback_workorder", "phone-call"),
            MenuItem(_("Contact log"), "servicedesk:contact_log_list",
                     "servicedesk.view_contactlog", "notebook"),
            MenuItem(_("Hot spots"), "servicedesk:hot_spots", "servicedesk.view_workorder",
                     "flame"),
            MenuItem(_("Reports"), "servicedesk:report_index", "servicedesk.report_workorder",
                     "chart-bar"),
            MenuItem(_("Knowledge base"), "servicedesk:knowledge_list",
                     "servicedesk.view_knowledgearticle", "books"),
            # Administrators only: the front desk may read levels and categories, not tune them.
            MenuItem(_("Configuration"), "servicedesk:config_index",
                     "servicedesk.change_servicelevel", "settings"),
        )))
    from linli.servicedesk import timeline

    register_timeline_provider("servicedesk.work_orders", timeline.work_order_entries)
    register_verb_labels({f"work_order.{a.value}": a.label for a in Action})
    register_verb_labels({
        "work_order.registered": _("Registered"),
        "work_order.routed": _("Routed by the routing rules"),
        "work_order.unrouted": _("Left in the dispatcher queue"),
        "work_order.formal_complaint": _("Became a formal complaint"),
        "work_order.breached": _("Service level breached"),
        "work_order.rework_opened": _("Rework opened"),
        "work_order.rework_linked": _("Rework order opened"),
        "work_order.reply_submitted": _("Reply submitted for approval"),
        "work_order.reply_sent": _("Reply sent to the complainant"),
        "work_order.reply_approved": _("Reply approved and sent"),
        "work_order.reply_rejected": _("Reply sent back"),
        "work_order.quoted": _("Price quoted"),
        "work_order.quote_accepted": _("Quote accepted"),
        "work_order.quote_declined": _("Quote declined"),
        "work_order.charged": _("Charge recorded"),
        "work_order.cluster_linked": _("Linked to an incident"),
        "work_order.cluster_unlinked": _("Unlinked from its incident"),
        "work_order.cluster_child_added": _("A report was linked to this incident"),
        "work_order.cluster_child_removed": _("A report was unlinked from this incident"),
        "work_order.cluster_not_resolved": _("Linked orders not resolved with the incident"),
        "work_order.cluster_not_closed": _("Linked orders not closed with the incident"),
        "work_order.cluster_released": _("Its incident was cancelled: goes on by itself"),
        "work_order.cluster_children_released": _(
            "Cancelled: the linked orders go on by themselves"),
        "work_order.knowledge_draft": _("Turned into a draft article"),
        "work_order.photo_added": _("Photo added"),
        "work_order.photo_removed": _("Photo removed"),
        "work_order.material_added": _("Material recorded"),
        "work_order.material_removed": _("Material removed"),
        "work_order.note": _("Note from the field"),
        "work_order.signed": _("Signed by the customer"),
        "knowledge_article.created": _("Article written"),
        "knowledge_article.updated": _("Article edited"),
        "knowledge_article.published": _("Article published"),
        "knowledge_article.archived": _("Article archived"),
        "knowledge_article.restored": _("Article restored to a draft"),
    })
    register_home_counter(timeline.my_open_orders_counter)
