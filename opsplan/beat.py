"""Exactly one beat sends scheduled work, even if a second one is started by mistake.

``SingleBeatScheduler`` is django-celery-beat's DatabaseScheduler that only ticks while it
holds a lock: in Redis when the broker is Redis (shared by every machine), else a file lock in
the var folder (the embedded set-up runs on one machine). A beat that cannot get the lock waits
and takes over when the holder stops.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import uuid
from pathlib import Path

from django_celery_beat.schedulers import DatabaseScheduler

LOCK_KEY = "opsplan:beat-lock"
logger = logging.getLogger(__name__)
# Scheduled work that is sent again on the next tick anyway: never kept in the outbox.
NOT_KEPT = {"opsplan.flush_outbox", "opsplan.heartbeat"}


class RedisLock:
    def __init__(self, url: str, ttl_seconds: int = 30):
        import redis

        self.client = redis.Redis.from_url(url)
        self.ttl_ms = ttl_seconds * 1000
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"

    def acquire(self) -> bool:
        """Take the lock, or extend it if this process holds it already."""
        if self.client.set(LOCK_KEY, self.token, nx=True, px=self.ttl_ms):
            return True
        holder = self.client.get(LOCK_KEY)
        if holder is not None and holder.decode() == self.token:
            self.client.pexpire(LOCK_KEY, self.ttl_ms)
            return True
        return False

    def release(self) -> None:
        try:
            holder = self.client.get(LOCK_KEY)
            if holder is not None and holder.decode() == self.token:
                self.client.delete(LOCK_KEY)
        except Exception:  # unreachable: the lock expires by itself
            logger.warning("beat lock not released (Redis unreachable); it expires by itself")


class FileLock:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "a+")  # noqa: SIM115 - held for the life of the process
        self.held = False

    def acquire(self) -> bool:
        if not self.held:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.held = True
            except BlockingIOError:
                return False
        return True

    def release(self) -> None:
        if self.held:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.held = False


def beat_lock():
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        return RedisLock(url)
    return FileLock(Path(settings.VAR_DIR) / "celerybeat.lock")


class SingleBeatScheduler(DatabaseScheduler):
    """DatabaseScheduler that sends only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self._lock = beat_lock()
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        try:
            held = self._lock.acquire()
        except Exception as exc:  # Redis unreachable: keep running, try again shortly
            logger.warning("beat lock unreachable (%s); retrying", exc)
            return min(self.max_interval, 5)
        if not held:
            return min(self.max_interval, 5)  # another beat is active: wait, then try again
        return super().tick(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        """Send a due entry; when the broker cannot take it, keep it in the outbox (sent by
        the next flush once the broker is back) instead of losing this run."""
        try:
            return super().apply_async(entry, producer, advance, **kwargs)
        except Exception as exc:
            if entry.task in NOT_KEPT:
                raise
            from opsplan.models import OutboxTask

            OutboxTask.objects.create(task_name=entry.task, args=list(entry.args or []),
                                      kwargs=dict(entry.kwargs or {}), attempts=1,
                                      last_error=f"beat: {exc.__class__.__name__}")
            logger.warning("broker unreachable, scheduled %s kept in the outbox", entry.task)
            return None

    def close(self):
        try:
            super().close()
        finally:
            self._lock.release()
