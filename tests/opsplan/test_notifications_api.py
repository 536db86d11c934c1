"""Each person's notifications through the API, as on the notifications page: their own only,
newest first, filtered to unread or one kind, and "mark all read" (the badge drops to 0)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsplan.models import Event, Notification
from opsplan.notifications import notify

pytestmark = pytest.mark.django_db

LIST = "/api/v1/me/notifications/"
READ = "/api/v1/me/notifications/read/"


def test_a_person_lists_only_their_own_notifications_newest_first(api, chair,
                                                                  committee_member):
    notify([chair], "First", url="/plans/", event=Event.REMINDER)
    notify([chair, committee_member], "Second")
    body = api.as_(chair).get(LIST).json()
    assert body["count"] == 2
    assert [n["message"] for n in body["results"]] == ["Second", "First"]
    first = body["results"][1]
    assert (first["url"], first["event"], first["read_at"]) == ("/plans/", "reminder", None)
    assert first["event_label"]
    assert api.as_(committee_member).get(LIST).json()["count"] == 1


def test_the_list_filters_to_unread_and_to_one_kind(api, chair):
    notify([chair], "Old news")
    Notification.objects.filter(recipient=chair).update(read_at="2026-01-01T00:00:00Z")
    notify([chair], "Reminder", event=Event.REMINDER)
    client = api.as_(chair)
    assert [n["message"] for n in client.get(LIST, {"unread": "true"}).json()["results"]] == [
        "Reminder"]
    assert [n["message"] for n in client.get(LIST, {"unread": "false"}).json()["results"]] == [
        "Old news"]
    assert [n["message"] for n in client.get(LIST, {"event": "reminder"}).json()["results"]] == [
        "Reminder"]


@pytest.mark.parametrize("query", [{"unread": "maybe"}, {"event": "nonsense"}])
def test_a_bad_filter_is_a_400_naming_it(api, chair, query):
    response = api.as_(chair).get(LIST, query)
    assert response.status_code == 400
    assert set(query) <= set(response.json()["errors"])


def test_marking_all_read_answers_how_many_and_empties_the_badge(api, client, chair,
                                                                 committee_member):
    notify([chair, committee_member], "Plan awaiting your vote")
    notify([chair], "Meeting moved")
    response = api.as_(chair).post(READ)
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=chair, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=committee_member,
                                       read_at__isnull=True).count() == 1
    assert api.as_(chair).post(READ).json() == {"marked": 0}
    client.force_login(chair)
    assert 'aria-label="0 unread"' not in client.get("/").content.decode()


def test_signed_out_callers_are_refused(api):
    assert api.as_(None).get(LIST).status_code in (401, 403)
    assert api.as_(None).post(READ).status_code in (401, 403)


def test_the_list_costs_the_same_queries_for_3_or_30(api, chair):
    def queries(count):
        Notification.objects.all().delete()
        for index in range(count):
            notify([chair], f"Notice {index}")
        client = api.as_(chair)
        with CaptureQueriesContext(connection) as seen:
            assert client.get(LIST).status_code == 200
        return len(seen.captured_queries)

    assert queries(3) == queries(30)
