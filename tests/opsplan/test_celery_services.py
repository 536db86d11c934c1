"""Real Celery processes against Redis: a worker answers ``opsplan.ping``; beat, driven by
django-celery-beat's DatabaseScheduler, gets ``opsplan.heartbeat`` run by a worker.

Each test gets its own queue name (and worker node name), so stale messages left in the Redis
database by an earlier run, or another worker on the same Redis, cannot interfere; the queue's
keys are deleted afterwards.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import redis
from celery import Celery
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from opsplan.models import ServiceHeartbeat

ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 10
LOG_TAIL = 6000  # characters of each process's output quoted in a failure message
TASK_RECEIVED = re.compile(r"Task [\w.]+\[([0-9a-f-]{36})\] received")

pytestmark = pytest.mark.services


def database_url_for_subprocess(tmp_path) -> str:
    """The database pytest-django created, as a DATABASE_URL another process can use.

    On SQLite the test database lives in this process's memory, which no other process can
    reach; a throwaway file then stands in (the ping task never touches the database).
    """
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s["HOST"] or "", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    url = f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{quote(s['NAME'])}"
    options = {k: v for k, v in (s.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    return f"{url}?{urlencode(options)}" if options else url


class CeleryProcesses:
    """Starts ``celery -A opsplan …`` subprocesses and always stops them again."""

    def __init__(self, tmp_path, redis_url):
        self.tmp_path = tmp_path
        self.redis_url = redis_url
        self.queue = f"opsplan-test-{uuid.uuid4().hex[:12]}"
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "opsplan.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url_for_subprocess(tmp_path),
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "OPSPLAN_VAR_DIR": str(tmp_path / "var"),
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }
        for name in ("CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL", "REDIS_URL"):
            self.env.pop(name, None)

    def start(self, name, *args):
        log = self.tmp_path / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "opsplan", *args],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.procs.append((name, proc, log))
        return proc

    def worker(self):
        return self.start(
            "worker", "worker", "--pool", "solo", "--concurrency", "1", "-l", "INFO",
            "-Q", self.queue, "-n", f"{self.queue}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        )

    def beat(self):
        return self.start(
            "beat", "beat", "-l", "INFO", "--max-interval", "1",
            "-S", "django_celery_beat.schedulers:DatabaseScheduler",
            f"--pidfile={self.tmp_path / 'beat.pid'}",
        )

    def check_alive(self):
        for name, proc, _log in self.procs:
            if proc.poll() is not None:
                pytest.fail(f"celery {name} exited with {proc.returncode}\n{self.output()}",
                            pytrace=False)

    def output(self) -> str:
        parts = []
        for name, proc, log in self.procs:
            text = log.read_text(errors="replace") if log.exists() else ""
            parts.append(f"--- celery {name} (pid {proc.pid}, exit {proc.poll()}) ---\n"
                         f"{text[-LOG_TAIL:]}")
        return "\n".join(parts)

    def stop(self):
        for _name, proc, _log in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for _name, proc, _log in self.procs:
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=STOP_TIMEOUT)

    def forget_queue(self):
        """Delete this test's queue, bindings and task results from Redis (nothing else)."""
        task_ids = set()
        for _name, _proc, log in self.procs:
            if log.exists():
                task_ids.update(TASK_RECEIVED.findall(log.read_text(errors="replace")))
        client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
        try:
            keys = list(client.scan_iter(match=f"*{self.queue}*", count=500))
            keys += [f"celery-task-meta-{task_id}" for task_id in task_ids]
            if keys:
                client.delete(*keys)
        finally:
            client.close()


@pytest.fixture
def celery_processes(transactional_db, redis_url, tmp_path):
    # transactional_db is requested first so it is torn down last: the processes are stopped
    # before pytest-django flushes tables they may still hold connections to.
    processes = CeleryProcesses(tmp_path, redis_url)
    try:
        yield processes
    finally:
        processes.stop()
        processes.forget_queue()


@pytest.fixture
def celery_client(redis_url, monkeypatch):
    """A Celery client app of this process's own, pointed at the test Redis.

    Celery lets CELERY_BROKER_URL/CELERY_RESULT_BACKEND in the environment win over any
    configuration, so they are removed here for the duration of the test.
    """
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL",
                 "CELERY_RESULT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    client = Celery("opsplan-test-client", broker=redis_url, backend=redis_url,
                    set_as_current=False)
    client.conf.update(task_always_eager=False, broker_connection_retry_on_startup=False)
    try:
        yield client
    finally:
        client.close()


def wait_until(predicate, processes, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        processes.check_alive()
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{processes.output()}",
                pytrace=False)


def test_worker_runs_ping_and_returns_pong(celery_processes, celery_client):
    celery_processes.worker()

    result = celery_client.send_task("opsplan.ping", queue=celery_processes.queue)
    try:
        wait_until(result.ready, celery_processes, 45, "the worker to run opsplan.ping")
        assert result.successful(), f"{result.state}: {result.result}\n" + (
            celery_processes.output())
        assert result.get(timeout=5) == "pong"
    finally:
        result.forget()


def test_beat_with_database_scheduler_drives_the_heartbeat(postgres, celery_processes):
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="beat-test heartbeat", task="opsplan.heartbeat", interval=every_second,
        kwargs='{"name": "beat-test"}', queue=celery_processes.queue,
    )
    # Only this test's entry may fire: the schedule the migrations install (the real "beat"
    # heartbeat) would otherwise send to the default queue, where no test worker listens.
    PeriodicTask.objects.exclude(name="beat-test heartbeat").update(enabled=False)
    assert not ServiceHeartbeat.objects.filter(name="beat-test").exists()

    celery_processes.worker()
    celery_processes.beat()

    wait_until(ServiceHeartbeat.objects.filter(name="beat-test").exists, celery_processes, 60,
               "the beat-scheduled opsplan.heartbeat to record 'beat-test'")
    output = celery_processes.output()
    assert "DatabaseScheduler" in output, output
