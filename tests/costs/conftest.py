import pytest

from tests.costs import builders


@pytest.fixture
def running_plan(author, reviewer, marketing, sales, unit_staff, chair, committee_member,
                 planning_manager, unit_head):
    """A running company plan with a marketing budget of 1,200.00 for Sales (100 a month)."""
    return builders.running(author, reviewer, marketing, sales, unit_staff, chair,
                            committee_member, planning_manager, unit_head)


@pytest.fixture
def drafting_plan(author):
    from tests.plans import builders as plans

    return plans.drafting(author)
