"""The business-unit desk's data-collection duty (§4.2): the indicators the unit supplies, each
with its last value, the period now due, whether it is overdue, and a form to report it.

The unit supplies the indicators it owns (``owner_department``): the same duty
``kpis.services.stale_series`` reminds people of, with the same notion of "due" (the last
complete collection period). The form posts to ``kpis:desk-measurement`` (kpis/desk_views.py),
which runs ``kpis.forms.MeasurementForm`` and ``kpis.services.record_measurement`` as the data
entry page does, then returns to the desk.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

# Indicators shown with their form, overdue first; the rest are counted.
ROW_LIMIT = 12


def period_label(frequency: str, start: dt.date) -> str:
    from kpis.choices import Frequency, Grain
    from kpis.periods import label

    grain = {Frequency.WEEKLY: Grain.WEEK, Frequency.MONTHLY: Grain.MONTH,
             Frequency.QUARTERLY: Grain.QUARTER}.get(frequency)
    return label(grain, start) if grain else start.isoformat()


def duty(frequency: str, last: dt.date | None, today: dt.date) -> dict:
    """The period to report next and when it is due. The last complete period is due from
    the first day after it; it is overdue while no value for it (or a later one) exists.
    Once supplied, the running period is next, due the day after it ends."""
    from kpis.periods import frequency_next, frequency_start

    current = frequency_start(frequency, today)
    complete = frequency_start(frequency, current - dt.timedelta(days=1))
    if last is None or last < complete:
        return {"period_start": complete, "due_on": current, "overdue": True}
    return {"period_start": current, "due_on": frequency_next(frequency, current),
            "overdue": False}


def unit_indicators(user, unit):
    """Active indicators the unit collects, as far as the person may read them, with the
    unit's last value and its period (subqueries: one query)."""
    from kpis.models import Measurement
    from kpis.selectors import readable_indicators

    latest = Measurement.objects.filter(indicator=OuterRef("pk"), department=unit).order_by(
        "-period_start")
    return (readable_indicators(user).filter(is_active=True, owner_department=unit)
            .annotate(last_period=Subquery(latest.values("period_start")[:1]),
                      last_value=Subquery(latest.values("value")[:1]))
            .order_by("code"))


def indicators_to_report(request, unit, *, today: dt.date | None = None) -> dict:
    from kpis.models import Measurement

    user = request.user
    today = today or timezone.localdate()
    rows = []
    for indicator in unit_indicators(user, unit):  # the indicators one unit owns: a few
        due = duty(indicator.frequency, indicator.last_period, today)
        may_record = user.has_perm("kpis.record_measurement",
                                   Measurement(indicator=indicator, department=unit))
        rows.append({
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "frequency": indicator.frequency,
            "frequency_label": indicator.get_frequency_display(),
            "url": f"{indicator.get_absolute_url()}?department={unit.code}",
            "last_value": indicator.last_value,
            "last_value_text": (f"{indicator.last_value.normalize():f}"
                                if indicator.last_value is not None else None),
            "last_period": indicator.last_period,
            "last_period_label": (period_label(indicator.frequency, indicator.last_period)
                                  if indicator.last_period else None),
            "due_period": due["period_start"],
            "due_period_label": period_label(indicator.frequency, due["period_start"]),
            "due_on": due["due_on"],
            "overdue": due["overdue"],
            # a value for the period exists already: replacing it needs a reason
            "needs_reason": indicator.last_period == due["period_start"],
            "form": {"action": reverse("kpis:desk-measurement"), "indicator": indicator.code,
                     "department": unit.code,
                     "period": due["period_start"]} if may_record else None,
        })
    rows.sort(key=lambda r: (not r["overdue"], r["due_on"], r["code"]))
    return {"today": today, "indicators": rows[:ROW_LIMIT], "total": len(rows),
            "overdue_count": sum(1 for r in rows if r["overdue"]),
            "catalog_url": reverse("kpis:catalog")}


register(Panel(
    dashboard="unit", key="indicators-to-report", order=30, wide=True,
    title=_("My indicators to report"),
    template="kpis/panels/unit_indicators.html", data=indicators_to_report,
))
