"""Building plans at each stage through the services, as users would."""

import datetime as dt
from decimal import Decimal

from plans import services
from plans.choices import PeriodKind, PlanLevel, Verdict
from plans.models import ActionItem, Goal, Plan

START = dt.date(2027, 1, 1)


def new_plan(author, title="Annual plan", **extra) -> Plan:
    data = {"level": PlanLevel.COMPANY, "period_kind": PeriodKind.ANNUAL, "period_start": START,
            **extra}
    return services.plan_create(actor=author, title=title, **data)


def add_goal(plan, author, **extra) -> Goal:
    data = {"title": "Grow revenue", "measure": "Revenue", "unit": "million CNY",
            "baseline": Decimal("100"), "target": Decimal("120"),
            "deadline": plan.period_end, **extra}
    return services.part_save(plan=plan, part=Goal(), actor=author, **data)


def drafting(author, **extra) -> Plan:
    plan = new_plan(author, **extra)
    add_goal(plan, author)
    return services.plan_start_drafting(plan=plan, actor=author)


def draft_budget(plan, author, department, *, amount="12000.00", category="other"):
    """A cost budget line (internal review needs a cost budget: costs' review check)."""
    from costs import services as cost_services

    return cost_services.budget_line_save(
        plan=plan, actor=author, category=category, department=department,
        description="Running costs", basis="history", amount=Decimal(amount),
        split_kind="monthly", split_mode="even")


def complete_draft(plan, author, responsible_department, responsible_person, *,
                   budget=True) -> Plan:
    """Everything internal review needs: strategies, a complete action item and (unless
    ``budget=False``, for tests of the budget itself) a cost budget line."""
    for strategy in plan.strategies.all():
        services.part_save(plan=plan, part=strategy, actor=author,
                           content=f"The {strategy.kind} strategy.")
    services.part_save(plan=plan, part=ActionItem(), actor=author, title="Open a channel",
                       department=responsible_department, person=responsible_person,
                       deadline=plan.period_start + dt.timedelta(days=60), steps="Steps",
                       resources="Two people", expected_result="A new channel",
                       goals=list(plan.goals.all()))
    if budget:
        draft_budget(plan, author, responsible_department)
    return plan


def in_review(author, reviewing_departments, responsible_department, responsible_person,
              **extra) -> Plan:
    plan = drafting(author, **extra)
    complete_draft(plan, author, responsible_department, responsible_person)
    return services.plan_submit_for_review(plan=plan, actor=author,
                                           reviewing_departments=reviewing_departments)


def approve_reviews(plan, reviewers_by_department) -> Plan:
    for review in plan.reviews.filter(revision=plan.revision, state="pending"):
        services.review_submit(review=review, actor=reviewers_by_department[review.department_id],
                               verdict=Verdict.APPROVE, feasibility=4, rationality=4,
                               innovation=3, risk=4, feasibility_comment="Fine.")
    return Plan.objects.get(pk=plan.pk)


SCORES = {"feasibility": 4, "rationality": 4, "innovation": 3, "risk": 4}


def committee_approves(plan, *voters) -> Plan:
    """Every voter approves the open decision on the plan's current revision."""
    from committee import services as committee_services

    for voter in voters:
        decision = Plan.objects.get(pk=plan.pk).current_decision()
        if decision is not None and decision.state == "open":
            committee_services.decision_vote(decision=decision, voter=voter, choice="approve")
    return Plan.objects.get(pk=plan.pk)


def committee_rejects(plan, *voters) -> Plan:
    from committee import services as committee_services

    for voter in voters:
        decision = Plan.objects.get(pk=plan.pk).current_decision()
        if decision is not None and decision.state == "open":
            committee_services.decision_vote(decision=decision, voter=voter, choice="reject",
                                             comment="Not convincing.")
    return Plan.objects.get(pk=plan.pk)


def in_execution(author, reviewer, marketing, sales, unit_staff, chair, member,
                 indicator=None, **extra) -> Plan:
    """A company plan approved by the committee (revision 1), not yet published."""
    plan = new_plan(author, **extra)
    add_goal(plan, author, **({"indicator": indicator} if indicator else {}))
    plan = services.plan_start_drafting(plan=plan, actor=author)
    complete_draft(plan, author, sales, unit_staff)
    plan = services.plan_submit_for_review(plan=plan, actor=author,
                                           reviewing_departments=[marketing])
    plan = approve_reviews(plan, {marketing.pk: reviewer})
    plan = services.plan_submit_to_committee(plan=plan, actor=author)
    return committee_approves(plan, chair, member)


def in_monitoring(planning_manager, unit_head, *args, **kwargs) -> Plan:
    plan = in_execution(*args, **kwargs)
    plan = services.plan_publish(plan=plan, actor=planning_manager)
    for ack in plan.acknowledgements.filter(state="pending"):
        services.acknowledgement_confirm(acknowledgement=ack, actor=unit_head)
    return Plan.objects.get(pk=plan.pk)
