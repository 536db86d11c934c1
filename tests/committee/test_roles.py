"""Roles derive from current memberships and committee seats, never from hand-set flags."""

import datetime as dt

import pytest
from django.utils import timezone

from committee.choices import Position, Role, SeatRole
from committee.rules import (
    can_edit_organisation,
    is_committee_chair,
    is_committee_member,
    is_head_of,
    is_member_of,
    is_planning_manager,
    is_unit_head,
)
from committee.selectors import forget_roles, roles_of
from tests.factories import MembershipFactory, SeatFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_roles_come_from_memberships(author, unit_head, unit_staff, planning_manager, auditor):
    assert roles_of(author) == {Role.PLANNING_SPECIALIST}
    assert roles_of(unit_head) == {Role.UNIT_HEAD}
    assert roles_of(unit_staff) == {Role.UNIT_STAFF}
    assert roles_of(planning_manager) == {Role.PLANNING_MANAGER}
    assert roles_of(auditor) == {Role.AUDITOR}


def test_chair_is_also_a_committee_member(chair, committee_member):
    assert roles_of(chair) == {Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER}
    assert roles_of(committee_member) == {Role.COMMITTEE_MEMBER}


def test_a_person_with_several_positions_holds_every_role(unit_head, committee, marketing):
    SeatFactory(committee=committee, user=unit_head, role=SeatRole.MEMBER)
    MembershipFactory(user=unit_head, department=marketing, position=Position.STAFF)
    forget_roles(unit_head)
    assert roles_of(unit_head) == {Role.UNIT_HEAD, Role.UNIT_STAFF, Role.COMMITTEE_MEMBER}


def test_ended_and_future_positions_give_no_role(sales):
    today = timezone.localdate()
    past = UserFactory(username="past")
    MembershipFactory(user=past, department=sales, position=Position.HEAD,
                      started_on=today - dt.timedelta(days=30),
                      ended_on=today - dt.timedelta(days=1))
    future = UserFactory(username="future")
    MembershipFactory(user=future, department=sales, position=Position.HEAD,
                      started_on=today + dt.timedelta(days=1))
    assert roles_of(past) == frozenset()
    assert roles_of(future) == frozenset()


def test_inactive_department_gives_no_role(unit_head, sales):
    sales.is_active = False
    sales.save()
    forget_roles(unit_head)
    assert roles_of(unit_head) == frozenset()


def test_inactive_user_and_anonymous_have_no_roles(unit_head):
    from django.contrib.auth.models import AnonymousUser

    unit_head.is_active = False
    assert roles_of(unit_head) == frozenset()
    assert roles_of(AnonymousUser()) == frozenset()


def test_staff_flag_gives_no_role(db):
    flagged = UserFactory(username="flagged", is_staff=True)
    assert roles_of(flagged) == frozenset()


def test_roles_are_computed_once_per_user_object(unit_head, django_assert_num_queries):
    forget_roles(unit_head)
    with django_assert_num_queries(2):
        roles_of(unit_head)
        roles_of(unit_head)
        is_unit_head(unit_head)


@pytest.mark.parametrize(
    ("persona", "predicate", "expected"),
    [
        ("chair", is_committee_chair, True),
        ("committee_member", is_committee_chair, False),
        ("committee_member", is_committee_member, True),
        ("unit_head", is_committee_member, False),
        ("planning_manager", is_planning_manager, True),
        ("author", is_planning_manager, False),
        ("unit_head", is_unit_head, True),
        ("unit_staff", is_unit_head, False),
        ("planning_manager", can_edit_organisation, True),
        ("chair", can_edit_organisation, False),
        ("author", can_edit_organisation, False),
        ("outsider", can_edit_organisation, False),
    ],
)
def test_role_predicates(request, persona, predicate, expected):
    user = request.getfixturevalue(persona)
    assert predicate(user) is expected


def test_object_predicates_know_the_department(unit_head, unit_staff, sales, marketing):
    assert is_head_of(unit_head, sales)
    assert not is_head_of(unit_head, marketing)
    assert not is_head_of(unit_staff, sales)
    assert is_member_of(unit_staff, sales)
    assert not is_member_of(unit_staff, marketing)


def test_has_perm_answers_through_the_rules_backend(planning_manager, unit_head, sales):
    assert planning_manager.has_perm("committee.change_department", sales)
    assert not unit_head.has_perm("committee.change_department", sales)
    assert unit_head.has_perm("committee.view_department", sales)
