"""Redis really stops while OpsPlan runs, and comes back.

A private redis-server (its own port, so nothing else on the machine is disturbed) serves as
broker, result backend and cache of a real gunicorn, worker and beat, all on the test's
PostgreSQL database. While it is down: pages and API reads are served, /healthz says
"degraded", and a write whose follow-up work goes through Celery succeeds with that work kept
in the outbox. When Redis is back, beat's outbox flush sends the work and the worker does it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import sys
import time

import pytest
import requests
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from rest_framework.authtoken.models import Token

from kpis.choices import Aggregation, Frequency
from kpis.models import Indicator, Rollup
from opsplan.models import OutboxTask
from tests.conftest import require_service
from tests.services import ROOT, CeleryProcesses, wait_until

pytestmark = [pytest.mark.services]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, tmp_path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            require_service("redis-server (Debian package redis-server)")
        self.port = free_port()
        self.tmp_path = tmp_path
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail("the private redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Web:
    """gunicorn serving OpsPlan on a free loopback port."""

    def __init__(self, procs: CeleryProcesses):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        log = procs.tmp_path / "gunicorn.log"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "opsplan.wsgi", "--bind",
                 f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "30"],
                cwd=ROOT, env=procs.env, stdout=out, stderr=subprocess.STDOUT)
        procs.procs.append(("gunicorn", self.proc, log))
        wait_until(self.answers, procs, 60, "gunicorn to answer")

    def answers(self):
        try:
            requests.get(self.base + "/healthz", timeout=10)
            return True
        except requests.RequestException:
            # Not listening yet, or a worker still importing Django on a loaded machine.
            return False


def test_web_app_serves_and_keeps_work_while_redis_is_down(postgres, transactional_db, tmp_path,
                                                           author, planning_department):
    redis = PrivateRedis(tmp_path)
    redis.start()
    procs = CeleryProcesses(tmp_path, f"{redis.url}/0", REDIS_URL=f"{redis.url}/1",
                            CELERY_RESULT_BACKEND=f"{redis.url}/0")
    indicator = Indicator.objects.create(
        code="outage", name_en="Outage revenue", name_zh="停机收入", unit="CNY",
        frequency=Frequency.MONTHLY, aggregation=Aggregation.SUM,
        owner_department=planning_department)
    every_two_seconds, _ = IntervalSchedule.objects.get_or_create(
        every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="flush outbox (outage test)",
        defaults={"task": "opsplan.flush_outbox", "interval": every_two_seconds})
    PeriodicTask.objects.exclude(name="flush outbox (outage test)").update(enabled=False)
    token = Token.objects.create(user=author).key
    browser = Client()
    browser.force_login(author)
    session = requests.Session()
    session.cookies.set("sessionid", browser.cookies["sessionid"].value)
    api = {"Authorization": f"Token {token}"}
    try:
        web = Web(procs)
        procs.start("worker", "worker", "--pool", "solo", "-l", "INFO", "-Q", "celery",
                    "--without-gossip", "--without-mingle", "--without-heartbeat")
        procs.start("beat", "beat", "-l", "INFO", "--max-interval", "1",
                    f"--pidfile={tmp_path / 'beat.pid'}")

        health = requests.get(web.base + "/healthz", timeout=10).json()
        assert health["status"] == "ok", health

        redis.stop()

        health_response = requests.get(web.base + "/healthz", timeout=10)
        health = health_response.json()
        assert health_response.status_code == 200 and health["status"] == "degraded", health
        for path in ("/", "/plans/", "/kpis/", f"/kpis/indicators/{indicator.code}/"):
            page = session.get(web.base + path, timeout=10, allow_redirects=False)
            assert page.status_code == 200, (path, page.status_code, page.text[:500])
        for path in ("/api/v1/plans/", "/api/v1/kpis/indicators/", "/api/v1/kpis/rollups/"):
            read = requests.get(web.base + path, headers=api, timeout=10)
            assert read.status_code == 200, (path, read.status_code, read.text[:500])

        period = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        written = requests.post(
            web.base + "/api/v1/kpis/measurements/bulk/", headers=api, timeout=20,
            json={"rows": [{"indicator": "outage", "department": planning_department.code,
                            "period": period.isoformat(), "value": "1250.50"}]})
        assert written.status_code == 201, written.text
        assert OutboxTask.objects.filter(task_name="kpis.rollup_incremental").count() == 1
        assert not Rollup.objects.filter(indicator=indicator).exists()
        assert requests.get(web.base + "/healthz", timeout=10).json()["outbox"]["pending"] == 1

        redis.start()  # the same port: every process reconnects by itself

        wait_until(lambda: Rollup.objects.filter(indicator=indicator, grain="month").exists(),
                   procs, 90, "the queued rollup to run once Redis is back")
        assert not OutboxTask.objects.exists()
        month = Rollup.objects.get(indicator=indicator, grain="month")
        assert str(month.value) in ("1250.50", "1250.5000") and month.period_start == period
        wait_until(lambda: requests.get(web.base + "/healthz", timeout=10).json()["status"]
                   == "ok", procs, 30, "/healthz to say ok again")
    finally:
        procs.stop()
        redis.stop()
