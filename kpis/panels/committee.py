"""The committee dashboard's company scorecard: the policy's core indicators (kpis.catalog),
each department's latest month against its target for that month, as a traffic light with a
text label. Reads through kpis.selectors, so it holds only what the person may read."""

from __future__ import annotations

from collections import Counter

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register


def scorecard(request, scope) -> dict:
    """Three queries whatever the number of indicators, departments and months."""
    from kpis import selectors
    from kpis.catalog import CORE
    from kpis.charts import format_value
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
            .filter(grain=Grain.MONTH, indicator_id__in=list(indicators))
            .annotate(rank=Window(RowNumber(), partition_by=[F("indicator_id"),
                                                             F("department_id")],
                                  order_by=F("period_start").desc()))
            .filter(rank=1)
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
        for indicator_id, department_id, code, name, start, value in latest:
            indicator = indicators[indicator_id]
            target, red = targets.get((indicator_id, department_id, start), (None, None))
            band = (band_for(value, target=target, red_threshold=red,
                             direction=indicator.direction) if target is not None else "")
            rows.append({
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
            })
        rows.sort(key=lambda r: (order[r["indicator"]], r["department_name"]))
    counts = Counter(r["band"] for r in rows if r["band"])
    return {
        "rows": rows,
        "summary": [{"band": band.value, "label": band.label, "count": counts.get(band, 0)}
                    for band in Band],
        "catalog_url": _catalog_url(),
    }


def _catalog_url() -> str:
    from django.urls import reverse

    return reverse("kpis:scorecards")


register(Panel(
    dashboard="committee", key="company-scorecard", order=20,
    title=_("Company scorecard"),
    template="kpis/panels/committee_scorecard.html", data=scorecard,
))
