"""Cost accounting: budget versus committed versus actual, variance in amount and %,
threshold edges, the over-run paths (committee decision or plan deviation) and the
explanation requests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committee.models import Decision
from costs import selectors, services
from costs.choices import Status
from costs.models import CategoryPolicy, Overrun
from opsplan.errors import Conflict
from plans.models import Deviation
from tests.costs import builders

pytestmark = pytest.mark.django_db
POLICY = services.Policy("marketing", Decimal(90), Decimal(100), "decision")


@pytest.mark.parametrize(("used", "status"), [
    ("0", Status.OK), ("89.99", Status.OK), ("90.00", Status.WARNING),
    ("99.99", Status.WARNING), ("100.00", Status.WARNING), ("100.01", Status.OVERRUN),
])
def test_threshold_edges(used, status):
    """Warning from 90 % inclusive; over-run strictly above 100 % (spending exactly the
    budget is not an over-run)."""
    assert services.status_for(Decimal(100), Decimal(used), POLICY) == status


def test_spending_without_a_budget_is_an_overrun():
    assert services.status_for(Decimal(0), Decimal("0.01"), POLICY) == Status.OVERRUN
    assert services.status_for(Decimal(0), Decimal(0), POLICY) == Status.OK


def test_variance_arithmetic_per_category_and_month(running_plan, unit_head, sales):
    builders.spend(running_plan, unit_head, sales, "150.00", day=dt.date(2027, 1, 5))
    builders.spend(running_plan, unit_head, sales, "30.00", kind="commitment",
                   day=dt.date(2027, 2, 1))
    report = selectors.accounting(running_plan, grain="month")
    row = report["rows"][0]
    assert (row.budget, row.actual, row.committed) == (Decimal("1200.00"), Decimal(150),
                                                       Decimal(30))
    assert row.variance == Decimal("-1050.00")
    assert row.variance_pct == Decimal("-87.5")
    assert row.used_pct == Decimal("15.0")
    january = row.periods[0]
    assert (january.label, january.budget, january.actual) == ("2027-01", Decimal(100),
                                                               Decimal(150))
    assert january.variance == Decimal(50) and january.variance_pct == Decimal("50.0")
    quarter = selectors.accounting(running_plan, grain="quarter")["rows"][0].periods[0]
    assert (quarter.label, quarter.budget, quarter.actual, quarter.committed) == (
        "2027 Q1", Decimal(300), Decimal(150), Decimal(30))
    assert selectors.accounting(running_plan, by="department")["rows"][0].label == "Sales"


def test_quarterly_lines_shown_by_month_keep_their_total(author, sales, drafting_plan):
    quarters = [dt.date(2027, m, 1) for m in (1, 4, 7, 10)]
    builders.line(drafting_plan, author, sales, amount="100.00", split_kind="quarterly",
                  split_mode="manual", periods=dict(zip(quarters, [Decimal(100), 0, 0, 0],
                                                        strict=True)))
    months = selectors.accounting(drafting_plan, grain="month")["rows"][0].periods
    assert [m.budget for m in months[:3]] == [Decimal("33.34"), Decimal("33.33"),
                                              Decimal("33.33")]


def test_crossing_the_warning_asks_for_an_explanation(running_plan, unit_head, sales, author):
    _entry, outcome = builders.spend(running_plan, unit_head, sales, "1079.99")
    assert outcome.status == Status.OK and not outcome.explanation_required
    _entry, outcome = builders.spend(running_plan, unit_head, sales, "0.01")
    assert (outcome.previous, outcome.status) == (Status.OK, Status.WARNING)
    assert outcome.explanation_required
    report = selectors.accounting(running_plan)
    assert selectors.needs_explanation(running_plan, report)[0]["month"] == dt.date(2027, 3, 1)
    services.explanation_save(plan=running_plan, actor=unit_head, category="marketing",
                              month=dt.date(2027, 3, 10), text="Trade fair booked early.")
    assert selectors.needs_explanation(running_plan, selectors.accounting(running_plan)) == []
    with pytest.raises(PermissionDenied):
        services.explanation_save(plan=running_plan, actor=_staff(), category="marketing",
                                  month=dt.date(2027, 3, 1), text="x")
    with pytest.raises(ValidationError):
        services.explanation_save(plan=running_plan, actor=author, category="marketing",
                                  month=dt.date(2030, 3, 1), text="x")


def _staff():
    from tests.factories import UserFactory

    return UserFactory(username="nobody")


def test_an_overrun_needs_a_committee_decision_to_continue(running_plan, unit_head, sales,
                                                           chair, committee_member):
    _entry, outcome = builders.spend(running_plan, unit_head, sales, "1200.01")
    assert outcome.status == Status.OVERRUN
    overrun = outcome.overrun
    assert overrun.state == "awaiting"
    decision = Decision.objects.about(overrun).get()
    assert decision.kind == "budget_overrun" and decision.state == "open"
    with pytest.raises(Conflict):
        builders.spend(running_plan, unit_head, sales, "5")
    builders.spend(running_plan, unit_head, sales, "5", category="personnel")  # other category
    builders.spend(running_plan, unit_head, sales, "-5", reference="CN-1")  # a reversal is fine
    for voter in (chair, committee_member):
        from committee.services import decision_vote

        decision.refresh_from_db()
        if decision.state == "open":
            decision_vote(decision=decision, voter=voter, choice="approve")
    overrun.refresh_from_db()
    assert overrun.state == "approved"
    _entry, outcome = builders.spend(running_plan, unit_head, sales, "5")
    assert outcome.overrun is None and Overrun.objects.count() == 2  # personnel had no budget


def test_a_refused_overrun_keeps_the_category_closed(running_plan, unit_head, sales, chair,
                                                     committee_member):
    from committee.services import decision_vote

    _entry, outcome = builders.spend(running_plan, unit_head, sales, "1300")
    decision = Decision.objects.about(outcome.overrun).get()
    for voter in (chair, committee_member):
        decision.refresh_from_db()
        if decision.state == "open":
            decision_vote(decision=decision, voter=voter, choice="reject", comment="No.")
    outcome.overrun.refresh_from_db()
    assert outcome.overrun.state == "rejected"
    with pytest.raises(Conflict):
        builders.spend(running_plan, unit_head, sales, "1")


def test_an_overrun_opens_a_plan_deviation_when_the_category_says_so(running_plan, unit_head,
                                                                     sales):
    CategoryPolicy.objects.create(category="marketing", overrun_action="deviation")
    _entry, outcome = builders.spend(running_plan, unit_head, sales, "1300")
    assert outcome.overrun.state == "deviation"
    deviation = Deviation.objects.get(plan=running_plan)
    assert deviation.gap == Decimal("100.00")
    assert not Decision.objects.filter(kind="budget_overrun").exists()
    builders.spend(running_plan, unit_head, sales, "1")  # spending continues


def test_configured_thresholds_apply(running_plan, unit_head, sales, planning_manager):
    services.policy_save(category="marketing", actor=planning_manager,
                         warn_percent=Decimal(50), overrun_percent=Decimal(110))
    _entry, outcome = builders.spend(running_plan, unit_head, sales, "600")
    assert outcome.status == Status.WARNING
    _entry, outcome = builders.spend(running_plan, unit_head, sales, "720")
    assert outcome.status == Status.WARNING  # 110 % exactly
    with pytest.raises(ValidationError):
        services.policy_save(category="marketing", actor=planning_manager,
                             warn_percent=Decimal(120), overrun_percent=Decimal(110))


def test_only_the_planning_manager_sets_cost_rules(author):
    with pytest.raises(PermissionDenied):
        services.policy_save(category="marketing", actor=author, warn_percent=Decimal(80))


def test_entries_are_refused_outside_the_period_or_on_a_plan_not_running(
        running_plan, drafting_plan, unit_head, author, sales):
    with pytest.raises(ValidationError) as error:
        builders.spend(running_plan, unit_head, sales, "5", day=dt.date(2028, 1, 1))
    assert "incurred_on" in error.value.message_dict
    with pytest.raises(Conflict):
        builders.spend(drafting_plan, author, sales, "5")


def test_who_records_costs(running_plan, unit_staff, reviewer, marketing, sales, outsider):
    builders.spend(running_plan, unit_staff, sales, "5")  # Sales staff, for Sales
    with pytest.raises(PermissionDenied):
        builders.spend(running_plan, unit_staff, marketing, "5")
    with pytest.raises(PermissionDenied):
        builders.spend(running_plan, reviewer, sales, "5")


def test_a_reference_number_is_unique_per_plan_and_kind(running_plan, unit_head, sales):
    builders.spend(running_plan, unit_head, sales, "5", reference="INV-1")
    with pytest.raises(ValidationError) as error:
        builders.spend(running_plan, unit_head, sales, "5", reference="INV-1")
    assert "reference" in str(error.value)


def test_targets_show_their_owner_what_was_consumed(running_plan, author, sales, unit_head):
    services.target_save(plan=running_plan, actor=author, department=sales, position="head",
                         owner=unit_head, category="marketing", amount=Decimal(1000))
    builders.spend(running_plan, unit_head, sales, "250")
    target = selectors.targets_with_consumption(selectors.cost_targets(unit_head)
                                                .filter(owner=unit_head))[0]
    assert (target.consumed, target.consumed_pct) == (Decimal(250), Decimal("25.0"))
    with pytest.raises(ValidationError) as error:
        services.target_save(plan=running_plan, actor=author, department=sales,
                             position="staff", owner=unit_head, amount=Decimal(1))
    assert "owner" in error.value.message_dict


def test_historical_actuals_are_offered_when_estimating(running_plan, unit_head, sales):
    builders.spend(running_plan, unit_head, sales, "250")
    assert selectors.historical_actuals(sales.pk, "marketing", dt.date(2028, 1, 1)) == 250


def test_the_daily_task_asks_once_for_each_missing_explanation(running_plan, unit_head, sales,
                                                               author):
    from costs.models import ExplanationReminder
    from costs.tasks import remind_variance_explanations
    from opsplan.models import Notification

    builders.spend(running_plan, unit_head, sales, "1100", day=dt.date(2027, 3, 4))
    assert remind_variance_explanations() == 1
    notified = Notification.objects.count()
    assert Notification.objects.filter(recipient=author, message__contains="2027-03").exists()
    assert remind_variance_explanations() == 0
    assert Notification.objects.count() == notified
    assert ExplanationReminder.objects.count() == 1
