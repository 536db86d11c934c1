"""Two beats started by mistake: only the one holding the lock sends scheduled work."""

import pytest

from opsplan.beat import FileLock, RedisLock


def test_file_lock_admits_one_beat(tmp_path):
    first, second = FileLock(tmp_path / "beat.lock"), FileLock(tmp_path / "beat.lock")
    assert first.acquire()
    assert first.acquire()  # still ours
    assert not second.acquire()
    first.release()
    assert second.acquire()


def test_redis_lock_admits_one_beat_and_passes_on(redis_url):
    from opsplan.beat import LOCK_KEY

    first, second = RedisLock(redis_url, ttl_seconds=5), RedisLock(redis_url, ttl_seconds=5)
    first.client.delete(LOCK_KEY)
    try:
        assert first.acquire()
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
        assert not first.acquire()
    finally:
        second.release()


@pytest.mark.django_db
def test_scheduler_without_the_lock_sends_nothing(monkeypatch, tmp_path, settings):
    from opsplan import beat

    settings.VAR_DIR = tmp_path
    settings.CELERY_BROKER_URL = "filesystem://"
    holder = FileLock(tmp_path / "celerybeat.lock")
    assert holder.acquire()
    sent = []
    monkeypatch.setattr(beat.DatabaseScheduler, "tick", lambda self, *a, **k: sent.append(1))
    monkeypatch.setattr(beat.DatabaseScheduler, "__init__", lambda self, *a, **k: None)
    scheduler = beat.SingleBeatScheduler()
    scheduler.max_interval = 5
    assert scheduler.tick() == 5
    assert sent == []
    holder.release()
    scheduler.tick()
    assert sent == [1]


# --- a scheduled run while the broker is down is kept, not lost ---------------------------------

class _Entry:
    def __init__(self, task):
        self.task, self.args, self.kwargs = task, [3], {"since": "2026-01-01"}


def _refusing_broker(monkeypatch):
    from django_celery_beat.schedulers import DatabaseScheduler

    def refuse(self, entry, producer=None, advance=True, **kwargs):
        raise ConnectionRefusedError("broker down")
    monkeypatch.setattr(DatabaseScheduler, "apply_async", refuse)


@pytest.mark.django_db
def test_a_scheduled_run_the_broker_refuses_waits_in_the_outbox(monkeypatch):
    from opsplan.beat import SingleBeatScheduler
    from opsplan.models import OutboxTask

    _refusing_broker(monkeypatch)
    scheduler = object.__new__(SingleBeatScheduler)
    assert scheduler.apply_async(_Entry("kpis.remind_stale")) is None
    kept = OutboxTask.objects.get()
    assert (kept.task_name, kept.args, kept.kwargs) == ("kpis.remind_stale", [3],
                                                        {"since": "2026-01-01"})


@pytest.mark.django_db
@pytest.mark.parametrize("task", ["opsplan.flush_outbox", "opsplan.heartbeat"])
def test_runs_that_repeat_by_themselves_are_not_kept(monkeypatch, task):
    from opsplan.beat import SingleBeatScheduler
    from opsplan.models import OutboxTask

    _refusing_broker(monkeypatch)
    scheduler = object.__new__(SingleBeatScheduler)
    with pytest.raises(ConnectionRefusedError):
        scheduler.apply_async(_Entry(task))
    assert not OutboxTask.objects.exists()
