"""The moves a user can make on a work order, as the screens offer them: each move's form, its
service, its button and the message after it.

Which moves a user may make now comes from ``selectors.work_order_actions`` (the state
machine's moves from the current status that the user's rights allow, plus the complaint
reply and paid-service steps); the services stay the judges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.servicedesk import forms, selectors, services
from linli.servicedesk.knowledge.forms import AnswerForm
from linli.servicedesk.states import Action


@dataclass(frozen=True)
class Move:
    form: type[forms.ActionForm]
    service: Callable
    label: str | Promise
    icon: str
    style: str = "btn-outline-primary"
    # Service error fields → form fields.
    aliases: dict[str, str] = field(default_factory=dict)


A = Action
MOVES: dict[str, Move] = {
    A.VERIFY: Move(forms.VerifyForm, services.work_order_verify, A.VERIFY.label,
                   "user-check", "btn-primary", {"unit": "room_code"}),
    A.DISPATCH: Move(forms.DispatchForm, services.work_order_dispatch, A.DISPATCH.label,
                     "send", "btn-primary"),
    A.ASSIGN: Move(forms.AssignForm, services.work_order_assign, A.ASSIGN.label,
                   "user-share", "btn-primary"),
    A.TRANSFER: Move(forms.TransferForm, services.work_order_transfer, A.TRANSFER.label,
                     "arrows-exchange"),
    A.RETURN: Move(forms.ReasonForm, services.work_order_return, A.RETURN.label,
                   "arrow-back-up"),
    A.ACCEPT: Move(forms.NoInputForm, services.work_order_accept, A.ACCEPT.label, "check",
                   "btn-primary"),
    A.SCHEDULE: Move(forms.ScheduleForm, services.work_order_schedule, A.SCHEDULE.label,
                     "calendar-time"),
    A.ARRIVE: Move(forms.NoInputForm, services.work_order_arrive, A.ARRIVE.label, "map-pin",
                   "btn-primary"),
    A.START: Move(forms.NoInputForm, services.work_order_start, A.START.label,
                  "player-play"),
    A.WAIT: Move(forms.WaitForm, services.work_order_wait, A.WAIT.label, "player-pause"),
    A.RESUME: Move(forms.NoteForm, services.work_order_resume, A.RESUME.label,
                   "player-play", "btn-primary"),
    A.RESOLVE: Move(forms.ResolveForm, services.work_order_resolve, A.RESOLVE.label,
                    "circle-check", "btn-success"),
    A.CALLBACK: Move(forms.CallbackForm, services.work_order_callback, A.CALLBACK.label,
                     "phone-call", "btn-primary"),
    A.REWORK: Move(forms.ReasonForm, services.work_order_rework, A.REWORK.label, "repeat"),
    A.CLOSE: Move(forms.NoteForm, services.work_order_close, A.CLOSE.label, "lock",
                  "btn-success"),
    A.CANCEL: Move(forms.ReasonForm, services.work_order_cancel, A.CANCEL.label, "x",
                   "btn-outline-danger"),
    A.ESCALATE: Move(forms.OptionalReasonForm, services.work_order_escalate, A.ESCALATE.label,
                     "arrow-big-up-lines", "btn-outline-danger"),
    A.ANSWER: Move(AnswerForm, services.work_order_answer, A.ANSWER.label, "books",
                   "btn-success"),
    "reply": Move(forms.ReplyForm, services.work_order_reply_submit,
                  _("Reply to the complainant"), "message-reply"),
    "reply_review": Move(forms.ReplyReviewForm, services.work_order_reply_review,
                         _("Review the reply"), "checkbox", "btn-primary"),
    "quote": Move(forms.QuoteForm, services.work_order_quote, _("Quote a price"),
                  "currency-yuan", aliases={"quote_amount": "amount"}),
    "quote_answer": Move(forms.QuoteAnswerForm, services.work_order_quote_answer,
                         _("Record the customer's answer"), "message-check"),
    "charge": Move(forms.ChargeForm, services.work_order_charge, _("Record the charge"),
                   "receipt", aliases={"charge_amount": "amount"}),
    "cluster_link": Move(forms.ClusterLinkForm, services.work_order_cluster_link,
                         _("Link to an incident"), "link"),
    "cluster_unlink": Move(forms.NoInputForm, services.work_order_cluster_unlink,
                           _("Unlink from the incident"), "unlink", "btn-outline-secondary"),
}


def move_form(name: str, order, actor, data=None, **extra) -> forms.ActionForm:
    """The form of move ``name`` on ``order`` (bound to ``data`` when given); its fields are
    prefixed with the move's name, so one page can hold the forms of several moves."""
    return MOVES[name].form(data, order=order, actor=actor, prefix=name, **extra)


@dataclass
class Offer:
    """A move offered on a screen: its name, how it looks and its form."""

    name: str
    move: Move
    form: forms.ActionForm

    @property
    def needs_input(self) -> bool:
        return bool(self.form.visible_fields())


def offers(actor, order, allowed: list[str], bound: forms.ActionForm | None = None,
           only: tuple[str, ...] | None = None, desk: selectors.DeskChoices | None = None,
           **extra) -> list[Offer]:
    """The moves ``allowed`` (of ``only``, when given) with their forms; ``bound`` replaces
    the fresh form of its move (a form sent back with errors). ``desk``: the choices the
    forms of one page share."""
    desk = desk or selectors.DeskChoices(actor)
    found = []
    for name in allowed:
        if name not in MOVES or (only is not None and name not in only):
            continue
        if bound is not None and bound.prefix == name:
            form = bound
        else:
            form = move_form(name, order, actor, desk=desk,
                             **(extra if name == A.VERIFY else {}))
        found.append(Offer(name, MOVES[name], form))
    return found
