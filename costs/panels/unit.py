"""The business-unit desk's budget lines: the unit's lines on the running plans the person
may see, per plan and category with budget, committed, actual, variance and status.

Spend is booked per plan, department and category (not per line), so the desk groups the
unit's lines the way cost accounting does (``costs.selectors.Row``) and judges each group with
the category's thresholds (``costs.services.policies`` / ``status_for``). Three queries:
lines, spend and the category rules. The groups over budget or near it come first; the panel
shows ``ROW_LIMIT`` of them and counts the rest (the unit's cost page lists them all); the
totals cover every group."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

BAND = {"ok": "green", "warning": "amber", "overrun": "red"}


# Groups shown, the ones in trouble first; all of them count in the totals.
ROW_LIMIT = 12
SEVERITY = {"overrun": 0, "warning": 1, "ok": 2}


def budget_groups(user, unit) -> list:
    """``costs.selectors.Row`` per (plan, category) of the unit's budget lines on running
    plans, with committed and actual spend and the status (plain values: no model rows)."""
    from costs.choices import Category, EntryKind
    from costs.models import CostEntry
    from costs.money import to_money
    from costs.selectors import Row, budget_lines
    from costs.services import RUNNING, policies, status_for

    lines = (budget_lines(user).select_related(None).prefetch_related(None)
             .filter(department=unit, plan__state__in=RUNNING)
             .order_by("plan__period_start", "plan__title", "plan_id", "category", "pk")
             .values_list("plan_id", "plan__title", "category", "amount", "description"))
    labels = {value: str(label) for value, label in Category.choices}
    groups: dict = {}
    for plan_id, title, category, amount, description in lines:
        row = groups.get((plan_id, category))
        if row is None:
            row = groups[(plan_id, category)] = Row(key=(plan_id, category),
                                                    label=labels[category], category=category)
            row.plan_id, row.plan_title, row.lines = plan_id, title, []
        row.budget += to_money(amount)
        row.lines.append(description)
    if not groups:
        return []
    spent = (CostEntry.objects.filter(plan_id__in={p for p, _c in groups}, department=unit)
             .values("plan_id", "category", "kind").annotate(total=Sum("amount")).order_by())
    for entry in spent:
        row = groups.get((entry["plan_id"], entry["category"]))
        if row is None:
            continue  # spend without a budget line of this unit: the plan's budget tab shows it
        if entry["kind"] == EntryKind.ACTUAL:
            row.actual += to_money(entry["total"])
        else:
            row.committed += to_money(entry["total"])
    rules = policies()
    for row in groups.values():
        row.status = status_for(row.budget, row.used, rules[row.category])
    return list(groups.values())


def my_budget_lines(request, unit) -> dict:
    from costs.money import currency

    rows = budget_groups(request.user, unit)
    zero = Decimal("0.00")
    total = {"budget": sum((r.budget for r in rows), zero),
             "committed": sum((r.committed for r in rows), zero),
             "actual": sum((r.actual for r in rows), zero)}
    total["variance"] = total["actual"] - total["budget"]
    department_url = (reverse("costs:department", args=[unit.code])
                      if request.user.has_perm("costs.view_department_costs", unit) else None)
    counts = {status: sum(1 for r in rows if r.status == status) for status in SEVERITY}
    # stable sort: within a status, the plans keep their order (period, title)
    shown = sorted(rows, key=lambda r: SEVERITY[r.status])[:ROW_LIMIT]
    return {
        "currency": currency(),
        "rows": [{
            "plan": row.plan_title,
            "plan_id": row.plan_id,
            "budget_url": f"{reverse('costs:plan', args=[row.plan_id])}#budget-lines",
            "category": row.category,
            "category_label": row.label,
            "lines": row.lines,
            "budget": row.budget,
            "committed": row.committed,
            "actual": row.actual,
            "variance": row.variance,
            "variance_pct": row.variance_pct,
            "used_pct": row.used_pct,
            "status": row.status,
            "status_label": row.status_label,
            "band": BAND[row.status],
        } for row in shown],
        "total_rows": len(rows),
        "overrun_count": counts["overrun"],
        "warning_count": counts["warning"],
        "total": total,
        "department_url": department_url,
    }


register(Panel(
    dashboard="unit", key="unit-budget", order=50, wide=True,
    title=_("My budget lines"),
    template="costs/panels/unit_budget.html", data=my_budget_lines,
))
