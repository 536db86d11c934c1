"""The committee dashboard's next meetings: the next scheduled meetings the person may see
(times in the person's time zone, which the middleware activates), and the open follow-ups
agreed in the committee's meetings: the monthly summary meetings and the ad-hoc meetings
where urgent matters are decided (§4.1)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

MEETINGS_SHOWN = 5
FOLLOW_UPS_SHOWN = 8


def next_meetings(request, scope) -> dict:
    """Three queries whatever the number of meetings and follow-ups."""
    from meetings import selectors
    from meetings.choices import MeetingKind, MeetingState

    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    meetings = [{
        "id": m.pk, "title": m.title, "kind": m.kind, "kind_label": m.get_kind_display(),
        "starts_at": timezone.localtime(m.starts_at), "ends_at": timezone.localtime(m.ends_at),
        "location": m.location, "url": m.get_absolute_url(),
    } for m in selectors.visible_meetings(user).filter(
        state=MeetingState.SCHEDULED, ends_at__gte=now).order_by("starts_at", "pk")
        [:MEETINGS_SHOWN]]
    committee_kinds = [MeetingKind.MONTHLY, MeetingKind.ADHOC]
    follow_ups = selectors.open_follow_ups(user).filter(meeting__kind__in=committee_kinds)
    shown = [{
        "id": f.pk, "title": f.title, "owner": str(f.owner) if f.owner_id else "",
        "due_date": f.due_date, "overdue": f.due_date < today,
        "meeting": f.meeting.title, "url": f"{f.meeting.get_absolute_url()}#follow-ups",
    } for f in follow_ups[:FOLLOW_UPS_SHOWN]]
    more = follow_ups.count() - len(shown)
    return {"meetings": meetings, "follow_ups": shown, "more_follow_ups": more,
            "time_zone": timezone.get_current_timezone_name(),
            "meetings_url": reverse("meetings:list")}


register(Panel(
    dashboard="committee", key="next-meetings", order=50,
    title=_("Next meetings"),
    template="meetings/panels/committee_meetings.html", data=next_meetings,
))
