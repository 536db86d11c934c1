"""The committee dashboard's company goals: the goals of the running company plans (the
scorecard's goal half; kpis' panel beside it shows the core indicators). Each goal's actual
against its target as a traffic light with a text label, the ones needing attention first,
read through plans.monitoring (the plan page's monitoring section uses the same reading)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

ROWS_SHOWN = 10
# Running company plans read at most (the company runs a handful at a time); a constant bound
# keeps the panel's cost fixed however many plans exist.
PLANS_READ = 20
ATTENTION = {"red": 0, "amber": 1, "": 2, "green": 3}


def company_goals(request, scope) -> dict:
    """Three queries: the running company plans the person may see, their goals, and the
    rollups over their periods (plans.monitoring.goal_statuses_of)."""
    from kpis.charts import format_value, traffic_lights
    from plans.choices import RUNNING_STATES, PlanLevel
    from plans.monitoring import goal_statuses_of
    from plans.selectors import visible_plans

    plans = list(visible_plans(request.user)
                 .filter(level=PlanLevel.COMPANY, state__in=RUNNING_STATES)
                 .order_by("period_start", "pk")[:PLANS_READ])
    statuses = goal_statuses_of(plans) if plans else {}
    by_id = {plan.pk: plan for plan in plans}
    found = sorted(((ATTENTION[status.band], plan_id, status.goal.pk, status)
                    for plan_id, rows in statuses.items() for status in rows),
                   key=lambda item: item[:3])
    rows = []
    for _attention, plan_id, _pk, status in found[:ROWS_SHOWN]:
        goal, plan = status.goal, by_id[plan_id]
        rows.append({
            "goal": goal.title,
            "plan": plan.title,
            "url": f"{plan.get_absolute_url()}#monitoring",
            "unit": goal.unit,
            "actual": status.actual,
            "actual_display": format_value(status.actual),
            "target": goal.target,
            "target_display": format_value(goal.target),
            "deadline": goal.deadline,
            "band": status.band,
            "band_label": status.band_label,
            "trend": status.trend,
            "trend_label": status.trend_label,
        })
    return {"rows": rows, **traffic_lights((item[3].band for item in found), len(rows)),
            "plans": len(plans)}


register(Panel(
    dashboard="committee", key="company-goals", order=21,
    title=_("Company goals"),
    template="plans/panels/committee_goals.html", data=company_goals,
))
