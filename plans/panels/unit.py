"""The business-unit desk's plan panels: the unit's action items that are overdue or due soon,
and this week's progress report on each of the unit's running plans, pre-filled.

Both read through ``plans.selectors.visible_plans`` (the same scope as the plan pages) and ask
the plans rules for what the person may do; the report form posts to
``plans:desk-report`` (plans/desk_views.py), which runs the plan page's form and
``plans.services.report_create``, then returns to the desk.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

# Action items due within this many days (from today, inclusive) count as "due soon".
DUE_SOON_DAYS = 14
# Rows shown per list; the rest are counted and the plan pages hold them.
ROW_LIMIT = 50


def desk_url(unit, anchor: str = "") -> str:
    url = f"{reverse('dashboard', args=['unit'])}?unit={unit.code}"
    return f"{url}#{anchor}" if anchor else url


# --- 1. my unit's action items -------------------------------------------------------------

def unit_actions(user, unit):
    """Open action items this unit is responsible for, on the plans in execution or monitoring
    the person may see."""
    from plans.choices import ActionStatus, PlanState
    from plans.models import ActionItem
    from plans.selectors import visible_plans

    return (ActionItem.objects
            .filter(plan__in=visible_plans(user), department=unit,
                    plan__state__in=[PlanState.EXECUTION, PlanState.MONITORING])
            .exclude(status=ActionStatus.DONE))


def _limited(qs):
    """Up to ROW_LIMIT rows and the total, in one query (a window count on each row)."""
    rows = list(qs.annotate(total=Window(Count("pk")))[:ROW_LIMIT])
    return rows, (rows[0].total if rows else 0)


def _action_row(user, action, today) -> dict:
    plan = action.plan
    may_update = user.has_perm("plans.update_progress", action)
    return {
        "id": action.pk,
        "title": action.title,
        "critical": action.critical,
        "plan": plan.title,
        "plan_url": f"{plan.get_absolute_url()}#actions",
        "deadline": action.deadline,
        "days": abs((action.deadline - today).days),
        "person": str(action.person),
        "status": action.status,
        "status_label": action.get_status_display(),
        "percent_complete": action.percent_complete,
        "progress_url": (reverse("plans:action-progress", args=[plan.pk, action.pk])
                         if may_update else None),
    }


def action_items(request, unit, *, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    base = unit_actions(request.user, unit).select_related("plan", "person")
    overdue, overdue_total = _limited(base.filter(deadline__lt=today).order_by("deadline", "pk"))
    soon, soon_total = _limited(base.filter(deadline__gte=today, deadline__lte=horizon)
                                .order_by("deadline", "pk"))
    return {
        "today": today,
        "due_soon_days": DUE_SOON_DAYS,
        "overdue": [_action_row(request.user, a, today) for a in overdue],
        "overdue_total": overdue_total,
        "due_soon": [_action_row(request.user, a, today) for a in soon],
        "due_soon_total": soon_total,
    }


register(Panel(
    dashboard="unit", key="unit-actions", order=10, wide=True,
    title=_("My unit's action items"),
    template="plans/panels/unit_actions.html", data=action_items,
))


# --- 2. this week's progress report ---------------------------------------------------------

def unit_running_plans(user, unit):
    """Running plans the unit reports on weekly (``plans.services.expected_units``: its own
    plan, or a plan where it answers for an action item), as the person may see them."""
    from plans.choices import RUNNING_STATES
    from plans.models import ActionItem, Review
    from plans.selectors import visible_plans

    unit_plans = visible_plans(user).filter(state__in=RUNNING_STATES).filter(
        Q(department=unit) | Q(actions__department=unit)).values("pk")
    return (visible_plans(user).filter(pk__in=unit_plans)
            .prefetch_related(
                Prefetch("actions", to_attr="unit_actions",
                         queryset=ActionItem.objects.filter(department=unit)
                         .order_by("deadline", "pk")),
                Prefetch("reviews", queryset=Review.objects.only("pk", "plan_id",
                                                                 "department_id")))
            .order_by("period_start", "title", "pk"))


def _week(day: dt.date) -> tuple[int, int]:
    year, week, _day = day.isocalendar()
    return year, week


def _report_status(report) -> tuple[str, str]:
    if report.locked_at is not None:
        return "locked", str(_("Posted, locked"))
    if report.late:
        return "late", str(_("Posted late"))
    return "posted", str(_("Posted"))


def prefill(plan, actions, last_report) -> dict:
    """This week's report as the form first shows it: the text carried over from last week's
    report (what was planned for this week becomes this week's progress; problems and help
    needed stay until changed) and each action item's current status and progress with last
    week's note."""
    last_lines = {line.action_id: line for line in last_report.lines.all()} if last_report else {}
    lines = []
    for action in actions:
        line = last_lines.get(action.pk)
        lines.append({
            "action_id": action.pk,
            "title": action.title,
            "deadline": action.deadline,
            "prefix": f"action_{action.pk}",
            "status": action.status,
            "percent_complete": action.percent_complete,
            "quality": action.quality,
            "note": line.note if line else "",
        })
    return {
        "summary": last_report.next_week if last_report else "",
        "problems": last_report.problems if last_report else "",
        "help_needed": last_report.help_needed if last_report else "",
        "next_week": "",
        "lines": lines,
    }


def prefill_initial(values: dict) -> dict:
    """The pre-filled values as a ``WeeklyReportForm``'s initial data."""
    initial = {name: values[name] for name in ("summary", "problems", "help_needed",
                                                "next_week")}
    for line in values["lines"]:
        prefix = line["prefix"]
        initial.update({f"{prefix}_status": line["status"],
                        f"{prefix}_percent": line["percent_complete"],
                        f"{prefix}_quality": line["quality"], f"{prefix}_note": line["note"]})
    return initial


def reports_by_plan(plans, unit, weeks):
    """(plan id, (iso year, iso week)) -> the unit's report, with its lines (two queries)."""
    from plans.models import WeeklyReport

    weeks_q = Q()
    for year, week in weeks:
        weeks_q |= Q(iso_year=year, iso_week=week)
    found = (WeeklyReport.objects.filter(weeks_q, plan__in=[p.pk for p in plans],
                                         department=unit)
             .select_related("author").prefetch_related("lines"))
    return {(r.plan_id, (r.iso_year, r.iso_week)): r for r in found}


def weekly_progress(request, unit, *, today: dt.date | None = None) -> dict:
    from plans.choices import ActionStatus, Quality
    from plans.models import WeekLock, WeeklyReport

    user = request.user
    today = today or timezone.localdate()
    this_week = _week(today)
    last_week = _week(today - dt.timedelta(days=7))
    plans = list(unit_running_plans(user, unit))
    reports = reports_by_plan(plans, unit, [this_week, last_week]) if plans else {}
    locked = WeekLock.objects.filter(iso_year=this_week[0], iso_week=this_week[1]).exists()
    items = []
    for plan in plans:
        current = reports.get((plan.pk, this_week))
        last = reports.get((plan.pk, last_week))
        item = {
            "plan": {"id": plan.pk, "title": plan.title, "state": plan.state,
                     "state_label": plan.get_state_display(),
                     "url": f"{plan.get_absolute_url()}#progress"},
            "report": None, "form": None,
            "can_post": user.has_perm("plans.add_weeklyreport",
                                      WeeklyReport(plan=plan, department=unit)),
        }
        if current is not None:
            status, label = _report_status(current)
            item["report"] = {
                "id": current.pk, "status": status, "status_label": label,
                "submitted_at": current.submitted_at, "author": str(current.author),
                "summary": current.summary,
                "lines": len(current.lines.all()),
                "edit_url": (reverse("plans:report-edit", args=[current.pk])
                             if user.has_perm("plans.change_weeklyreport", current) else None),
                "url": reverse("plans:reports", args=[plan.pk]),
            }
        elif item["can_post"]:
            item["form"] = {
                "action": reverse("plans:desk-report", args=[plan.pk]),
                "unit": unit.pk,
                "prefilled_from": last.week_label if last else None,
                **prefill(plan, plan.unit_actions, last),
            }
        items.append(item)
    return {
        "week": f"{this_week[0]}-W{this_week[1]:02d}",
        "iso_year": this_week[0], "iso_week": this_week[1],
        "week_locked": locked,
        "plans": items,
        "status_choices": [[value, str(label)] for value, label in ActionStatus.choices],
        "quality_choices": [["", "—"], *([value, str(label)] for value, label
                                          in Quality.choices)],
    }


register(Panel(
    dashboard="unit", key="weekly-progress", order=20, wide=True,
    title=_("This week's progress report"),
    template="plans/panels/unit_weekly.html", data=weekly_progress,
))
