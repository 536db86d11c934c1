"""Mixed-workload load test: gunicorn + PostgreSQL + Redis + a Celery worker, loopback only.

Run (10 minutes, the documented figure):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py
CI runs the 60-second version: ``bench/load.py --duration 60``.

The database named in DATABASE_URL is never touched: the benchmark creates ``opsplan_load`` on
the same server (dropping a leftover one), migrates and seeds it with the demo company, and
drops it at the end. Redis databases 12 (cache) and 13 (broker, results) are flushed first.

Four kinds of user run at once, each as closed-loop virtual users (no think time, so the
figures are what the stack holds at saturation on this machine):

* browser staff (planning specialists): signed-in pages: home, plan list, plan pages, the KPI
  catalogue and indicator pages, notifications;
* committee members: the decisions page, plans at committee approval, the decisions API;
* business units (unit heads): their plans, and the measurement form (POST with CSRF), which
  stores a value and queues a rollup for the worker;
* integrations (API token): reads of plans and rollups, and bulk measurement uploads with an
  Idempotency-Key, which queue rollups too.

Printed: requests/s held, p50/p95/p99 per endpoint group, error rate (goal 0: any 5xx,
timeout, or an unexpected status counts), and the worker's queue lag (a ping task sent every
two seconds through the same queue: time until its result; and the queue length). The
baseline, measured in the same run by the same virtual users, is ``/healthz`` (one database
query and a broker check), so the ratio says what the real pages cost against a bare request.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOAD_DB = "opsplan_load"
REDIS = os.environ.get("OPSPLAN_LOAD_REDIS", "redis://127.0.0.1:6379")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message: str) -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    print(f"load: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


# --- the stack ---------------------------------------------------------------------------------

def database_urls() -> tuple[str, str]:
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw.startswith(("postgres://", "postgresql://")):
        fail("DATABASE_URL must name a PostgreSQL server, e.g. "
             "DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(raw)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres", query=""))
    load = urlunsplit(parts._replace(path=f"/{LOAD_DB}", query=""))
    return admin, load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, database_url: str, workers: int, tmp: Path):
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(12)
        self.env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": database_url,
                    "CELERY_BROKER_URL": f"{REDIS}/13", "CELERY_RESULT_BACKEND": f"{REDIS}/13",
                    "REDIS_URL": f"{REDIS}/12", "CELERY_TASK_ALWAYS_EAGER": "0",
                    "OPSPLAN_VAR_DIR": str(tmp / "var"), "AXES_ENABLED": "0",
                    "API_THROTTLE_USER": "1000000/hour", "DJANGO_SECRET_KEY":
                    os.environ.get("DJANGO_SECRET_KEY", secrets.token_urlsafe(40)),
                    "PYTHONUNBUFFERED": "1"}
        self.workers = workers
        self.procs: list[subprocess.Popen] = []

    def manage(self, *args) -> str:
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True)
        if done.returncode:
            fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def spawn(self, name: str, *cmd: str) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True))

    def start(self) -> None:
        self.spawn("gunicorn", PYTHON, "-m", "gunicorn", "opsplan.wsgi", "--bind",
                   f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "60")
        self.spawn("worker", PYTHON, "-m", "celery", "-A", "opsplan", "worker", "-l", "WARNING",
                   "--concurrency", "2", "--without-gossip", "--without-mingle")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=2).json()["status"] == "ok":
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.3)
        fail(f"gunicorn did not become healthy; see {self.tmp}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def prepare_database(admin: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {LOAD_DB}")


def drop_database(admin: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")


def flush_redis() -> None:
    import redis

    for db in (12, 13):
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()


def world(stack: Stack) -> dict:
    """What the virtual users need: people by kind, plans, indicators they may record."""
    script = """
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from committee.selectors import roles_of
from kpis.models import Indicator
from kpis.models import Measurement
from plans.models import Plan
from plans.selectors import visible_plans
from committee.models import Department
User = get_user_model()
def recordable(user):
    out = []
    for i in Indicator.objects.filter(is_active=True, frequency="monthly"):
        for d in Department.objects.filter(is_active=True):
            if user.has_perm("kpis.record_measurement", Measurement(indicator=i, department=d)):
                out.append([i.code, d.code, i.frequency])
    return out
people = {
  "staff": ["planning.spec1", "planning.spec2", "planning.spec3"],
  "committee": ["chair", "sales.head", "product.head", "finance.head"],
  "unit": ["sales.head", "marketing.head", "product.head", "service.head"],
}
integration = User.objects.get(username="erp.integration")
print(json.dumps({
  "people": people,
  "recordable": {u: recordable(User.objects.get(username=u)) for u in people["unit"]},
  "token": Token.objects.get_or_create(user=integration)[0].key,
  "api_recordable": recordable(integration),
  "plans": {u: list(visible_plans(User.objects.get(username=u)).values_list("pk", flat=True))
            for names in people.values() for u in names},
  "committee_plans": list(Plan.objects.filter(state="committee_approval")
                          .values_list("pk", flat=True)),
  "indicators": list(Indicator.objects.filter(is_active=True).values_list("code", flat=True)),
}))
"""
    data = json.loads(stack.manage("shell", "-c", script).strip().splitlines()[-1])
    if not data["api_recordable"]:
        fail("the integration account may record no indicator in the demo data")
    return data


# --- measuring ---------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def add(self, group: str, seconds: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.times[group].append(seconds)
            if not ok:
                self.errors[group] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{group}: {note}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class VirtualUser(threading.Thread):
    def __init__(self, kind, username, stack, data, stats, stop, seed):
        super().__init__(daemon=True)
        self.kind, self.username, self.stack, self.data = kind, username, stack, data
        self.stats, self.stop_at, self.random = stats, stop, random.Random(seed)
        self.http = requests.Session()
        self.base = stack.base
        self.plans = data["plans"].get(username) or []

    def call(self, group, method, path, expect=(200,), **kwargs):
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=30,
                                         allow_redirects=False, **kwargs)
            ok = response.status_code in expect
            note = f"{method} {path} -> {response.status_code}"
        except requests.RequestException as exc:
            response, ok, note = None, False, f"{method} {path} -> {exc.__class__.__name__}"
        self.stats.add(group, time.perf_counter() - started, ok, note)
        return response

    def login(self):
        page = self.http.get(self.base + "/accounts/login/", timeout=30)
        token = CSRF.search(page.text).group(1)
        response = self.http.post(self.base + "/accounts/login/", timeout=30,
                                  data={"username": self.username,
                                        "password": self.stack.password,
                                        "csrfmiddlewaretoken": token},
                                  headers={"Referer": self.base + "/accounts/login/"},
                                  allow_redirects=False)
        if response.status_code != 302:
            fail(f"{self.username} could not sign in ({response.status_code})")

    def run(self):
        if self.kind == "integration":
            self.http.headers["Authorization"] = f"Token {self.data['token']}"
        elif self.kind != "baseline":
            self.login()
        while time.monotonic() < self.stop_at:
            getattr(self, f"step_{self.kind}")()

    # one step of each kind of user
    def step_baseline(self):
        self.call("baseline /healthz", "GET", "/healthz")

    def step_staff(self):
        r = self.random
        choice = r.random()
        if choice < 0.25 and self.plans:
            self.call("pages: plans", "GET", f"/plans/{r.choice(self.plans)}/")
        elif choice < 0.45:
            self.call("pages: plans", "GET", "/plans/")
        elif choice < 0.60:
            self.call("pages: home", "GET", "/")
        elif choice < 0.80:
            self.call("pages: kpis", "GET",
                      f"/kpis/indicators/{r.choice(self.data['indicators'])}/")
        elif choice < 0.90:
            self.call("pages: kpis", "GET", "/kpis/")
        else:
            self.call("pages: home", "GET", "/notifications/")

    def step_committee(self):
        r = self.random
        choice = r.random()
        if choice < 0.4:
            self.call("pages: committee", "GET", "/organisation/decisions/")
        elif choice < 0.7 and self.data["committee_plans"]:
            self.call("pages: plans", "GET", f"/plans/{r.choice(self.data['committee_plans'])}/")
        else:
            self.call("api: read", "GET", "/api/v1/committee/decisions/")

    def step_unit(self):
        r = self.random
        recordable = self.data["recordable"].get(self.username) or []
        if recordable and r.random() < 0.3:
            code, department, _frequency = r.choice(recordable)
            form = self.http.get(self.base + "/kpis/data/new/", timeout=30)
            match = CSRF.search(form.text)
            if not match:
                self.stats.add("pages: write", 0.0, False, "no CSRF token on the form")
                return
            day = f"{r.randint(2019, 2025)}-{r.randint(1, 12):02d}-01"
            self.call("pages: write", "POST", "/kpis/data/new/", expect=(302,),
                      data={"csrfmiddlewaretoken": match.group(1), "indicator": code,
                            "department": department, "period": day,
                            "value": f"{r.randint(1, 10**6)}.{r.randint(0, 99):02d}",
                            "reason": "Load test correction"},
                      headers={"Referer": self.base + "/kpis/data/new/"})
        elif r.random() < 0.6:
            self.call("pages: plans", "GET", "/plans/")
        elif self.plans:
            self.call("pages: plans", "GET", f"/plans/{r.choice(self.plans)}/")

    def step_integration(self):
        r = self.random
        choice = r.random()
        if choice < 0.3:
            rows = []
            for _ in range(r.randint(1, 50)):
                code, department, _frequency = r.choice(self.data["api_recordable"])
                rows.append({"indicator": code, "department": department,
                             "period": f"{r.randint(2015, 2025)}-{r.randint(1, 12):02d}-01",
                             "value": str(r.randint(0, 10**6)), "reason": "Load test"})
            # one row per natural key: a batch may not name a key twice
            unique = {(x["indicator"], x["department"], x["period"]): x for x in rows}
            self.call("api: write", "POST", "/api/v1/kpis/measurements/bulk/",
                      expect=(201,), json={"rows": list(unique.values())},
                      headers={"Idempotency-Key": uuid.uuid4().hex})
        elif choice < 0.65:
            self.call("api: read", "GET", "/api/v1/plans/")
        else:
            self.call("api: read", "GET", "/api/v1/kpis/rollups/?page_size=50")


def queue_lag(stack: Stack, stop_at: float, lags: list, lengths: list) -> None:
    """Every two seconds: a ping through the worker's queue, timed until its result."""
    import redis
    from celery import Celery

    # Celery prefers CELERY_BROKER_URL & co. from the environment to the URLs given here (as
    # tests/services.py's celery_client knows); CI exports them for the test suite, so take
    # them out of the way or the pings go to the suite's broker, which no worker here reads.
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL",
                 "CELERY_RESULT_BACKEND"):
        os.environ.pop(name, None)
    client = Celery("load-probe", broker=f"{REDIS}/13", backend=f"{REDIS}/13",
                    set_as_current=False)
    queue = redis.Redis.from_url(f"{REDIS}/13")
    while time.monotonic() < stop_at:
        lengths.append(queue.llen("celery"))
        started = time.perf_counter()
        try:
            client.send_task("opsplan.ping").get(timeout=120)
            lags.append(time.perf_counter() - started)
        except Exception as exc:
            lags.append(float("inf"))
            say(f"queue-lag probe lost: {exc!r}")
        time.sleep(max(0.0, 2 - (time.perf_counter() - started)))
    client.close()


def run_phase(kinds: dict[str, list[str]], stack, data, seconds) -> tuple[Stats, float]:
    stats = Stats()
    stop_at = time.monotonic() + seconds
    users = [VirtualUser(kind, name, stack, data, stats, stop_at, seed=i)
             for i, (kind, name) in enumerate((k, n) for k, names in kinds.items()
                                              for n in names)]
    started = time.monotonic()
    for user in users:
        user.start()
    for user in users:
        user.join()
    return stats, time.monotonic() - started


def report(stats: Stats, elapsed: float, baseline_rate: float, lags, lengths) -> dict:
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    rate = total / elapsed
    say(f"\nMixed workload: {total:,} requests in {elapsed:.0f} s = {rate:,.1f} req/s "
        f"({rate / baseline_rate:.2f} x the /healthz baseline of {baseline_rate:,.1f} req/s); "
        f"error rate {errors / max(total, 1):.3%} ({errors} errors)")
    say(f"{'endpoint group':<20}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}")
    groups = {}
    for group in sorted(stats.times):
        times = stats.times[group]
        row = {"requests": len(times), "rps": len(times) / elapsed,
               "p50": percentile(times, 0.5) * 1000, "p95": percentile(times, 0.95) * 1000,
               "p99": percentile(times, 0.99) * 1000, "errors": stats.errors[group]}
        groups[group] = row
        say(f"{group:<20}{row['requests']:>10,}{row['rps']:>9.1f}{row['p50']:>9.0f}"
            f"{row['p95']:>9.0f}{row['p99']:>9.0f}{row['errors']:>8}")
    finite = [lag for lag in lags if lag != float("inf")]
    lost = len(lags) - len(finite)
    if lags and not finite:
        say(f"Worker queue lag: all {lost} probes lost (see var/load/worker.log)")
    if finite:
        say(f"Worker queue lag (ping through the queue, {len(lags)} probes): "
            f"p50 {statistics.median(finite) * 1000:.0f} ms, "
            f"p95 {percentile(finite, 0.95) * 1000:.0f} ms, max {max(finite) * 1000:.0f} ms; "
            f"queue length max {max(lengths or [0])}; probes lost {lost}")
    for sample in stats.samples:
        say(f"  error: {sample}")
    return {"requests": total, "seconds": elapsed, "rps": rate, "errors": errors,
            "baseline_rps": baseline_rate, "groups": groups,
            "queue_lag_ms": {"p50": statistics.median(finite) * 1000 if finite else None,
                             "p95": percentile(finite, 0.95) * 1000 if finite else None,
                             "max": max(finite) * 1000 if finite else None, "lost": lost},
            "queue_length_max": max(lengths or [0])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=600, help="seconds of mixed load")
    parser.add_argument("--baseline", type=int, default=15, help="seconds of /healthz load")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the opsplan_load database")
    parser.add_argument("--max-error-rate", type=float, default=0.0,
                        help="exit 1 when the error rate is above this (default 0)")
    args = parser.parse_args()

    admin, database_url = database_urls()
    tmp = ROOT / "var" / "load"
    tmp.mkdir(parents=True, exist_ok=True)
    prepare_database(admin)
    flush_redis()
    stack = Stack(database_url, args.web_workers, tmp)
    say(f"Preparing {LOAD_DB}: migrate and seed the demo company ...")
    stack.manage("migrate", "--no-input")
    stack.manage("seed_demo", "--password", stack.password)
    data = world(stack)
    try:
        stack.start()
        kinds = {"staff": data["people"]["staff"], "committee": data["people"]["committee"],
                 "unit": data["people"]["unit"], "integration": ["erp.integration"] * 3}
        users = sum(len(v) for v in kinds.values())
        say(f"Stack: gunicorn ({args.web_workers} workers) + PostgreSQL + Redis + Celery worker "
            f"on {stack.base}; {users} virtual users")
        baseline, baseline_elapsed = run_phase({"baseline": ["-"] * users}, stack, data,
                                               args.baseline)
        baseline_rate = len(baseline.times["baseline /healthz"]) / baseline_elapsed
        say(f"Baseline: /healthz {baseline_rate:,.1f} req/s, p50 "
            f"{percentile(baseline.times['baseline /healthz'], 0.5) * 1000:.0f} ms")
        lags, lengths = [], []
        probe = threading.Thread(target=queue_lag, daemon=True,
                                 args=(stack, time.monotonic() + args.duration, lags, lengths))
        probe.start()
        stats, elapsed = run_phase(kinds, stack, data, args.duration)
        probe.join(timeout=150)
        figures = report(stats, elapsed, baseline_rate, lags, lengths)
        (tmp / "load.json").write_text(json.dumps(figures, indent=2))
        say(f"Figures written to {tmp / 'load.json'}")
    finally:
        stack.stop()
        if not args.keep:
            drop_database(admin)
    rate = figures["errors"] / max(figures["requests"], 1)
    return 1 if rate > args.max_error_rate or figures["queue_lag_ms"]["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
