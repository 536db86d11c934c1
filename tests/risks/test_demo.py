"""The demo risk register shows a response action costed into its plan's budget; seeding twice
adds no second line."""

import pytest
from django.core.management import call_command

from costs.models import BudgetLine
from risks.models import RiskAction

pytestmark = pytest.mark.django_db


def test_demo_has_a_risk_action_in_a_plan_cost_budget(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password="demo-password-2026")
    action = RiskAction.objects.get(cost_line_id__isnull=False)
    line = BudgetLine.objects.get(pk=action.cost_line_id)
    assert line.plan.title == "Annual operating plan" and line.plan in action.risk.plans.all()
    assert line.amount == action.cost and line.category == "personnel"
    lines = BudgetLine.objects.count()
    call_command("seed_demo", password="demo-password-2026")
    assert BudgetLine.objects.count() == lines
    assert RiskAction.objects.filter(cost_line_id__isnull=False).count() == 1
