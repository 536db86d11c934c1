"""The scoring rules of the performance evaluation at their edges."""

from decimal import Decimal as D

import pytest

from kpis import scoring


@pytest.mark.parametrize(("actual", "expected"), [
    (D("50"), D("0")),       # below the threshold
    (D("80"), D("0")),       # at the threshold
    (D("90"), D("50")),      # half way
    (D("100"), D("100")),    # at the target
    (D("110"), D("120")),    # above the target: capped at 120
    (D("104"), D("120")),    # 120 % exactly at the cap
])
def test_linear_scores_from_threshold_to_target_and_caps(actual, expected):
    assert scoring.linear(actual, target=D(100), threshold=D(80), cap=D(120)) == expected


def test_linear_works_when_lower_is_better():
    # complaints: target 10, threshold 30 (30 or more scores 0)
    assert scoring.linear(D(30), target=D(10), threshold=D(30), cap=D(120)) == 0
    assert scoring.linear(D(20), target=D(10), threshold=D(30), cap=D(120)) == 50
    assert scoring.linear(D(10), target=D(10), threshold=D(30), cap=D(120)) == 100
    assert scoring.linear(D(0), target=D(10), threshold=D(30), cap=D(120)) == 120


def test_linear_refuses_a_target_equal_to_the_threshold():
    with pytest.raises(ValueError):
        scoring.linear(D(1), target=D(5), threshold=D(5), cap=D(120))


BANDS = [[80, 60], [100, 100], [120, 110]]


@pytest.mark.parametrize(("pct", "expected"), [(D("79.99"), 0), (D(80), 60), (D("99.9"), 60),
                                              (D(100), 100), (D(150), 110)])
def test_banded_takes_the_highest_band_reached(pct, expected):
    assert scoring.banded(pct, BANDS) == expected


def test_achievement_is_direction_aware():
    assert scoring.achievement(D(90), target=D(100)) == D("90.00")
    assert scoring.achievement(D(125), target=D(100), higher_is_better=False) == D("80.00")


def test_ratings_and_weights():
    assert scoring.rating(4, 5) == D("80.00")
    with pytest.raises(ValueError):
        scoring.rating(6, 5)
    assert scoring.weighted([(D(100), D(60)), (D(50), D(40))]) == D("80.00")
    with pytest.raises(ValueError):
        scoring.weighted([(D(100), D(60)), (D(50), D(30))])
    assert scoring.validate_weights([D(60), D(40)]) == []
    assert scoring.validate_weights([D(60), D(30)]) == ["weights sum to 90 %, not 100 %"]
    assert "every weight must be positive" in scoring.validate_weights([D(110), D(-10)])
    assert scoring.validate_weights([]) == ["no items"]
