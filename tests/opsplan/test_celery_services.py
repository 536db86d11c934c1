"""Real Celery processes against Redis: a worker answers ``opsplan.ping``; beat, driven by
django-celery-beat's DatabaseScheduler, gets ``opsplan.heartbeat`` run by a worker.

Each test gets its own queue name (and worker node name), so stale messages left in the Redis
database by an earlier run, or another worker on the same Redis, cannot interfere; the queue's
keys are deleted afterwards.
"""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from opsplan.models import ServiceHeartbeat
from tests.services import wait_until

pytestmark = pytest.mark.services


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
