"""iCalendar (RFC 5545) output: invitations (METHOD:REQUEST / CANCEL) and personal feeds.
Times are written in UTC, so every calendar app places them right whatever its time zone."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.choices import MeetingState

PRODID = "-//OpsPlan//Meetings//EN"


def uid(meeting) -> str:
    host = (settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and
            settings.ALLOWED_HOSTS[0] not in ("*", "") else "opsplan.local").lstrip(".")
    return f"meeting-{meeting.pk}@{host}"


def _event(meeting, base_url: str = "") -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    description = meeting.subject or ""
    if base_url:
        description = f"{description}\n\n{base_url}{meeting.get_absolute_url()}".strip()
        event.add("url", f"{base_url}{meeting.get_absolute_url()}")
    if description:
        event.add("description", description)
    cancelled = meeting.state == MeetingState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{meeting.chair.email or settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(str(meeting.chair))
    event.add("organizer", organizer)
    for participant in meeting.participants.all():
        if participant.user.email:
            attendee = vCalAddress(f"mailto:{participant.user.email}")
            attendee.params["cn"] = vText(str(participant.user))
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
    return event


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def invitation(meeting, base_url: str = "") -> bytes:
    """One meeting as an e-mail invitation (REQUEST, or CANCEL once cancelled)."""
    calendar = _calendar("CANCEL" if meeting.state == MeetingState.CANCELLED else "REQUEST")
    calendar.add_component(_event(meeting, base_url))
    return calendar.to_ical()


def feed(meetings, name: str, base_url: str = "") -> bytes:
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, base_url))
    return calendar.to_ical()
