"""Dashboards as a whole: who sees which, the page and the API answer alike, the desk's unit."""

import pytest

from committee.choices import DepartmentKind, Position
from opsplan import dashboards
from tests.factories import DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

WHO_SEES = {
    "committee": {"committee_member", "chair", "auditor"},
    "planning": {"planning_manager", "author", "auditor"},
    "unit": {"unit_head", "unit_staff", "reviewer"},
}
PEOPLE = ["committee_member", "chair", "planning_manager", "author", "reviewer", "unit_head",
          "unit_staff", "auditor", "outsider", "integration"]


@pytest.mark.parametrize("key", sorted(WHO_SEES))
@pytest.mark.parametrize("person", PEOPLE)
def test_each_dashboard_opens_for_its_audience_only_on_the_page_and_in_the_api(
        request, client, api, key, person):
    user = request.getfixturevalue(person)
    allowed = person in WHO_SEES[key]
    client.force_login(user)
    page = client.get(f"/dashboards/{key}/")
    assert page.status_code == (200 if allowed else 403)
    answer = api.as_(user).get(f"/api/v1/me/dashboards/{key}/")
    assert answer.status_code == (200 if allowed else 403)
    if allowed:
        body = answer.json()
        assert body["dashboard"] == key
        shown = [p.key for p in dashboards.panels_for(dashboards.DASHBOARDS[key], user)]
        assert [p["key"] for p in body["panels"]] == shown
        for key_ in shown:
            assert f'id="panel-{key_}"' in page.content.decode()


def test_an_unknown_dashboard_is_not_found(client, api, chair):
    client.force_login(chair)
    assert client.get("/dashboards/nowhere/").status_code == 404
    assert api.as_(chair).get("/api/v1/me/dashboards/nowhere/").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, api):
    page = client.get("/dashboards/committee/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert api.get("/api/v1/me/dashboards/committee/").status_code in (401, 403)


def test_home_links_the_dashboards_the_person_may_open(client, chair, unit_head):
    client.force_login(chair)
    home = client.get("/").content.decode()
    assert 'href="/dashboards/committee/"' in home
    assert 'href="/dashboards/unit/"' not in home
    client.force_login(unit_head)
    home = client.get("/").content.decode()
    assert 'href="/dashboards/unit/"' in home
    assert 'href="/dashboards/committee/"' not in home


def test_the_desk_shows_a_unit_of_the_person_and_never_another(client, api, unit_head, sales,
                                                              marketing):
    northern = DepartmentFactory(code="north", name="Northern sales",
                                 kind=DepartmentKind.BUSINESS_UNIT)
    MembershipFactory(user=unit_head, department=northern, position=Position.STAFF)
    client.force_login(unit_head)
    first = client.get("/dashboards/unit/")
    assert first.context["scope"] == northern  # first by name
    assert client.get("/dashboards/unit/?unit=sales").context["scope"] == sales
    # A unit the person does not belong to falls back to their own.
    assert client.get("/dashboards/unit/?unit=marketing").context["scope"] == northern
    assert api.as_(unit_head).get("/api/v1/me/dashboards/unit/?unit=sales").json()[
        "scope"] == "sales"
    assert api.as_(unit_head).get("/api/v1/me/dashboards/unit/?unit=marketing").json()[
        "scope"] == "north"


def test_the_desk_closes_when_the_persons_unit_is_no_longer_active(client, api, unit_head,
                                                                   sales):
    sales.is_active = False
    sales.save(update_fields=["is_active"])
    client.force_login(unit_head)
    assert client.get("/dashboards/unit/").status_code == 403
    assert api.as_(unit_head).get("/api/v1/me/dashboards/unit/").status_code == 403
