"""The demo company's costs: budgets, spend across months, a warning with its explanation,
an over-run awaiting the committee, measures and a rewarded suggestion; seeding twice adds
nothing."""

import pytest
from django.core.management import call_command

from costs import selectors
from costs.models import BudgetLine, CostEntry, Overrun, Reward, SavingMeasure, Suggestion

pytestmark = pytest.mark.django_db


def test_demo_costs(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password="demo-password-2026")
    counts = (BudgetLine.objects.count(), CostEntry.objects.count(), Suggestion.objects.count())
    assert counts[0] > 0 and counts[1] > 5
    overrun = Overrun.objects.get()
    assert (overrun.category, overrun.state) == ("material", "awaiting")
    report = selectors.accounting(overrun.plan)
    statuses = {row.category: row.status for row in report["rows"]}
    assert statuses["marketing"] == "warning" and statuses["material"] == "overrun"
    assert Reward.objects.get().kind == "amount"
    assert SavingMeasure.objects.count() == 3
    call_command("seed_demo", password="demo-password-2026")
    assert (BudgetLine.objects.count(), CostEntry.objects.count(),
            Suggestion.objects.count()) == counts
