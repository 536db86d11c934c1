"""Each person chooses, per kind of notification, in the app and by e-mail."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services as meeting_services
from opsplan.models import Event, Notification, NotificationPreference
from opsplan.notifications import notify
from opsplan.tasks import email_notifications

pytestmark = pytest.mark.django_db


def _choose(user, event, in_app, by_email):
    NotificationPreference.objects.create(user=user, event=event, in_app=in_app,
                                          by_email=by_email)


def test_by_default_a_notification_is_shown_and_e_mailed(author, mailoutbox):
    (note,) = notify([author], "Review requested", event=Event.REVIEW_REQUESTED)
    assert note.read_at is None and note.by_email
    assert email_notifications.apply(args=[[note.pk]]).get() == 1
    assert len(mailoutbox) == 1


def test_e_mail_off_keeps_the_bell_but_sends_no_mail(author, mailoutbox):
    _choose(author, Event.REMINDER, in_app=True, by_email=False)
    (note,) = notify([author], "Data missing", event=Event.REMINDER)
    assert note.read_at is None
    assert email_notifications.apply(args=[[note.pk]]).get() == 0
    assert mailoutbox == []


def test_in_app_off_keeps_the_mail_but_not_the_bell(author, mailoutbox):
    _choose(author, Event.DECISION, in_app=False, by_email=True)
    (note,) = notify([author], "Plan approved", event=Event.DECISION)
    assert note.read_at is not None  # in the list for the record, never unread
    assert email_notifications.apply(args=[[note.pk]]).get() == 1


def test_both_off_sends_nothing_and_other_kinds_are_untouched(author, reviewer):
    _choose(author, Event.VOTE_REQUESTED, in_app=False, by_email=False)
    assert notify([author, reviewer], "Vote", event=Event.VOTE_REQUESTED) and (
        not Notification.objects.filter(recipient=author).exists())
    assert Notification.objects.filter(recipient=reviewer).count() == 1
    notify([author], "Something else")
    assert Notification.objects.filter(recipient=author).count() == 1


def test_meeting_invitations_by_e_mail_respect_the_choice(
        planning_manager, unit_head, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    _choose(unit_head, Event.MEETING_INVITATION, in_app=True, by_email=False)
    monday = dt.date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.schedule_weekly(monday)
    invited = {m.to[0] for m in mailoutbox if "Invitation" in m.subject}
    assert unit_head.email not in invited and reviewer.email in invited
    assert Notification.objects.filter(recipient=unit_head, event=Event.MEETING_INVITATION,
                                       read_at__isnull=True).count() == 1


def test_choices_are_saved_from_the_page_and_the_api(client, api, author):
    client.force_login(author)
    page = client.get(reverse("notification-preferences"))
    assert page.status_code == 200 and "Reminders" in page.content.decode()
    response = client.post(reverse("notification-preferences"),
                           {"reminder-in_app": "on"})  # e-mail off for reminders, rest off
    assert response.status_code == 302
    reminder = NotificationPreference.objects.get(user=author, event=Event.REMINDER)
    assert (reminder.in_app, reminder.by_email) == (True, False)

    as_author = api.as_(author)
    got = as_author.get("/api/v1/me/notification-preferences/").json()
    assert {r["event"] for r in got} == set(Event.values)
    put = as_author.put("/api/v1/me/notification-preferences/",
                        [{"event": "reminder", "in_app": False, "by_email": True}],
                        format="json")
    assert put.status_code == 200
    reminder.refresh_from_db()
    assert (reminder.in_app, reminder.by_email) == (False, True)
    bad = as_author.put("/api/v1/me/notification-preferences/",
                        [{"event": "nonsense", "in_app": True}], format="json")
    assert bad.status_code == 400 and "event" in str(bad.json()["errors"])


def test_review_requests_follow_the_reviewers_choice(author, reviewer, marketing, sales,
                                                     unit_staff):
    from tests.plans import builders

    _choose(reviewer, Event.REVIEW_REQUESTED, in_app=False, by_email=True)
    builders.in_review(author, [marketing], sales, unit_staff)
    note = Notification.objects.get(recipient=reviewer, message__startswith="Please review")
    assert note.event == Event.REVIEW_REQUESTED and note.read_at is not None and note.by_email
