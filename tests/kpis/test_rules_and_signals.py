"""Traffic-light edges, deviation signals, staleness reminders, catalog access rules, and a
killed rollup re-run."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from kpis import rollups, services
from kpis.choices import Band, Direction
from kpis.models import (
    DeviationSignal,
    Indicator,
    Measurement,
    Reminder,
    Rollup,
    Target,
    band_for,
)
from opsplan.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("100"), Band.GREEN), (Decimal("100.0001"), Band.GREEN),
    (Decimal("99.9999"), Band.AMBER), (Decimal("90"), Band.AMBER),
    (Decimal("89.9999"), Band.RED),
])
def test_band_edges_higher_is_better(value, expected):
    assert band_for(value, target=Decimal(100), red_threshold=Decimal(90),
                    direction=Direction.HIGHER) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("100"), Band.GREEN), (Decimal("99"), Band.GREEN),
    (Decimal("100.0001"), Band.AMBER), (Decimal("110"), Band.AMBER),
    (Decimal("110.0001"), Band.RED),
])
def test_band_edges_lower_is_better(value, expected):
    assert band_for(value, target=Decimal(100), red_threshold=Decimal(110),
                    direction=Direction.LOWER) == expected


def test_red_threshold_on_the_wrong_side_is_refused(author, sales):
    from django.core.exceptions import ValidationError

    revenue = Indicator.objects.get(code="revenue")
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=author, indicator=revenue, department=sales, grain="month",
                             period_start=dt.date(2026, 3, 1), target=Decimal(100),
                             red_threshold=Decimal(120))
    assert "red_threshold" in exc.value.message_dict


def _measure(indicator, department, day, value, user):
    Measurement.objects.create(indicator=indicator, department=department, period_start=day,
                               value=Decimal(value), recorded_by=user)


def test_red_value_opens_a_signal_and_recovery_closes_it(author, sales):
    revenue = Indicator.objects.get(code="revenue")
    _measure(revenue, sales, dt.date(2026, 3, 1), 80, author)
    rollups.compute()
    services.target_save(actor=author, indicator=revenue, department=sales, grain="month",
                         period_start=dt.date(2026, 3, 1), target=Decimal(100),
                         red_threshold=Decimal(90))
    signal = DeviationSignal.objects.get()
    assert (signal.state, signal.value) == ("open", Decimal(80))
    services.evaluate_signals()
    assert DeviationSignal.objects.count() == 1  # idempotent
    Measurement.objects.filter(indicator=revenue).update(value=Decimal(95))
    rollups.compute()
    services.evaluate_signals()
    signal.refresh_from_db()
    assert signal.state == "closed"


def test_stale_indicator_is_flagged_and_its_collector_reminded_once(author, planning_department,
                                                                    unit_staff):
    revenue = Indicator.objects.get(code="revenue")
    revenue.collector = unit_staff
    revenue.save()
    today = dt.date(2026, 5, 20)
    _measure(revenue, planning_department, dt.date(2026, 3, 1), 10, author)
    stale = {(i.code, due) for i, _d, due in services.stale_series(today)}
    assert ("revenue", dt.date(2026, 4, 1)) in stale
    assert services.remind_stale(today) >= 1
    assert Notification.objects.filter(recipient=unit_staff).count() == 1
    services.remind_stale(today)
    assert Notification.objects.filter(recipient=unit_staff).count() == 1
    assert Reminder.objects.filter(indicator=revenue).count() == 1
    _measure(revenue, planning_department, dt.date(2026, 4, 1), 11, author)
    assert "revenue" not in {i.code for i, _d, _due in services.stale_series(today)}


def test_catalog_rule_and_selector_agree(planning_department, sales, marketing, author,
                                         unit_staff, unit_head, reviewer, chair,
                                         committee_member, auditor, outsider, integration):
    from kpis.selectors import readable_indicators

    Indicator.objects.create(code="c", name_en="c", name_zh="c", unit="x",
                             owner_department=planning_department, visibility="committee")
    listed = Indicator.objects.create(code="d", name_en="d", name_zh="d", unit="x",
                                      owner_department=planning_department,
                                      visibility="departments")
    listed.readers.add(marketing)
    Indicator.objects.create(code="s", name_en="s", name_zh="s", unit="x",
                             owner_department=sales, visibility="committee")
    for user in (author, unit_staff, unit_head, reviewer, chair, committee_member, auditor,
                 outsider, integration):
        visible = set(readable_indicators(user))
        for indicator in Indicator.objects.all():
            assert (indicator in visible) == user.has_perm("kpis.view_indicator", indicator), (
                user.username, indicator.code)


def test_killed_rollup_run_leaves_nothing_half_done_and_rerun_is_identical(author, sales,
                                                                          monkeypatch):
    revenue = Indicator.objects.get(code="revenue")
    for month in range(1, 7):
        _measure(revenue, sales, dt.date(2026, month, 1), month * 10, author)
    rollups.compute()
    before = sorted(Rollup.objects.values_list("grain", "period_start", "value", "count"))
    _measure(revenue, sales, dt.date(2026, 7, 1), 70, author)

    calls = {"n": 0}

    def dies_midway(real):
        def upsert(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 12:  # weeks and months written, quarters not: the worker dies
                raise SystemExit("worker killed")
            return real(*args, **kwargs)
        return upsert

    monkeypatch.setattr(rollups, "_upsert_in_python", dies_midway(rollups._upsert_in_python))
    monkeypatch.setattr(rollups, "_upsert_in_database",
                        dies_midway(rollups._upsert_in_database))
    with pytest.raises(SystemExit), transaction.atomic():
        rollups.compute()
    monkeypatch.undo()
    assert sorted(Rollup.objects.values_list("grain", "period_start", "value", "count")) == \
        before
    rollups.compute()
    first = sorted(Rollup.objects.values_list("grain", "period_start", "value", "count"))
    rollups.compute()
    assert sorted(Rollup.objects.values_list("grain", "period_start", "value", "count")) == \
        first
    assert Rollup.objects.get(grain="year").value == Decimal(280)


def test_approved_plan_goal_becomes_a_target(author, planning_department):
    from plans.models import Plan
    from tests.plans import builders

    plan = builders.new_plan(author)
    revenue = Indicator.objects.get(code="revenue")
    builders.add_goal(plan, author, indicator=revenue, measure="", unit="")
    from plans.services import _goals_become_targets

    _goals_become_targets(Plan.objects.get(pk=plan.pk), actor=author)
    target = Target.objects.get(indicator=revenue)
    assert (target.grain, target.period_start, target.target, target.red_threshold) == (
        "year", plan.period_start, Decimal(120), Decimal(100))
    assert target.department == planning_department


def test_goal_follows_its_indicators_direction_so_approval_cannot_fail(author):
    from tests.plans import builders

    plan = builders.new_plan(author)
    cost = Indicator.objects.get(code="cost")  # lower is better
    goal = builders.add_goal(plan, author, indicator=cost, baseline=Decimal(120),
                             target=Decimal(100), direction="higher")
    assert (goal.direction, goal.unit) == ("lower", cost.unit)
    from plans.services import _goals_become_targets

    _goals_become_targets(plan, actor=author)
    target = Target.objects.get(indicator=cost)
    assert (target.target, target.red_threshold) == (Decimal(100), Decimal(120))
