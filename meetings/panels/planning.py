"""The planning department dashboard's meeting panel: this week's weekly operations meeting
with its agenda (built from the data by ``meetings.agenda`` when it was scheduled)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

AGENDA_LIMIT = 15


def this_weeks_meeting(request, scope) -> dict:
    from meetings.choices import MeetingKind
    from meetings.models import AgendaItem
    from meetings.selectors import visible_meetings
    from meetings.services import weekly_slot

    user = request.user
    today = timezone.localdate()
    slot = weekly_slot(today)
    meeting = (visible_meetings(user).filter(kind=MeetingKind.WEEKLY, slot=slot)
               .select_related("chair")
               .prefetch_related(Prefetch("agenda", AgendaItem.objects.order_by("order", "pk")))
               .first())
    if meeting is None:
        schedule_url = ""
        if user.has_perm("meetings.call_meeting"):
            title = gettext("Weekly operations meeting %(slot)s") % {"slot": slot}
            schedule_url = f"{reverse('meetings:create')}?{urlencode({'title': title})}"
        return {"meeting": None, "week": slot, "schedule_url": schedule_url}
    items = list(meeting.agenda.all())
    return {
        "week": slot,
        "meeting": {
            "id": meeting.pk, "title": meeting.title, "url": meeting.get_absolute_url(),
            "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
            "location": meeting.location, "state": meeting.state,
            "state_label": meeting.get_state_display(), "chair": str(meeting.chair)},
        "agenda": [{"section": item.get_section_display(), "title": item.title,
                    "detail": item.detail, "url": item.url} for item in items[:AGENDA_LIMIT]],
        "agenda_total": len(items),
        "schedule_url": "",
    }


register(Panel(dashboard="planning", key="weekly-meeting", order=50,
               title=_("This week's meeting"), template="meetings/panels/planning_meeting.html",
               data=this_weeks_meeting))
