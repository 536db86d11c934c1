"""Costs tasks in the worker-fault harness (tests/hardening/faults.py)."""

from __future__ import annotations

import datetime as dt

from costs.models import ExplanationReminder
from opsplan.models import Notification
from tests.costs import builders
from tests.hardening.faults import Redelivered, Run


def prepare_remind(request):
    """A running plan whose marketing spend crossed the warning threshold in March, with no
    explanation: the first run reminds once, a redelivered run changes nothing."""
    names = ("author", "reviewer", "marketing", "sales", "unit_staff", "chair",
             "committee_member", "planning_manager", "unit_head")
    f = {n: request.getfixturevalue(n) for n in names}
    plan = builders.running(*(f[n] for n in names))
    builders.spend(plan, f["unit_head"], f["sales"], "1100", day=dt.date(2027, 3, 4))
    return Run(state=lambda: (sorted(ExplanationReminder.objects.values_list(
        "plan_id", "category", "month")), Notification.objects.count()))


SCENARIOS = [Redelivered("costs.remind_variance_explanations", prepare_remind)]
