"""Scheduled and background work on meetings. Every task takes plain values, validates them,
and is idempotent: meetings are keyed by (kind, slot), invitations by (person, sequence)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


def _day(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError("day must be an ISO date string (YYYY-MM-DD)")
    return dt.date.fromisoformat(value)


@shared_task(name="meetings.create_weekly", acks_late=True, reject_on_worker_lost=True)
def create_weekly(day: str | None = None) -> int | None:
    """Create this week's operations meeting (beat: Monday 09:00 Asia/Shanghai by default)."""
    from meetings.services import schedule_weekly

    meeting, _created = schedule_weekly(_day(day))
    return meeting.pk if meeting else None


@shared_task(name="meetings.create_monthly", acks_late=True, reject_on_worker_lost=True)
def create_monthly(day: str | None = None) -> int | None:
    """Create the monthly summary meeting on the first working day (beat: days 1-3)."""
    from meetings.services import schedule_monthly

    meeting, _created = schedule_monthly(_day(day))
    return meeting.pk if meeting else None


@shared_task(name="meetings.send_invitations", acks_late=True, reject_on_worker_lost=True)
def send_invitations(meeting_id: int, sequence: int) -> int:
    """E-mail each participant the invitation (.ics) of this sequence, once: a participant's
    ``invited_sequence`` is claimed in the same update that selects them."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.db import transaction
    from django.utils import timezone, translation

    from meetings.calendar import invitation
    from meetings.choices import MeetingState
    from meetings.models import Meeting, Participant

    if not isinstance(meeting_id, int) or not isinstance(sequence, int):
        raise ValueError("meeting_id and sequence must be integers")
    meeting = (Meeting.objects.select_related("chair").prefetch_related("participants__user")
               .filter(pk=meeting_id).first())
    if meeting is None or meeting.sequence != sequence:
        return 0  # gone, or a later change sent a newer invitation
    base_url = getattr(settings, "OPSPLAN_BASE_URL", "")
    ics = invitation(meeting, base_url)
    cancelled = meeting.state == MeetingState.CANCELLED
    from opsplan.models import Event
    from opsplan.notifications import preferences

    wanted = preferences([p.user for p in meeting.participants.all()],
                         Event.MEETING_INVITATION)
    sent = 0
    for participant in meeting.participants.all():
        with transaction.atomic():
            claimed = Participant.objects.filter(
                pk=participant.pk, invited_sequence__lt=sequence).update(
                invited_sequence=sequence)
            if not claimed or not participant.user.email:
                continue
            if not wanted.get(participant.user_id, (True, True))[1]:
                continue  # this person takes meeting invitations in the app only
            user = participant.user
            with translation.override(user.language or settings.LANGUAGE_CODE):
                from django.utils.translation import gettext as _

                subject = (_("Cancelled: %s") if cancelled else _("Invitation: %s")) % (
                    meeting.title)
                body = _("%(title)s\n%(start)s – %(end)s\n%(location)s\n\n%(subject)s") % {
                    "title": meeting.title,
                    "start": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M %Z"),
                    "end": timezone.localtime(meeting.ends_at).strftime("%H:%M"),
                    "location": meeting.location,
                    "subject": meeting.subject}
            message = EmailMessage(subject=f"[OpsPlan] {subject}", body=body,
                                   from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
            message.attach("invite.ics", ics, "text/calendar; method="
                           + ("CANCEL" if cancelled else "REQUEST"))
            message.send(fail_silently=False)
            sent += 1
    return sent


@shared_task(name="meetings.remind_overdue_contacts", acks_late=True,
             reject_on_worker_lost=True)
def remind_overdue_contacts() -> int:
    """Daily: remind owners of overdue external contacts (once per due date)."""
    from meetings.services import remind_overdue_contacts as remind

    return remind()
