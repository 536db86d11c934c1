"""Weekly and monthly meetings are created by schedule, once per slot, with the right chair and
invitees; ad-hoc meetings are called by people with the right role."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meetings import services, tasks
from meetings.choices import MeetingKind, MeetingState, Urgency
from meetings.models import Meeting
from opsplan.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


def test_the_weekly_meeting_is_chaired_by_the_planning_manager_and_invites_unit_heads(
        planning_manager, unit_head, reviewer, author, monday):
    meeting, created = services.schedule_weekly(monday + dt.timedelta(days=2))
    assert created
    assert meeting.kind == MeetingKind.WEEKLY and meeting.chair == planning_manager
    iso = monday.isocalendar()
    assert meeting.slot == f"{iso.year}-W{iso.week:02d}"
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.hour, local.minute) == (monday, 9, 0)
    invited = {p.user for p in meeting.participants.all()}
    assert invited == {planning_manager, unit_head, reviewer}  # the chair + both unit heads
    assert author not in invited
    assert Notification.objects.filter(recipient=unit_head,
                                       message__contains=meeting.title).count() == 1


def test_a_beat_that_fires_twice_creates_one_weekly_meeting(planning_manager, unit_head,
                                                             monday):
    first = tasks.create_weekly.apply(args=[monday.isoformat()]).get()
    second = tasks.create_weekly.apply(args=[(monday + dt.timedelta(days=1)).isoformat()]).get()
    assert first == second
    assert Meeting.objects.filter(kind=MeetingKind.WEEKLY).count() == 1
    assert AuditEvent.objects.filter(action="meetings.meeting.schedule").count() == 1
    assert Notification.objects.filter(recipient=unit_head).count() == 1


def test_the_monthly_meeting_is_created_on_the_first_working_day_only(chair, committee_member,
                                                                       unit_head):
    # November 2026 starts on a Sunday: its first working day is Monday the 2nd
    assert services.first_working_day(2026, 11) == dt.date(2026, 11, 2)
    assert services.schedule_monthly(dt.date(2026, 11, 1)) == (None, False)
    meeting, created = services.schedule_monthly(dt.date(2026, 11, 2))
    assert created and meeting.slot == "2026-11" and meeting.chair == chair
    assert {chair, committee_member, unit_head} <= {p.user for p in meeting.participants.all()}
    assert services.schedule_monthly(dt.date(2026, 11, 3)) == (None, False)
    assert Meeting.objects.filter(kind=MeetingKind.MONTHLY).count() == 1


@pytest.mark.parametrize("bad", [123, "not a date", "2026-13-01"])
def test_task_arguments_are_checked(bad):
    with pytest.raises(ValueError):
        tasks.create_weekly.apply(args=[bad]).get()


def test_a_unit_head_calls_an_urgent_ad_hoc_meeting(unit_head, reviewer, planning_manager):
    starts = timezone.now() + dt.timedelta(hours=3)
    meeting = services.call_adhoc(actor=unit_head, title="Stock-out", subject="Decide today.",
                                  urgency=Urgency.CRITICAL, starts_at=starts,
                                  ends_at=starts + dt.timedelta(hours=1),
                                  invitees=[reviewer, planning_manager])
    assert meeting.chair == unit_head and meeting.called_by == unit_head
    assert meeting.state == MeetingState.SCHEDULED
    assert {p.user for p in meeting.participants.all()} == {unit_head, reviewer,
                                                            planning_manager}
    assert meeting.agenda.filter(section="subject").exists()


def test_unit_staff_may_not_call_a_meeting(unit_staff, reviewer):
    starts = timezone.now() + dt.timedelta(hours=3)
    with pytest.raises(PermissionDenied):
        services.call_adhoc(actor=unit_staff, title="x", subject="y", urgency=Urgency.URGENT,
                            starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                            invitees=[reviewer])


def test_an_ad_hoc_meeting_must_end_after_it_starts_and_invite_someone(unit_head, reviewer):
    starts = timezone.now() + dt.timedelta(hours=3)
    with pytest.raises(ValidationError) as excinfo:
        services.call_adhoc(actor=unit_head, title="x", subject="y", urgency="urgent",
                            starts_at=starts, ends_at=starts, invitees=[reviewer])
    assert "ends_at" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.call_adhoc(actor=unit_head, title="x", subject="y", urgency="urgent",
                            starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                            invitees=[])
    assert "invitees" in excinfo.value.message_dict


def test_rescheduling_tells_the_invitees_and_bumps_the_calendar_sequence(planning_manager,
                                                                          unit_head, monday):
    meeting, _ = services.schedule_weekly(monday)
    later = meeting.starts_at + dt.timedelta(hours=2)
    moved = services.reschedule(meeting=meeting, actor=planning_manager, starts_at=later,
                                ends_at=later + dt.timedelta(hours=1))
    assert moved.sequence == 1 and moved.starts_at == later
    assert Notification.objects.filter(recipient=unit_head, message__contains="moved").exists()


def test_cancelling_needs_a_reason_and_tells_the_invitees(planning_manager, unit_head, monday):
    meeting, _ = services.schedule_weekly(monday)
    with pytest.raises(ValidationError):
        services.cancel(meeting=meeting, actor=planning_manager, reason=" ")
    cancelled = services.cancel(meeting=meeting, actor=planning_manager, reason="Holiday.")
    assert cancelled.state == MeetingState.CANCELLED
    assert Notification.objects.filter(recipient=unit_head,
                                       message__contains="cancelled").exists()


@pytest.mark.parametrize("year", [1, 1999, 2101])
def test_meeting_times_stay_within_a_sane_range(unit_head, reviewer, year):
    starts = timezone.now().replace(year=year)
    with pytest.raises(ValidationError) as excinfo:
        services.call_adhoc(actor=unit_head, title="x", subject="y", urgency="urgent",
                            starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                            invitees=[reviewer])
    assert "starts_at" in excinfo.value.message_dict
