"""The committee dashboard's company scorecard: the policy's core indicators (kpis.catalog),
each department's latest month (within the last year) against its target for that month, as
a traffic light with a text label. The lights are counted over every department; the table
shows the rows that need attention first (off target, then watch, then without a target, then
on target), at most ``ROWS_SHOWN`` of them, and links to the department scorecards for the
rest. Reads through kpis.selectors, so it holds only what the person may read."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

ROWS_SHOWN = 10
# How far back a department's latest month is looked for: an older value is no longer a
# current scorecard (and the window stays small however long the history).
RECENT_MONTHS = 12
# The order of attention: off target first, on target last.
ATTENTION = {"red": 0, "amber": 1, "": 2, "green": 3}


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def scorecard(request, scope) -> dict:
    """Three queries whatever the number of indicators, departments and months: the
    indicators, each (indicator, department)'s latest month among the recent ones (a window
    over the recent months only, on the rollups' natural-key index) and their targets."""
    from kpis import selectors
    from kpis.catalog import CORE
    from kpis.charts import format_value, traffic_lights
    from kpis.choices import Band, Grain
    from kpis.models import band_for
    from kpis.periods import label

    user = request.user
    order = {code: i for i, (code, *_rest) in enumerate(CORE)}
    indicators = {i.pk: i for i in selectors.readable_indicators(user).filter(
        is_active=True, code__in=list(order))}
    rows = []
    if indicators:
        latest = list(
            selectors.rollups(user)
            .filter(grain=Grain.MONTH, indicator_id__in=list(indicators),
                    period_start__gte=_months_before(timezone.localdate(), RECENT_MONTHS))
            .annotate(rank=Window(RowNumber(), partition_by=[F("indicator_id"),
                                                             F("department_id")],
                                  order_by=F("period_start").desc()))
            .filter(rank=1)
            .order_by()  # sorted below, by attention
            .values_list("indicator_id", "department_id", "department__code",
                         "department__name", "period_start", "value"))
        targets = {
            (indicator_id, department_id, start): (target, red)
            for indicator_id, department_id, start, target, red in
            selectors.targets(user).filter(
                grain=Grain.MONTH, indicator_id__in=list(indicators),
                period_start__in={row[4] for row in latest})
            .values_list("indicator_id", "department_id", "period_start", "target",
                         "red_threshold")
        }
        found = []
        for indicator_id, department_id, code, name, start, value in latest:
            indicator = indicators[indicator_id]
            target, red = targets.get((indicator_id, department_id, start), (None, None))
            band = (band_for(value, target=target, red_threshold=red,
                             direction=indicator.direction) if target is not None else "")
            found.append((ATTENTION[band], order[indicator.code], name, band, indicator, code,
                          start, value, target))
        found.sort(key=lambda f: f[:3])
        bands = [f[3] for f in found]
        rows = [{
            "indicator": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "department": code,
            "department_name": name,
            "period": start,
            "period_label": label(Grain.MONTH, start),
            "value": value,
            "value_display": format_value(value),
            "target": target,
            "target_display": format_value(target) if target is not None else "",
            "band": band,
            "band_label": Band(band).label if band else _("no target"),
            "url": f"{indicator.get_absolute_url()}?department={code}",
        } for _a, _o, name, band, indicator, code, start, value, target in found[:ROWS_SHOWN]]
    else:
        bands = []
    return {"rows": rows, **traffic_lights(bands, len(rows)), "catalog_url": _catalog_url()}


def _catalog_url() -> str:
    from django.urls import reverse

    return reverse("kpis:scorecards")


register(Panel(
    dashboard="committee", key="company-scorecard", order=20,
    title=_("Company scorecard"),
    template="kpis/panels/committee_scorecard.html", data=scorecard,
))
