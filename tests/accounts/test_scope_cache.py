"""Cached scopes never outlive a change of access (PLAT-2)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts import services as accounts
from linli.accounts.models import Membership, Role, User
from linli.core.scope import scope_for
from tests.builders import make_role, make_unit, make_user

pytestmark = pytest.mark.django_db

PERM = "directory.view_person"


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.SCOPE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def fresh(user) -> User:
    """The user as the next request loads it (the per-request scope is on the object)."""
    return User.objects.get(pk=user.pk)


def units(user, perm=PERM):
    return scope_for(fresh(user)).org_units_for(perm)


def test_the_second_request_resolves_the_scope_without_queries(world):
    user = make_user(world.tenant, world.branch_a, [PERM])
    first = units(user)
    again = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert scope_for(again).org_units_for(PERM) == first
    assert len(queries.captured_queries) == 0
    assert world.branch_a.pk in first and world.branch_b.pk not in first


def test_a_new_membership_widens_the_scope_at_once(world):
    user = make_user(world.tenant, world.branch_a, [PERM])
    assert world.branch_b.pk not in units(user)
    accounts.membership_add(actor=None, user=user, org_unit=world.branch_b,
                            role=make_role(world.tenant, [PERM]))
    assert world.branch_b.pk in units(user)


def test_a_removed_membership_or_permission_narrows_it_at_once(world):
    user = make_user(world.tenant, world.branch_a, [PERM])
    assert units(user)
    role = Role.objects.get(memberships__user=user)
    role.permissions.clear()
    assert units(user) == frozenset()
    accounts.membership_remove(actor=None, membership=Membership.objects.get(user=user))
    assert not scope_for(fresh(user)).permissions


def test_a_new_unit_below_joins_and_a_moved_unit_leaves(world):
    user = make_user(world.tenant, world.branch_a, [PERM])
    units(user)
    office = make_unit(world.branch_a, "新管理处", kind="project")
    assert office.pk in units(user)
    accounts.org_unit_move(actor=None, unit=office, new_parent=world.branch_b)
    assert office.pk not in units(user)


def test_a_membership_that_ends_today_counts_until_tomorrow(world, monkeypatch):
    user = make_user(world.tenant)
    today = datetime.date.today()
    accounts.membership_add(actor=None, user=user, org_unit=world.branch_a,
                            role=make_role(world.tenant, [PERM]), valid_until=today)
    assert world.branch_a.pk in units(user)
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda *a, **k: today + datetime.timedelta(days=1))
    assert units(user) == frozenset()


def test_off_without_a_shared_cache(world, settings):
    settings.SCOPE_CACHE_SECONDS = 0
    user = make_user(world.tenant, world.branch_a, [PERM])
    units(user)
    with CaptureQueriesContext(connection) as queries:
        units(user)
    assert len(queries.captured_queries) > 1  # the user, then the scope read afresh


def test_a_sign_in_keeps_the_cached_scopes_but_deactivation_does_not(world):
    from linli.accounts.scope_cache import access_revision

    user = make_user(world.tenant, world.branch_a, [PERM])
    units(user)
    before = access_revision(world.tenant.pk)
    signed_in = fresh(user)
    signed_in.save(update_fields=["last_login"])
    assert access_revision(world.tenant.pk) == before
    accounts.user_set_active(actor=None, user=fresh(user), active=False)
    assert access_revision(world.tenant.pk) != before
