"""KPI rollup and ingestion benchmark on PostgreSQL (run: .venv/bin/python bench/kpi_rollup.py).

Needs DATABASE_URL=postgres://user@host:port/anything. The database named in the URL is never
touched: the benchmark creates its own ``opsplan_bench`` on the same server (dropping a leftover
one first), migrates it, and drops it at the end.

1. COPY 1,000,000 synthetic daily measurements (7 daily indicators, one per aggregation and
   two extra, x 8 departments x 17,858 days): the raw ingestion baseline.
2. Full rollups (week, month, quarter, year) with ``kpis.rollups.compute()`` against the
   equivalent hand-written INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE, best of
   two runs each, into an empty rollup table and again over existing rows; both must write
   exactly the same rows (checked row by row, plus count and sums per grain).
3. Ingestion of 100,000 rows through the API path (POST /api/v1/kpis/measurements/bulk/, 10
   JSON batches of 10,000 rows, via rest_framework.test.APIClient as a planning specialist)
   against a raw COPY of the same rows into the empty table.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import sys
import time
import warnings
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "opsplan_bench"
PG_SCHEMES = {"postgres", "postgresql", "pgsql"}

N_DEPARTMENTS = 8  # the planning department and seven business units
# code, aggregation: every aggregation, sum and last twice
INDICATORS = [("bench_sum_a", "sum"), ("bench_avg", "avg"), ("bench_last_a", "last"),
              ("bench_min", "min"), ("bench_max", "max"), ("bench_sum_b", "sum"),
              ("bench_last_b", "last")]
N_DAYS = 17_858  # 7 x 8 x 17,858 = 1,000,048 measurements
API_ROWS = 100_000
API_BATCH = 10_000
GRAINS = ("week", "month", "quarter", "year")
BUILT_FROM = {"week": None, "month": None, "quarter": "month", "year": "quarter"}
RATIO_GOAL = 1.5

T0 = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {message}", flush=True)


def fail(message: str) -> None:
    print(f"bench/kpi_rollup.py: {message}", file=sys.stderr)
    sys.exit(2)


def urls() -> tuple[str, str]:
    """(conninfo of the server's maintenance database, DATABASE_URL of the bench database)."""
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw:
        fail("DATABASE_URL is not set; this benchmark needs PostgreSQL, e.g. "
             "DATABASE_URL=postgres://postgres@127.0.0.1:5432/opsplan_bench")
    parts = urlsplit(raw)
    if parts.scheme not in PG_SCHEMES:
        fail(f"DATABASE_URL must be a PostgreSQL URL (postgres://...), got scheme "
             f"{parts.scheme or '(none)'!r}; this benchmark measures PostgreSQL only.")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    bench = urlunsplit(("postgresql", parts.netloc, f"/{BENCH_DB}", parts.query, ""))
    return admin, bench


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s"


@contextmanager
def timer():
    box = {}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["s"] = time.perf_counter() - start


# --- set-up ---------------------------------------------------------------------------------

def make_world():
    """Departments, the bench indicators (daily) and a planning specialist."""
    from committee.choices import DepartmentKind, Position
    from committee.models import Department, Membership, User
    from kpis.models import Indicator

    planning = Department.objects.get(code="planning")
    departments = [planning] + [
        Department.objects.create(code=f"bench-unit-{n}", name=f"Bench unit {n}",
                                  kind=DepartmentKind.BUSINESS_UNIT)
        for n in range(1, N_DEPARTMENTS)
    ]
    indicators = [
        Indicator.objects.create(code=code, name_en=code, name_zh=code, unit="units",
                                 aggregation=agg, frequency="daily", owner_department=planning)
        for code, agg in INDICATORS
    ]
    user = User.objects.create_user("bench-specialist", display_name="Bench specialist")
    Membership.objects.create(user=user, department=planning, position=Position.SPECIALIST,
                              started_on=dt.date(2000, 1, 1))
    return departments, indicators, user


def synthetic(indicators, departments, days: list[dt.date], seed: int = 42):
    """Rows (indicator, department, day, value text), date-major like a daily feed."""
    rng = random.Random(seed)
    rows = []
    for day in days:
        for indicator in indicators:
            for department in departments:
                v = rng.randrange(1, 100_000_000)  # 0.0001 .. 9999.9999
                rows.append((indicator, department, day, f"{v // 10000}.{v % 10000:04d}"))
    return rows


def copy_text(rows, user_id: int, stamp: str) -> list[bytes]:
    """COPY text chunks of (indicator_id, department_id, period_start, value, note,
    recorded_by_id, recorded_at)."""
    chunks, buf = [], io.StringIO()
    for n, (indicator, department, day, value) in enumerate(rows, start=1):
        buf.write(f"{indicator.pk}\t{department.pk}\t{day.isoformat()}\t{value}\t\t"
                  f"{user_id}\t{stamp}\n")
        if n % 50_000 == 0:
            chunks.append(buf.getvalue().encode())
            buf = io.StringIO()
    if buf.tell():
        chunks.append(buf.getvalue().encode())
    return chunks


COPY_SQL = ("COPY kpis_measurement (indicator_id, department_id, period_start, value, note, "
            "recorded_by_id, recorded_at) FROM STDIN")


def copy_in(pg, chunks) -> float:
    """COPY into kpis_measurement and commit (the deferred FK checks run at commit)."""
    start = time.perf_counter()
    with pg.transaction(), pg.cursor() as cur, cur.copy(COPY_SQL) as copy:
        for chunk in chunks:
            copy.write(chunk)
    return time.perf_counter() - start


def checkpoint(pg) -> None:
    """Flush dirty buffers so a checkpoint does not land inside a timing (superuser only)."""
    with suppress(psycopg.Error):  # not a superuser: just less steady timings
        pg.execute("CHECKPOINT")


# --- rollups: the hand-written SQL -----------------------------------------------------------

UPSERT = ("INSERT INTO kpis_rollup (indicator_id, department_id, grain, period_start, value, "
          "count, computed_at) {select} ON CONFLICT (indicator_id, department_id, grain, "
          "period_start) DO UPDATE SET value = EXCLUDED.value, count = EXCLUDED.count, "
          "computed_at = EXCLUDED.computed_at")


def round4(a: str) -> str:
    """SQL rounding to 4 places as compute() stores rollups (ties away from zero)."""
    return f"round({a}::numeric, 4)"


def raw_select(grain: str) -> str:
    """One INSERT's SELECT for a grain: a UNION ALL of one GROUP BY per aggregation, over the
    measurements (week, month) or the finer rollups (quarter from months, year from quarters),
    exactly as compute() builds them."""
    base = BUILT_FROM[grain]
    p = f"date_trunc('{grain}', s.period_start::timestamp)::date"
    if base is None:
        src = "kpis_measurement s"
        n = "COUNT(*)"
        avg = "SUM(s.value) / COUNT(*)"
    else:
        src = "kpis_rollup s"
        n = "SUM(s.count)"
        avg = "SUM(s.value * s.count) / SUM(s.count)"
    where = "s.indicator_id IN (SELECT id FROM kpis_indicator WHERE aggregation = '{agg}')"
    if base is not None:
        where += f" AND s.grain = '{base}'"
    parts = []
    for agg, value in (("sum", "SUM(s.value)"), ("min", "MIN(s.value)"),
                       ("max", "MAX(s.value)"),
                       ("last", "(array_agg(s.value ORDER BY s.period_start DESC))[1]")):
        parts.append(f"SELECT s.indicator_id, s.department_id, '{grain}', {p}, {value}, {n}, "
                     f"now() FROM {src} WHERE {where.format(agg=agg)} GROUP BY 1, 2, 4")
    parts.append(f"SELECT indicator_id, department_id, '{grain}', p, {round4('a')}, n, now() "
                 f"FROM (SELECT s.indicator_id, s.department_id, {p} AS p, {avg} AS a, "
                 f"{n} AS n FROM {src} WHERE {where.format(agg='avg')} GROUP BY 1, 2, 3) g")
    return " UNION ALL ".join(parts)


RAW_STATEMENTS = []
for _grain in GRAINS:
    RAW_STATEMENTS.append(UPSERT.format(select=raw_select(_grain)))
    # what compute() does with its stale-row scan: rows of the grain this run did not write
    RAW_STATEMENTS.append(f"DELETE FROM kpis_rollup WHERE grain = '{_grain}' "
                          f"AND computed_at <> now()")


def raw_rollups(pg) -> float:
    start = time.perf_counter()
    with pg.transaction():
        for sql in RAW_STATEMENTS:
            pg.execute(sql)
    return time.perf_counter() - start


def django_rollups() -> float:
    from django.db import connection

    from kpis.rollups import compute

    start = time.perf_counter()
    compute()
    elapsed = time.perf_counter() - start
    connection.close()  # the next run starts like a fresh task: no warm Django connection
    return elapsed


def checksum(pg) -> dict[str, tuple]:
    rows = pg.execute("SELECT grain, count(*), sum(value), sum(count) FROM kpis_rollup "
                      "GROUP BY grain").fetchall()
    return {g: (n, v, c) for g, n, v, c in rows}


def snapshot(pg, table: str) -> None:
    pg.execute(f"DROP TABLE IF EXISTS {table}")
    pg.execute(f"CREATE TABLE {table} AS SELECT indicator_id, department_id, grain, "
               f"period_start, value, count FROM kpis_rollup")


def differing_rows(pg, table: str) -> int:
    cols = "indicator_id, department_id, grain, period_start, value, count"
    return pg.execute(
        f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM kpis_rollup EXCEPT "
        f"SELECT {cols} FROM {table}) a) + (SELECT count(*) FROM (SELECT {cols} FROM {table} "
        f"EXCEPT SELECT {cols} FROM kpis_rollup) b)").fetchone()[0]


def profile_compute(pg) -> None:
    """Where compute() spends its time: phase timers (wrapping the aggregate queries and
    bulk_create) and a cProfile of one run."""
    from django.db import connection

    from kpis import rollups
    from kpis.models import Rollup

    phases = {"aggregate": 0.0, "bulk_create": 0.0}
    rows_fetched = [0]
    real_aggregate = rollups._aggregate
    real_bulk_create = Rollup.objects.bulk_create

    def timed_aggregate(*args, **kwargs):
        start = time.perf_counter()
        result = real_aggregate(*args, **kwargs)
        phases["aggregate"] += time.perf_counter() - start
        rows_fetched[0] += len(result)
        return result

    def timed_bulk_create(*args, **kwargs):
        start = time.perf_counter()
        result = real_bulk_create(*args, **kwargs)
        phases["bulk_create"] += time.perf_counter() - start
        return result

    checkpoint(pg)
    with mock.patch.object(rollups, "_aggregate", timed_aggregate), \
            mock.patch.object(Rollup.objects, "bulk_create", timed_bulk_create):
        total = django_rollups()

    # the stale-row scan alone: fetch every rollup key of each grain, as compute() does
    start = time.perf_counter()
    for grain in GRAINS:
        {(i, d, p) for _pk, i, d, p in Rollup.objects.filter(grain=grain).values_list(
            "pk", "indicator_id", "department_id", "period_start")}
    stale_scan = time.perf_counter() - start
    connection.close()

    rest = total - phases["aggregate"] - phases["bulk_create"]
    say(f"compute() phases (one instrumented run, {total:.2f} s, {rows_fetched[0]:,} "
        f"aggregate rows fetched into Python):")
    print(f"    aggregate queries + fetch + Django row conversion : "
          f"{phases['aggregate']:6.2f} s ({phases['aggregate'] / total:4.0%})")
    print(f"    bulk_create upserts (batches of 2000)              : "
          f"{phases['bulk_create']:6.2f} s ({phases['bulk_create'] / total:4.0%})")
    print(f"    the rest: Rollup() objects, Decimal quantize, keep-set,"
          f" stale-row scan: {rest:6.2f} s ({rest / total:4.0%})")
    print(f"      (of which the stale-row scan, timed alone over the full table: "
          f"{stale_scan:.2f} s)")

    profiler = cProfile.Profile()
    checkpoint(pg)
    profiler.enable()
    from kpis.rollups import compute

    compute()
    profiler.disable()
    connection.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(14)
    say("cProfile of one compute() run (top 14 by own time; cProfile inflates Python-heavy "
        "parts):")
    lines = out.getvalue().splitlines()
    start = next((n for n, line in enumerate(lines) if "ncalls" in line), 0)
    site = str(Path(psycopg.__file__).parent.parent) + "/"
    for line in lines[start:]:
        if line.strip():
            print("    " + line.strip().replace(site, "").replace(f"{ROOT}/", "")[:130])


def bench_rollups(pg) -> dict:
    results = {"fresh": {"compute": [], "raw": []}, "rerun": {"compute": [], "raw": []}}
    sums = {}
    mismatches = 0

    def run(kind: str, scenario: str) -> float:
        if scenario == "fresh":
            pg.execute("TRUNCATE kpis_rollup")
        checkpoint(pg)
        seconds = django_rollups() if kind == "compute" else raw_rollups(pg)
        results[scenario][kind].append(seconds)
        say(f"  {kind:8s} ({'empty rollup table' if scenario == 'fresh' else 'over existing'}"
            f"): {seconds:6.2f} s")
        return seconds

    say("rollups into an empty rollup table (best of 2 each, interleaved):")
    for _ in range(2):
        run("compute", "fresh")
        snapshot(pg, "bench_rollup_compute")
        sums["compute"] = checksum(pg)
        run("raw", "fresh")
        sums["raw"] = checksum(pg)
        diff = differing_rows(pg, "bench_rollup_compute")
        mismatches += diff
        say(f"  rows differing between compute() and raw SQL: {diff}")
    say("rollups again over the existing rows (the nightly re-run; best of 2 each):")
    for _ in range(2):
        run("compute", "rerun")
        run("raw", "rerun")
    diff = differing_rows(pg, "bench_rollup_compute")
    mismatches += diff
    say(f"  rows differing after the re-runs: {diff}")

    say("checksum per grain (rows, sum of values, sum of counts):")
    for grain in GRAINS:
        c, r = sums["compute"].get(grain), sums["raw"].get(grain)
        print(f"    {grain:8s} compute {c[0]:>8,} {c[1]:>22} {c[2]:>10,} | raw {r[0]:>8,} "
              f"{r[1]:>22} {r[2]:>10,}  {'OK' if c == r else 'MISMATCH'}")
    ok = mismatches == 0 and sums["compute"] == sums["raw"]
    results["ok"] = ok
    results["rows"] = sum(v[0] for v in sums["raw"].values())
    return results


# --- ingestion through the API ----------------------------------------------------------------

def bench_api(pg, indicators, departments, user) -> dict:
    from django.conf import settings
    from rest_framework.test import APIClient

    from kpis import services, tasks
    from kpis.models import Measurement

    today = dt.date.today()
    n_days = -(-API_ROWS // (len(indicators) * len(departments)))
    days = [today - dt.timedelta(days=n_days - k) for k in range(n_days)]
    rows = synthetic(indicators, departments, days, seed=7)[:API_ROWS]
    bodies = []
    for start in range(0, len(rows), API_BATCH):
        batch = [{"indicator": i.code, "department": d.code, "period": day.isoformat(),
                  "value": value} for i, d, day, value in rows[start:start + API_BATCH]]
        bodies.append((len(batch), json.dumps({"rows": batch}).encode()))
    chunks = copy_text(rows, user.pk, "2026-01-01 00:00:00+00")
    say(f"ingestion: {len(rows):,} rows for {days[0]} .. {days[-1]}, "
        f"{len(bodies)} JSON batches of {API_BATCH:,} ({sum(len(b) for _, b in bodies) / 1e6:.1f}"
        f" MB)")

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = APIClient()
    client.force_authenticate(user=user)
    path = "/api/v1/kpis/measurements/bulk/"

    phases = {"check_rows": 0.0, "store_rows": 0.0}
    real_check, real_store = services.check_rows, services.store_rows

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - start
        return wrapper

    queued = []
    pg.execute("TRUNCATE kpis_measurement CASCADE")
    checkpoint(pg)
    say("API path: rollup_incremental.delay patched to a no-op (ingestion only, no rollups)")
    with mock.patch.object(tasks.rollup_incremental, "delay",
                           lambda *a, **k: queued.append(a)), \
            mock.patch.object(services, "check_rows", timed("check_rows", real_check)), \
            mock.patch.object(services, "store_rows", timed("store_rows", real_store)):
        api_total = 0.0
        for n, (count, body) in enumerate(bodies, start=1):
            start = time.perf_counter()
            response = client.post(path, data=body, content_type="application/json")
            seconds = time.perf_counter() - start
            api_total += seconds
            if response.status_code != 201 or response.json().get("created") != count:
                raise SystemExit(f"API batch {n} failed: {response.status_code} "
                                 f"{response.content[:500]!r}")
            if n in (1, len(bodies)):
                say(f"  batch {n}/{len(bodies)}: {count:,} rows in {seconds:.2f} s")
    stored = Measurement.objects.count()
    if stored != len(rows):
        raise SystemExit(f"API stored {stored} rows, expected {len(rows)}")
    say(f"  API: {len(rows):,} rows in {api_total:.2f} s = {rate(len(rows), api_total)} "
        f"({len(queued)} rollup tasks suppressed)")
    other = api_total - phases["check_rows"] - phases["store_rows"]
    print(f"    request + JSON parse + BulkRequestSerializer + fingerprint: {other:6.2f} s "
          f"({other / api_total:4.0%})")
    print(f"    check_rows (per-row validation, permissions)             : "
          f"{phases['check_rows']:6.2f} s ({phases['check_rows'] / api_total:4.0%})")
    print(f"    store_rows (select_for_update, bulk_create, audit)       : "
          f"{phases['store_rows']:6.2f} s ({phases['store_rows'] / api_total:4.0%})")

    copies = []
    for _ in range(3):
        pg.execute("TRUNCATE kpis_measurement CASCADE")
        checkpoint(pg)
        copies.append(copy_in(pg, chunks))
    copy_best = min(copies)
    say(f"  COPY of the same rows into the empty table (best of 3): {copy_best:.2f} s = "
        f"{rate(len(rows), copy_best)}")
    # for reference only: how much of COPY is the deferred FK checks (superuser only)
    with suppress(psycopg.Error):
        pg.execute("TRUNCATE kpis_measurement CASCADE")
        pg.execute("SET session_replication_role = replica")
        try:
            no_fk = copy_in(pg, chunks)
        finally:
            pg.execute("SET session_replication_role = DEFAULT")
        say(f"  (reference: the same COPY with FK triggers off: {no_fk:.2f} s = "
            f"{rate(len(rows), no_fk)}; the FK checks cost the rest)")
    return {"api": len(rows) / api_total, "copy": len(rows) / copy_best, "rows": len(rows)}


# --- main -----------------------------------------------------------------------------------

def main() -> int:
    admin, bench_url = urls()
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsplan.settings"
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # nothing may reach for a broker

    say(f"creating database {BENCH_DB} (dropping a leftover one)")
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {BENCH_DB}")
    pg = None
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        settings.DEBUG = False  # no query log: measure what production runs
        warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no static
        call_command("migrate", verbosity=0, interactive=False)
        say("migrated")
        pg = psycopg.connect(bench_url, autocommit=True)
        pg.execute("SET TIME ZONE 'UTC'")
        for table in ("kpis_measurement", "kpis_rollup"):  # steadier timings; ANALYZE by hand
            pg.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = off)")
        server_info = pg.execute("SHOW server_version").fetchone()[0]

        departments, indicators, user = make_world()
        end = dt.date.today() - dt.timedelta(days=1)
        days = [end - dt.timedelta(days=N_DAYS - 1 - k) for k in range(N_DAYS)]
        with timer() as t:
            rows = synthetic(indicators, departments, days)
            chunks = copy_text(rows, user.pk, "2026-01-01 00:00:00+00")
        n_rows = len(rows)
        del rows
        say(f"generated {n_rows:,} measurements ({len(indicators)} indicators x "
            f"{len(departments)} departments x {N_DAYS:,} days, {days[0]} .. {days[-1]}) "
            f"in {t['s']:.1f} s")

        checkpoint(pg)
        copy_seconds = copy_in(pg, chunks)
        del chunks
        say(f"raw COPY of {n_rows:,} rows (indexes, unique key, FK checks at commit): "
            f"{copy_seconds:.2f} s = {rate(n_rows, copy_seconds)}")
        with timer() as t:
            pg.execute("VACUUM ANALYZE kpis_measurement")
        say(f"VACUUM ANALYZE kpis_measurement: {t['s']:.1f} s (not timed in the figures)")

        connection.close()
        roll = bench_rollups(pg)
        best = {s: {k: min(v) for k, v in roll[s].items()} for s in ("fresh", "rerun")}
        ratio = {s: best[s]["compute"] / best[s]["raw"] for s in best}
        say(f"rollups ({roll['rows']:,} rows): {'OK' if roll['ok'] else 'MISMATCH'}")
        if max(ratio.values()) > RATIO_GOAL:
            say(f"compute()/raw ratio above {RATIO_GOAL}: profiling compute()")
            profile_compute(pg)

        ingest = bench_api(pg, indicators, departments, user)

        print()
        print(f"=== summary (PostgreSQL {server_info}, {os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]}) ===")
        print(f"load:      raw COPY {n_rows:,} measurements {copy_seconds:.1f} s = "
              f"{rate(n_rows, copy_seconds)}")
        print(f"rollup:    compute {best['fresh']['compute']:.1f} s, raw SQL "
              f"{best['fresh']['raw']:.1f} s, ratio {ratio['fresh']:.2f} (goal <= {RATIO_GOAL})"
              f"  [empty rollup table, {roll['rows']:,} rollup rows]")
        print(f"rollup:    compute {best['rerun']['compute']:.1f} s, raw SQL "
              f"{best['rerun']['raw']:.1f} s, ratio {ratio['rerun']:.2f} (goal <= {RATIO_GOAL})"
              f"  [re-run over existing rows]")
        print(f"rollup:    compute() and raw SQL rows identical: "
              f"{'OK' if roll['ok'] else 'MISMATCH'}")
        print(f"ingestion: API {ingest['api']:,.0f} rows/s, COPY {ingest['copy']:,.0f} rows/s, "
              f"ratio {ingest['api'] / ingest['copy']:.2f}  [{ingest['rows']:,} rows, "
              f"{API_ROWS // API_BATCH} x {API_BATCH:,}-row JSON batches, rollup task "
              f"patched out]")
        return 0 if roll["ok"] else 1
    finally:
        if pg is not None:
            pg.close()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        say(f"dropped database {BENCH_DB}")


if __name__ == "__main__":
    sys.exit(main())
