"""Period rollups computed in the database (GROUP BY over truncated dates, a window function
for "last"), then upserted by natural key so a re-run gives identical rows.

Weeks and months are built from the measurements; a quarter builds on its months and a year on
its quarters (§4.5), which gives the same numbers as aggregating the raw values (up to the
four-decimal rounding of the stored months) because each rollup keeps its count: a sum of sums,
a count-weighted mean of means, a min of mins, a max of maxes, the last of lasts.

On PostgreSQL each aggregate is upserted with one INSERT … SELECT; elsewhere (the embedded
SQLite default) the rows pass through Python. Both round the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import (
    FirstValue,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils import timezone

from kpis.choices import Aggregation, Grain
from kpis.models import Indicator, Measurement, Rollup
from opsplan import dashboards

DEC = DecimalField(max_digits=30, decimal_places=8)
Q4 = Decimal("0.0001")
TRUNC = {Grain.WEEK: TruncWeek, Grain.MONTH: TruncMonth, Grain.QUARTER: TruncQuarter,
         Grain.YEAR: TruncYear}
# which grain each grain is built from (None: from the measurements)
BUILT_FROM = {Grain.WEEK: None, Grain.MONTH: None, Grain.QUARTER: Grain.MONTH,
              Grain.YEAR: Grain.QUARTER}


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def _aggregate(source, grain: str, aggregation: str, *, from_rollups: bool):
    """A query of rows (indicator_id, department_id, period_start, value, count) for one
    aggregation."""
    period = TRUNC[grain]("period_start")
    keys = ("indicator_id", "department_id")
    if aggregation == Aggregation.LAST:
        partition = [F("indicator_id"), F("department_id"), period]
        count_expr = (Window(Sum("count"), partition_by=partition) if from_rollups
                      else Window(Count("id"), partition_by=partition))
        return (source.annotate(
                    p=period,
                    v=Window(FirstValue("value"), partition_by=partition,
                             order_by=F("period_start").desc()),
                    n=count_expr)
                .values_list(*keys, "p", "v", "n").order_by().distinct())
    # SQLite stores whole-number decimals as integers, where "/" would truncate
    exact = Value(1) if connection.vendor == "postgresql" else Value(1.0)
    if from_rollups:
        value = {
            Aggregation.SUM: Sum("value"),
            Aggregation.AVERAGE: ExpressionWrapper(
                Sum(F("value") * F("count") * exact, output_field=DEC) / Sum("count"),
                output_field=DEC),
            Aggregation.MIN: Min("value"),
            Aggregation.MAX: Max("value"),
        }[aggregation]
        count = Sum("count")
    else:
        value = {
            Aggregation.SUM: Sum("value"),
            Aggregation.AVERAGE: ExpressionWrapper(
                Sum(F("value") * exact, output_field=DEC) / Count("id"), output_field=DEC),
            Aggregation.MIN: Min("value"),
            Aggregation.MAX: Max("value"),
        }[aggregation]
        count = Count("id")
    return (source.annotate(p=period).values(*keys, "p").annotate(v=value, n=count)
            .values_list(*keys, "p", "v", "n").order_by())


def _upsert_in_python(rows, *, grain, now, upper) -> int:
    produced = []
    for indicator_id, department_id, period, value, count in rows:
        period = _as_date(period)
        if upper is not None and period > upper:
            continue
        produced.append(Rollup(
            indicator_id=indicator_id, department_id=department_id, grain=grain,
            period_start=period, value=round4(Decimal(str(value))), count=count,
            computed_at=now,
        ))
    Rollup.objects.bulk_create(
        produced, batch_size=2000, update_conflicts=True,
        unique_fields=["indicator", "department", "grain", "period_start"],
        update_fields=["value", "count", "computed_at"],
    )
    return len(produced)


def _upsert_in_database(rows, *, grain, now, upper) -> int:
    """INSERT … SELECT … ON CONFLICT: the aggregate never leaves PostgreSQL (no Python objects
    per row); ROUND(numeric) rounds half away from zero like ``round4``."""
    sql, params = rows.query.sql_with_params()
    table = Rollup._meta.db_table
    bound = "WHERE agg.p::date <= %s" if upper is not None else ""
    # only the ORM's own SQL (parameters kept separate) and a model's table name are inlined
    columns = "indicator_id, department_id, grain, period_start, value, count, computed_at"
    select = "agg.i, agg.d, %s, agg.p::date, ROUND(agg.v::numeric, 4), agg.n, %s"
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT {select} "  # noqa: S608
        f"FROM ({sql}) AS agg(i, d, p, v, n) {bound} "
        "ON CONFLICT (indicator_id, department_id, grain, period_start) DO UPDATE SET "
        "value = EXCLUDED.value, count = EXCLUDED.count, computed_at = EXCLUDED.computed_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [grain, now, *params, *([upper] if upper else [])])
        return cursor.rowcount


def round4(value: Decimal) -> Decimal:
    """Stored rollups have four decimals, ties rounded away from zero (as PostgreSQL does)."""
    return value.quantize(Q4, rounding=ROUND_HALF_UP)


def compute(*, pairs: list[tuple[int, int]] | None = None,
            since: dt.date | None = None, until: dt.date | None = None) -> int:
    """Recompute rollups for the given (indicator, department) pairs (all when None) over the
    whole calendar years from ``since`` to ``until`` (all when None). Returns the rows written.

    Idempotent: rows are upserted by natural key and rollups left without measurements in the
    scope are removed, so a killed run re-run gives identical rows.
    """
    pair_q = Q()
    if pairs is not None:
        if not pairs:
            return 0
        for indicator_id, department_id in set(pairs):
            pair_q |= Q(indicator_id=indicator_id, department_id=department_id)
    lower = dt.date(since.year, 1, 1) if since else None
    upper = dt.date(until.year, 12, 31) if until else None

    def window(grain, *, source: bool) -> Q:
        q = Q()
        low = lower
        if low is not None and grain == Grain.WEEK:
            low = low - dt.timedelta(days=low.weekday())  # the week holding 1 January
        if low is not None:
            q &= Q(period_start__gte=low)
        if upper is not None:
            # a week starting in late December runs into January
            q &= Q(period_start__lte=upper + dt.timedelta(days=6 if source and grain ==
                                                          Grain.WEEK else 0))
        return q

    by_aggregation: dict[str, list[int]] = {}
    for pk, aggregation in Indicator.objects.values_list("pk", "aggregation"):
        by_aggregation.setdefault(aggregation, []).append(pk)
    written = 0
    now = timezone.now()
    in_database = connection.vendor == "postgresql"
    with transaction.atomic():
        for grain in (Grain.WEEK, Grain.MONTH, Grain.QUARTER, Grain.YEAR):
            base = BUILT_FROM[grain]
            for aggregation, indicator_ids in by_aggregation.items():
                if base is None:
                    source = Measurement.objects.filter(
                        pair_q, window(grain, source=True), indicator_id__in=indicator_ids)
                else:
                    source = Rollup.objects.filter(
                        pair_q, window(grain, source=True), grain=base,
                        indicator_id__in=indicator_ids)
                rows = _aggregate(source, grain, aggregation, from_rollups=base is not None)
                upsert = _upsert_in_database if in_database else _upsert_in_python
                written += upsert(rows, grain=grain, now=now, upper=upper)
            # what this run did not write in its scope has lost its measurements
            Rollup.objects.filter(pair_q, window(grain, source=False), grain=grain).exclude(
                computed_at=now).delete()
        transaction.on_commit(dashboards.changed)  # scorecards on dashboards show new figures
    return written
