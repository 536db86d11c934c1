"""Roles are read from the shared cache, and every change to people, departments, positions
or seats is seen at once (whichever way it is made: service, admin or factory)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committee.choices import Position, Role
from committee.selectors import roles_of
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles_cached(settings):
    from django.core.cache import cache

    settings.OPSPLAN_ROLES_CACHE_SECONDS = 3600
    cache.clear()


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _role_queries(user):
    with CaptureQueriesContext(connection) as seen:
        roles = roles_of(_fresh(user))
    return roles, [q for q in seen.captured_queries
                   if "committee_membership" in q["sql"] or "committee_committeeseat" in q["sql"]]


def test_a_second_request_reads_the_roles_without_queries(unit_head):
    first, queries = _role_queries(unit_head)
    assert Role.UNIT_HEAD in first and len(queries) == 2
    again, queries = _role_queries(unit_head)
    assert again == first and queries == []


def test_a_new_position_counts_at_once(unit_staff, marketing):
    assert Role.UNIT_HEAD not in roles_of(_fresh(unit_staff))
    MembershipFactory(user=unit_staff, department=marketing, position=Position.HEAD)
    assert Role.UNIT_HEAD in roles_of(_fresh(unit_staff))


def test_an_ended_position_ends_the_role_at_once(client, unit_head):
    from django.utils import timezone

    from committee import services

    client.force_login(unit_head)
    assert client.get("/dashboards/unit/").status_code == 200
    import datetime as dt

    membership = unit_head.memberships.get()
    type(membership).objects.filter(pk=membership.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=30))  # no signal: still cached
    assert client.get("/dashboards/unit/").status_code == 200
    membership.refresh_from_db()
    services.membership_end(membership=membership, actor=unit_head,
                            ended_on=timezone.localdate() - dt.timedelta(days=1))
    assert Role.UNIT_HEAD not in roles_of(_fresh(unit_head))
    assert client.get("/dashboards/unit/").status_code == 403


def test_a_department_closed_ends_its_roles_at_once(unit_head, sales):
    assert Role.UNIT_HEAD in roles_of(_fresh(unit_head))
    sales.is_active = False
    sales.save()
    assert Role.UNIT_HEAD not in roles_of(_fresh(unit_head))


def test_signing_in_keeps_the_cached_roles(client, unit_head):
    roles_of(_fresh(unit_head))
    from django.contrib.auth.models import update_last_login

    update_last_login(None, _fresh(unit_head))
    _, queries = _role_queries(unit_head)
    assert queries == []


def test_no_shared_cache_when_the_time_to_live_is_zero(unit_head, settings):
    settings.OPSPLAN_ROLES_CACHE_SECONDS = 0
    roles_of(_fresh(unit_head))
    _, queries = _role_queries(unit_head)
    assert len(queries) == 2
