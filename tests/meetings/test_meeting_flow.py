"""In the meeting: an agenda built from the data, attendance, minutes, decisions and follow-ups;
the minutes approved by the chair; open follow-ups carried onto the next meeting."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from committee.models import Decision
from kpis.choices import Aggregation, Frequency
from kpis.models import DeviationSignal, Indicator
from meetings import agenda, calendar, services
from meetings.choices import Attendance, FollowUpState, MeetingState, Section
from opsplan.errors import Conflict
from plans import services as plan_services
from plans.models import WeeklyReport

pytestmark = pytest.mark.django_db


def _sources(meeting):
    return {item.section for item in meeting.agenda.all()}


def test_the_weekly_agenda_has_every_source_from_the_data(running_plan, unit_head, sales,
                                                          planning_manager, planning_department,
                                                          monday):
    last_year, last_week = agenda.previous_week(monday)
    plan_services.report_create(plan=running_plan, department=sales, iso_year=last_year,
                                iso_week=last_week, actor=unit_head,
                                summary="Three new distributors signed.",
                                problems="Lead times from the warehouse.",
                                help_needed="A second forklift driver.",
                                next_week="Visit the two northern distributors.")
    action = running_plan.actions.first()
    action.deadline = monday - dt.timedelta(days=3)
    action.save(update_fields=["deadline"])
    plan_services.deviation_report(plan=running_plan, actor=planning_manager,
                                   title="Orders 20 % below target")
    indicator = Indicator.objects.create(code="orders-w", name_en="Orders", name_zh="订单",
                                         unit="x", frequency=Frequency.MONTHLY,
                                         aggregation=Aggregation.SUM,
                                         owner_department=planning_department)
    DeviationSignal.objects.create(indicator=indicator, department=sales, grain="month",
                                   period_start=monday.replace(day=1), value=Decimal(5),
                                   target=Decimal(10))

    meeting, _ = services.schedule_weekly(monday)

    titles = {item.section: item for item in meeting.agenda.all()}
    assert {Section.PROGRESS, Section.PROBLEMS, Section.OVERDUE, Section.RED_KPIS,
            Section.DEVIATIONS, Section.PLANS} <= _sources(meeting)
    assert "Three new distributors" in titles[Section.PROGRESS].detail
    assert "forklift" in titles[Section.PROBLEMS].detail
    assert "northern distributors" in titles[Section.PLANS].detail
    assert action.title in titles[Section.OVERDUE].title
    assert "Orders 20 %" in titles[Section.DEVIATIONS].title


def test_starting_the_weekly_meeting_locks_last_weeks_reports(running_plan, unit_head, sales,
                                                              planning_manager, monday):
    year, week = agenda.previous_week(monday)
    report = plan_services.report_create(plan=running_plan, department=sales, iso_year=year,
                                         iso_week=week, actor=unit_head, summary="On track.")
    meeting, _ = services.schedule_weekly(monday)
    assert WeeklyReport.objects.get(pk=report.pk).locked_at is None
    services.start(meeting=meeting, actor=planning_manager)
    assert WeeklyReport.objects.get(pk=report.pk).locked_at is not None


def _held(meeting, chair):
    services.start(meeting=meeting, actor=chair)
    return meeting


def test_minutes_flow_attendance_decision_follow_up_and_approval(planning_manager, unit_head,
                                                                 reviewer, monday, committee):
    meeting, _ = services.schedule_weekly(monday)
    _held(meeting, planning_manager)
    seat = meeting.participants.get(user=unit_head)
    services.set_attendance(meeting=meeting, actor=planning_manager, participant=seat,
                            attendance=Attendance.DELEGATE, delegate=reviewer)
    item = services.add_agenda_item(meeting=meeting, actor=planning_manager,
                                    title="Budget for the trade fair")
    services.save_minutes(item=item, actor=planning_manager, minutes="Costs 80k CNY.")
    decision = services.record_decision(meeting=meeting, actor=planning_manager,
                                        text="Join the spring trade fair.", agenda_item=item,
                                        decided_by=[planning_manager, reviewer],
                                        needs_committee=True)
    assert decision.committee_decision is not None
    assert Decision.objects.about(decision).open().exists()
    follow_up = services.add_follow_up(meeting=meeting, actor=planning_manager,
                                       title="Book the stand", owner=unit_head,
                                       due_date=monday + dt.timedelta(days=14))
    assert follow_up.state == FollowUpState.OPEN
    seat.refresh_from_db()
    assert (seat.attendance, seat.delegate) == (Attendance.DELEGATE, reviewer)
    meeting = services.finish(meeting=meeting, actor=planning_manager)
    assert meeting.state == MeetingState.MINUTES_DRAFT
    # minutes can still be corrected in draft; only the chair approves them
    with pytest.raises(PermissionDenied):
        services.approve_minutes(meeting=meeting, actor=unit_head)
    meeting = services.approve_minutes(meeting=meeting, actor=planning_manager)
    assert meeting.state == MeetingState.MINUTES_APPROVED and meeting.minutes_approved_at
    with pytest.raises(Conflict):
        services.record_decision(meeting=meeting, actor=planning_manager, text="Late.",
                                 decided_by=[planning_manager])
    assert services.archive(meeting=meeting, actor=planning_manager).state == "archived"


def test_the_planning_manager_may_not_approve_minutes_of_a_meeting_someone_else_chairs(
        planning_manager, unit_head, reviewer):
    starts = timezone.now() + dt.timedelta(hours=1)
    meeting = services.call_adhoc(actor=unit_head, title="Urgent", subject="x",
                                  urgency="urgent", starts_at=starts,
                                  ends_at=starts + dt.timedelta(hours=1), invitees=[reviewer])
    services.start(meeting=meeting, actor=planning_manager)  # may run it
    services.finish(meeting=meeting, actor=planning_manager)
    with pytest.raises(PermissionDenied):
        services.approve_minutes(meeting=meeting, actor=planning_manager)
    assert services.approve_minutes(meeting=meeting, actor=unit_head).state == (
        MeetingState.MINUTES_APPROVED)


def test_attendees_may_not_run_the_meeting(planning_manager, unit_head, monday):
    meeting, _ = services.schedule_weekly(monday)
    with pytest.raises(PermissionDenied):
        services.start(meeting=meeting, actor=unit_head)
    services.start(meeting=meeting, actor=planning_manager)
    with pytest.raises(Conflict):
        services.start(meeting=meeting, actor=planning_manager)


def test_open_follow_ups_are_carried_onto_the_next_meeting_until_done(planning_manager,
                                                                      unit_head, monday):
    last, _ = services.schedule_weekly(monday - dt.timedelta(days=7))
    _held(last, planning_manager)
    open_item = services.add_follow_up(meeting=last, actor=planning_manager,
                                       title="Call the supplier", owner=unit_head,
                                       due_date=monday)
    done_item = services.add_follow_up(meeting=last, actor=planning_manager,
                                       title="Send the template", owner=unit_head,
                                       due_date=monday)
    services.close_follow_up(follow_up=done_item, actor=unit_head, note="Sent.")
    with pytest.raises(Conflict):
        services.close_follow_up(follow_up=done_item, actor=unit_head)

    this, _ = services.schedule_weekly(monday)

    carried = this.agenda.filter(section=Section.FOLLOW_UPS)
    assert [i.title for i in carried] == ["Call the supplier"]
    assert carried.get().source == f"meetings.follow_up:{open_item.pk}"


def test_the_invitation_parses_back_with_the_time_in_utc(planning_manager, unit_head, monday):
    meeting, _ = services.schedule_weekly(monday)
    parsed = Calendar.from_ical(calendar.invitation(meeting, "https://opsplan.example"))
    assert parsed["method"] == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.utcoffset() == dt.timedelta(0)
    # 09:00 in Shanghai (UTC+8, no daylight saving) is 01:00 UTC
    assert (start.date(), start.hour, start.minute) == (monday, 1, 0)
    assert start == meeting.starts_at
    assert str(event["summary"]) == meeting.title
    assert {str(a) for a in event.get("attendee")} >= {f"mailto:{unit_head.email}"}
    assert int(event["sequence"]) == 0


def test_a_cancelled_meeting_sends_a_cancel_with_a_higher_sequence(planning_manager,
                                                                   unit_head, monday):
    meeting, _ = services.schedule_weekly(monday)
    meeting = services.cancel(meeting=meeting, actor=planning_manager, reason="Holiday.")
    parsed = Calendar.from_ical(calendar.invitation(meeting))
    (event,) = parsed.walk("VEVENT")
    assert parsed["method"] == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1


def test_invitations_are_e_mailed_once_per_sequence_with_the_ics(
        planning_manager, unit_head, monday, mailoutbox, django_capture_on_commit_callbacks):
    from meetings.tasks import send_invitations

    with django_capture_on_commit_callbacks(execute=True):
        meeting, _ = services.schedule_weekly(monday)
    first = [m for m in mailoutbox if "Invitation" in m.subject]
    assert {m.to[0] for m in first} == {planning_manager.email, unit_head.email}
    assert send_invitations.apply(args=[meeting.pk, meeting.sequence]).get() == 0  # redelivery
    mailoutbox.clear()
    later = meeting.starts_at + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule(meeting=meeting, actor=planning_manager, starts_at=later,
                            ends_at=later + dt.timedelta(hours=1))
    invites = [m for m in mailoutbox if "Invitation" in m.subject]
    assert {m.to[0] for m in invites} == {planning_manager.email, unit_head.email}
    name, content, mimetype = invites[0].attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert int(event["sequence"]) == 1 and event.decoded("dtstart") == later
    assert send_invitations.apply(args=[meeting.pk, 0]).get() == 0  # an outdated sequence


def test_a_follow_up_becomes_an_action_item_of_a_plan_being_drafted(
        planning_manager, unit_head, author, sales, monday, api):
    from plans.models import ActionItem
    from tests.plans import builders

    meeting, _ = services.schedule_weekly(monday)
    _held(meeting, planning_manager)
    follow_up = services.add_follow_up(meeting=meeting, actor=planning_manager,
                                       title="Survey the northern distributors",
                                       owner=unit_head, due_date=dt.date(2027, 3, 1))
    draft = builders.drafting(author)  # a plan for 2027
    moved = services.follow_up_to_plan_action(follow_up=follow_up, actor=planning_manager,
                                              plan=draft, department=sales)
    action = ActionItem.objects.get(plan=draft, title="Survey the northern distributors")
    assert (action.person, action.deadline, action.department) == (
        unit_head, follow_up.due_date, sales)
    assert moved.state == FollowUpState.DONE and moved.plan_action == action
    # done here now: not carried onto the next agenda
    following, _ = services.schedule_weekly(monday + dt.timedelta(days=7))
    assert not following.agenda.filter(source=f"meetings.follow_up:{follow_up.pk}").exists()


def test_a_running_plan_takes_no_new_action_item_from_a_meeting(planning_manager, unit_head,
                                                                 running_plan, sales, monday,
                                                                 api):
    meeting, _ = services.schedule_weekly(monday)
    _held(meeting, planning_manager)
    follow_up = services.add_follow_up(meeting=meeting, actor=planning_manager, title="x",
                                       owner=unit_head, due_date=monday)
    with pytest.raises(Conflict):
        services.follow_up_to_plan_action(follow_up=follow_up, actor=planning_manager,
                                          plan=running_plan, department=sales)
    response = api.as_(planning_manager).post(
        f"/api/v1/meetings/follow-ups/{follow_up.pk}/to-plan/",
        {"plan": running_plan.pk, "department": sales.pk}, format="json")
    assert response.status_code == 409
    wrong = api.as_(planning_manager).post(
        f"/api/v1/meetings/follow-ups/{follow_up.pk}/to-plan/",
        {"plan": 999999, "department": sales.pk}, format="json")
    assert wrong.status_code == 400 and "plan" in wrong.json()["errors"]
