import pytest

from tests.plans import builders


@pytest.fixture
def plan_in_review(author, reviewer, marketing, unit_head, sales, unit_staff):
    """A complete plan by ``author`` under review by Marketing (head: ``reviewer``)."""
    return builders.in_review(author, [marketing], sales, unit_staff)


@pytest.fixture
def plan_at_committee(plan_in_review, reviewer, author, chair, committee_member):
    from plans import services

    plan = builders.approve_reviews(plan_in_review, {plan_in_review.reviews.get().department_id:
                                                     reviewer})
    return services.plan_submit_to_committee(plan=plan, actor=author)


@pytest.fixture
def orders(sales):
    from kpis.models import Indicator

    return Indicator.objects.create(code="plan_revenue", name_en="Plan revenue", name_zh="计划收入",
                                    unit="million CNY", owner_department=sales,
                                    visibility="all", aggregation="sum")


@pytest.fixture
def running_args(author, reviewer, marketing, sales, unit_staff, chair, committee_member):
    return (author, reviewer, marketing, sales, unit_staff, chair, committee_member)


@pytest.fixture
def plan_in_execution(running_args):
    return builders.in_execution(*running_args)


@pytest.fixture
def plan_in_monitoring(planning_manager, unit_head, running_args):
    return builders.in_monitoring(planning_manager, unit_head, *running_args)
