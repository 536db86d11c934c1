"""Rollups match a pure-Python reference for every aggregation, at every grain; quarters built
on months and years on quarters equal aggregating the raw values; re-runs are identical."""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis import rollups
from kpis.choices import Aggregation, Frequency, Grain
from kpis.models import Indicator, Measurement, Rollup
from kpis.periods import grain_start

Q4 = Decimal("0.0001")


def reference(rows, aggregation, grain):
    """rows: [(date, value)] -> {period_start: value}"""
    groups = defaultdict(list)
    for day, value in rows:
        groups[grain_start(grain, day)].append((day, value))
    out = {}
    for start, items in groups.items():
        values = [v for _, v in items]
        if aggregation == Aggregation.SUM:
            result = sum(values, Decimal(0))
        elif aggregation == Aggregation.AVERAGE:
            result = sum(values, Decimal(0)) / len(values)
        elif aggregation == Aggregation.MIN:
            result = min(values)
        elif aggregation == Aggregation.MAX:
            result = max(values)
        else:
            result = max(items)[1]  # the value of the latest day
        out[start] = result.quantize(Q4, rounding=ROUND_HALF_UP)
    return out


@pytest.fixture
def indicator_factory(planning_department):
    def make(aggregation):
        return Indicator.objects.create(
            code=f"t-{aggregation}", name_en="Test", name_zh="测试", unit="x",
            aggregation=aggregation, frequency=Frequency.DAILY,
            owner_department=planning_department)
    return make


days = st.dates(min_value=dt.date(2025, 11, 20), max_value=dt.date(2027, 2, 10))
values = st.decimals(min_value=-10_000, max_value=1_000_000, places=2, allow_nan=False,
                     allow_infinity=False)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(days, values, min_size=1, max_size=40),
       aggregation=st.sampled_from(list(Aggregation)))
def test_rollups_match_the_reference(indicator_factory, planning_department, author, data,
                                     aggregation):
    Measurement.objects.all().delete()
    Rollup.objects.all().delete()
    indicator = Indicator.objects.filter(code=f"t-{aggregation}").first() or \
        indicator_factory(aggregation)
    Measurement.objects.bulk_create([
        Measurement(indicator=indicator, department=planning_department, period_start=day,
                    value=value, recorded_by=author) for day, value in data.items()])
    rollups.compute()
    rows = list(data.items())
    for grain in Grain:
        expected = reference(rows, aggregation, grain)
        actual = {r.period_start: r.value for r in Rollup.objects.filter(
            indicator=indicator, grain=grain)}
        if aggregation == Aggregation.AVERAGE:
            assert expected.keys() == actual.keys()
            for key in expected:  # the mean of means is exact up to rounding
                assert abs(expected[key] - actual[key]) <= Decimal("0.0002"), (grain, key)
        else:
            assert actual == expected, grain


@pytest.mark.django_db
def test_rerun_gives_identical_rows_and_removes_stale_ones(indicator_factory,
                                                          planning_department, author):
    indicator = indicator_factory(Aggregation.SUM)
    for day, value in [(dt.date(2026, 1, 5), 10), (dt.date(2026, 2, 9), 5),
                       (dt.date(2026, 7, 1), 7)]:
        Measurement.objects.create(indicator=indicator, department=planning_department,
                                   period_start=day, value=value, recorded_by=author)
    rollups.compute()
    first = sorted(Rollup.objects.values_list("grain", "period_start", "value", "count"))
    rollups.compute()
    assert sorted(Rollup.objects.values_list("grain", "period_start", "value", "count")) == first
    Measurement.objects.filter(period_start=dt.date(2026, 7, 1)).delete()
    rollups.compute(pairs=[(indicator.pk, planning_department.pk)], since=dt.date(2026, 7, 1),
                    until=dt.date(2026, 7, 1))
    assert not Rollup.objects.filter(grain=Grain.MONTH, period_start=dt.date(2026, 7, 1)).exists()
    year = Rollup.objects.get(grain=Grain.YEAR)
    assert (year.value, year.count) == (Decimal(15), 2)


@pytest.mark.django_db
def test_incremental_recompute_leaves_other_years_alone(indicator_factory, planning_department,
                                                        author):
    indicator = indicator_factory(Aggregation.SUM)
    Measurement.objects.create(indicator=indicator, department=planning_department,
                               period_start=dt.date(2025, 12, 30), value=3, recorded_by=author)
    Measurement.objects.create(indicator=indicator, department=planning_department,
                               period_start=dt.date(2026, 1, 2), value=4, recorded_by=author)
    rollups.compute()
    before = Rollup.objects.get(grain=Grain.YEAR, period_start=dt.date(2025, 1, 1)).computed_at
    rollups.compute(pairs=[(indicator.pk, planning_department.pk)], since=dt.date(2026, 1, 2),
                    until=dt.date(2026, 1, 2))
    assert Rollup.objects.get(grain=Grain.YEAR, period_start=dt.date(2025, 1, 1)).computed_at \
        == before
    week = Rollup.objects.get(grain=Grain.WEEK, period_start=dt.date(2025, 12, 29))
    assert week.value == Decimal(7)  # the week across new year holds both days
    assert Rollup.objects.get(grain=Grain.YEAR, period_start=dt.date(2026, 1, 1)).value == 4


@pytest.mark.django_db
def test_average_of_whole_numbers_is_not_truncated(indicator_factory, planning_department,
                                                   author):
    indicator = indicator_factory(Aggregation.AVERAGE)
    for day, value in [(dt.date(2026, 3, 2), 1), (dt.date(2026, 3, 3), 2)]:
        Measurement.objects.create(indicator=indicator, department=planning_department,
                                   period_start=day, value=value, recorded_by=author)
    rollups.compute()
    assert {r.grain: r.value for r in Rollup.objects.filter(indicator=indicator)} == {
        grain: Decimal("1.5") for grain in Grain}
