"""Plans tasks in the worker-fault harness (tests/hardening/faults.py): each beat task is
delivered twice and must change nothing the second time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from opsplan.models import AuditEvent, Notification
from plans.models import ActionItem, Deviation, ReportReminder, WeekLock, WeeklyReport
from tests.hardening.faults import Redelivered, Run
from tests.plans import builders


def _monitored(request):
    names = ("planning_manager", "unit_head", "author", "reviewer", "marketing", "sales",
             "unit_staff", "chair", "committee_member")
    f = {n: request.getfixturevalue(n) for n in names}
    return builders.in_monitoring(f["planning_manager"], f["unit_head"], f["author"],
                                  f["reviewer"], f["marketing"], f["sales"], f["unit_staff"],
                                  f["chair"], f["committee_member"]), f


def prepare_remind(request):
    """Sales has not posted this week's report on a plan in monitoring."""
    _monitored(request)
    return Run(state=lambda: (sorted(ReportReminder.objects.values_list(
        "plan_id", "department_id", "iso_year", "iso_week")), Notification.objects.count()))


def prepare_lock(request):
    """A report of two weeks ago, whose default lock time has passed, still open."""
    from plans import services

    plan, f = _monitored(request)
    year, week, _day = (timezone.localdate() - dt.timedelta(weeks=2)).isocalendar()
    services.report_create(plan=plan, department=f["sales"], iso_year=year, iso_week=week,
                           actor=f["unit_head"], summary="Done")

    def check():
        assert WeekLock.objects.filter(iso_year=year, iso_week=week).exists()
        assert not WeeklyReport.objects.filter(locked_at__isnull=True).exists()
    return Run(check=check, state=lambda: (
        sorted(WeekLock.objects.values_list("iso_year", "iso_week", "locked_at")),
        sorted(WeeklyReport.objects.values_list("pk", "locked_at")),
        AuditEvent.objects.filter(action="plans.week.lock").count()))


def prepare_overdue(request):
    """A critical action of a plan in monitoring, past its deadline and not done."""
    plan, _f = _monitored(request)
    ActionItem.objects.filter(plan=plan).update(
        critical=True, deadline=timezone.localdate() - dt.timedelta(days=3))

    def check():
        assert Deviation.objects.filter(source="overdue_action").count() == 1
    return Run(check=check, state=lambda: (
        sorted(Deviation.objects.values_list("plan_id", "action_id", "source", "state")),
        Notification.objects.count()))


SCENARIOS = [
    Redelivered("plans.remind_weekly_reports", prepare_remind),
    Redelivered("plans.lock_due_weeks", prepare_lock),
    Redelivered("plans.scan_overdue_actions", prepare_overdue),
]
