"""Dashboard speed benchmark: each dashboard under gunicorn against a bare one-query view.

Run (PostgreSQL only; full scale seeds for a few minutes, then measures ~2.5 minutes):
    .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --reuse            # keep the seeded company, measure again
    .venv/bin/python bench/pages.py --scale 0.01 --duration 5   # a quick smoke run

1. Creates (drops a leftover one unless ``--reuse``) the dedicated database named by
   ``--database-url`` (default ``opsplan_bench_pages`` on 127.0.0.1:5432), migrates it and
   seeds a large company with bulk inserts (bench/seed_company.py): 50 business units,
   10,000 plans across all states, 1,000,000 measurements with their rollups, 5,000 risks,
   costs, decisions awaiting votes and this week's meetings (``--scale`` scales every count).
   With ``--reuse`` the seeding is skipped when the database already holds a company of the
   same scale. The database is kept at the end (drop it with ``dropdb opsplan_bench_pages``).
2. In-process, with the test client and CaptureQueriesContext: the queries and time of one
   request of each dashboard on a cold cache (everything computed) and then cached (the page
   served from the cache, as under load below), and each panel's query count and time (the
   constant-query claim at scale; a slow panel's slowest query is EXPLAINed).
3. Starts gunicorn (gthread workers, settings ``bench.settings``: the project's settings with
   DEBUG off and ``bench.urls``, which adds a bare view doing exactly one query) and measures,
   one after the other, the bare view, then ``--rounds`` times ``/dashboards/committee/`` as a
   committee member, ``/dashboards/planning/`` as the planning manager, ``/dashboards/unit/``
   as a unit head and the bare view again, each with ``--concurrency`` keep-alive clients
   (threads with a requests.Session, signed in) for ``--duration`` seconds after a warm-up.
   Prints requests/s, p50, p95, errors, each run's ratio dashboard / bare (against the bare
   runs just before and after it, so drift of a shared machine's speed cancels) and each
   dashboard's median ratio over the rounds (the goal is >= 0.5: reported, never failed on),
   and writes bench/out/pages.json.

Exit status: 0, or 1 when any request failed (non-200, timeout), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed_company import PASSWORD, PERSONAS  # noqa: E402  (stdlib only until seeding)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/opsplan_bench_pages"
PG_SCHEMES = {"postgres", "postgresql", "pgsql"}
OUT = ROOT / "bench" / "out"
VAR = ROOT / "var" / "bench-pages"
RATIO_GOAL = 0.5
BARE = "/bench/bare/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARKER = "bench_pages_seed"

T0 = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def fail(message: str, status: int = 2) -> None:
    print(f"bench/pages.py: {message}", file=sys.stderr, flush=True)
    sys.exit(status)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_PAGES_DATABASE_URL",
                                                                 DEFAULT_URL),
                        help=f"PostgreSQL database to create and use (default {DEFAULT_URL})")
    parser.add_argument("--reuse", action="store_true",
                        help="skip seeding when the database already holds a company of this "
                             "scale")
    parser.add_argument("--duration", type=float, default=20.0,
                        help="seconds measured per page (default 20)")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_PAGES_REDIS_URL", ""),
                        help="cache of the measured server, as in production (e.g. "
                             "redis://127.0.0.1:6379/11; flushed first); default: the embedded "
                             "default cache, files under var/")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the three dashboards, each between two runs of the bare "
                             "view; the ratio reported is the median of the rounds' (default 3)")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds of unmeasured requests before each page (default 3)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="concurrent keep-alive clients (default 8)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="scales every seeded count (default 1.0; 0.01 for a smoke run)")
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get(
        "WEB_CONCURRENCY", "2")), help="gunicorn worker processes (default WEB_CONCURRENCY "
                                       "or 2, as the Procfile)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per gunicorn worker (gthread; default 4)")
    parser.add_argument("--explain-ms", type=float, default=100.0,
                        help="EXPLAIN ANALYZE the slowest query of a panel slower than this "
                             "(default 100 ms)")
    args = parser.parse_args()
    for name in ("duration", "concurrency", "scale", "web_workers", "threads"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    return args


def database_urls(raw: str) -> tuple[str, str, str]:
    """(maintenance conninfo, the bench database's URL, its name); refuses non-PostgreSQL."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in PG_SCHEMES:
        fail(f"--database-url must be a PostgreSQL URL (postgres://...), got scheme "
             f"{parts.scheme or '(none)'!r}: this benchmark measures PostgreSQL only.")
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name or ""):
        fail(f"--database-url must name a database (letters, digits, _), got {name!r}")
    if "bench" not in name:
        fail(f"refusing to use database {name!r}: this benchmark drops and re-creates its "
             f"database, so its name must contain 'bench' (e.g. opsplan_bench_pages)")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    url = urlunsplit(("postgresql", parts.netloc, f"/{name}", parts.query, ""))
    return admin, url, name


def prepare_database(admin: str, url: str, name: str, *, scale: float, reuse: bool) -> bool:
    """Create the database if needed; True when it must be seeded."""
    import psycopg

    try:
        server = psycopg.connect(admin, autocommit=True)
    except psycopg.Error as exc:
        fail(f"cannot reach PostgreSQL at {admin}: {exc}")
    with server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                [name]).fetchone()
        if exists and reuse:
            with psycopg.connect(url) as db:
                row = db.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()
                seeded = row[0] and db.execute(
                    f"SELECT scale FROM {MARKER} ORDER BY seeded_at DESC LIMIT 1").fetchone()
            if seeded and abs(seeded[0] - scale) < 1e-9:
                say(f"reusing database {name} (seeded at scale {scale:g})")
                return False
            say(f"database {name} holds no company of scale {scale:g}: seeding it afresh")
        if exists:
            server.execute(f"DROP DATABASE {name} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {name}")
        say(f"created database {name}")
    return True


def environment(url: str, redis_url: str = "") -> dict[str, str]:
    """The settings of both this process and gunicorn: production-like (DEBUG off); with
    ``redis_url`` the cache is that Redis database (flushed first), as in production."""
    VAR.mkdir(parents=True, exist_ok=True)
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    env = {**({"REDIS_URL": redis_url} if redis_url else {}),
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "")
        if len(os.environ.get("DJANGO_SECRET_KEY", "")) >= 50 else secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_STATIC_MANIFEST": "0",  # no collectstatic needed for the pages' {% static %}
        "DJANGO_SECURE_SSL_REDIRECT": "0", "OPSPLAN_VAR_DIR": str(VAR),
        "CELERY_TASK_ALWAYS_EAGER": "0", "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    return {**os.environ, **env}


# --- seeding -------------------------------------------------------------------------------

def migrate_and_seed(scale: float, must_seed: bool) -> dict | None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no static
    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    say(f"migrated in {time.perf_counter() - start:.1f} s")
    if not must_seed:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT seconds, rows FROM {MARKER} ORDER BY seeded_at DESC "
                           f"LIMIT 1")
            seconds, rows = cursor.fetchone()
        return {"reused": True, "seconds": seconds, "rows": json.loads(rows)}
    from bench.seed_company import counts_for, seed

    n = counts_for(scale)
    say(f"seeding (scale {scale:g}): {n.units} business units, {n.plans:,} plans, "
        f"{n.measurements:,} measurements, {n.risks:,} risks")
    start = time.perf_counter()
    result = seed(scale, say)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (scale double precision, "
                       f"seconds double precision, rows text, seeded_at timestamptz "
                       f"DEFAULT now())")
        cursor.execute(f"INSERT INTO {MARKER} (scale, seconds, rows) VALUES (%s, %s, %s)",
                       [scale, seconds, json.dumps(result["rows"])])
    say(f"seeded in {seconds:.1f} s ({sum(result['rows'].values()):,} rows)")
    return {"reused": False, "seconds": seconds, "rows": result["rows"],
            "steps": result["seconds"]}


# --- in-process: query counts per dashboard and per panel ----------------------------------

def explain(sql: str) -> list[str]:
    from django.db import connection

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def query_counts(personas: dict[str, str], explain_ms: float) -> dict:
    import logging

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from opsplan.dashboards import DASHBOARDS, discover, panels_for

    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login: no sign-in chatter
    discover()
    users = {key: get_user_model().objects.get(username=name) for key, name in
             personas.items()}
    out: dict = {}
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BARE)
    out["bare"] = {"status": response.status_code, "queries": len(queries)}
    for key, user in users.items():
        board = DASHBOARDS[key]
        path = f"/dashboards/{key}/"
        client = Client()
        client.force_login(user)
        client.get(path)  # first request: discovery, template loading
        cache.clear()  # cold: every panel, the roles and the page computed afresh
        with CaptureQueriesContext(connection) as cold_queries:
            start = time.perf_counter()
            client.get(path)
            cold_ms = (time.perf_counter() - start) * 1000
        with CaptureQueriesContext(connection) as queries:  # warm: the page from the cache
            start = time.perf_counter()
            response = client.get(path)
            ms = (time.perf_counter() - start) * 1000
        entry = {"status": response.status_code, "queries": len(queries), "ms": ms,
                 "cold_queries": len(cold_queries), "cold_ms": cold_ms, "panels": []}
        request = RequestFactory().get(path)
        request.user, request.session = user, SessionStore()
        translation.activate("en")
        scope = board.scope(request) if board.scope else None
        for panel in panels_for(board, user):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                try:
                    panel.data(request, scope)
                    error = ""
                except Exception as exc:  # a broken panel is reported, the run goes on
                    error = f"{exc.__class__.__name__}: {exc}"[:300]
                ms = (time.perf_counter() - start) * 1000
            slowest = max(queries.captured_queries, key=lambda q: float(q["time"]),
                          default=None)
            row = {"key": panel.key, "queries": len(queries), "ms": ms, "error": error,
                   "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000}
            if slowest is not None:
                row["slowest_query_ms"] = float(slowest["time"]) * 1000
                row["slowest_query"] = slowest["sql"][:2000]
                if ms >= explain_ms:
                    row["explain"] = explain(slowest["sql"])
            entry["panels"].append(row)
        entry["outside_panels_ms"] = entry["cold_ms"] - sum(p["ms"] for p in entry["panels"])
        out[key] = entry
    connection.close()
    return out


def print_query_counts(counts: dict, previous: dict | None) -> None:
    prev_scale = previous.get("scale") if previous else None
    prev = (previous or {}).get("in_process", {})
    header = f"queries at scale {prev_scale:g}" if prev_scale is not None else ""
    say("queries per request, in-process (test client + CaptureQueriesContext):")
    print(f"    {'page / panel':<34}{'queries':>8}{'ms':>9}{'sql ms':>9}   {header}")
    print(f"    {'bare view ' + BARE:<34}{counts['bare']['queries']:>8}{'':>18}   "
          f"{prev.get('bare', {}).get('queries', '') if header else ''}")
    for key in ("committee", "planning", "unit"):
        entry = counts[key]
        before = prev.get(key, {})
        print(f"    {f'/dashboards/{key}/ cached':<34}{entry['queries']:>8}"
              f"{entry['ms']:>9.1f}{'':>9}   {before.get('queries', '') if header else ''}"
              f"{'' if entry['status'] == 200 else f'  status {entry['status']}'}")
        print(f"    {f'/dashboards/{key}/ cold cache':<34}{entry['cold_queries']:>8}"
              f"{entry['cold_ms']:>9.1f}{'':>9}   "
              f"{before.get('cold_queries', '') if header else ''}")
        earlier = {p["key"]: p["queries"] for p in before.get("panels", [])}
        print(f"      {'(cold page minus its panels, timed apart)':<40}"
              f"{entry['outside_panels_ms']:>9.1f}")
        for panel in entry["panels"]:
            note = f"  ERROR {panel['error']}" if panel["error"] else ""
            slow = panel.get("slowest_query_ms")
            if slow is not None:
                note += f"  (slowest query {slow:.1f} ms)"
            print(f"      {panel['key']:<32}{panel['queries']:>8}{panel['ms']:>9.1f}"
                  f"{panel['sql_ms']:>9.1f}   "
                  f"{earlier.get(panel['key'], '') if header else ''}{note}")
            if panel.get("explain"):
                print(f"        slow panel {panel['key']}: its slowest query "
                      f"({slow:.1f} ms):\n          {panel['slowest_query'][:600]}")
                for line in panel["explain"][:25]:
                    print(f"          | {line}")


# --- gunicorn and the load -----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict, workers: int, threads: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = VAR / "gunicorn.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "opsplan.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(workers), "--worker-class", "gthread",
             "--threads", str(threads), "--keep-alive", "30", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self) -> None:
        import requests

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                fail(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}", 1)
            try:
                if requests.get(self.base + BARE, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        fail(f"gunicorn did not answer {BARE} within 90 s; see {self.log_path}", 1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def db_sessions(personas: dict[str, str], per_persona: int) -> dict[str, list[str]]:
    """Session keys created in the database (as a sign-in would: force_login), so the clients
    need no password hashing; ``per_persona`` separate sessions per person."""
    import logging

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    logging.getLogger("axes").setLevel(logging.WARNING)
    keys: dict[str, list[str]] = {}
    for username in set(personas.values()):
        user = get_user_model().objects.get(username=username)
        keys[username] = []
        for _ in range(per_persona):
            client = Client()
            client.force_login(user)
            keys[username].append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    connection.close()
    return keys


def signed_in_session(base: str, username: str):
    """Signed in through the login form (used when no database session is given)."""
    import requests

    session = requests.Session()
    page = session.get(base + "/accounts/login/", timeout=30)
    match = CSRF.search(page.text)
    if not match:
        fail(f"no CSRF token on the login page ({page.status_code})", 1)
    response = session.post(base + "/accounts/login/", timeout=30, allow_redirects=False,
                            data={"username": username, "password": PASSWORD,
                                  "csrfmiddlewaretoken": match.group(1)},
                            headers={"Referer": base + "/accounts/login/"})
    if response.status_code != 302:
        fail(f"{username} could not sign in (status {response.status_code})", 1)
    return session


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(base: str, path: str, username: str | None, *, concurrency: int, warmup: float,
            duration: float, session_keys: list[str] | None = None) -> dict:
    """``concurrency`` closed-loop keep-alive clients on one page: a warm-up, then
    ``duration`` seconds measured. Signed-in clients use the given database sessions (one
    each), else sign in through the login form; the bare view's clients are anonymous."""
    import requests
    from django.conf import settings

    sessions = []
    for n in range(concurrency):
        if username and session_keys:
            session = requests.Session()
            session.cookies.set(settings.SESSION_COOKIE_NAME, session_keys[n],
                                domain="127.0.0.1", path="/")
        elif username:
            session = signed_in_session(base, username)
        else:
            session = requests.Session()
        sessions.append(session)
    lock = threading.Lock()
    times: list[float] = []
    errors: list[str] = []
    bytes_seen: list[int] = []
    begin = time.monotonic() + 0.2
    measure_from = begin + warmup
    stop_at = measure_from + duration

    def client(session):
        local, local_errors, size = [], [], 0
        while time.monotonic() < begin:
            time.sleep(0.01)
        while True:
            started = time.monotonic()
            if started >= stop_at:
                break
            t = time.perf_counter()
            try:
                response = session.get(base + path, timeout=60, allow_redirects=False)
                ok = response.status_code == 200
                note = f"{path} -> {response.status_code}"
                size = len(response.content)
            except requests.RequestException as exc:
                ok, note = False, f"{path} -> {exc.__class__.__name__}"
            seconds = time.perf_counter() - t
            if started >= measure_from:
                local.append(seconds)
                if not ok:
                    local_errors.append(note)
            elif not ok:
                local_errors.append(f"(warm-up) {note}")
        with lock:
            times.extend(local)
            errors.extend(local_errors)
            bytes_seen.append(size)

    threads = [threading.Thread(target=client, args=(s,), daemon=True) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for session in sessions:
        session.close()
    return {"path": path, "user": username, "requests": len(times), "seconds": duration,
            "rps": len(times) / duration,
            "p50_ms": percentile(times, 0.5) * 1000 if times else None,
            "p95_ms": percentile(times, 0.95) * 1000 if times else None,
            "mean_ms": statistics.fmean(times) * 1000 if times else None,
            "errors": len(errors), "error_samples": errors[:10],
            "bytes": max(bytes_seen or [0])}


# --- main ----------------------------------------------------------------------------------

def main() -> int:
    args = arguments()
    admin, url, name = database_urls(args.database_url)
    env = environment(url, args.redis_url)
    previous = None
    if (OUT / "pages.json").exists():
        try:
            previous = json.loads((OUT / "pages.json").read_text())
        except (OSError, ValueError):
            previous = None
    must_seed = prepare_database(admin, url, name, scale=args.scale, reuse=args.reuse)
    seeding = migrate_and_seed(args.scale, must_seed)

    counts = query_counts(PERSONAS, args.explain_ms)
    session_keys = db_sessions(PERSONAS, args.concurrency)
    print_query_counts(counts, previous if previous and previous.get("scale") != args.scale
                       else None)
    broken = [f"/dashboards/{k}/ -> {counts[k]['status']}" for k in PERSONAS
              if counts[k]["status"] != 200]
    if counts["bare"]["queries"] != 1:
        say(f"warning: the bare view made {counts['bare']['queries']} queries, not 1")

    server = Server(env, args.web_workers, args.threads)
    results = []
    try:
        server.wait_ready()
        say(f"gunicorn on {server.base}: {args.web_workers} workers x {args.threads} threads "
            f"(gthread, keep-alive); {args.concurrency} clients, {args.warmup:g} s warm-up + "
            f"{args.duration:g} s per page")
        plan = [("bare", BARE, None, 0)]
        for number in range(1, max(args.rounds, 1) + 1):
            plan += [(key, f"/dashboards/{key}/", PERSONAS[key], number)
                     for key in ("committee", "planning", "unit")]
            plan.append(("bare", BARE, None, number))
        for label, path, user, number in plan:
            result = measure(server.base, path, user, concurrency=args.concurrency,
                             warmup=args.warmup, duration=args.duration,
                             session_keys=session_keys.get(user) if user else None)
            result["label"], result["round"] = label, number
            results.append(result)
            p95 = f"{result['p95_ms']:.0f}" if result["p95_ms"] is not None else "-"
            say(f"  {label:<10} r{number} {path:<24} {result['requests']:>7,} requests "
                f"{result['rps']:8.1f} req/s  p95 {p95} ms  errors {result['errors']}")
    finally:
        server.stop()

    bare_runs = [r for r in results if r["path"] == BARE]
    bare_rps = statistics.fmean(r["rps"] for r in bare_runs) if bare_runs else 0.0
    # Each dashboard run against the bare runs just before and after it (its round), so a
    # machine whose speed drifts during the benchmark compares like with like; the median of
    # the rounds is the figure.
    bare_by_round = {r["round"]: r["rps"] for r in bare_runs}
    for result in results:
        if result["path"] != BARE:
            around = [bare_by_round.get(result["round"] - 1), bare_by_round.get(result["round"])]
            around = [rps for rps in around if rps]
            result["bare_rps"] = statistics.fmean(around) if around else bare_rps
            result["ratio"] = result["rps"] / result["bare_rps"] if result["bare_rps"] else None
    medians = {key: statistics.median(r["ratio"] for r in results
                                      if r["label"] == key and r["ratio"] is not None)
               for key in ("committee", "planning", "unit")
               if any(r["label"] == key and r["ratio"] is not None for r in results)}
    print()
    import psycopg

    with psycopg.connect(url) as db:
        pg_version = db.execute("SHOW server_version").fetchone()[0]
    print(f"=== dashboards against the bare one-query view (PostgreSQL {pg_version}, cache "
          f"{'Redis' if args.redis_url else 'files (embedded default)'}, "
          f"{os.cpu_count()} CPUs, scale {args.scale:g}, {args.concurrency} clients, "
          f"gunicorn {args.web_workers}x{args.threads} gthread) ===")
    print(f"{'round':<6}{'page':<26}{'user':<18}{'requests':>9}{'req/s':>9}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'errors':>8}{'queries':>9}{'ratio':>8}")
    for result in results:
        key = result["path"].strip("/").split("/")[-1]
        queries = counts.get(key, counts["bare"] if result["path"] == BARE else {}) \
            .get("queries", "")
        ratio = result.get("ratio")
        print(f"{result['round']:<6}{result['path']:<26}{result['user'] or '(anonymous)':<18}"
              f"{result['requests']:>9,}{result['rps']:>9.1f}"
              f"{result['p50_ms'] or 0:>9.1f}{result['p95_ms'] or 0:>9.1f}{result['errors']:>8}"
              f"{queries:>9}{'' if ratio is None else f'{ratio:.3f}':>8}")
    print(f"bare view: {bare_rps:.1f} req/s (mean of its {len(bare_runs)} runs: "
          + ", ".join(f"{r['rps']:.1f}" for r in bare_runs) + ")")
    for key, ratio in medians.items():
        verdict = "meets the goal" if ratio >= RATIO_GOAL else "BELOW the goal"
        rounds = [f"{r['ratio']:.3f}" for r in results if r["label"] == key]
        print(f"ratio {key:<10} median {ratio:.3f} of rounds {', '.join(rounds)}: "
              f"{verdict} (>= {RATIO_GOAL})")
        for result in results:
            if result["label"] == key:
                result["meets_goal"] = ratio >= RATIO_GOAL
    if seeding:
        print(f"seeding: {'reused (seeded earlier in' if seeding['reused'] else 'took'} "
              f"{seeding['seconds']:.0f} s{')' if seeding['reused'] else ''}; "
              + ", ".join(f"{k} {v:,}" for k, v in seeding["rows"].items()))
    total_errors = sum(r["errors"] for r in results)
    for result in results:
        for sample in result["error_samples"]:
            print(f"  error: {sample}")
    for problem in broken:
        print(f"  error (in-process): {problem}")

    OUT.mkdir(parents=True, exist_ok=True)
    report = {"scale": args.scale, "database": name, "postgresql": pg_version,
              "cpus": os.cpu_count(), "concurrency": args.concurrency,
              "duration": args.duration, "warmup": args.warmup,
              "gunicorn": {"workers": args.web_workers, "threads": args.threads,
                           "worker_class": "gthread"},
              "ratio_goal": RATIO_GOAL, "bare_rps": bare_rps, "pages": results,
              "ratio_median": medians, "rounds": args.rounds,
              "cache": "redis" if args.redis_url else "files",
              "in_process": counts, "seeding": seeding,
              "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    (OUT / "pages.json").write_text(json.dumps(report, indent=2, default=str))
    say(f"figures written to {OUT / 'pages.json'} (gunicorn log: {server.log_path})")
    return 1 if total_errors or broken else 0


if __name__ == "__main__":
    sys.exit(main())
