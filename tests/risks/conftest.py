import pytest

from tests.risks import builders


@pytest.fixture
def matrix(db):
    return builders.ensure_matrix()


@pytest.fixture
def sales_risk(unit_staff, sales, matrix):
    """A competition risk of Sales, recorded by its staff, not yet assessed."""
    return builders.new_risk(unit_staff, sales)


@pytest.fixture
def marketing_risk(reviewer, marketing, matrix):
    """A risk of Marketing (head: ``reviewer``)."""
    return builders.new_risk(reviewer, marketing, title="Campaign misses its audience",
                             category="market")
