"""Search provider of meetings: only meetings the person may see
(meetings.selectors.visible_meetings)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from meetings import selectors
from opsplan.search import Hit, Provider, register, snippet


def search_meetings(user, text, limit):
    found = (selectors.visible_meetings(user)
             .filter(Q(title__icontains=text) | Q(subject__icontains=text)
                     | Q(location__icontains=text))
             .order_by("-starts_at", "-pk")[:limit])
    return [Hit(kind="meetings", title=m.title, url=m.get_absolute_url(),
                snippet=" · ".join(filter(None, [
                    date_format(timezone.localtime(m.starts_at), "SHORT_DATETIME_FORMAT"),
                    snippet(m.subject, text)])))
            for m in found]


register(Provider(key="meetings", label=_("Meetings"), search=search_meetings, order=40,
                  describes=_("meetings by title, subject and place")))
