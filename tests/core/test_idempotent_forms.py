"""Screen forms sent twice (core/idempotent_forms.py): the first send runs, a resend gets the
first answer, a resend while the first still runs is refused, a key reused with other input is
refused, and forms without a key are left alone."""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from linli.core.idempotency import IdempotencyRecord
from linli.core.idempotent_forms import idempotent_form
from tests.builders import make_user

pytestmark = pytest.mark.django_db

runs = []


@idempotent_form
def _view(request):
    runs.append(request.POST.get("what"))
    if request.POST.get("what") == "fail":
        return HttpResponse("broken", status=500)
    return HttpResponseRedirect(f"/done/{len(runs)}/")


def _post(user, **data):
    request = RequestFactory().post("/form/", data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return _view(request)


@pytest.fixture
def user(world):
    runs.clear()
    return make_user(world.tenant, world.branch_a, [], username="form.user")


def test_a_resend_gets_the_first_answer_and_runs_nothing(user):
    first = _post(user, what="note", idempotency_key="k1")
    again = _post(user, what="note", idempotency_key="k1")
    assert runs == ["note"]
    assert again.status_code == 302 and again["Location"] == first["Location"] == "/done/1/"
    assert again["Idempotent-Replayed"] == "true"


def test_other_input_with_a_used_key_is_refused(user):
    _post(user, what="note", idempotency_key="k2")
    assert _post(user, what="other", idempotency_key="k2").status_code == 422
    assert runs == ["note"]


def test_a_resend_while_the_first_runs_is_refused(user):
    _post(user, what="note", idempotency_key="k3")
    IdempotencyRecord.objects.filter(key="k3").update(status_code=None)
    assert _post(user, what="note", idempotency_key="k3").status_code == 409
    assert runs == ["note"]


def test_a_failed_first_send_frees_the_key(user):
    assert _post(user, what="fail", idempotency_key="k4").status_code == 500
    assert not IdempotencyRecord.objects.filter(key="k4").exists()
    _post(user, what="fail", idempotency_key="k4")
    assert runs == ["fail", "fail"]


def test_forms_without_a_key_and_overlong_keys(user):
    _post(user, what="a")
    _post(user, what="a")
    assert runs == ["a", "a"]
    assert _post(user, what="a", idempotency_key="x" * 201).status_code == 400
    assert runs == ["a", "a"]
