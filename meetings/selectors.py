"""Reads of meetings, scoped like ``rules.can_view_meeting``; a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from meetings.choices import FollowUpState
from meetings.models import AgendaItem, FollowUp, Meeting, MeetingDecision, Participant
from meetings.rules import sees_all_meetings


def visible_meetings(user) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    meetings = Meeting.objects.all()
    if sees_all_meetings.test(user):  # the same rule as meetings.rules.can_view_meeting
        return meetings
    return meetings.filter(Q(chair=user) | Q(participants__user=user)
                           | Q(participants__delegate=user)).distinct()


def meeting_list(user, *, kind=None, state=None) -> QuerySet[Meeting]:
    meetings = (visible_meetings(user).select_related("chair")
                .annotate(invited=Count("participants", distinct=True)))
    if kind:
        meetings = meetings.filter(kind=kind)
    if state:
        meetings = meetings.filter(state=state)
    return meetings.order_by("-starts_at", "-pk")


def meeting_detail(user, pk) -> Meeting:
    """Everything the meeting page shows, in a fixed number of queries (404 when hidden)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        visible_meetings(user).select_related("chair", "called_by").prefetch_related(
            Prefetch("participants", Participant.objects.select_related("user", "delegate")),
            Prefetch("agenda", AgendaItem.objects.order_by("order", "pk")),
            Prefetch("decisions", MeetingDecision.objects.select_related(
                "agenda_item", "committee_decision", "recorded_by")
                .prefetch_related("decided_by")),
            Prefetch("follow_ups", FollowUp.objects.select_related("owner", "agenda_item")),
        ), pk=pk)


def open_follow_ups(user) -> QuerySet[FollowUp]:
    return (FollowUp.objects.filter(state=FollowUpState.OPEN, meeting__in=visible_meetings(user))
            .select_related("owner", "meeting").order_by("due_date", "pk"))


def feed_meetings(user) -> QuerySet[Meeting]:
    """The meetings in a person's calendar feed: those they chair or are invited to."""
    return (Meeting.objects.filter(Q(chair=user) | Q(participants__user=user)
                                   | Q(participants__delegate=user)).distinct()
            .select_related("chair").prefetch_related("participants__user")
            .order_by("starts_at"))
