"""Meeting pages and API: who sees which meeting, running it from the page and the API with
the same rules, bad input named by field, constant query counts, the calendar feed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.choices import MeetingState
from meetings.models import CalendarFeed, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly(planning_manager, unit_head, monday):
    meeting, _ = services.schedule_weekly(monday)
    return meeting


def _adhoc(caller, invitees, title="Urgent matter"):
    starts = timezone.now() + dt.timedelta(hours=2)
    return services.call_adhoc(actor=caller, title=title, subject="x", urgency="urgent",
                               starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                               invitees=invitees)


def test_invitees_see_their_meetings_and_outsiders_see_none(client, weekly, unit_head,
                                                            unit_staff, outsider):
    client.force_login(unit_head)
    assert client.get(weekly.get_absolute_url()).status_code == 200
    client.force_login(unit_staff)
    assert client.get(weekly.get_absolute_url()).status_code == 404
    assert weekly.title not in client.get(reverse("meetings:list")).content.decode()
    client.force_login(outsider)
    assert client.get(weekly.get_absolute_url()).status_code == 404


def test_the_chair_runs_the_meeting_from_the_page(client, weekly, planning_manager,
                                                  unit_head):
    client.force_login(planning_manager)
    assert client.post(reverse("meetings:transition", args=[weekly.pk, "start"])).status_code \
        == 302
    seat = weekly.participants.get(user=unit_head)
    assert client.post(reverse("meetings:attendance", args=[weekly.pk, seat.pk]),
                       {"attendance": "present"}).status_code == 302
    item = services.add_agenda_item(meeting=weekly, actor=planning_manager, title="Budget")
    response = client.post(reverse("meetings:minutes", args=[weekly.pk, item.pk]),
                           {"minutes": "Agreed to cut travel."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Saved" in response.content.decode()
    response = client.post(reverse("meetings:decision-add", args=[weekly.pk]),
                           {"text": "Cut travel by 10 %.", "decided_by": [planning_manager.pk],
                            "agenda_item": item.pk})
    assert response.status_code == 302
    response = client.post(reverse("meetings:follow-up-add", args=[weekly.pk]),
                           {"title": "Tell the teams", "owner": unit_head.pk,
                            "due_date": "2026-12-01"})
    assert response.status_code == 302
    page = client.get(weekly.get_absolute_url()).content.decode()
    assert "Cut travel by 10 %." in page and "Tell the teams" in page


def test_form_errors_name_the_field(client, weekly, planning_manager):
    client.force_login(planning_manager)
    services.start(meeting=weekly, actor=planning_manager)
    response = client.post(reverse("meetings:decision-add", args=[weekly.pk]),
                           {"text": "", "decided_by": []})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"text", "decided_by"}
    response = client.post(reverse("meetings:create"), {
        "title": "x", "subject": "y", "urgency": "urgent", "starts_at": "2026-12-01T10:00",
        "ends_at": "2026-12-01T09:00", "invitees": [planning_manager.pk]})
    assert response.status_code == 400 and "ends_at" in response.context["form"].errors


def test_an_attendee_cannot_run_the_meeting_from_the_page_or_the_api(client, api, weekly,
                                                                     unit_head):
    client.force_login(unit_head)
    assert client.post(reverse("meetings:transition", args=[weekly.pk, "start"])).status_code \
        == 403
    response = api.as_(unit_head).post(f"/api/v1/meetings/{weekly.pk}/transitions/start/")
    assert response.status_code == 403
    assert Meeting.objects.get(pk=weekly.pk).state == MeetingState.SCHEDULED


def test_the_api_runs_the_whole_meeting(api, weekly, planning_manager, unit_head, committee):
    client = api.as_(planning_manager)
    base = f"/api/v1/meetings/{weekly.pk}"
    assert client.post(f"{base}/transitions/start/").json()["state"] == "in_progress"
    again = client.post(f"{base}/transitions/start/")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    seat = weekly.participants.get(user=unit_head)
    assert client.post(f"{base}/attendance/", {"participant": seat.pk,
                                               "attendance": "absent"},
                       format="json").status_code == 200
    bad = client.post(f"{base}/attendance/", {"participant": 999999, "attendance": "absent"},
                      format="json")
    assert bad.status_code == 400 and "participant" in bad.json()["errors"]
    decided = client.post(f"{base}/decide/", {"text": "Hire a driver.",
                                              "decided_by": [planning_manager.pk]},
                          format="json")
    assert decided.status_code == 201
    follow = client.post(f"{base}/follow-ups/", {"title": "Advertise the job",
                                                 "owner": unit_head.pk,
                                                 "due_date": "2026-12-10"}, format="json")
    assert follow.status_code == 201
    assert client.post(f"{base}/transitions/finish/").json()["state"] == "minutes_draft"
    approved = client.post(f"{base}/transitions/approve_minutes/").json()
    assert approved["state"] == "minutes_approved"
    assert [d["text"] for d in approved["decisions"]] == ["Hire a driver."]
    done = api.as_(unit_head).post(f"/api/v1/meetings/follow-ups/{follow.json()['id']}/done/",
                                   {"note": "Posted."}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "done"


def test_the_api_calls_an_ad_hoc_meeting_and_checks_its_input(api, unit_head, reviewer,
                                                               unit_staff):
    body = {"title": "Recall", "subject": "A batch failed the test.", "urgency": "critical",
            "starts_at": "2026-12-01T10:00:00+08:00", "ends_at": "2026-12-01T11:00:00+08:00",
            "invitees": [reviewer.pk]}
    created = api.as_(unit_head).post("/api/v1/meetings/", body, format="json")
    assert created.status_code == 201 and created.json()["chair"] == unit_head.pk
    refused = api.as_(unit_staff).post("/api/v1/meetings/", body, format="json")
    assert refused.status_code == 403
    wrong = api.as_(unit_head).post("/api/v1/meetings/", {**body, "ends_at":
                                                          "2026-12-01T09:00:00+08:00"},
                                    format="json")
    assert wrong.status_code == 400 and "ends_at" in wrong.json()["errors"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_meeting_list_and_page_have_constant_query_counts(client, api, planning_manager,
                                                              reviewer, count,
                                                              django_assert_max_num_queries):
    meetings = [_adhoc(planning_manager, [reviewer], title=f"Matter {n}")
                for n in range(count)]
    client.force_login(planning_manager)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("meetings:list")).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(meetings[0].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(3):
        assert api.as_(planning_manager).get("/api/v1/meetings/").status_code == 200


def test_the_calendar_feed_lists_my_meetings_by_secret_address(client, weekly, unit_head,
                                                               unit_staff):
    client.force_login(unit_head)
    page = client.get(reverse("meetings:calendar"))
    token = CalendarFeed.objects.get(user=unit_head).token
    assert token in page.content.decode()
    client.logout()
    feed = client.get(reverse("meetings:feed", args=[token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [weekly.title]
    assert client.get(reverse("meetings:feed", args=["wrong"])).status_code == 404
    client.force_login(unit_head)
    client.post(reverse("meetings:calendar"))  # a new address; the old one stops working
    client.logout()
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 404


def test_the_monthly_report_pack_page_and_workbook(client, chair, committee_member,
                                                   running_plan):
    meeting, _ = services.schedule_monthly(dt.date(2026, 11, 2))
    client.force_login(chair)
    page = client.get(reverse("meetings:report", args=[meeting.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Goal completion per plan" in html and running_plan.title in html
    assert "Decisions due" in html
    book = client.get(reverse("meetings:report-export", args=[meeting.pk]))
    assert book.status_code == 200 and book.content[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook

    sheets = load_workbook(BytesIO(book.content)).sheetnames
    assert "Goal completion per plan" in sheets


@pytest.mark.parametrize("value", ["0023-02-28T05:46:17-19:29", "9999-12-31T23:59:59-14:00",
                                   "not a time"])
def test_date_filters_refuse_what_the_database_cannot_store(api, planning_manager, value):
    response = api.as_(planning_manager).get("/api/v1/meetings/", {"starts_after": value})
    assert response.status_code == 400, response.content
    assert "starts_after" in response.json()["errors"]


@pytest.mark.parametrize(("day", "berlin"), [(dt.date(2026, 11, 23), "2 a.m."),
                                             (dt.date(2026, 7, 6), "3 a.m.")])
def test_a_person_abroad_sees_meeting_times_in_their_own_zone_across_dst(
        client, planning_manager, unit_head, day, berlin):
    meeting, _ = services.schedule_weekly(day)  # 09:00 in Shanghai
    client.force_login(unit_head)
    assert "9 a.m." in client.get(meeting.get_absolute_url()).content.decode()
    unit_head.time_zone = "Europe/Berlin"  # winter UTC+1, summer UTC+2
    unit_head.save(update_fields=["time_zone"])
    assert berlin in client.get(meeting.get_absolute_url()).content.decode()


def test_an_unknown_time_zone_is_refused(api, planning_manager, unit_head):
    response = api.as_(planning_manager).patch(f"/api/v1/committee/people/{unit_head.pk}/",
                                               {"time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400 and "time_zone" in response.json()["errors"]
