"""Review reminders hit exactly the due risks, once per due date."""

import datetime as dt

import pytest
from django.utils import timezone

from opsplan.models import Notification
from risks import services, tasks
from risks.models import ReviewReminder, Risk
from tests.risks import builders

pytestmark = pytest.mark.django_db


def test_reminders_hit_exactly_the_due_risks(unit_head, sales, matrix):
    today = timezone.localdate()
    due = builders.assessed(unit_head, sales, title="Due today")
    overdue = builders.assessed(unit_head, sales, title="Overdue")
    later = builders.assessed(unit_head, sales, title="Due next week")
    closed = builders.assessed(unit_head, sales, title="Closed")
    unassessed = builders.new_risk(unit_head, sales, title="Never assessed")
    Risk.objects.filter(pk=due.pk).update(next_review_on=today)
    Risk.objects.filter(pk=overdue.pk).update(next_review_on=today - dt.timedelta(days=3))
    Risk.objects.filter(pk=later.pk).update(next_review_on=today + dt.timedelta(days=7))
    Risk.objects.filter(pk=closed.pk).update(next_review_on=today, status="closed")
    Notification.objects.all().delete()

    sent = services.remind_due_reviews(today)
    assert {r.pk for r in sent} == {due.pk, overdue.pk}
    assert unassessed.pk not in {r.pk for r in sent}
    messages = list(Notification.objects.filter(recipient=unit_head)
                    .values_list("message", flat=True))
    assert len(messages) == 2 and all("due for review" in m for m in messages)
    # a second run (or a redelivered task) sends nothing again
    assert tasks.remind_due_reviews() == 0
    assert Notification.objects.filter(recipient=unit_head).count() == 2
    # after the next assessment the new due date gets its own reminder
    services.risk_assess(risk=due, actor=unit_head, kind="inherent", likelihood=2, impact=2)
    Risk.objects.filter(pk=due.pk).update(next_review_on=today + dt.timedelta(days=1))
    assert [r.pk for r in services.remind_due_reviews(today + dt.timedelta(days=1))] == [due.pk]
    assert ReviewReminder.objects.filter(risk=due).count() == 2
