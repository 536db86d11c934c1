"""KPI tasks in the worker-fault harness (tests/hardening/faults.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kpis import rollups
from kpis.choices import Aggregation, Frequency
from kpis.models import Correction, ImportBatch, Indicator, Measurement, Reminder, Rollup
from opsplan.models import AuditEvent, Notification
from tests.factories import DepartmentFactory
from tests.hardening.faults import Killed, Redelivered, Run

AGGREGATIONS = [Aggregation.SUM, Aggregation.AVERAGE, Aggregation.LAST]


def _indicators(owner, count, prefix):
    return Indicator.objects.bulk_create([
        Indicator(code=f"{prefix}-{n}", name_en=f"Fault test {n}", name_zh="故障测试", unit="x",
                  frequency=Frequency.DAILY, aggregation=AGGREGATIONS[n % len(AGGREGATIONS)],
                  owner_department=owner)
        for n in range(count)])


def _rollups() -> dict:
    return {(r.indicator_id, r.department_id, r.grain, r.period_start): (r.value, r.count)
            for r in Rollup.objects.all()}


def _series(indicators, departments, days, recorder):
    start = timezone.localdate() - dt.timedelta(days=days)
    Measurement.objects.bulk_create([
        Measurement(indicator=i, department=d, period_start=start + dt.timedelta(days=n),
                    value=Decimal(n * 7 % 1000) + Decimal(i.pk % 13) / 4, recorded_by=recorder)
        for i in indicators for d in departments for n in range(days)], batch_size=5000)


def prepare_rollup_full(request):
    """40 daily indicators × 3 departments × 400 days; the expected rollups are computed
    here first, then removed, so the killed task must rebuild every one of them."""
    author = request.getfixturevalue("author")
    departments = [author.memberships.first().department, DepartmentFactory(),
                   DepartmentFactory()]
    indicators = _indicators(departments[0], 40, "fault-rollup")
    _series(indicators, departments, 400, author)
    rollups.compute()
    expected = _rollups()
    Rollup.objects.all().delete()

    def check():
        assert Rollup.objects.count() == len(expected), "missing or extra rollup rows"
        assert _rollups() == expected
    return Run(check=check)


def prepare_import(request, days=2000):
    """A confirmed upload of 15 indicators × ``days`` rows (30,000 rows: six chunks of
    5,000, stored in one transaction)."""
    author = request.getfixturevalue("author")
    department = author.memberships.first().department
    indicators = _indicators(department, 15, "fault-import")
    start = timezone.localdate() - dt.timedelta(days=2000)
    rows = [{"indicator": i.code, "department": department.code,
             "period": (start + dt.timedelta(days=n)).isoformat(),
             "value": str(n % 997), "note": "", "reason": ""}
            for i in indicators for n in range(days)]
    batch = ImportBatch.objects.create(user=author, filename="faults.csv", rows=rows,
                                       state=ImportBatch.State.STORING)
    expected = {(r["indicator"], r["period"]): Decimal(r["value"]) for r in rows}

    def check():
        batch.refresh_from_db()
        assert batch.state == ImportBatch.State.STORED
        assert batch.result == {"created": len(rows), "updated": 0, "unchanged": 0}
        stored = {(code, period.isoformat()): value for code, period, value in
                  Measurement.objects.values_list("indicator__code", "period_start", "value")}
        assert len(stored) == Measurement.objects.count() == len(rows)
        assert stored == expected
        assert not Correction.objects.exists(), "a re-run must not 'correct' its own rows"
        # one audit row per stored chunk, none from the runs that were killed
        chunks = -(-len(rows) // 5000)
        assert AuditEvent.objects.filter(action="kpis.measurements.store").count() == chunks
    return Run(args=[str(batch.pk)], check=check)


def prepare_incremental(request):
    author = request.getfixturevalue("author")
    department = author.memberships.first().department
    indicators = _indicators(department, 3, "fault-incremental")
    _series(indicators, [department], 60, author)
    low = timezone.localdate() - dt.timedelta(days=60)
    return Run(args=[[[i.pk, department.pk] for i in indicators], low.isoformat(),
                     timezone.localdate().isoformat()],
               state=lambda: (_rollups(), Notification.objects.count()))


def prepare_remind_stale(request):
    author = request.getfixturevalue("author")
    department = author.memberships.first().department
    Indicator.objects.create(code="fault-stale", name_en="Stale", name_zh="过期", unit="x",
                             frequency=Frequency.MONTHLY, aggregation=Aggregation.SUM,
                             owner_department=department, collector=author)
    return Run(state=lambda: (Reminder.objects.count(), Notification.objects.count()))


def prepare_store_import_again(request):
    run = prepare_import(request, days=40)
    return Run(args=run.args, state=lambda: (
        sorted(Measurement.objects.values_list("indicator_id", "period_start", "value")),
        Correction.objects.count(),
        AuditEvent.objects.filter(action="kpis.measurements.store").count()))


SCENARIOS = [
    Killed("kpis.rollup_full", prepare_rollup_full,
           description="nightly recomputation, committed indicator by indicator"),
    Killed("kpis.store_import_batch", prepare_import,
           description="a confirmed upload, stored in chunks in one transaction"),
    Redelivered("kpis.rollup_incremental", prepare_incremental),
    Redelivered("kpis.remind_stale", prepare_remind_stale),
    Redelivered("kpis.store_import_batch", prepare_store_import_again),
]


def prepare_open_cycles(request):
    from kpis.evaluation import Evaluation, EvaluationCycle

    request.getfixturevalue("author")
    return Run(state=lambda: (sorted(EvaluationCycle.objects.values_list("kind",
                                                                         "period_start")),
                              Evaluation.objects.count(), Notification.objects.count()))


def prepare_remind_feedback(request):
    from kpis.evaluation import FeedbackRequest

    return Run(state=lambda: (FeedbackRequest.objects.filter(reminded_at__isnull=False).count(),
                              Notification.objects.count()))


SCENARIOS += [
    Redelivered("kpis.open_evaluation_cycles", prepare_open_cycles),
    Redelivered("kpis.remind_feedback", prepare_remind_feedback),
]
