"""The business-unit desk's plan panels: the unit's action items that are overdue or due soon,
and this week's progress report on each of the unit's running plans, pre-filled.

Both read through ``plans.selectors.visible_plans`` (the same scope as the plan pages) and ask
the plans rules for what the person may do; the report form posts to
``plans:desk-report`` (plans/desk_views.py), which runs the plan page's form and
``plans.services.report_create``, then returns to the desk.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

# Action items due within this many days (from today, inclusive) count as "due soon".
DUE_SOON_DAYS = 14
# Rows shown per list; the rest are counted and the plan pages hold them.
ROW_LIMIT = 12
ROWS_SHOWN = ROW_LIMIT
# Weekly report forms shown pre-filled on the desk (the most urgent plans); the other plans
# awaiting their report are links to the same form on its own page.
FORMS_SHOWN = 2


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
    from plans.models import ActionItem
    from plans.selectors import visible_plans

    answers_for = ActionItem.objects.filter(department=unit).values("plan_id")
    return (visible_plans(user).filter(state__in=RUNNING_STATES)
            .filter(Q(department=unit) | Q(pk__in=answers_for))
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


def _plan_item(plan) -> dict:
    return {"id": plan.pk, "title": plan.title, "state": plan.state,
            "state_label": plan.get_state_display(),
            "url": f"{plan.get_absolute_url()}#progress"}


def weekly_progress(request, unit, *, today: dt.date | None = None) -> dict:
    """This week's report of the unit on each running plan it reports on. The plans still
    awaiting it come most urgent first (the unit's next open action item deadline, then the
    plan's end): the first ``FORMS_SHOWN`` with the form pre-filled, the next ones as links to
    their report form; posted reports are listed briefly. Everything else is counted, so the
    panel keeps its size (and its queries) whatever the number of plans."""
    from plans.choices import ActionStatus, Quality
    from plans.models import ActionItem, Plan, WeekLock, WeeklyReport

    user = request.user
    today = today or timezone.localdate()
    this_week = _week(today)
    last_week = _week(today - dt.timedelta(days=7))
    next_deadline = (ActionItem.objects.filter(plan=OuterRef("pk"), department=unit)
                     .exclude(status=ActionStatus.DONE).order_by("deadline")
                     .values("deadline")[:1])
    current = WeeklyReport.objects.filter(plan=OuterRef("pk"), department=unit,
                                          iso_year=this_week[0], iso_week=this_week[1])
    # every running plan as a few plain values (no model rows): which still await the report,
    # in order of urgency; only the plans shown are loaded whole
    found = list(unit_running_plans(user, unit).annotate(
        next_deadline=Subquery(next_deadline),
        current_report=Subquery(current.order_by().values("pk")[:1]))
        .values_list("pk", "period_end", "title", "next_deadline", "current_report"))
    far = dt.date.max
    missing = sorted((row for row in found if row[4] is None),
                     key=lambda row: (row[3] or far, row[1], row[2], row[0]))
    posted = [row for row in found if row[4] is not None]
    shown_missing, shown_posted = missing[:FORMS_SHOWN + ROWS_SHOWN], posted[:ROWS_SHOWN]
    loaded = Plan.objects.in_bulk([row[0] for row in (*shown_missing, *shown_posted)])
    plans = []
    for pk, _end, _title, deadline, report_id in (*shown_missing, *shown_posted):
        plan = loaded[pk]
        plan.next_deadline, plan.current_report = deadline, report_id
        plans.append(plan)
    missing_plans, posted_plans = plans[:len(shown_missing)], plans[len(shown_missing):]

    waiting = []
    for plan in missing_plans:
        can_post = user.has_perm("plans.add_weeklyreport",
                                 WeeklyReport(plan=plan, department=unit))
        waiting.append((plan, can_post))
    form_plans = [plan for plan, can_post in waiting[:FORMS_SHOWN] if can_post]
    actions: dict[int, list] = {plan.pk: [] for plan in form_plans}
    last_reports = {}
    if form_plans:
        for action in ActionItem.objects.filter(plan__in=form_plans, department=unit).order_by(
                "deadline", "pk"):
            actions[action.plan_id].append(action)
        last_reports = reports_by_plan(form_plans, unit, [last_week])

    forms, others = [], []
    for index, (plan, can_post) in enumerate(waiting):
        item = {"plan": _plan_item(plan), "can_post": can_post, "form": None,
                "next_deadline": plan.next_deadline,
                "form_url": (f"{reverse('plans:desk-report', args=[plan.pk])}?unit={unit.code}"
                             if can_post else None)}
        if index < FORMS_SHOWN:
            if can_post:
                last = last_reports.get((plan.pk, last_week))
                item["form"] = {
                    "action": reverse("plans:desk-report", args=[plan.pk]),
                    "unit": unit.pk,
                    "prefilled_from": last.week_label if last else None,
                    **prefill(plan, actions[plan.pk], last),
                }
            forms.append(item)
        else:
            others.append(item)

    details = {r.pk: r for r in WeeklyReport.objects.filter(
        pk__in=[p.current_report for p in posted_plans]).select_related("author")
        .annotate(line_count=Count("lines"))} if posted_plans else {}
    reports = []
    for plan in posted_plans:
        report = details[plan.current_report]
        report.plan = plan
        status, label = _report_status(report)
        reports.append({"plan": _plan_item(plan), "report": {
            "id": report.pk, "status": status, "status_label": label,
            "submitted_at": report.submitted_at, "author": str(report.author),
            "summary": report.summary, "lines": report.line_count,
            "edit_url": (reverse("plans:report-edit", args=[report.pk])
                         if user.has_perm("plans.change_weeklyreport", report) else None),
            "url": reverse("plans:reports", args=[plan.pk]),
        }})
    locked = WeekLock.objects.filter(iso_year=this_week[0], iso_week=this_week[1]).exists()
    return {
        "week": f"{this_week[0]}-W{this_week[1]:02d}",
        "iso_year": this_week[0], "iso_week": this_week[1],
        "week_locked": locked,
        "total": len(found),
        "missing_total": len(missing),
        "posted_total": len(posted),
        "forms": forms,
        "missing": others,
        "missing_more": max(len(missing) - len(forms) - len(others), 0),
        "posted": reports,
        "plans_url": f"{reverse('plans:list')}?department={unit.pk}",
        "status_choices": [[value, str(label)] for value, label in ActionStatus.choices],
        "quality_choices": [["", "—"], *([value, str(label)] for value, label
                                          in Quality.choices)],
    }


register(Panel(
    dashboard="unit", key="weekly-progress", order=20, wide=True,
    title=_("This week's progress report"),
    template="plans/panels/unit_weekly.html", data=weekly_progress,
))
