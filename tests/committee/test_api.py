"""The organisation API: everyone signed in reads, the planning manager writes."""

import pytest

from committee.choices import DepartmentKind, Position
from committee.models import Department, Membership
from opsplan.models import AuditEvent
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/committee/departments/",
    "/api/v1/committee/people/",
    "/api/v1/committee/memberships/",
    "/api/v1/committee/committees/",
    "/api/v1/committee/seats/",
]


@pytest.mark.parametrize("url", [*LISTS, "/api/v1/"])
def test_anonymous_gets_401(api, url):
    response = api.get(url)
    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("persona", ["outsider", "unit_staff", "auditor", "integration"])
def test_everyone_signed_in_reads_the_organisation(api, request, persona, url, committee):
    response = api.as_(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 200
    assert "results" in response.json()


@pytest.mark.parametrize("persona", ["outsider", "unit_head", "chair", "author", "auditor",
                                     "integration"])
def test_only_the_planning_manager_writes(api, request, persona, sales):
    user = request.getfixturevalue(persona)
    create = api.as_(user).post("/api/v1/committee/departments/",
                                {"code": "new", "name": "New", "kind": "business_unit"})
    change = api.as_(user).patch(f"/api/v1/committee/departments/{sales.pk}/", {"name": "X"})
    assert create.status_code == 403
    assert change.status_code == 403
    assert not Department.objects.filter(code="new").exists()
    sales.refresh_from_db()
    assert sales.name == "Sales"


def test_planning_manager_creates_and_changes_a_department(api, planning_manager):
    api.as_(planning_manager)
    created = api.post("/api/v1/committee/departments/",
                       {"code": "logistics", "name": "Logistics", "kind": "business_unit"})
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    changed = api.patch(f"/api/v1/committee/departments/{pk}/", {"name": "Logistics & Supply"})
    assert changed.status_code == 200
    actions = list(AuditEvent.objects.filter(actor=planning_manager)
                   .values_list("action", flat=True))
    assert {"committee.department.create", "committee.department.update"} <= set(actions)


def test_bad_input_is_a_400_naming_the_field(api, planning_manager):
    response = api.as_(planning_manager).post(
        "/api/v1/committee/departments/", {"code": "bad code!", "name": "", "kind": "nope"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"code", "name", "kind"}


def test_second_active_planning_department_is_refused(api, planning_manager):
    response = api.as_(planning_manager).post(
        "/api/v1/committee/departments/",
        {"code": "planning-2", "name": "Second planning", "kind": DepartmentKind.PLANNING},
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_position_must_fit_the_department_kind(api, planning_manager, sales):
    person = UserFactory(username="newcomer")
    response = api.as_(planning_manager).post("/api/v1/committee/memberships/", {
        "user": person.pk, "department": sales.pk, "position": Position.SPECIALIST,
    })
    assert response.status_code == 400
    assert "position" in response.json()["errors"]
    assert not Membership.objects.filter(user=person).exists()


def test_membership_is_ended_not_deleted(api, planning_manager, unit_staff):
    membership = unit_staff.memberships.get()
    api.as_(planning_manager)
    assert api.delete(f"/api/v1/committee/memberships/{membership.pk}/").status_code == 405
    ended = api.post(f"/api/v1/committee/memberships/{membership.pk}/end/", {})
    assert ended.status_code == 200
    assert ended.json()["ended_on"] is not None
    again = api.post(f"/api/v1/committee/memberships/{membership.pk}/end/", {})
    assert again.status_code == 400
    assert "ended_on" in again.json()["errors"]


def test_deleting_a_department_deactivates_it(api, planning_manager, sales):
    assert api.as_(planning_manager).delete(
        f"/api/v1/committee/departments/{sales.pk}/").status_code == 204
    sales.refresh_from_db()
    assert sales.is_active is False


def test_people_cannot_be_given_a_password_on_update(api, planning_manager, unit_staff):
    response = api.as_(planning_manager).patch(
        f"/api/v1/committee/people/{unit_staff.pk}/", {"password": "new-secret-password-1"}
    )
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_person_created_without_password_cannot_sign_in(api, planning_manager):
    response = api.as_(planning_manager).post(
        "/api/v1/committee/people/", {"username": "li.na", "display_name": "Li Na"}
    )
    assert response.status_code == 201, response.json()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.get(username="li.na").has_usable_password()


def test_people_filter_by_department(api, unit_head, unit_staff, reviewer, sales):
    response = api.as_(unit_head).get("/api/v1/committee/people/", {"department": sales.pk})
    usernames = {p["username"] for p in response.json()["results"]}
    assert usernames == {"unit_head", "unit_staff"}


@pytest.mark.parametrize("url", LISTS[:3])
def test_list_query_count_does_not_grow_with_rows(api, outsider, url,
                                                  django_assert_max_num_queries):
    def make(n, offset):
        for i in range(n):
            dept = DepartmentFactory(code=f"d{offset + i}", name=f"D{offset + i}")
            MembershipFactory(user=UserFactory(username=f"u{offset + i}"), department=dept)

    api.as_(outsider)
    make(3, 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert api.get(url, {"page_size": 500}).status_code == 200
    make(297, 3)
    with CaptureQueriesContext(connection) as large:
        response = api.get(url, {"page_size": 500})
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
