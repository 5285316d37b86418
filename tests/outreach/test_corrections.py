"""OUT-3: the contact correction in three phases — companies put on the list from a callback
campaign, corrections with their source recorded, verified and written to the directory, the
phase machine and its refusals, the agents' answers (screen, API and the answered sheet), the
monthly spot check and the update reminder; nothing half-written, other tenants see nothing."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from linli.core.events import events_for
from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.core.notifications.models import Message
from linli.directory.models import Contact
from linli.outreach import selectors, services
from linli.outreach.models import CallTask, Campaign, ContactCorrection, ContactReview, SpotCheck
from linli.outreach.tasks import remind_contact_update
from tests.builders import make_user
from tests.core.exchange.conftest import xlsx_upload
from tests.directory.test_organizations_api import Api
from tests.outreach.builders import OPERATOR, make_agent, make_partner

pytestmark = pytest.mark.django_db

CORRECTOR = [*OPERATOR, "directory.change_contact", "outreach.view_contactreview",
             "outreach.add_contactreview", "outreach.change_contactreview",
             "outreach.view_contactcorrection", "outreach.add_contactcorrection",
             "outreach.change_contactcorrection", "outreach.answer_contactreview",
             "outreach.view_spotcheck", "outreach.add_spotcheck", "outreach.view_campaign",
             "outreach.add_campaign", "outreach.change_campaign", "outreach.view_calltask",
             "outreach.call_calltask", "core.view_importrun"]
AGENT_USER = ["outreach.view_partner", "outreach.view_agent", "outreach.view_contactreview",
              "outreach.answer_contactreview", "core.view_importrun"]


@pytest.fixture(autouse=True)
def _imports(inline_imports):
    return inline_imports


@pytest.fixture
def corrector(world):
    return make_user(world.tenant, world.root, CORRECTOR, username="corrector")


@pytest.fixture
def agent(world):
    return make_agent(world, "闽运代理")


@pytest.fixture
def company(world, agent):
    return make_partner(world, "阳光物业", agent=agent, landline="0591-87650000",
                        contact_name="李经理", contact_mobile="13812340000")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open(world, actor, *partners) -> list[ContactReview]:
    services.reviews_open(actor=actor, tenant=world.tenant, partners=list(partners))
    return [ContactReview.objects.get(partner=p) for p in partners]


# --- the three phases ------------------------------------------------------------------------

def test_correction_verified_reaches_the_directory_and_the_company_goes_in_use(
        world, corrector, company, agent):
    [review] = _open(world, corrector, company)
    assert (review.phase, review.agent) == ("sort_correct", agent)
    correction = services.correction_record(actor=corrector, partner=company,
                                            field="contact_mobile", new_value="139 1234 5678",
                                            source="online_research", note="网上查到")
    assert (correction.old_value, correction.new_value, correction.source,
            correction.status) == ("+8613812340000", "+8613912345678", "online_research",
                                   "proposed")
    assert correction.contact.name == "李经理"
    services.review_transition(actor=corrector, review=review, phase="verify")
    services.correction_verify(actor=corrector, correction=correction, accept=True)
    correction.refresh_from_db()
    assert (correction.status, correction.verified_by) == ("accepted", corrector)
    assert correction.verified_at is not None
    assert Contact.objects.get(organization=company.organization).mobile == "+8613912345678"
    services.review_transition(actor=corrector, review=review, phase="in_use")
    review.refresh_from_db()
    assert review.phase == "in_use"
    verbs = [e.verb for e in events_for(review)]
    assert {"outreach.review_opened", "outreach.correction_recorded",
            "outreach.correction_verified", "outreach.review_phase"} <= set(verbs)


def test_company_landline_and_rejected_correction(world, corrector, company):
    [review] = _open(world, corrector, company)
    kept = services.correction_record(actor=corrector, partner=company, field="landline",
                                      new_value="0591-87651111", source="callback")
    dropped = services.correction_record(actor=corrector, partner=company, field="email",
                                         new_value="office@yg.cn", source="agent")
    services.review_transition(actor=corrector, review=review, phase="verify")
    services.correction_verify(actor=corrector, correction=kept, accept=True)
    services.correction_verify(actor=corrector, correction=dropped, accept=False,
                               note="电话确认邮箱有误")
    company.organization.refresh_from_db()
    assert (company.organization.landline, company.organization.email) == ("+8659187651111", "")
    assert ContactCorrection.objects.get(pk=dropped.pk).status == "rejected"


def test_a_company_without_contact_gets_one_when_its_contact_is_corrected(world, corrector):
    bare = make_partner(world, "无联系人物业")
    correction = services.correction_record(actor=corrector, partner=bare,
                                            field="contact_name", new_value="王主任",
                                            source="handbook_subsidy")
    review = ContactReview.objects.get(partner=bare)
    services.review_transition(actor=corrector, review=review, phase="verify")
    services.correction_verify(actor=corrector, correction=correction, accept=True)
    contact = Contact.objects.get(organization=bare.organization)
    assert (contact.name, contact.role) == ("王主任", "person_in_charge")


def test_phase_moves_out_of_order_are_refused(world, corrector, company):
    [review] = _open(world, corrector, company)
    with pytest.raises(ValidationError) as exc:
        services.review_transition(actor=corrector, review=review, phase="in_use")
    assert exc.value.message_dict == {"phase": [
        "A company cannot go from “Sort and correct” to “In use”."]}
    with pytest.raises(ValidationError) as exc:
        services.review_transition(actor=corrector, review=review, phase="verify")
    assert exc.value.message_dict == {"phase": [
        "Record a correction or the agent's answer before verifying."]}
    correction = services.correction_record(actor=corrector, partner=company, field="email",
                                            new_value="a@yg.cn", source="agent")
    with pytest.raises(ValidationError) as exc:
        services.correction_verify(actor=corrector, correction=correction, accept=True)
    assert exc.value.message_dict == {"status": [
        "Move the company to “Verify” before verifying its corrections."]}
    services.review_transition(actor=corrector, review=review, phase="verify")
    with pytest.raises(ValidationError) as exc:
        services.review_transition(actor=corrector, review=review, phase="in_use")
    assert exc.value.message_dict == {"phase": ["Verify every correction of this company "
                                                "first."]}
    with pytest.raises(ValidationError) as exc:
        services.review_transition(actor=corrector, review=review, phase="nowhere")
    assert exc.value.message_dict == {"phase": ["Choose a phase from the list."]}
    review.refresh_from_db()
    assert review.phase == "verify"
    assert company.organization.email == ""


def test_bad_corrections_are_refused_and_write_nothing(world, corrector, company):
    cases = [
        ({"field": "contact_mobile", "new_value": "13912345678", "source": "gossip"},
         {"source": ["Choose the source: agent, online research, handbook subsidy or "
                     "callback."]}),
        ({"field": "fax", "new_value": "1", "source": "agent"},
         {"field": ["Choose the field to correct from the list."]}),
        ({"field": "contact_mobile", "new_value": "12345", "source": "agent"}, None),
        ({"field": "email", "new_value": "not-mail", "source": "agent"},
         {"new_value": ["Enter a valid e-mail address."]}),
        ({"field": "contact_mobile", "new_value": "13812340000", "source": "agent"},
         {"new_value": ["This is already the company's value."]}),
    ]
    for payload, expected in cases:
        with pytest.raises(ValidationError) as exc:
            services.correction_record(actor=corrector, partner=company, **payload)
        if expected is not None:
            assert exc.value.message_dict == expected
        else:
            assert list(exc.value.message_dict) == ["new_value"]
    assert not ContactCorrection.objects.exists()
    assert not ContactReview.objects.exists()


def test_company_in_use_takes_no_correction_until_reopened(world, corrector, company):
    [review] = _open(world, corrector, company)
    services.review_answer(actor=corrector, review=review, reason="confirmed")
    services.review_transition(actor=corrector, review=review, phase="verify")
    services.review_transition(actor=corrector, review=review, phase="in_use")
    with pytest.raises(ValidationError) as exc:
        services.correction_record(actor=corrector, partner=company, field="email",
                                   new_value="b@yg.cn", source="callback")
    assert exc.value.message_dict == {"partner": [
        "This company's contacts are in use; put it on the correction list again first."]}
    assert services.reviews_open(actor=corrector, tenant=world.tenant, partners=[company]) == 1
    review.refresh_from_db()
    assert (review.phase, review.reason) == ("sort_correct", "")


def test_another_tenants_company_is_refused(world, corrector):
    foreign = services.partner_create(actor=None, tenant=world.other_tenant,
                                      org_unit=world.other_root, kind="property_company",
                                      name="他方物业")
    with pytest.raises(PermissionDenied):
        services.correction_record(actor=corrector, partner=foreign, field="email",
                                   new_value="x@y.cn", source="agent")
    with pytest.raises(PermissionDenied):
        services.reviews_open(actor=corrector, tenant=world.other_tenant, partners=[foreign])
    assert not ContactReview.objects.exists()


def test_out_of_scope_company_is_refused_and_invisible(world, company):
    sibling = make_user(world.tenant, world.branch_b, CORRECTOR)
    with pytest.raises(PermissionDenied):
        services.correction_record(actor=sibling, partner=company, field="email",
                                   new_value="x@y.cn", source="agent")
    services.reviews_open(actor=None, tenant=world.tenant, partners=[company])
    assert not selectors.review_list(sibling).exists()
    review = ContactReview.objects.get()
    assert _client(sibling).get(f"/outreach/corrections/{review.pk}/").status_code == 404
    assert Api(sibling).get(f"/outreach/contact-reviews/{review.pk}").status_code == 404


# --- phase one from a campaign, the agents' lists and answers ---------------------------------

def test_companies_of_a_campaign_go_on_the_list_from_the_screen(world, corrector, agent):
    reached = make_partner(world, "接通物业", agent=agent)
    refused = make_partner(world, "拒访物业", agent=agent)
    campaign = services.campaign_create(actor=corrector, tenant=world.tenant,
                                        org_unit=world.root, name="第一轮回访")
    for partner, outcome in ((reached, "connected"), (refused, "refused")):
        services.call_record(actor=corrector, task=campaign.tasks.get(partner=partner),
                             outcome=outcome)
    response = _client(corrector).post("/outreach/corrections/open/", {
        "campaign": campaign.pk, "outcomes": ["refused", "no_answer", "unreachable"]})
    assert response.status_code == 302
    assert list(ContactReview.objects.values_list("partner__organization__name", flat=True)) \
        == ["拒访物业"]
    page = _client(corrector).get("/outreach/corrections/").content.decode()
    assert "拒访物业" in page and "接通物业" not in page


def test_agent_answers_on_screen_with_corrected_values(world, company, agent):
    [review] = _open(world, None, company)
    agent_user = make_user(world.tenant, world.branch_a, AGENT_USER, username="agentuser")
    client = _client(agent_user)
    worklist = client.get(f"/outreach/corrections/agents/{agent.pk}/").content.decode()
    assert "阳光物业" in worklist
    response = client.post(f"/outreach/corrections/{review.pk}/answer/", {
        "reason": "corrected", "mobile": "13700001111", "note": "换了经理"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.reason, review.answered_by, review.answer_note) == (
        "corrected", agent_user, "换了经理")
    correction = ContactCorrection.objects.get()
    assert (correction.field, correction.new_value, correction.source,
            correction.recorded_by) == ("contact_mobile", "+8613700001111", "agent", agent_user)
    assert list(selectors.agent_worklist(agent_user, agent)) == [review]


def test_answer_refusals(world, corrector, company):
    [review] = _open(world, corrector, company)
    with pytest.raises(ValidationError) as exc:
        services.review_answer(actor=corrector, review=review, reason="corrected")
    assert exc.value.message_dict == {"reason": ["Give the corrected contact details."]}
    with pytest.raises(ValidationError) as exc:
        services.review_answer(actor=corrector, review=review, reason="maybe")
    assert exc.value.message_dict == {"reason": ["Choose a reason from the list."]}
    services.review_answer(actor=corrector, review=review, reason="company_closed")
    services.review_transition(actor=corrector, review=review, phase="verify")
    with pytest.raises(ValidationError) as exc:
        services.review_answer(actor=corrector, review=review, reason="confirmed")
    assert exc.value.message_dict == {"reason": ["阳光物业 is no longer on the list to "
                                                 "correct."]}


def test_worklist_export_has_the_answer_columns(world, corrector, company, agent):
    _open(world, corrector, company)
    response = _client(corrector).get(f"/outreach/corrections/agents/{agent.pk}/",
                                      {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Company", "City", "Agent"]
    assert "Answer" in rows[0] and "Corrected mobile" in rows[0]
    assert rows[1][:3] == ["阳光物业", "福州市", "闽运代理"]


HEADER = ["物业公司名称", "城市", "原因", "新联系人", "新手机", "新座机", "新邮箱", "备注"]


def _import(actor, rows):
    run = import_upload(actor=actor, key="outreach-correction-answers",
                        upload=xlsx_upload(rows, name="纠正答复.xlsx"))
    if run.can_confirm:
        run = import_confirm(actor=actor, run=run)
    return run


def test_answered_sheet_import(world, corrector, company, agent):
    closed = make_partner(world, "倒闭物业", agent=agent)
    _open(world, corrector, company, closed)
    run = _import(corrector, [HEADER,
                              ["阳光物业", "福州市", "已更正", "张经理", "13700002222", "", "", ""],
                              ["倒闭物业", "", "公司已注销", "", "", "", "", "去年注销"]])
    assert run.errors == []
    assert (run.status, run.written_count) == (ImportStatus.IMPORTED, 2)
    assert dict(ContactReview.objects.values_list("partner__organization__name", "reason")) \
        == {"阳光物业": "corrected", "倒闭物业": "company_closed"}
    assert sorted(ContactCorrection.objects.values_list("field", "new_value")) == [
        ("contact_mobile", "+8613700002222"), ("contact_name", "张经理")]


def test_an_answered_list_locks_each_review_once(world, corrector, company, agent):
    other = make_partner(world, "晨光物业", agent=agent)
    answers = [services.Answer(review=review, reason="corrected", note="代理商已核实", values={
        "contact_name": f"新经理{n}", "contact_mobile": f"1370000222{n}",
        "email": f"pm{n}@example.cn"}) for n, review in enumerate(_open(world, corrector,
                                                                         company, other))]
    with CaptureQueriesContext(connection) as captured:
        assert services.answers_write(actor=corrector, tenant=world.tenant,
                                      answers=answers) == 2
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT")
             and 'FROM "outreach_contactreview"' in q["sql"]]
    assert len(reads) == 1, reads  # both reviews, locked together: not once per value
    if connection.vendor == "postgresql":
        assert reads[0].endswith('FOR UPDATE OF "outreach_contactreview"')
    assert sorted(ContactCorrection.objects.values_list(
        "partner__organization__name", "field", "new_value")) == [
        ("晨光物业", "contact_mobile", "+8613700002221"), ("晨光物业", "contact_name", "新经理1"),
        ("晨光物业", "email", "pm1@example.cn"),
        ("阳光物业", "contact_mobile", "+8613700002220"), ("阳光物业", "contact_name", "新经理0"),
        ("阳光物业", "email", "pm0@example.cn")]
    assert set(ContactReview.objects.values_list("reason", flat=True)) == {"corrected"}


def test_bad_answered_sheet_is_refused_row_by_row_and_writes_nothing(world, corrector,
                                                                     company, agent):
    other = make_partner(world, "未列入物业", agent=agent)
    _open(world, corrector, company)
    run = _import(corrector, [HEADER,
                              ["阳光物业", "", "信息无误", "", "", "", "", ""],
                              ["阳光物业", "", "信息无误", "", "", "", "", ""],
                              ["不存在物业", "", "信息无误", "", "", "", "", ""],
                              [other.organization.name, "", "信息无误", "", "", "", "", ""],
                              ["阳光物业", "", "也许", "", "", "", "", ""],
                              ["阳光物业", "", "已更正", "", "12345", "", "", ""],
                              ["阳光物业", "", "已更正", "", "", "", "", ""]])
    assert run.status != ImportStatus.IMPORTED
    errors = {(e["row"], e["column"]): e["message"] for e in run.errors}
    assert errors == {
        (3, "物业公司名称"): "Row 2 already answers for this company.",
        (4, "物业公司名称"): "“不存在物业” is not on your list of companies to correct.",
        (5, "物业公司名称"): "“未列入物业” is not on your list of companies to correct.",
        (6, "原因"): "Choose one of: Corrected, Contact is right, Company closed, Contact "
                   "unknown, Other.",
        (7, "新手机"): "“12345” is not a valid phone number. Enter an 11-digit mobile number "
                    "or a landline with its area code, e.g. 010-12345678.",
        (8, "物业公司名称"): "Row 2 already answers for this company.",
        (8, "原因"): "Give the corrected contact details.",
    }
    assert not ContactCorrection.objects.exists()
    assert ContactReview.objects.get().reason == ""


# --- the monthly spot check and reminder -------------------------------------------------------

def _spot_registry(world):
    agents = [make_agent(world, f"代理{n}", city="福州市") for n in range(2)]
    for n in range(14):
        make_partner(world, f"抽查物业{n:02d}", city=("福州市", "厦门市")[n % 2],
                     agent=agents[n % 4 // 2])
    make_partner(world, "无代理物业", city="福州市")
    make_partner(world, "意向物业", city="福州市", agent=agents[0],
                 signing_status="prospective")


def test_spot_check_draws_per_city_and_agent_reproducibly(world, corrector):
    _spot_registry(world)
    month = dt.date(2026, 3, 17)
    check = services.spot_check_draw(actor=corrector, tenant=world.tenant, org_unit=world.root,
                                     month=month, per_group=3)
    assert (check.month, check.seed, check.per_group) == (dt.date(2026, 3, 1), 202603, 3)
    groups: dict = {}
    for partner in selectors.spot_check_companies(corrector, check):
        groups.setdefault((partner.organization.city, partner.agent_id), []).append(partner)
    assert sorted(len(found) for found in groups.values()) == [3, 3, 3, 3]
    assert len(check.sample) == 12
    again = services.spot_check_sample(selectors.spot_check_candidates(corrector, world.tenant),
                                       per_group=3, seed=202603)
    assert again == check.sample
    assert set(CallTask.objects.filter(campaign=check.campaign).values_list(
        "partner_id", flat=True)) == set(check.sample)
    assert check.campaign.name == "Spot check 2026-03"
    other = services.spot_check_sample(selectors.spot_check_candidates(corrector, world.tenant),
                                       per_group=3, seed=7)
    assert len(other) == 12


def test_spot_check_draws_only_companies_whose_contacts_are_in_use(world, corrector):
    agent = make_agent(world, "抽查代理")
    in_use, never, correcting, verifying = [
        make_partner(world, name, agent=agent)
        for name in ("已启用物业", "未纠正物业", "纠正中物业", "复核中物业")]
    services.reviews_open(actor=corrector, tenant=world.tenant,
                          partners=[in_use, correcting, verifying])
    for partner in (in_use, verifying):
        review = services.review_answer(actor=corrector, review=partner.contact_review,
                                        reason="confirmed")
        services.review_transition(actor=corrector, review=review, phase="verify")
    services.review_transition(actor=corrector, review=in_use.contact_review, phase="in_use")
    candidates = selectors.spot_check_candidates(corrector, world.tenant)
    assert sorted(p.organization.name for p in candidates) == ["已启用物业", "未纠正物业"]
    check = services.spot_check_draw(actor=corrector, tenant=world.tenant, org_unit=world.root,
                                     month=dt.date(2026, 6, 1), per_group=5, seed=5)
    assert sorted(check.sample) == sorted([in_use.pk, never.pk])
    # Reproducible: the same seed draws the same companies from the same registry.
    assert services.spot_check_sample(candidates, per_group=5, seed=5) == check.sample
    # A company put on the correction list again leaves the candidates.
    services.reviews_open(actor=corrector, tenant=world.tenant, partners=[in_use])
    assert [p.organization.name for p in selectors.spot_check_candidates(
        corrector, world.tenant)] == ["未纠正物业"]


def test_no_spot_check_while_every_company_is_under_correction(world, corrector, company):
    services.reviews_open(actor=corrector, tenant=world.tenant, partners=[company])
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=corrector, tenant=world.tenant, org_unit=world.root,
                                 month=dt.date(2026, 6, 1))
    assert exc.value.message_dict == {"month": [
        "There is no signed company with an agent whose contacts are in use to draw from."]}
    assert (SpotCheck.objects.count(), Campaign.objects.count()) == (0, 0)


def test_spot_check_refusals(world, corrector):
    _spot_registry(world)
    month = dt.date(2026, 4, 1)
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=corrector, tenant=world.tenant, org_unit=world.root,
                                 month=month, per_group=6)
    assert exc.value.message_dict == {"per_group": ["Draw 3 to 5 companies per city and "
                                                    "agent."]}
    services.spot_check_draw(actor=corrector, tenant=world.tenant, org_unit=world.root,
                             month=month, per_group=5, seed=11)
    with pytest.raises(ValidationError) as exc:
        services.spot_check_draw(actor=corrector, tenant=world.tenant, org_unit=world.root,
                                 month=month, per_group=3)
    assert exc.value.message_dict == {"month": ["The spot check of 2026-04 is already drawn."]}
    assert SpotCheck.objects.count() == 1
    assert Campaign.objects.count() == 1


def test_spot_check_on_screen(world, corrector):
    _spot_registry(world)
    client = _client(corrector)
    response = client.post("/outreach/spot-checks/new/", {
        "org_unit": world.root.pk, "month": "2026-05-01", "per_group": "4", "seed": "42"})
    assert response.status_code == 302
    check = SpotCheck.objects.get()
    assert (check.seed, check.per_group) == (42, 4)
    page = client.get(f"/outreach/spot-checks/{check.pk}/").content.decode()
    assert "抽查物业" in page and "42" in page


def test_monthly_update_reminder_reaches_business_development_once(world):
    developer = make_user(world.tenant, world.root, ["outreach.update_contactreview"],
                          username="bd")
    make_user(world.tenant, world.root, ["outreach.view_partner"], username="other")
    sent = services.update_reminder_send(today=dt.date(2026, 3, 1))
    assert sent == 1
    message = Message.objects.get()
    assert (message.recipient, message.event, message.channel) == (
        developer, "outreach.contact_update_reminder", "in_app")
    assert "2026-03" in message.subject
    assert services.update_reminder_send(today=dt.date(2026, 3, 2)) == 0
    assert services.update_reminder_send(today=dt.date(2026, 4, 1)) == 1


def test_celery_beat_schedules_the_reminder(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outreach-contact-update-reminder"]
    assert entry["task"] == "linli.outreach.tasks.remind_contact_update"
    assert remind_contact_update() == {"sent": 0}


# --- the API -----------------------------------------------------------------------------------

def test_api_flow_and_refusals(world, corrector, company):
    api = Api(corrector)
    opened = api.post("/outreach/contact-reviews", {"partner_ids": [company.pk]})
    assert opened.json() == {"opened": 1}
    review_id = ContactReview.objects.get().pk
    bad = api.post(f"/outreach/contact-reviews/{review_id}/corrections", {
        "field": "contact_mobile", "new_value": "13912345678", "source": "rumour"})
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"source": [
        "Choose the source: agent, online research, handbook subsidy or callback."]}
    added = api.post(f"/outreach/contact-reviews/{review_id}/corrections", {
        "field": "contact_mobile", "new_value": "13912345678", "source": "callback"})
    assert added.status_code == 201, added.content
    early = api.post(f"/outreach/contact-reviews/{review_id}/phase", {"phase": "in_use"})
    assert early.status_code == 422
    assert early.json()["fields"] == {"phase": [
        "A company cannot go from “Sort and correct” to “In use”."]}
    assert api.post(f"/outreach/contact-reviews/{review_id}/phase",
                    {"phase": "verify"}).status_code == 200
    verified = api.post(f"/outreach/contact-corrections/{added.json()['id']}/verify",
                        {"accept": True})
    assert verified.json()["status"] == "accepted"
    moved = api.post(f"/outreach/contact-reviews/{review_id}/phase", {"phase": "in_use"})
    assert (moved.json()["phase"], moved.json()["corrections"][0]["old_value"]) == (
        "in_use", "+8613812340000")
    listed = api.get("/outreach/contact-reviews", {"phase": "in_use"}).json()
    assert [row["company"] for row in listed["items"]] == ["阳光物业"]
    assert api.get("/outreach/contact-corrections").json()["count"] == 1
    foreign = services.partner_create(actor=None, tenant=world.other_tenant,
                                      org_unit=world.other_root, kind="property_company",
                                      name="他方物业")
    refused = api.post("/outreach/contact-reviews", {"partner_ids": [foreign.pk]})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"partner_ids": ["Choose companies you can see."]}


def test_api_spot_check(world, corrector):
    _spot_registry(world)
    api = Api(corrector)
    response = api.post("/outreach/spot-checks", {"org_unit_id": world.root.pk,
                                                   "month": "2026-06-09", "per_group": 3})
    assert response.status_code == 201, response.content
    assert (response.json()["seed"], len(response.json()["sample"])) == (202606, 12)
    listed = api.get("/outreach/spot-checks").json()
    assert listed["count"] == 1


# --- the screen flow ---------------------------------------------------------------------------

def test_operator_corrects_verifies_and_puts_in_use_on_screen(world, corrector, company):
    [review] = _open(world, corrector, company)
    client = _client(corrector)
    url = f"/outreach/corrections/{review.pk}/"
    client.post(f"{url}add/", {"field": "contact_mobile", "new_value": "13955556666",
                               "source": "online_research"})
    client.post(f"{url}phase/", {"phase": "in_use"})
    review.refresh_from_db()
    assert review.phase == "sort_correct"
    client.post(f"{url}phase/", {"phase": "verify"})
    correction = ContactCorrection.objects.get()
    client.post(f"/outreach/corrections/changes/{correction.pk}/verify/", {"accept": "1"})
    client.post(f"{url}phase/", {"phase": "in_use"})
    review.refresh_from_db()
    assert review.phase == "in_use"
    page = client.get(url).content.decode()
    assert "139 5555 6666" in page and "Online research" in page


def test_exported_list_answered_and_imported_back(world, corrector, company, agent):
    _open(world, corrector, company)
    response = _client(corrector).get(f"/outreach/corrections/agents/{agent.pk}/",
                                      {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    rows[1][header.index("Answer")] = "已更正"
    rows[1][header.index("Corrected landline")] = "0591-87659999"
    run = _import(corrector, rows)
    assert (run.errors, run.written_count) == ([], 1)
    correction = ContactCorrection.objects.get()
    assert (correction.field, correction.old_value, correction.new_value) == (
        "landline", "+8659187650000", "+8659187659999")


def test_api_answer(world, corrector, company):
    [review] = _open(world, corrector, company)
    api = Api(corrector)
    bad = api.post(f"/outreach/contact-reviews/{review.pk}/answer", {"reason": "maybe"})
    assert (bad.status_code, bad.json()["fields"]) == (
        422, {"reason": ["Choose a reason from the list."]})
    done = api.post(f"/outreach/contact-reviews/{review.pk}/answer", {
        "reason": "corrected", "note": "新经理", "values": {"contact_name": "张经理"}})
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["reason"], body["corrections"][0]["new_value"],
            body["corrections"][0]["source"]) == ("corrected", "张经理", "agent")
