"""The committee dashboard's cost variance: budget against actual spend for the company this
year (every plan the person may see), in total and per category, with the variance and the
category's status (warning / over-run by its thresholds); the over-runs awaiting the
committee's decision; and the data of a small budget-versus-actual bar chart.

It reads the costs app's accounting (``costs.selectors.company_variance``: the year's budget
parts and entries summed per category in the database, with the category rules), so it shows
the same figures as the plans' cost pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

OVERRUNS_SHOWN = 10


def _line(row, label) -> dict:
    return {"label": label, "budget": row.budget, "actual": row.actual,
            "committed": row.committed, "variance": row.variance,
            "variance_pct": row.variance_pct, "status": row.status,
            "status_label": row.status_label}


def cost_variance(request, scope) -> dict:
    """Four queries whatever the number of plans, lines and entries: the year's budget and
    spend per category, the category rules and the over-runs awaiting a decision."""
    from costs import selectors
    from costs.choices import OverrunState
    from costs.money import currency

    user = request.user
    year = timezone.localdate().year
    variance = selectors.company_variance(user, year)
    rows = [{"category": row.category, **_line(row, row.label)} for row in variance["rows"]]
    waiting = selectors.overruns(user).filter(state=OverrunState.AWAITING_DECISION)
    overruns = [{
        "plan": o.plan.title, "category": o.category, "category_label": o.get_category_display(),
        "budget": o.budget, "spent": o.spent, "over": o.spent - o.budget,
        "opened_at": o.opened_at, "url": o.get_absolute_url(),
    } for o in waiting.order_by("opened_at", "pk")[:OVERRUNS_SHOWN]]
    return {
        "year": year,
        "currency": currency(),
        "rows": rows,
        "total": _line(variance["total"], _("Total")),
        "overruns": overruns,
        "chart": {"labels": [r["label"] for r in rows],
                  "budget": [r["budget"] for r in rows],
                  "actual": [r["actual"] for r in rows],
                  "titles": {"budget": _("Budget"), "actual": _("Actual")}},
        "costs_url": reverse("costs:index"),
    }


register(Panel(
    dashboard="committee", key="cost-variance", order=40,
    title=_("Cost variance"),
    template="costs/panels/committee_costs.html", data=cost_variance,
))
