import datetime as dt

import pytest
from django.utils import timezone

from committee.choices import DepartmentKind
from tests.factories import DepartmentFactory
from tests.plans import builders


@pytest.fixture
def monday():
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


@pytest.fixture
def service_unit(db):
    return DepartmentFactory(code="service", name="Service", kind=DepartmentKind.BUSINESS_UNIT)


@pytest.fixture
def running_plan(author, reviewer, marketing, sales, unit_staff, chair, committee_member,
                 planning_manager, unit_head):
    """A company plan in monitoring whose action the sales unit carries."""
    return builders.in_monitoring(planning_manager, unit_head, author, reviewer, marketing,
                                  sales, unit_staff, chair, committee_member)
