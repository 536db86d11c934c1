"""Every change to a meeting: scheduling (by beat or by hand), invitations, the transitions,
attendance, minutes, decisions and follow-ups. Each is atomic, row-locked where a state moves,
permission-checked with the same rule as every interface, audited, and notifies after commit."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.choices import DepartmentKind, Position
from committee.models import CommitteeSeat, Membership
from meetings import agenda
from meetings.choices import (
    MINUTES_EDITABLE,
    Attendance,
    FollowUpState,
    MeetingKind,
    MeetingState,
    Urgency,
)
from meetings.models import AgendaItem, FollowUp, Meeting, MeetingDecision, Participant
from opsplan.audit import record, save_audited
from opsplan.errors import Conflict
from opsplan.models import Event
from opsplan.notifications import notify

TRANSITION_LABELS = {
    "start": gettext_lazy("Start the meeting"),
    "finish": gettext_lazy("End the meeting, write up the minutes"),
    "approve_minutes": gettext_lazy("Approve the minutes"),
    "archive": gettext_lazy("Archive"),
    "cancel": gettext_lazy("Cancel the meeting"),
}
MANUAL_TRANSITIONS = ("start", "finish", "approve_minutes", "archive")


def _setting(name, default):
    return getattr(settings, name, default)


def _at(day: dt.date, clock: str) -> dt.datetime:
    """``clock`` on ``day`` in the company's time zone (whoever's zone is active)."""
    import zoneinfo

    hour, minute = (int(x) for x in clock.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute),
                               tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _check_times(starts_at, ends_at) -> None:
    """A meeting lies between the years 2000 and 2100 and ends after it starts."""
    errors = {}
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not 2000 <= moment.astimezone(dt.UTC).year <= 2100:
            errors[name] = [_("Choose a time between the years 2000 and 2100.")]
    if not errors and ends_at <= starts_at:
        errors["ends_at"] = [_("The meeting must end after it starts.")]
    if errors:
        raise ValidationError(errors)


def weekly_slot(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def monthly_slot(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def first_working_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


# --- who takes part ----------------------------------------------------------------------------

def _heads(kinds) -> list:
    return [m.user for m in Membership.objects.current().filter(
        department__kind__in=kinds, department__is_active=True,
        position__in=[Position.HEAD, Position.MANAGER]).select_related("user")]


def planning_manager():
    membership = (Membership.objects.current()
                  .filter(department__kind=DepartmentKind.PLANNING, position=Position.MANAGER)
                  .select_related("user").order_by("pk").first())
    return membership.user if membership else None


def committee_chair():
    seat = (CommitteeSeat.objects.current().filter(role="chair").select_related("user")
            .order_by("pk").first())
    return seat.user if seat else None


def _committee_members() -> list:
    return [s.user for s in CommitteeSeat.objects.current().select_related("user")]


def default_invitees(kind: str) -> list:
    if kind == MeetingKind.WEEKLY:
        return _heads([DepartmentKind.BUSINESS_UNIT])
    if kind == MeetingKind.MONTHLY:
        return _committee_members() + _heads([DepartmentKind.BUSINESS_UNIT,
                                              DepartmentKind.PLANNING, DepartmentKind.OTHER])
    return []


# --- scheduling --------------------------------------------------------------------------------

def _create(*, kind, slot, title, starts_at, ends_at, chair, invitees, actor=None, subject="",
            urgency=Urgency.NORMAL, location="", request=None) -> tuple[Meeting, bool]:
    """Create the meeting of a slot with its participants and agenda, or return the one that
    exists: the unique (kind, slot) key makes a second beat fire or a task retry harmless."""
    existing = Meeting.objects.filter(kind=kind, slot=slot).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            meeting = Meeting(kind=kind, slot=slot, title=title[:200], starts_at=starts_at,
                              ends_at=ends_at, chair=chair, subject=subject, urgency=urgency,
                              location=location,
                              called_by=actor if actor and actor.is_authenticated else None)
            save_audited(meeting, actor=actor, action="meetings.meeting.schedule",
                         request=request, data={"kind": kind, "slot": slot})
            people = {chair.pk: chair}
            for person in invitees:
                if person is not None and person.is_active:
                    people.setdefault(person.pk, person)
            Participant.objects.bulk_create([Participant(meeting=meeting, user=p)
                                             for p in people.values()])
            rebuild_agenda(meeting)
    except (IntegrityError, ValidationError):
        existing = Meeting.objects.filter(kind=kind, slot=slot).first()
        if existing is None:
            raise
        return existing, False
    transaction.on_commit(lambda: send_invitations(meeting))
    notify([p for p in people.values()], lambda: _("You are invited to “%(title)s” on "
                                                    "%(when)s.") % {
        "title": meeting.title,
        "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")},
        url=meeting.get_absolute_url(), event=Event.MEETING_INVITATION)
    return meeting, True


def schedule_weekly(day: dt.date | None = None) -> tuple[Meeting | None, bool]:
    """The weekly operations meeting of the week holding ``day`` (beat: Monday 09:00)."""
    day = day or timezone.localdate()
    monday = day - dt.timedelta(days=day.weekday())
    chair = planning_manager()
    if chair is None:
        return None, False
    starts = _at(monday, _setting("OPSPLAN_WEEKLY_MEETING_TIME", "09:00"))
    length = dt.timedelta(minutes=_setting("OPSPLAN_MEETING_MINUTES", 60))
    iso = monday.isocalendar()
    return _create(kind=MeetingKind.WEEKLY, slot=weekly_slot(monday),
                   title=_("Weekly operations meeting %(year)s-W%(week)02d")
                   % {"year": iso.year, "week": iso.week},
                   starts_at=starts, ends_at=starts + length, chair=chair,
                   invitees=default_invitees(MeetingKind.WEEKLY))


def schedule_monthly(day: dt.date | None = None) -> tuple[Meeting | None, bool]:
    """The monthly summary meeting, on the first working day of the month (beat runs on the
    first days of each month; only the first working day creates it)."""
    day = day or timezone.localdate()
    if day != first_working_day(day.year, day.month):
        return None, False
    chair = committee_chair()
    if chair is None:
        return None, False
    starts = _at(day, _setting("OPSPLAN_MONTHLY_MEETING_TIME", "14:00"))
    length = dt.timedelta(minutes=_setting("OPSPLAN_MONTHLY_MEETING_MINUTES", 120))
    return _create(kind=MeetingKind.MONTHLY, slot=monthly_slot(day),
                   title=_("Monthly summary meeting %(month)s") % {"month": monthly_slot(day)},
                   starts_at=starts, ends_at=starts + length, chair=chair,
                   invitees=default_invitees(MeetingKind.MONTHLY))


def call_adhoc(*, actor, title, subject, urgency, starts_at, ends_at, invitees, location="",
               request=None) -> Meeting:
    """An ad-hoc meeting for an urgent matter; the caller chairs it; invitations go out at
    once."""
    if not actor.has_perm("meetings.call_meeting"):
        raise PermissionDenied(_("You may not call a meeting."))
    _check_times(starts_at, ends_at)
    if not invitees:
        raise ValidationError({"invitees": [_("Invite at least one person.")]})
    meeting, _created = _create(kind=MeetingKind.ADHOC, slot=uuid.uuid4().hex, title=title,
                                subject=subject, urgency=urgency, starts_at=starts_at,
                                ends_at=ends_at, chair=actor, invitees=invitees, actor=actor,
                                location=location, request=request)
    return meeting


def rebuild_agenda(meeting: Meeting) -> int:
    """(Re)build the agenda from the data, keeping the items someone added or minuted."""
    rebuildable = (meeting.agenda.exclude(source="").filter(minutes="")
                   .filter(decisions__isnull=True, follow_ups__isnull=True))
    rebuildable.delete()
    kept_sources = set(meeting.agenda.exclude(source="").values_list("source", flat=True))
    entries = [e for e in agenda.build(meeting) if e.source not in kept_sources]
    start = (meeting.agenda.order_by("-order").values_list("order", flat=True).first() or 0)
    AgendaItem.objects.bulk_create([
        AgendaItem(meeting=meeting, order=start + index, section=e.section, title=e.title[:300],
                   detail=e.detail[:10_000], url=e.url[:300], source=e.source[:80])
        for index, e in enumerate(entries, start=1)])
    return len(entries)


def reschedule(*, meeting: Meeting, actor, starts_at, ends_at, location=None,
               request=None) -> Meeting:
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
        if not actor.has_perm("meetings.change_meeting", locked):
            raise PermissionDenied(_("You may not reschedule this meeting."))
        if locked.state != MeetingState.SCHEDULED:
            raise Conflict(_("Only a scheduled meeting can be rescheduled."))
        _check_times(starts_at, ends_at)
        before = locked.starts_at
        locked.starts_at, locked.ends_at = starts_at, ends_at
        if location is not None:
            locked.location = location
        locked.sequence += 1
        save_audited(locked, actor=actor, action="meetings.meeting.reschedule",
                     request=request, data={"from": before.isoformat(),
                                            "to": starts_at.isoformat()})
        people = [p.user for p in locked.participants.select_related("user")]
        notify(people, lambda: _("“%(title)s” moved to %(when)s.") % {
            "title": locked.title,
            "when": timezone.localtime(locked.starts_at).strftime("%Y-%m-%d %H:%M")},
            url=locked.get_absolute_url(), exclude=actor, event=Event.MEETING_INVITATION)
        transaction.on_commit(lambda: send_invitations(locked))
    return locked


def _transition(meeting: Meeting, name: str, *, actor, request=None, data=None) -> Meeting:
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    method = getattr(locked, name)
    meta = method._django_fsm
    source = locked.state
    if not meta.has_transition(source):
        raise Conflict(_("A meeting in “%(state)s” cannot do “%(action)s”.")
                       % {"state": locked.get_state_display(),
                          "action": TRANSITION_LABELS[name]})
    if not meta.has_transition_perm(locked, source, actor):
        raise PermissionDenied(_("You may not do “%s” on this meeting.")
                               % TRANSITION_LABELS[name])
    method()
    locked.save()
    record(actor=actor, action=f"meetings.meeting.{name}", subject=locked, request=request,
           data={"from": source, "to": locked.state, **(data or {})})
    return locked


@transaction.atomic
def start(*, meeting: Meeting, actor, request=None) -> Meeting:
    """Open the meeting. A weekly meeting locks last week's progress reports and refreshes its
    agenda with what was posted up to now."""
    locked = _transition(meeting, "start", actor=actor, request=request)
    if locked.kind == MeetingKind.WEEKLY:
        from django.apps import apps

        if apps.is_installed("plans"):
            from plans.services import lock_week

            year, week = agenda.previous_week(timezone.localtime(locked.starts_at).date())
            lock_week(year, week, actor=actor, request=request)
    rebuild_agenda(locked)
    return locked


@transaction.atomic
def finish(*, meeting: Meeting, actor, request=None) -> Meeting:
    locked = _transition(meeting, "finish", actor=actor, request=request)
    Participant.objects.filter(meeting=locked, attendance=Attendance.INVITED).update(
        attendance=Attendance.ABSENT)
    return locked


@transaction.atomic
def approve_minutes(*, meeting: Meeting, actor, request=None) -> Meeting:
    locked = _transition(meeting, "approve_minutes", actor=actor, request=request)
    locked.minutes_approved_at = timezone.now()
    locked.save(update_fields=["minutes_approved_at"])
    people = [p.user for p in locked.participants.select_related("user")]
    notify(people, lambda: _("The minutes of “%s” are approved.") % locked.title,
           url=locked.get_absolute_url(), exclude=actor, event=Event.DECISION)
    return locked


@transaction.atomic
def archive(*, meeting: Meeting, actor, request=None) -> Meeting:
    return _transition(meeting, "archive", actor=actor, request=request)


@transaction.atomic
def cancel(*, meeting: Meeting, actor, reason: str, request=None) -> Meeting:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the meeting is cancelled.")]})
    locked = _transition(meeting, "cancel", actor=actor, request=request,
                         data={"reason": reason})
    locked.cancel_reason = reason.strip()[:5000]
    locked.sequence += 1
    locked.save(update_fields=["cancel_reason", "sequence"])
    people = [p.user for p in locked.participants.select_related("user")]
    notify(people, lambda: _("“%(title)s” is cancelled: %(reason)s") % {
        "title": locked.title, "reason": locked.cancel_reason}, url=locked.get_absolute_url(),
        exclude=actor, event=Event.MEETING_INVITATION)
    transaction.on_commit(lambda: send_invitations(locked))
    return locked


def perform(name: str, *, meeting: Meeting, actor, request=None, **data) -> Meeting:
    """The transition ``name`` by its service (pages and the API share this table)."""
    services = {"start": start, "finish": finish, "approve_minutes": approve_minutes,
                "archive": archive, "cancel": cancel}
    return services[name](meeting=meeting, actor=actor, request=request, **data)


def available_transitions(meeting: Meeting, user) -> list[dict]:
    out = []
    for name in (*MANUAL_TRANSITIONS, "cancel"):
        meta = getattr(meeting, name)._django_fsm
        if meta.has_transition(meeting.state) and meta.has_transition_perm(
                meeting, meeting.state, user):
            out.append({"name": name, "label": TRANSITION_LABELS[name]})
    return out


# --- in the meeting ----------------------------------------------------------------------------

def _minutes_open(meeting: Meeting, actor, what) -> Meeting:
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if not actor.has_perm("meetings.change_meeting", locked):
        raise PermissionDenied(_("You may not record %s in this meeting.") % what)
    if locked.state not in MINUTES_EDITABLE:
        raise Conflict(_("The minutes can change only while the meeting runs or its minutes "
                         "are in draft."))
    return locked


@transaction.atomic
def set_attendance(*, meeting: Meeting, actor, participant: Participant, attendance: str,
                   delegate=None, request=None) -> Participant:
    locked = _minutes_open(meeting, actor, _("attendance"))
    if participant.meeting_id != locked.pk:
        raise ValidationError({"participant": [_("Not a participant of this meeting.")]})
    if attendance not in Attendance.values or attendance == Attendance.INVITED:
        raise ValidationError({"attendance": [_("Choose present, absent, excused or "
                                                "delegate.")]})
    if attendance == Attendance.DELEGATE and delegate is None:
        raise ValidationError({"delegate": [_("Name the delegate.")]})
    participant.attendance = attendance
    participant.delegate = delegate if attendance == Attendance.DELEGATE else None
    return save_audited(participant, actor=actor, action="meetings.attendance.set",
                        request=request, subject=locked,
                        data={"person": participant.user_id, "attendance": attendance})


@transaction.atomic
def save_minutes(*, item: AgendaItem, actor, minutes: str, request=None) -> AgendaItem:
    _minutes_open(item.meeting, actor, _("minutes"))
    item.minutes = minutes
    return save_audited(item, actor=actor, action="meetings.minutes.save", request=request,
                        subject=item.meeting, data={"item": item.pk})


@transaction.atomic
def add_agenda_item(*, meeting: Meeting, actor, title: str, detail: str = "",
                    request=None) -> AgendaItem:
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if not actor.has_perm("meetings.change_meeting", locked):
        raise PermissionDenied(_("You may not change this agenda."))
    if locked.state not in (MeetingState.SCHEDULED, MeetingState.IN_PROGRESS):
        raise Conflict(_("The agenda can change only before or during the meeting."))
    last = locked.agenda.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem(meeting=locked, order=last + 1, title=title, detail=detail)
    return save_audited(item, actor=actor, action="meetings.agenda.add", request=request,
                        subject=locked, data={"title": title[:200]})


@transaction.atomic
def record_decision(*, meeting: Meeting, actor, text: str, decided_by=(), agenda_item=None,
                    needs_committee: bool = False, request=None) -> MeetingDecision:
    """A decision taken in the meeting, with who decided. One that needs the committee puts a
    committee Decision (vote) on the record, linked to it."""
    locked = _minutes_open(meeting, actor, _("decisions"))
    if agenda_item is not None and agenda_item.meeting_id != locked.pk:
        raise ValidationError({"agenda_item": [_("Not an item of this meeting's agenda.")]})
    people = list(decided_by)
    if not people:
        raise ValidationError({"decided_by": [_("Say who decided.")]})
    decision = MeetingDecision(meeting=locked, agenda_item=agenda_item, text=text,
                               recorded_by=actor)
    save_audited(decision, actor=actor, action="meetings.decision.record", request=request,
                 subject=locked, data={"text": text[:200], "committee": needs_committee})
    decision.decided_by.set(people)
    if needs_committee:
        from committee.choices import DecisionKind
        from committee.services import decision_open

        vote = decision_open(subject=decision, kind=DecisionKind.MEETING_DECISION,
                             title=_("Meeting decision: %s") % text[:200], actor=actor,
                             request=request)
        decision.committee_decision = vote
        decision.save(update_fields=["committee_decision"])
    return decision


@transaction.atomic
def add_follow_up(*, meeting: Meeting, actor, title: str, owner, due_date,
                  agenda_item=None, request=None) -> FollowUp:
    locked = _minutes_open(meeting, actor, _("follow-up actions"))
    if agenda_item is not None and agenda_item.meeting_id != locked.pk:
        raise ValidationError({"agenda_item": [_("Not an item of this meeting's agenda.")]})
    follow_up = FollowUp(meeting=locked, agenda_item=agenda_item, title=title, owner=owner,
                         due_date=due_date, created_by=actor)
    save_audited(follow_up, actor=actor, action="meetings.follow_up.add", request=request,
                 subject=locked, data={"title": title[:200], "owner": owner.pk})
    notify([owner], lambda: _("Follow-up from “%(meeting)s” for you: %(title)s (due %(due)s)")
           % {"meeting": locked.title, "title": title, "due": due_date},
           url=locked.get_absolute_url(), exclude=actor, event=Event.ASSIGNED)
    return follow_up


@transaction.atomic
def close_follow_up(*, follow_up: FollowUp, actor, note: str = "", request=None) -> FollowUp:
    locked = FollowUp.objects.select_for_update(of=("self",)).select_related("meeting").get(
        pk=follow_up.pk)
    if not actor.has_perm("meetings.change_followup", locked):
        raise PermissionDenied(_("You may not close this follow-up."))
    if locked.state == FollowUpState.DONE:
        raise Conflict(_("This follow-up is already done."))
    locked.state, locked.done_at, locked.done_note = FollowUpState.DONE, timezone.now(), note
    locked.save(update_fields=["state", "done_at", "done_note"])
    record(actor=actor, action="meetings.follow_up.done", subject=locked.meeting,
           request=request, data={"follow_up": locked.pk, "note": note[:200]})
    return locked


@transaction.atomic
def follow_up_to_plan_action(*, follow_up: FollowUp, actor, plan, department,
                             request=None) -> FollowUp:
    """Make the follow-up an action item of a plan (owner, due date and title carried over);
    it is then tracked on the plan and done here. The plan must take new content (needs
    analysis, drafting or an adjustment) and the person may edit it: a running plan changes
    through an adjustment."""
    from plans.models import ActionItem
    from plans.services import part_save

    locked = FollowUp.objects.select_for_update(of=("self",)).select_related("meeting").get(
        pk=follow_up.pk)
    if not actor.has_perm("meetings.change_followup", locked):
        raise PermissionDenied(_("You may not move this follow-up."))
    if locked.state == FollowUpState.DONE:
        raise Conflict(_("This follow-up is already done."))
    action = part_save(plan=plan, part=ActionItem(), actor=actor, request=request,
                       title=locked.title[:200], department=department, person=locked.owner,
                       deadline=locked.due_date,
                       steps=_("Agreed at “%s”.") % locked.meeting)
    locked.plan_action = action
    locked.state, locked.done_at = FollowUpState.DONE, timezone.now()
    locked.done_note = _("Became an action item of the plan “%s”.") % plan
    locked.save(update_fields=["plan_action", "state", "done_at", "done_note"])
    record(actor=actor, action="meetings.follow_up.to_plan", subject=locked.meeting,
           request=request, data={"follow_up": locked.pk, "plan": plan.pk,
                                   "action": action.pk})
    return locked


# --- invitations ------------------------------------------------------------------------------

def send_invitations(meeting: Meeting) -> None:
    """Queue the calendar invitations of the meeting's current sequence (after commit)."""
    from meetings.tasks import send_invitations as task
    from opsplan.outbox import enqueue

    with transaction.atomic():
        enqueue(task, meeting.pk, meeting.sequence)


User = get_user_model()


# --- communication (§4.6) ----------------------------------------------------------------------

@transaction.atomic
def issue_raise(*, actor, title, raised_by_department, owner, description="", due_date=None,
                request=None):
    from committee.selectors import department_positions_of
    from meetings.models import CoordinationIssue

    issue = CoordinationIssue(title=title, description=description, owner=owner,
                              raised_by_department=raised_by_department, due_date=due_date,
                              raised_by=actor)
    if not actor.has_perm("meetings.add_coordinationissue", issue):
        raise PermissionDenied(_("You may not raise coordination issues."))
    if not actor.is_superuser and raised_by_department.pk not in department_positions_of(actor):
        raise ValidationError({"raised_by_department": [
            _("Raise issues for a department you belong to.")]})
    save_audited(issue, actor=actor, action="meetings.issue.raise", request=request,
                 data={"title": title[:200], "owner": owner.pk})
    notify([owner], lambda: _("Coordination issue for you: %s") % issue.title,
           url=issue.get_absolute_url(), exclude=actor, event=Event.ASSIGNED)
    return issue


@transaction.atomic
def issue_resolve(*, issue, actor, resolution: str, request=None):
    from meetings.choices import IssueState
    from meetings.models import CoordinationIssue

    locked = CoordinationIssue.objects.select_for_update(of=("self",)).get(pk=issue.pk)
    if not actor.has_perm("meetings.change_coordinationissue", locked):
        raise PermissionDenied(_("You may not resolve this issue."))
    if locked.state == IssueState.RESOLVED:
        raise Conflict(_("This issue is already resolved."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": [_("Say how it was resolved.")]})
    locked.state, locked.resolution = IssueState.RESOLVED, resolution.strip()
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["state", "resolution", "resolved_at"])
    record(actor=actor, action="meetings.issue.resolve", subject=locked, request=request,
           data={"resolution": resolution[:200]})
    notify([locked.raised_by], lambda: _("Coordination issue resolved: %s") % locked.title,
           url=locked.get_absolute_url(), exclude=actor, event=Event.DECISION)
    return locked


STAKEHOLDER_FIELDS = ("name", "kind", "channel", "every_days", "owner", "notes", "is_active")


@transaction.atomic
def stakeholder_save(*, actor, stakeholder=None, request=None, **data):
    from meetings.models import Stakeholder

    creating = stakeholder is None
    if creating:
        stakeholder = Stakeholder()
        if not actor.has_perm("meetings.add_stakeholder"):
            raise PermissionDenied(_("You may not change the communication plan."))
    else:
        stakeholder = Stakeholder.objects.select_for_update(of=("self",)).get(pk=stakeholder.pk)
        if not actor.has_perm("meetings.change_stakeholder", stakeholder):
            raise PermissionDenied(_("You may not change this stakeholder."))
    for field in STAKEHOLDER_FIELDS:
        if field in data:
            setattr(stakeholder, field, data[field])
    return save_audited(stakeholder, actor=actor, request=request,
                        action="meetings.stakeholder." + ("create" if creating else "update"),
                        data={"name": stakeholder.name})


@transaction.atomic
def contact_log(*, stakeholder, actor, on, channel, summary, request=None):
    from meetings.models import Contact, Stakeholder

    locked = Stakeholder.objects.select_for_update(of=("self",)).get(pk=stakeholder.pk)
    if not actor.has_perm("meetings.change_stakeholder", locked):
        raise PermissionDenied(_("You may not log contacts with this stakeholder."))
    if on > timezone.localdate():
        raise ValidationError({"on": [_("A contact cannot be in the future.")]})
    contact = Contact(stakeholder=locked, on=on, channel=channel, summary=summary,
                      recorded_by=actor)
    save_audited(contact, actor=actor, action="meetings.contact.log", request=request,
                 subject=locked, data={"on": on.isoformat(), "channel": channel})
    if locked.last_contact is None or on > locked.last_contact:
        locked.last_contact = on
        locked.save(update_fields=["last_contact"])
    return contact


def remind_overdue_contacts(today=None) -> int:
    """Remind each owner once per due date of the stakeholders whose contact is overdue."""
    from meetings.models import ContactReminder, Stakeholder

    today = today or timezone.localdate()
    sent = 0
    for stakeholder in Stakeholder.objects.filter(is_active=True).select_related("owner"):
        due = stakeholder.next_due
        if due >= today:
            continue
        with transaction.atomic():
            _reminder, created = ContactReminder.objects.get_or_create(stakeholder=stakeholder,
                                                                       due=due)
            if not created:
                continue
            notify([stakeholder.owner], lambda s=stakeholder, d=due: _(
                "Contact with %(name)s was due on %(due)s.") % {"name": s.name, "due": d},
                url=stakeholder.get_absolute_url(), event=Event.REMINDER)
            sent += 1
    return sent


def propose_adhoc_for_risk(*, risk, assessment=None) -> None:
    """A risk just became high or critical: propose an ad-hoc meeting to the planning manager
    and the committee chair (a notification whose link opens the form pre-filled)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    level = assessment.get_level_display() if assessment is not None else ""
    query = urlencode({"title": _("Risk: %s") % risk, "urgency": Urgency.URGENT,
                       "subject": _("The risk “%(risk)s” is now %(level)s: decide the response.")
                       % {"risk": risk, "level": level}})
    people = [p for p in (planning_manager(), committee_chair()) if p is not None]
    notify(people, lambda: _("The risk “%s” became high: call an ad-hoc meeting?") % risk,
           url=f"{reverse('meetings:create')}?{query}", event=Event.ASSIGNED)
