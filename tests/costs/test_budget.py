"""Budgets: lines split over periods that sum exactly to the line (the cent rule), frozen with
the approved revision, part of the revision snapshot and its diff."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from costs import services
from costs.models import BudgetLine, BudgetPeriod
from costs.money import period_starts, split_even
from opsplan.errors import Conflict
from tests.costs import builders

pytestmark = pytest.mark.django_db


@given(cents=st.integers(min_value=-10**15, max_value=10**15),
       count=st.integers(min_value=1, max_value=24))
@settings(max_examples=300, deadline=None)
def test_even_split_sums_exactly_and_parts_differ_by_at_most_a_cent(cents, count):
    amount = Decimal(cents) / 100
    parts = split_even(amount, count)
    assert len(parts) == count
    assert sum(parts, Decimal(0)) == amount
    assert max(parts) - min(parts) <= Decimal("0.01")
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)


def test_even_split_gives_the_left_over_cents_to_the_earliest_periods():
    assert split_even(Decimal("100.00"), 3) == [Decimal("33.34"), Decimal("33.33"),
                                                Decimal("33.33")]
    assert split_even(Decimal("0.05"), 12)[:6] == [Decimal("0.01")] * 5 + [Decimal("0.00")]
    assert split_even(Decimal("1000.00"), 12)[0] == Decimal("83.34")
    assert sum(split_even(Decimal("1000.00"), 12)) == Decimal("1000.00")


def test_periods_are_the_plan_months_or_its_quarters():
    assert len(period_starts("monthly", dt.date(2027, 1, 1), dt.date(2027, 12, 31))) == 12
    assert period_starts("quarterly", dt.date(2027, 2, 1), dt.date(2027, 7, 31)) == [
        dt.date(2027, 1, 1), dt.date(2027, 4, 1), dt.date(2027, 7, 1)]


def test_a_line_is_split_evenly_over_the_plan_months(drafting_plan, author, sales):
    line = builders.line(drafting_plan, author, sales, amount="1000.00")
    parts = list(line.periods.values_list("amount", flat=True))
    assert len(parts) == 12
    assert sum(parts) == Decimal("1000.00")
    assert parts[0] == Decimal("83.34") and parts[-1] == Decimal("83.33")


def test_quarterly_split_by_hand_must_sum_exactly(drafting_plan, author, sales):
    quarters = period_starts("quarterly", drafting_plan.period_start, drafting_plan.period_end)
    with pytest.raises(ValidationError) as error:
        builders.line(drafting_plan, author, sales, amount="100.00", split_kind="quarterly",
                      split_mode="manual",
                      periods=dict(zip(quarters, [Decimal(25)] * 3, strict=False)))
    assert "periods" in error.value.message_dict
    assert not BudgetLine.objects.exists()
    line = builders.line(drafting_plan, author, sales, amount="100.00", split_kind="quarterly",
                         split_mode="manual",
                         periods=dict(zip(quarters, [Decimal(40), Decimal(10), Decimal(25),
                                                     Decimal(25)], strict=True)))
    assert [p.amount for p in line.periods.all()] == [40, 10, 25, 25]


def test_changing_a_line_replaces_its_periods(drafting_plan, author, sales):
    line = builders.line(drafting_plan, author, sales, amount="1200.00")
    services.budget_line_save(plan=drafting_plan, line=line, actor=author, amount=Decimal(600))
    assert BudgetPeriod.objects.filter(line=line).count() == 12
    assert sum(line.periods.values_list("amount", flat=True)) == Decimal(600)


def test_only_those_who_steer_the_plan_edit_its_budget(drafting_plan, unit_staff, sales):
    with pytest.raises(PermissionDenied):
        builders.line(drafting_plan, unit_staff, sales)


def test_the_budget_is_frozen_once_approved(running_plan, author, sales):
    with pytest.raises(Conflict):
        builders.line(running_plan, author, sales)
    with pytest.raises(Conflict):
        services.budget_line_delete(line=running_plan.budget_lines.first(), actor=author)


def test_the_budget_is_part_of_the_revision_snapshot_and_its_diff(running_plan):
    from plans.revisions import diff

    revision = running_plan.revisions.get(number=running_plan.revision)
    budget = revision.snapshot["budget"]
    assert budget[0]["amount"] == "1200.00" and budget[0]["category"] == "marketing"
    changed = {**revision.snapshot,
               "budget": [{**budget[0], "amount": "1500.00"}]}
    sections = {s["section"]: s for s in diff(revision.snapshot, changed)}
    assert sections["budget"]["changed"][0]["fields"][0]["old"] == "1200.00"


def test_internal_review_needs_a_cost_budget_by_default(author, marketing, sales, reviewer,
                                                        unit_staff):
    from plans import services as plan_services
    from tests.plans import builders as plans

    plan = plans.drafting(author)
    plans.complete_draft(plan, author, sales, unit_staff, budget=False)
    with pytest.raises(ValidationError) as error:
        plan_services.plan_submit_for_review(plan=plan, actor=author,
                                             reviewing_departments=[marketing])
    assert "budget" in error.value.message_dict
    assert "cost budget is missing" in error.value.message_dict["budget"][0]
    builders.line(plan, author, sales)
    plan = plan_services.plan_submit_for_review(plan=plan, actor=author,
                                                reviewing_departments=[marketing])
    assert plan.state == "internal_review"


def test_the_budget_requirement_can_be_switched_off(settings, author, marketing, sales,
                                                   reviewer, unit_staff):
    from plans import services as plan_services
    from tests.plans import builders as plans

    settings.OPSPLAN_COSTS_BUDGET_REQUIRED = False
    plan = plans.drafting(author)
    plans.complete_draft(plan, author, sales, unit_staff, budget=False)
    plan = plan_services.plan_submit_for_review(plan=plan, actor=author,
                                                reviewing_departments=[marketing])
    assert plan.state == "internal_review"


def test_an_action_item_of_another_plan_is_refused(drafting_plan, author, sales, unit_staff):
    from tests.plans import builders as plans

    other = plans.drafting(author, title="Other")
    plans.complete_draft(other, author, sales, unit_staff)
    with pytest.raises(ValidationError) as error:
        builders.line(drafting_plan, author, sales, action=other.actions.first())
    assert "action" in error.value.message_dict


def test_a_budget_snapshot_restores_the_budget(drafting_plan, author, sales):
    kept = builders.line(drafting_plan, author, sales, amount="1200.00")
    snap = services.budget_snapshot(drafting_plan)
    services.budget_line_save(plan=drafting_plan, line=kept, actor=author,
                              amount=Decimal("50.00"))
    builders.line(drafting_plan, author, sales, amount="10.00", category="other")
    services.budget_restore(drafting_plan, snap)
    assert services.budget_snapshot(drafting_plan) == snap


def test_the_plan_page_include_shows_the_budget(drafting_plan, author, sales):
    from django.template import Context, Template

    builders.line(drafting_plan, author, sales, amount="1200.00")
    html = Template("{% load costs %}{% plan_budget plan %}").render(
        Context({"plan": drafting_plan}))
    assert "Cost budget" in html and "1200.00" in html
