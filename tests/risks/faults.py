"""Risks tasks in the worker-fault harness (tests/hardening/faults.py): the daily review
reminder is delivered twice and must send nothing the second time."""

from __future__ import annotations

from django.utils import timezone

from opsplan.models import Notification
from risks.models import ReviewReminder, Risk
from tests.hardening.faults import Redelivered, Run
from tests.risks import builders


def prepare_remind(request):
    """Two risks of Sales due for review today, one not yet due."""
    unit_head = request.getfixturevalue("unit_head")
    sales = request.getfixturevalue("sales")
    due = [builders.assessed(unit_head, sales, title=f"Due {n}") for n in range(2)]
    builders.assessed(unit_head, sales, title="Not due")
    Risk.objects.filter(pk__in=[r.pk for r in due]).update(next_review_on=timezone.localdate())

    def check():
        assert ReviewReminder.objects.count() == 2
    return Run(check=check, state=lambda: (
        sorted(ReviewReminder.objects.values_list("risk_id", "due_on")),
        Notification.objects.count()))


SCENARIOS = [Redelivered("risks.remind_due_reviews", prepare_remind)]
