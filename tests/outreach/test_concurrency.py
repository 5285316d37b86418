"""Simultaneous moves of one company's contact correction (OUT-3): the row lock in
``review_transition`` serialises them, so of several concurrent moves to "Verify" exactly one
wins and the others get the clear refusal; one correction verified twice at once is accepted
once and written to the directory once. Needs real concurrent connections: PostgreSQL only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from linli.core.events import DomainEvent
from linli.outreach import services
from linli.outreach.models import ContactCorrection, ContactReview
from tests.outreach.builders import make_partner
from tests.servicedesk.test_concurrency import _run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.django_db(transaction=True)
def test_a_company_moves_once_and_a_correction_is_verified_once(world):
    partner = make_partner(world, "阳光物业", contact_name="李经理",
                           contact_mobile="13812340000")
    correction = services.correction_record(actor=None, partner=partner,
                                            field="contact_mobile", new_value="13912345678",
                                            source="callback")
    pk = ContactReview.objects.get(partner=partner).pk
    moved = []

    def move():
        services.review_transition(actor=None, review=ContactReview.objects.get(pk=pk),
                                   phase="verify")
        moved.append("moved")

    refusals = _run_together(move, count=3)
    assert moved == ["moved"] and len(refusals) == 2
    for refusal in refusals:
        assert isinstance(refusal, ValidationError), refusal
        assert refusal.message_dict == {"phase": ["The company is already in this phase."]}
    assert DomainEvent.objects.filter(subject_id=pk, verb="outreach.review_phase").count() == 1
    verified = []

    def verify():
        services.correction_verify(actor=None, correction=ContactCorrection.objects.get(
            pk=correction.pk), accept=True)
        verified.append("verified")

    refusals = _run_together(verify, count=3)
    assert verified == ["verified"] and len(refusals) == 2
    for refusal in refusals:
        assert refusal.message_dict == {"status": ["This correction is already verified."]}
    assert ContactCorrection.objects.get(pk=correction.pk).status == "accepted"
