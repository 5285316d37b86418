"""The call sheet import (OUT-2): the platform's existing callback sheet, one row per company
with the outcome of its call, into a campaign named on the row (created if new).

Every row is checked before anything is written: the company must be in the importer's
registry (a company of another tenant is simply not found), once per campaign in the file and
not already called in that campaign; the outcome must be one of the taxonomy's words; a phone
must be a phone number. Then all rows are written through ``services.call_sheet_write``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts import selectors as accounts_selectors
from linli.core.exchange.imports import (
    ImportColumn,
    ImportContext,
    ImportDefinition,
    ImportRow,
    register_importer,
)
from linli.core.exchange.parsers import email, text
from linli.core.exchange.readers import display
from linli.directory.importers.cells import choice_or_word, fold, phone
from linli.outreach import selectors, services
from linli.outreach.choices import AnswerReason, CallOutcome, CorrectionField

# The words of the platform's sheets (and the English labels and values) for each outcome.
OUTCOME_WORDS = {
    CallOutcome.CONNECTED: ("接通", "成功接通", "已接通", "connected"),
    CallOutcome.REFUSED: ("拒访", "拒接", "拒绝", "refused"),
    CallOutcome.NO_ANSWER: ("无人接听", "未接听", "no answer", "no_answer"),
    CallOutcome.UNREACHABLE: ("无法接通", "号码有误", "空号", "无法接通及号码有误", "错号",
                              "unreachable", "wrong number",
                              "unreachable or wrong number"),
}
_WORDS = {fold(word): outcome.value for outcome, words in OUTCOME_WORDS.items()
          for word in words}


def outcome(value: Any) -> str:
    typed = display(value).strip()
    found = _WORDS.get(fold(typed))
    if found is None:
        raise ValidationError(
            _("“%(value)s” is not an outcome; use 接通, 拒访, 无人接听 or 无法接通 (号码有误).")
            % {"value": typed})
    return found


def companies_by_name(partners) -> dict[str, list]:
    """``partners`` by their folded name, for finding a company named on a row."""
    by_name: dict[str, list] = {}
    for partner in partners:
        by_name.setdefault(fold(partner.organization.name), []).append(partner)
    return by_name


def find_company(by_name: dict[str, list], name: str, city: str, errors: dict,
                 missing: str = ""):
    """The one company named ``name`` (in ``city`` when several share the name), or None
    with the reason in ``errors["company"]`` (``missing`` when there is none such)."""
    found = by_name.get(fold(name), [])
    if city and len(found) > 1:
        found = [p for p in found if fold(p.organization.city) == fold(city)]
    if not found:
        errors["company"] = (missing or _("There is no company “%(name)s” in your registry."))\
            % {"name": name}
    elif len(found) > 1:
        errors["company"] = _("Several companies are named “%(name)s”; give the city.") % {
            "name": name}
    return found[0] if len(found) == 1 else None


class CallSheetImport(ImportDefinition):
    name = gettext_lazy("Call sheet")
    description = gettext_lazy(
        "The outcome of each company's callback, one row per company: the campaign is created "
        "when new; the companies must be in the partner registry."
    )
    permission = "outreach.add_campaign"
    columns = [
        ImportColumn("campaign", gettext_lazy("Campaign"), required=True, parser=text(200),
                     aliases=("回访活动", "活动", "回访批次"), example="2016年3月签约物业回访"),
        ImportColumn("phase", gettext_lazy("Phase"), parser=text(50), aliases=("阶段", "轮次"),
                     example="第一轮"),
        ImportColumn("company", gettext_lazy("Company"), required=True, parser=text(200),
                     aliases=("物业公司", "物业公司名称", "公司名称", "单位名称"),
                     example="阳光物业服务有限公司"),
        ImportColumn("city", gettext_lazy("City"), parser=text(50), aliases=("城市", "市"),
                     help_text=gettext_lazy("Tells apart companies of the same name.")),
        ImportColumn("phone", gettext_lazy("Phone called"), parser=phone,
                     aliases=("电话", "联系电话", "回访电话"), example="0591-87654321"),
        ImportColumn("outcome", gettext_lazy("Outcome"), required=True, parser=outcome,
                     aliases=("回访结果", "接通情况", "结果"), example="无人接听",
                     help_text=gettext_lazy("接通, 拒访, 无人接听 or 无法接通 (号码有误).")),
        ImportColumn("note", gettext_lazy("Note"), parser=text(1000), aliases=("备注",)),
    ]

    def prepare(self, context: ImportContext) -> None:
        actor = context.actor
        by_name = companies_by_name(selectors.partner_list(actor, action="view")
                                    .select_related(None).select_related("organization"))
        units = list(accounts_selectors.units_where(actor, "outreach.add_campaign"))
        tops = [u for u in units if not any(o.pk != u.pk and u.path.startswith(o.path)
                                            for o in units)]
        context.cache.update(
            partners=by_name, seen={},
            called=selectors.called_in_campaigns(actor),
            unit=tops[0] if tops else None,
        )

    def validate_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        cache = context.cache
        errors: dict[str, str] = {}
        partner = find_company(cache["partners"], values["company"], values["city"], errors)
        if cache["unit"] is None:
            errors["campaign"] = _("You may not create campaigns.")
        if partner is not None:
            key = (fold(values["campaign"]), partner.pk)
            if key in cache["seen"]:
                errors["company"] = _("Row %(row)d already has this company in this campaign.") \
                    % {"row": cache["seen"][key]}
            elif (values["campaign"], partner.pk) in cache["called"]:
                errors["company"] = _("This company has already been called in this campaign.")
            else:
                cache["seen"][key] = context.row
        if errors:
            raise ValidationError(errors)
        return {**values, "partner": partner}

    def write(self, rows: Iterable[ImportRow], context: ImportContext) -> None:
        services.call_sheet_write(
            actor=context.actor, tenant=context.tenant, org_unit=context.cache["unit"],
            rows=[services.SheetRow(campaign=r.values["campaign"], phase=r.values["phase"],
                                    partner=r.values["partner"], outcome=r.values["outcome"],
                                    phone=r.values["phone"], note=r.values["note"])
                  for r in rows])


register_importer("outreach-call-sheet", CallSheetImport())


# --- the agents' answered correction lists (OUT-3) -------------------------------------------

REASON_WORDS = {
    "已更正": AnswerReason.CORRECTED, "已修正": AnswerReason.CORRECTED,
    "更正": AnswerReason.CORRECTED, "信息无误": AnswerReason.CONFIRMED,
    "无误": AnswerReason.CONFIRMED, "正确": AnswerReason.CONFIRMED,
    "公司已注销": AnswerReason.COMPANY_CLOSED, "已倒闭": AnswerReason.COMPANY_CLOSED,
    "已注销": AnswerReason.COMPANY_CLOSED, "公司倒闭": AnswerReason.COMPANY_CLOSED,
    "联系方式不详": AnswerReason.CONTACT_UNKNOWN, "联系方式未知": AnswerReason.CONTACT_UNKNOWN,
    "不详": AnswerReason.CONTACT_UNKNOWN, "其他": AnswerReason.OTHER,
}
# Answer columns → the field each corrects.
ANSWER_FIELDS = {"contact_name": CorrectionField.CONTACT_NAME,
                 "mobile": CorrectionField.CONTACT_MOBILE,
                 "landline": CorrectionField.LANDLINE, "email": CorrectionField.EMAIL}


class CorrectionAnswersImport(ImportDefinition):
    name = gettext_lazy("Answered correction list")
    description = gettext_lazy(
        "An agent's list of companies to correct, answered: one row per company with the "
        "reason and any corrected contact details. The companies must be on the list."
    )
    permission = "outreach.answer_contactreview"
    columns = [
        ImportColumn("company", gettext_lazy("Company"), required=True, parser=text(200),
                     aliases=("物业公司", "物业公司名称", "公司名称"),
                     example="阳光物业服务有限公司"),
        ImportColumn("city", gettext_lazy("City"), parser=text(50), aliases=("城市", "市"),
                     help_text=gettext_lazy("Tells apart companies of the same name.")),
        ImportColumn("reason", gettext_lazy("Answer"), required=True,
                     parser=choice_or_word(AnswerReason.choices, REASON_WORDS),
                     aliases=("原因", "答复", "说明原因", "处理结果"), example="已更正",
                     help_text=gettext_lazy("已更正, 信息无误, 公司已注销, 联系方式不详 or 其他.")),
        ImportColumn("contact_name", gettext_lazy("Corrected contact person"),
                     parser=text(100), aliases=("新联系人", "更正联系人")),
        ImportColumn("mobile", gettext_lazy("Corrected mobile"), parser=phone,
                     aliases=("新手机", "更正手机"), example="13812345678"),
        ImportColumn("landline", gettext_lazy("Corrected landline"), parser=phone,
                     aliases=("新座机", "新电话", "更正座机"), example="0591-87654321"),
        ImportColumn("email", gettext_lazy("Corrected e-mail"), parser=email(),
                     aliases=("新邮箱", "更正邮箱")),
        ImportColumn("note", gettext_lazy("Note"), parser=text(1000), aliases=("备注",)),
    ]

    def prepare(self, context: ImportContext) -> None:
        reviews = list(selectors.review_list(context.actor))
        context.cache.update(
            partners=companies_by_name(r.partner for r in reviews),
            reviews={r.partner_id: r for r in reviews}, seen={})

    def validate_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        cache = context.cache
        errors: dict[str, str] = {}
        partner = find_company(cache["partners"], values["company"], values["city"], errors,
                               missing=_("“%(name)s” is not on your list of companies to "
                                         "correct."))
        review = cache["reviews"].get(partner.pk) if partner is not None else None
        if review is not None:
            if review.pk in cache["seen"]:
                errors["company"] = _("Row %(row)d already answers for this company.") % {
                    "row": cache["seen"][review.pk]}
            else:
                cache["seen"][review.pk] = context.row
            if review.phase != "sort_correct":
                errors["company"] = _("This company is no longer on the list to correct.")
        values_given = any(values[key] for key in ANSWER_FIELDS)
        if values["reason"] == AnswerReason.CORRECTED and not values_given:
            errors["reason"] = _("Give the corrected contact details.")
        if errors:
            raise ValidationError(errors)
        return {**values, "review": review}

    def write(self, rows: Iterable[ImportRow], context: ImportContext) -> None:
        services.answers_write(actor=context.actor, tenant=context.tenant, answers=[
            services.Answer(review=r.values["review"], reason=r.values["reason"],
                            note=r.values["note"],
                            values={field: r.values[key] for key, field in
                                    ANSWER_FIELDS.items() if r.values[key]})
            for r in rows])


register_importer("outreach-correction-answers", CorrectionAnswersImport())
