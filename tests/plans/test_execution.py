"""Plans II through the services: execution, acknowledgements, monitoring, deviations,
adjustment with re-approval (and its rejection), completion (§3.4, §3.5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committee.models import Decision
from kpis.models import DeviationSignal, Rollup
from kpis.services import evaluate_signals
from opsplan.errors import Conflict
from opsplan.models import AuditEvent
from plans import services
from plans.choices import PlanState
from plans.models import ActionItem, Deviation, Goal, Plan
from plans.revisions import diff
from tests.plans import builders


def _red_kpi(plan, indicator, sales, value="90"):
    Rollup.objects.create(indicator=indicator, department=sales, grain="year",
                          period_start=plan.period_start, value=Decimal(value), count=1)
    evaluate_signals(pairs=[(indicator.pk, sales.pk)])


def _adjust(plan, planning_manager, author, marketing, reviewer):
    """Red KPI → analysed deviation → adjustment → edits → internal review → committee."""
    deviation = Deviation.objects.get(plan=plan)
    services.deviation_update(deviation=deviation, actor=planning_manager,
                              cause_category="market_change",
                              evidence="Demand fell 8 % in Q1 (market report).",
                              owner=planning_manager, due_date=plan.period_end)
    plan = services.plan_start_adjustment(plan=plan, actor=planning_manager,
                                          kind="strategy_change",
                                          description="Shift to online channels.",
                                          deviations=[deviation])
    assert plan.state == PlanState.ADJUSTMENT
    goal = plan.goals.get()
    services.part_save(plan=plan, part=goal, actor=author, target=Decimal("130"))
    strategy = plan.strategies.get(kind="channel")
    services.part_save(plan=plan, part=strategy, actor=author, content="Online first.")
    action = plan.actions.get()
    services.part_save(plan=plan, part=ActionItem(), actor=author, title="Open a web shop",
                       department=action.department, person=action.person,
                       deadline=plan.period_end, steps="Build", resources="Team",
                       expected_result="Shop live", goals=[goal])
    plan = services.plan_submit_for_review(plan=plan, actor=author,
                                           reviewing_departments=[marketing])
    assert plan.revision == 2 and plan.approved_revision == 1
    plan = builders.approve_reviews(plan, {marketing.pk: reviewer})
    return services.plan_submit_to_committee(plan=plan, actor=author)


@pytest.fixture
def monitored(planning_manager, unit_head, running_args, orders):
    return builders.in_monitoring(planning_manager, unit_head, *running_args, indicator=orders)


def test_full_loop_to_monitoring_on_revision_2(monitored, orders, sales, planning_manager,
                                               unit_head, author, marketing, reviewer, chair,
                                               committee_member):
    plan = monitored
    assert plan.state == PlanState.MONITORING and plan.approved_revision == 1
    _red_kpi(plan, orders, sales)
    assert DeviationSignal.objects.filter(state="open").count() == 1
    deviation = Deviation.objects.get(plan=plan)
    assert deviation.source == "kpi_signal" and list(deviation.goals.all()) == list(
        plan.goals.all())
    assert deviation.gap == Decimal("-30")  # 90 against the target of 120

    plan = _adjust(plan, planning_manager, author, marketing, reviewer)
    decision = plan.current_decision()
    assert decision.kind == "plan_adjustment" and decision.subject_revision == 2
    plan = builders.committee_approves(plan, chair, committee_member)
    assert plan.state == PlanState.EXECUTION
    assert plan.approved_revision == 2 and plan.published_revision == 2
    ack = plan.acknowledgements.get(revision=2)
    services.acknowledgement_confirm(acknowledgement=ack, actor=unit_head)
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.state == PlanState.MONITORING
    assert plan.goals.get().target == Decimal("130")
    assert Deviation.objects.get(pk=deviation.pk).state == "resolved"
    assert plan.adjustments.get().state == "approved"
    actions = list(AuditEvent.objects.filter(subject_id=str(plan.pk)).values_list(
        "action", flat=True))
    for expected in ("plans.plan.publish", "plans.acknowledgement.confirm",
                     "plans.plan.start_monitoring", "plans.deviation.create",
                     "plans.plan.start_adjustment", "plans.adjustment.start",
                     "plans.adjustment.approved"):
        assert expected in actions, expected


def test_rejected_adjustment_restores_revision_1_execution(monitored, orders, sales,
                                                           planning_manager, author,
                                                           marketing, reviewer, chair,
                                                           committee_member):
    plan = monitored
    _red_kpi(plan, orders, sales)
    plan = _adjust(plan, planning_manager, author, marketing, reviewer)
    plan = builders.committee_rejects(plan, chair, committee_member)
    assert plan.state == PlanState.EXECUTION
    assert plan.approved_revision == 1 and plan.published_revision == 1
    assert plan.goals.get().target == Decimal("120")
    assert plan.strategies.get(kind="channel").content == "The channel strategy."
    assert list(plan.actions.values_list("title", flat=True)) == ["Open a channel"]
    assert plan.adjustments.get().state == "rejected"
    assert Deviation.objects.get(plan=plan).state == "open"
    # the acknowledgements of revision 1 stand: monitoring can resume at once
    plan = services.plan_start_monitoring(plan=plan, actor=planning_manager)
    assert plan.state == PlanState.MONITORING


def test_publish_needs_execution_and_the_planning_department(plan_in_execution, unit_head,
                                                            planning_manager):
    with pytest.raises(PermissionDenied):
        services.plan_publish(plan=plan_in_execution, actor=unit_head)
    plan = services.plan_publish(plan=plan_in_execution, actor=planning_manager)
    assert plan.acknowledgements.get().department.code == "sales"
    with pytest.raises(Conflict):
        services.plan_publish(plan=plan, actor=planning_manager)


def test_acknowledge_only_by_the_responsible_department(plan_in_execution, planning_manager,
                                                       reviewer, unit_head):
    plan = services.plan_publish(plan=plan_in_execution, actor=planning_manager)
    ack = plan.acknowledgements.get()
    with pytest.raises(PermissionDenied):
        services.acknowledgement_confirm(acknowledgement=ack, actor=reviewer)
    services.acknowledgement_confirm(acknowledgement=ack, actor=unit_head)
    with pytest.raises(Conflict):
        services.acknowledgement_confirm(acknowledgement=ack, actor=unit_head)


def test_monitoring_waits_for_acknowledgements_or_a_forced_start(plan_in_execution,
                                                                planning_manager, author):
    plan = services.plan_publish(plan=plan_in_execution, actor=planning_manager)
    with pytest.raises(ValidationError) as exc:
        services.plan_start_monitoring(plan=plan, actor=planning_manager)
    assert "Sales" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.plan_force_monitoring(plan=plan, actor=author, reason="Urgent")
    with pytest.raises(ValidationError):
        services.plan_force_monitoring(plan=plan, actor=planning_manager, reason=" ")
    plan = services.plan_force_monitoring(plan=plan, actor=planning_manager,
                                          reason="Sales is on a trade fair this week.")
    assert plan.state == PlanState.MONITORING
    assert plan.monitoring_forced_reason.startswith("Sales")


def test_action_progress_and_quality(plan_in_execution, unit_staff, reviewer):
    action = plan_in_execution.actions.get()
    with pytest.raises(PermissionDenied):
        services.action_progress_update(action=action, actor=reviewer, status="in_progress",
                                        percent_complete=10)
    with pytest.raises(ValidationError) as exc:
        services.action_progress_update(action=action, actor=unit_staff, status="done",
                                        percent_complete=100)
    assert "quality" in exc.value.message_dict
    action = services.action_progress_update(action=action, actor=unit_staff, status="done",
                                             percent_complete=80, quality="partly")
    assert (action.percent_complete, action.quality) == (100, "partly")
    assert action.completed_on is not None


def test_progress_is_refused_before_execution(plan_in_review, unit_staff):
    with pytest.raises(Conflict):
        services.action_progress_update(action=plan_in_review.actions.get(), actor=unit_staff,
                                        status="in_progress", percent_complete=10)


def test_adjustment_needs_an_analysed_deviation(plan_in_monitoring, planning_manager, author):
    plan = plan_in_monitoring
    deviation = services.deviation_report(plan=plan, actor=author, title="Leads below plan",
                                          goals=list(plan.goals.all()))
    with pytest.raises(ValidationError) as exc:
        services.plan_start_adjustment(plan=plan, actor=planning_manager, kind="strategy_change",
                                       description="x", deviations=[deviation])
    assert "deviations" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.plan_start_adjustment(plan=plan, actor=author, kind="strategy_change",
                                       description="x", deviations=[deviation])


def test_overdue_critical_action_opens_one_deviation(plan_in_monitoring):
    action = plan_in_monitoring.actions.get()
    ActionItem.objects.filter(pk=action.pk).update(critical=True)
    later = action.deadline + dt.timedelta(days=1)
    assert services.deviations_from_overdue_actions(today=later) == 1
    assert services.deviations_from_overdue_actions(today=later) == 0
    deviation = Deviation.objects.get()
    assert deviation.source == "overdue_action" and deviation.owner == action.person


def test_completion_with_final_assessment_offers_lessons(plan_in_monitoring,
                                                         planning_manager, author):
    plan = plan_in_monitoring
    goal = plan.goals.get()
    with pytest.raises(ValidationError) as exc:  # the period is not over, no goal is met
        services.plan_complete(plan=plan, actor=planning_manager, lessons="Start earlier.",
                               assessments={goal.pk: ("achieved", "")})
    assert "period" in exc.value.message_dict
    Plan.objects.filter(pk=plan.pk).update(period_start=dt.date(2020, 1, 1),
                                           period_end=dt.date(2020, 12, 31))
    with pytest.raises(ValidationError) as exc:
        services.plan_complete(plan=plan, actor=planning_manager, lessons="",
                               assessments={})
    assert {"lessons", f"goal_{goal.pk}"} <= set(exc.value.message_dict)
    plan = services.plan_complete(plan=plan, actor=planning_manager,
                                  lessons="Start campaigns earlier.",
                                  assessments={goal.pk: ("partly", "92 %")})
    assert plan.state == PlanState.COMPLETED
    assert Goal.objects.get(pk=goal.pk).assessment.result == "partly"
    from plans.selectors import lessons_offered

    following = builders.new_plan(author, title="Next year", period_start=dt.date(2027, 1, 1))
    assert [p.pk for p in lessons_offered(following, author)] == [plan.pk]


def test_adjustment_decision_is_recorded_as_such(monitored, orders, sales, planning_manager,
                                                 author, marketing, reviewer):
    _red_kpi(monitored, orders, sales)
    plan = _adjust(monitored, planning_manager, author, marketing, reviewer)
    assert Decision.objects.about(plan).filter(kind="plan_adjustment", state="open").count() == 1


def test_the_diff_lists_every_changed_field(monitored, orders, sales, planning_manager, author,
                                            marketing, reviewer):
    _red_kpi(monitored, orders, sales)
    plan = _adjust(monitored, planning_manager, author, marketing, reviewer)
    one, two = (plan.revisions.get(number=n).snapshot for n in (1, 2))
    changes = {entry["section"]: entry for entry in diff(one, two)}
    assert set(changes) == {"goals", "strategies", "actions"}
    assert [(c["label"], [f["field"] for f in c["fields"]]) for c in
            changes["goals"]["changed"]] == [("Grow revenue", ["target"])]
    target = changes["goals"]["changed"][0]["fields"][0]
    assert (target["label"], target["old"], target["new"]) == ("Target", "120.0000",
                                                               "130.0000")
    assert [c["fields"][0]["field"] for c in changes["strategies"]["changed"]] == ["content"]
    assert [a["label"] for a in changes["actions"]["added"]] == ["Open a web shop"]
    assert not changes["actions"]["removed"]


def test_the_diff_is_generic_over_sections():
    old = {"plan": {"title": "A", "summary": "x"},
           "budget": [{"id": "1", "category": "people", "amount": "10"},
                      {"id": "2", "category": "marketing", "amount": "5"}]}
    new = {"plan": {"title": "B", "summary": "x"},
           "budget": [{"id": "1", "category": "people", "amount": "12"},
                      {"id": "3", "category": "material", "amount": "1"}]}
    changes = {e["section"]: e for e in diff(old, new)}
    assert [(f["field"], f["old"], f["new"]) for f in changes["plan"]["fields"]] == [
        ("title", "A", "B")]
    budget = changes["budget"]
    assert budget["label"] == "Budget"
    assert [(c["label"], c["fields"][0]["field"]) for c in budget["changed"]] == [
        ("people", "amount")]
    assert [a["row"]["id"] for a in budget["added"]] == ["3"]
    assert [r["row"]["id"] for r in budget["removed"]] == ["2"]
    assert diff(new, new) == []


def test_the_diff_matches_rows_of_older_snapshots_by_title():
    """Snapshots from before rows carried ids (or a new field) still compare row by row."""
    old = {"actions": [{"title": "Call clients", "steps": "a"}]}
    new = {"actions": [{"id": "7", "title": "Call clients", "steps": "b", "critical": "False"}]}
    (section,) = diff(old, new)
    assert not section["added"] and not section["removed"]
    assert [f["field"] for f in section["changed"][0]["fields"]] == ["steps"]
    only_new = diff({}, {"summary": {"total": "5"}})
    assert only_new[0]["fields"][0]["new"] == "5"
