"""The committee dashboard's cost variance: budget against actual spend for the company this
year (every plan the person may see), in total and per category, with the variance and the
category's status (warning / over-run by its thresholds); the over-runs awaiting the
committee's decision; and the data of a small budget-versus-actual bar chart.

It uses the costs app's own accounting (the budget period parts and the entries, grouped in
the database, and the category rules), so it shows the same figures as the plan's cost tab."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

ZERO = Decimal("0.00")
OVERRUNS_SHOWN = 10


def cost_variance(request, scope) -> dict:
    """Five queries whatever the number of plans, lines and entries."""
    from costs import selectors
    from costs.choices import Category, EntryKind, OverrunState, Status
    from costs.money import currency, pct
    from costs.services import policies, status_for
    from plans.selectors import visible_plans

    user = request.user
    year = timezone.localdate().year
    plans = Q(plan__in=visible_plans(user).values("pk"))
    budgets = selectors._budget_rows(plans, "month")  # (department, category, month) -> amount
    entries = selectors._entry_rows(plans, "month")   # … -> {actual, commitment}
    rules = policies()
    per_category = {c: {"budget": ZERO, "actual": ZERO, "committed": ZERO}
                    for c in Category.values}
    for (_department, category, month), amount in budgets.items():
        if month.year == year:
            per_category[category]["budget"] += amount
    for (_department, category, month), spent in entries.items():
        if month.year == year:
            per_category[category]["actual"] += spent.get(EntryKind.ACTUAL, ZERO)
            per_category[category]["committed"] += spent.get(EntryKind.COMMITMENT, ZERO)

    def line(label, budget, actual, committed, status):
        variance = actual - budget
        return {"label": label, "budget": budget, "actual": actual, "committed": committed,
                "variance": variance, "variance_pct": pct(variance, budget),
                "status": status, "status_label": Status(status).label}

    rows = []
    for category in Category.values:
        figures = per_category[category]
        if not any(figures.values()):
            continue
        used = figures["actual"] + figures["committed"]
        status = status_for(figures["budget"], used, rules[category])
        rows.append({"category": category, **line(Category(category).label, **figures,
                                                   status=status)})
    total_budget = sum((r["budget"] for r in rows), ZERO)
    total_actual = sum((r["actual"] for r in rows), ZERO)
    total_committed = sum((r["committed"] for r in rows), ZERO)
    worst = (Status.OVERRUN if any(r["status"] == Status.OVERRUN for r in rows)
             else Status.WARNING if any(r["status"] == Status.WARNING for r in rows)
             else Status.OK)
    total = line(_("Total"), total_budget, total_actual, total_committed, worst)

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
        "total": total,
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
