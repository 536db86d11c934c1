"""Organisation pages: everyone signed in reads; the planning manager edits; bad input is a form
error naming the field."""

import pytest
from django.urls import reverse

from committee.choices import Position
from committee.models import CommitteeSeat, Department, Membership
from opsplan.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(sales, committee, unit_staff):
    membership = unit_staff.memberships.get()
    return {
        "read": [
            reverse("committee:organisation"),
            reverse("committee:department-detail", args=[sales.code]),
            reverse("committee:people"),
            reverse("committee:person-detail", args=[unit_staff.pk]),
        ],
        "edit": [
            reverse("committee:department-create"),
            reverse("committee:department-edit", args=[sales.code]),
            reverse("committee:person-create"),
            reverse("committee:person-edit", args=[unit_staff.pk]),
            reverse("committee:committee-edit", args=[committee.pk]),
            reverse("committee:seat-add", args=[committee.pk]),
        ],
        "post": [
            reverse("committee:membership-add", args=[sales.code]),
            reverse("committee:membership-end", args=[membership.pk]),
        ],
    }


def test_anonymous_is_sent_to_sign_in(client, pages):
    for url in pages["read"] + pages["edit"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["outsider", "unit_staff", "chair", "auditor"])
def test_everyone_signed_in_reads_but_only_the_manager_edits(client, request, persona, pages):
    client.force_login(request.getfixturevalue(persona))
    for url in pages["read"]:
        assert client.get(url).status_code == 200, url
    for url in pages["edit"]:
        assert client.get(url).status_code == 403, url
    for url in pages["post"]:
        assert client.post(url, {}).status_code == 403, url


def test_planning_manager_sees_every_edit_page(client, planning_manager, pages):
    client.force_login(planning_manager)
    for url in pages["edit"]:
        assert client.get(url).status_code == 200, url


def test_organisation_page_shows_edit_buttons_only_to_the_manager(client, planning_manager,
                                                                   unit_staff, sales):
    client.force_login(unit_staff)
    assert reverse("committee:department-create") not in client.get(
        reverse("committee:organisation")).content.decode()
    client.force_login(planning_manager)
    assert reverse("committee:department-create") in client.get(
        reverse("committee:organisation")).content.decode()


def test_manager_creates_a_department_through_the_form(client, planning_manager):
    client.force_login(planning_manager)
    response = client.post(reverse("committee:department-create"), {
        "code": "logistics", "name": "Logistics", "kind": "business_unit", "is_active": "on",
    })
    assert response.status_code == 302
    department = Department.objects.get(code="logistics")
    assert response.url == department.get_absolute_url()
    assert AuditEvent.objects.filter(action="committee.department.create",
                                     subject_id=str(department.pk)).exists()


def test_form_errors_name_the_field_and_store_nothing(client, planning_manager):
    client.force_login(planning_manager)
    response = client.post(reverse("committee:department-create"),
                           {"code": "", "name": "X", "kind": "business_unit"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not Department.objects.filter(name="X").exists()


def test_position_not_fitting_the_department_is_a_form_error(client, planning_manager, sales,
                                                             outsider):
    client.force_login(planning_manager)
    response = client.post(reverse("committee:membership-add", args=[sales.code]), {
        "user": outsider.pk, "position": Position.MANAGER, "started_on": "2026-01-01",
    })
    assert response.status_code == 400
    assert "position" in response.context["form"].errors
    assert not Membership.objects.filter(user=outsider).exists()


def test_manager_adds_and_ends_a_position(client, planning_manager, sales, outsider):
    client.force_login(planning_manager)
    response = client.post(reverse("committee:membership-add", args=[sales.code]), {
        "user": outsider.pk, "position": Position.STAFF, "started_on": "2026-01-01",
    })
    assert response.status_code == 302
    membership = Membership.objects.get(user=outsider)
    client.post(reverse("committee:membership-end", args=[membership.pk]), {})
    membership.refresh_from_db()
    assert membership.ended_on is not None


def test_only_one_chair_at_a_time(client, planning_manager, chair, committee, outsider):
    client.force_login(planning_manager)
    response = client.post(reverse("committee:seat-add", args=[committee.pk]), {
        "user": outsider.pk, "role": "chair", "started_on": "2026-01-01",
    })
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CommitteeSeat.objects.filter(user=outsider).exists()


def test_people_search(client, unit_staff, unit_head):
    client.force_login(unit_staff)
    response = client.get(reverse("committee:people"), {"q": "unit_h"})
    assert [p.username for p in response.context["page"].object_list] == ["unit_head"]


def test_forms_require_csrf(planning_manager):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(planning_manager)
    response = client.post(reverse("committee:department-create"),
                           {"code": "x", "name": "X", "kind": "business_unit"})
    assert response.status_code == 403
    assert not Department.objects.filter(code="x").exists()


def test_organisation_page_query_count_is_constant(client, outsider,
                                                   django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

    def make(n, offset):
        for i in range(offset, offset + n):
            dept = DepartmentFactory(code=f"d{i}", name=f"D{i}")
            MembershipFactory(user=UserFactory(username=f"u{i}"), department=dept)

    client.force_login(outsider)
    make(3, 0)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("committee:organisation"))
        client.get(reverse("committee:people"))
    make(297, 3)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("committee:organisation"))
        client.get(reverse("committee:people"))
    assert len(small.captured_queries) == len(large.captured_queries)
