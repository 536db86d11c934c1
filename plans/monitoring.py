"""Monitoring (§3.4): a running plan's goals against the KPI rollups, its action progress as a
burn-up, and its overall progress for roll-ups. Pure reads; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kpis.choices import Band
from kpis.models import Rollup, band_for
from kpis.periods import add_months
from plans.choices import ActionStatus

GRAIN_OF_PERIOD = {"annual": "year", "quarterly": "quarter", "monthly": "month"}
TREND_LABELS = {"up": _("rising"), "down": _("falling"), "flat": _("flat"), "": _("no trend yet")}


@dataclass
class GoalStatus:
    goal: object
    actual: Decimal | None
    band: str  # green / amber / red, or "" without data
    trend: str  # up / down / flat / ""
    series: list  # [(period_start, value)] monthly, for the chart

    @property
    def band_label(self):
        return Band(self.band).label if self.band else _("no data yet")

    @property
    def trend_label(self):
        return TREND_LABELS[self.trend]


def goal_department(plan, goal):
    return plan.department_id or (goal.indicator.owner_department_id if goal.indicator_id
                                  else None)


def goal_statuses(plan) -> list[GoalStatus]:
    """Each goal's actual (the rollup of its indicator over the plan period), traffic light
    against the goal (green at the target, red beyond the baseline) and trend of the monthly
    values. Goals without an indicator show no data."""
    return goal_statuses_of([plan], goals=list(plan.goals.all()))[plan.pk]


def goal_statuses_of(plans, goals=None) -> dict[int, list[GoalStatus]]:
    """:func:`goal_statuses` for many plans at once: plan id -> its goals' statuses, in two
    queries whatever the number of plans and goals (the goals, unless given, and one read of
    the rollups over every plan's period)."""
    from plans.models import Goal

    plans = {plan.pk: plan for plan in plans}
    if goals is None:
        goals = list(Goal.objects.filter(plan_id__in=list(plans)).select_related("indicator")
                     .order_by("plan_id", "pk"))
    keys = {(g.indicator_id, goal_department(plans[g.plan_id], g)) for g in goals
            if g.indicator_id}
    rollups: dict = {}
    if keys:
        rows = Rollup.objects.filter(
            indicator_id__in={k[0] for k in keys}, department_id__in={k[1] for k in keys},
            grain__in=["month", *{GRAIN_OF_PERIOD[p.period_kind] for p in plans.values()}],
            period_start__gte=min(p.period_start for p in plans.values()),
            period_start__lte=max(p.period_end for p in plans.values()),
        ).order_by("period_start")
        for row in rows:
            rollups.setdefault((row.indicator_id, row.department_id, row.grain), []).append(
                (row.period_start, row.value))
    result: dict[int, list[GoalStatus]] = {pk: [] for pk in plans}
    for goal in goals:
        plan = plans[goal.plan_id]
        grain = GRAIN_OF_PERIOD[plan.period_kind]
        key = (goal.indicator_id, goal_department(plan, goal))
        within = [(start, value) for start, value in rollups.get((*key, grain), [])
                  if plan.period_start <= start <= plan.period_end]
        months = [(start, value) for start, value in rollups.get((*key, "month"), [])
                  if plan.period_start <= start <= plan.period_end]
        actual = within[0][1] if within else (months[-1][1] if months else None)
        band = band_for(actual, target=goal.target, red_threshold=goal.baseline,
                        direction=goal.direction) if actual is not None else ""
        trend = ""
        if len(months) >= 2:
            last, before = months[-1][1], months[-2][1]
            trend = "up" if last > before else "down" if last < before else "flat"
        result[plan.pk].append(GoalStatus(goal=goal, actual=actual, band=band, trend=trend,
                                          series=months))
    return result


def goals_met(plan) -> bool:
    statuses = goal_statuses(plan)
    return bool(statuses) and all(s.band == Band.GREEN for s in statuses)


def _points(plan) -> list[dt.date]:
    """Month ends over the plan period (week ends for a monthly plan)."""
    if plan.period_kind == "monthly":
        day = plan.period_start + dt.timedelta(days=6)
        points = []
        while day < plan.period_end:
            points.append(day)
            day += dt.timedelta(days=7)
        return [*points, plan.period_end]
    points, start = [], plan.period_start
    while start <= plan.period_end:
        points.append(min(add_months(start, 1) - dt.timedelta(days=1), plan.period_end))
        start = add_months(start, 1)
    return points


def burnup(plan, today: dt.date | None = None) -> dict:
    """Planned (actions due by each point) against done (actions completed by it)."""
    today = today or timezone.localdate()
    actions = list(plan.actions.all())
    points = _points(plan)
    planned = [sum(1 for a in actions if a.deadline <= p) for p in points]
    done: list[int | None] = []
    for index, point in enumerate(points):
        if index and points[index - 1] >= today:
            done.append(None)  # the future
            continue
        cutoff = min(point, today)
        done.append(sum(1 for a in actions if a.status == ActionStatus.DONE
                        and a.completed_on is not None and a.completed_on <= cutoff))
    return {"labels": [p.isoformat() for p in points], "planned": planned, "done": done,
            "total": len(actions),
            "titles": {"planned": str(_("Planned (due)")), "done": str(_("Done"))}}


def progress(actions) -> int:
    """A plan's progress: the mean percent complete of its action items."""
    actions = list(actions)
    if not actions:
        return 0
    return round(sum(a.percent_complete for a in actions) / len(actions))


def overdue(actions, today: dt.date | None = None) -> list:
    today = today or timezone.localdate()
    return [a for a in actions if a.status != ActionStatus.DONE and a.deadline < today]


def _summed(plan, status) -> bool:
    """A summed indicator over a longer period than a month: the goal is a total, so the
    chart shows the running total against it."""
    return (plan.period_kind != "monthly" and status.goal.indicator_id is not None
            and status.goal.indicator.aggregation == "sum")


def _cumulative(status) -> list[float]:
    total, values = Decimal(0), []
    for _p, value in status.series:
        total += value
        values.append(float(total))
    return values


def chart_data(plan) -> dict:
    """What the plan page's Chart.js charts draw (json_script)."""
    statuses = goal_statuses(plan)
    return {
        "burnup": burnup(plan),
        "goals": [{"title": s.goal.title, "target": float(s.goal.target),
                   "baseline": float(s.goal.baseline),
                   "labels": [p.isoformat() for p, _v in s.series],
                   "values": _cumulative(s) if _summed(plan, s) else
                   [float(v) for _p, v in s.series]}
                  for s in statuses if s.series],
        "labels": {"target": str(_("Target")), "baseline": str(_("Baseline")),
                   "actual": str(_("Actual"))},
    }
