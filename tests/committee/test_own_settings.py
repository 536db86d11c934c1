"""Everyone sets their own display name, language and time zone (page and API), audited;
nothing else about them changes that way."""

import pytest

from opsplan.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_person_sets_their_language_and_time_zone_on_the_page(client, unit_staff):
    client.force_login(unit_staff)
    page = client.get("/organisation/me/")
    assert page.status_code == 200 and 'list="time-zones"' in page.content.decode()
    answer = client.post("/organisation/me/", {"display_name": "Lin Hui", "language": "zh-hans",
                                               "time_zone": "Asia/Shanghai"})
    assert answer.status_code == 302
    unit_staff.refresh_from_db()
    assert (unit_staff.display_name, unit_staff.language, unit_staff.time_zone) == (
        "Lin Hui", "zh-hans", "Asia/Shanghai")
    event = AuditEvent.objects.get(action="committee.person.own_settings")
    assert event.actor == unit_staff and event.data["time_zone"] == ["", "Asia/Shanghai"]


def test_an_unknown_time_zone_is_a_form_error_and_nothing_changes(client, unit_staff):
    client.force_login(unit_staff)
    answer = client.post("/organisation/me/", {"display_name": "Changed", "language": "en",
                                               "time_zone": "Mars/Olympus"})
    assert answer.status_code == 200
    assert "time_zone" in answer.context["form"].errors
    unit_staff.refresh_from_db()
    assert unit_staff.display_name != "Changed" and unit_staff.time_zone == ""
    assert not AuditEvent.objects.filter(action="committee.person.own_settings").exists()


def test_the_api_reads_and_patches_only_the_own_settings(api, unit_staff):
    client = api.as_(unit_staff)
    assert client.get("/api/v1/committee/me/").json()["username"] == unit_staff.username
    answer = client.patch("/api/v1/committee/me/", {"time_zone": "Europe/Berlin",
                                                    "username": "someone_else",
                                                    "is_staff": True}, format="json")
    assert answer.status_code == 200 and answer.json()["time_zone"] == "Europe/Berlin"
    unit_staff.refresh_from_db()
    assert unit_staff.time_zone == "Europe/Berlin"
    assert unit_staff.username == "unit_staff" and not unit_staff.is_staff


def test_the_api_names_the_bad_field(api, unit_staff):
    answer = api.as_(unit_staff).patch("/api/v1/committee/me/", {"language": "klingon"},
                                       format="json")
    assert answer.status_code == 400 and "language" in answer.json()["errors"]


def test_staff_change_their_own_settings_too(client, unit_staff):
    unit_staff.is_staff = True
    unit_staff.save()
    client.force_login(unit_staff)
    client.post("/organisation/me/", {"display_name": "", "language": "en", "time_zone": ""})
    unit_staff.refresh_from_db()
    assert unit_staff.language == "en"


def test_the_organisation_manager_sets_a_persons_time_zone(client, planning_manager,
                                                          unit_staff):
    client.force_login(planning_manager)
    answer = client.post(f"/organisation/people/{unit_staff.pk}/edit/", {
        "username": unit_staff.username, "display_name": "", "first_name": "", "last_name": "",
        "email": "", "language": "", "time_zone": "Asia/Tokyo", "is_active": "on"})
    assert answer.status_code == 302
    unit_staff.refresh_from_db()
    assert unit_staff.time_zone == "Asia/Tokyo"
