"""Real Celery processes (worker, beat) against Redis and the test database, for the tests that
need them (tests/opsplan/test_celery_services.py, tests/hardening/test_worker_faults.py, ...).

Each use gets its own queue name (and worker node name), so stale messages left in the Redis
database by an earlier run, or another worker on the same Redis, cannot interfere; the queue's
keys are deleted afterwards.
"""

import contextlib
import os
import re
import signal
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

ROOT = Path(__file__).resolve().parents[1]
STOP_TIMEOUT = 10
LOG_TAIL = 6000  # characters of each process's output quoted in a failure message
TASK_RECEIVED = re.compile(r"Task [\w.]+\[([0-9a-f-]{36})\] received")

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

    def __init__(self, tmp_path, redis_url, **env):
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
        self.env.update({key: str(value) for key, value in env.items()})
        self.started = 0
        self.killed: set[int] = set()

    def start(self, name, *args):
        self.started += 1
        log = self.tmp_path / f"{name}-{self.started}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "opsplan", *args],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.procs.append((name, proc, log))
        return proc

    def worker(self, pool="solo"):
        """A worker on this test's queue; ``pool="prefork"`` runs tasks in a child process
        (one), so that the child alone can be killed."""
        return self.start(
            "worker", "worker", "--pool", pool, "--concurrency", "1", "-l", "INFO",
            "-Q", self.queue, "-n", f"{self.queue}-{self.started + 1}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        )

    def kill(self, proc) -> None:
        """SIGKILL a process and its children (a worker and its pool), as the OOM killer or a
        pulled plug would: no clean-up, no acknowledgement."""
        self.killed.add(proc.pid)
        for child in children(proc.pid):
            _kill(child)
        _kill(proc.pid)
        proc.wait(timeout=STOP_TIMEOUT)

    def kill_pool_child(self, proc) -> bool:
        """SIGKILL only the pool process running the task (the worker itself survives and
        sees the child lost). False when the worker has no child (solo pool)."""
        kids = children(proc.pid)
        for child in kids:
            _kill(child)
        return bool(kids)

    def beat(self):
        return self.start(
            "beat", "beat", "-l", "INFO", "--max-interval", "1",
            "-S", "django_celery_beat.schedulers:DatabaseScheduler",
            f"--pidfile={self.tmp_path / 'beat.pid'}",
        )

    def check_alive(self):
        for name, proc, _log in self.procs:
            if proc.pid not in self.killed and proc.poll() is not None:
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


def children(pid: int) -> list[int]:
    """Child process ids of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def wait_until(predicate, processes, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        processes.check_alive()
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{processes.output()}",
                pytrace=False)
