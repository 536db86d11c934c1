"""Costs test data, built through the services as users would."""

import datetime as dt
from decimal import Decimal

from costs import services
from plans import services as plan_services
from plans.models import Plan
from tests.plans import builders as plans

START = plans.START  # 2027-01-01, annual plans


def line(plan, actor, department, *, amount="1200.00", category="marketing", **extra):
    data = {"category": category, "department": department, "description": f"{category} spend",
            "basis": "history", "amount": Decimal(amount), "split_kind": "monthly",
            "split_mode": "even", **extra}
    return services.budget_line_save(plan=plan, actor=actor, **data)


def running(author, reviewer, marketing, sales, unit_staff, chair, member, planning_manager,
            unit_head, *, lines=(("marketing", "1200.00"),), **extra):
    """A company plan in monitoring whose budget (Sales' lines) went through its revision."""
    plan = plans.new_plan(author, **extra)
    plans.add_goal(plan, author)
    plan = plan_services.plan_start_drafting(plan=plan, actor=author)
    plans.complete_draft(plan, author, sales, unit_staff, budget=False)
    for category, amount in lines:
        line(plan, author, sales, amount=amount, category=category)
    plan = plan_services.plan_submit_for_review(plan=plan, actor=author,
                                                reviewing_departments=[marketing])
    plan = plans.approve_reviews(plan, {marketing.pk: reviewer})
    plan = plan_services.plan_submit_to_committee(plan=plan, actor=author)
    plan = plans.committee_approves(plan, chair, member)
    plan = plan_services.plan_publish(plan=plan, actor=planning_manager)
    for ack in plan.acknowledgements.filter(state="pending"):
        plan_services.acknowledgement_confirm(acknowledgement=ack, actor=unit_head)
    return Plan.objects.get(pk=plan.pk)


def spend(plan, actor, department, amount, *, category="marketing", kind="actual",
          day=dt.date(2027, 3, 10), **extra):
    return services.entry_record(plan=plan, actor=actor, kind=kind, category=category,
                                 department=department, incurred_on=day,
                                 amount=Decimal(amount), **extra)
