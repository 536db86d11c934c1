"""The planning department dashboard's data-collection panel: indicators whose owning
department has not supplied the last complete collection period (the same staleness rule as
the daily reminders, ``kpis.services.stale_series``), within what the person may read."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

# Rows shown, longest overdue first; the rest are counted (the indicator catalog lists all).
LIST_LIMIT = 12


def duties_overdue(request, scope) -> dict:
    from kpis.periods import frequency_next
    from kpis.selectors import readable_indicators
    from kpis.services import stale_series

    today = timezone.localdate()
    readable = set(readable_indicators(request.user).values_list("pk", flat=True))
    rows = []
    for indicator, department, due in stale_series(today):
        if indicator.pk not in readable:
            continue
        # the period ``due`` closed, and its measurement fell due, the day the next one began
        since = frequency_next(indicator.frequency, due)
        rows.append({
            "indicator": indicator.name, "code": indicator.code,
            "url": indicator.get_absolute_url(),
            "department": department.name,
            "collector": str(indicator.collector) if indicator.collector_id else "",
            "frequency": indicator.get_frequency_display(),
            "period_start": due, "overdue_since": since,
            "days_overdue": max((today - since).days, 0)})
    rows.sort(key=lambda row: (row["overdue_since"], row["code"]))
    return {"rows": rows[:LIST_LIMIT], "total": len(rows), "catalog_url": reverse("kpis:catalog")}


register(Panel(dashboard="planning", key="duties-overdue", order=40,
               title=_("Data collection overdue"), template="kpis/panels/planning_duties.html",
               data=duties_overdue))
