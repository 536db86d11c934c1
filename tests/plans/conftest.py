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
