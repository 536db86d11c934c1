"""The worker-fault harness: every Celery task survives a worker dying under it.

The scenarios live beside each app's tests (``tests/<app>/faults.py``) and are discovered by
``tests/hardening/faults.py``; a task without a scenario or a stated exemption fails
``test_every_task_has_a_fault_scenario``. See that module for what each kind proves.

The killed-worker runs need PostgreSQL (the worker is another process and must see the test's
committed data) and Redis (the broker and the result backend, where the task reports its
progress, which is how the harness knows it is in the middle of its work).
"""

from __future__ import annotations

import time

import pytest

from tests.hardening.faults import Killed, Redelivered, celery_app, discover, registered_tasks
from tests.services import CeleryProcesses, wait_until

SCENARIOS, EXEMPT = discover()
KILLED = [s for s in SCENARIOS if isinstance(s, Killed)]
REDELIVERED = [s for s in SCENARIOS if isinstance(s, Redelivered)]
VISIBILITY_TIMEOUT = 8  # seconds before a dead worker's unacknowledged message is redelivered


def test_every_task_has_a_fault_scenario():
    tasks = registered_tasks()
    covered = {s.task for s in SCENARIOS}
    missing = sorted(tasks - covered - set(EXEMPT))
    assert not missing, (
        "Celery tasks outside the worker-fault harness: add a Killed or Redelivered scenario "
        "(or an EXEMPT entry with the reason) to tests/<app>/faults.py:\n  "
        + "\n  ".join(missing))
    stale = sorted((covered | set(EXEMPT)) - tasks)
    assert not stale, f"scenarios for tasks that no longer exist: {stale}"


def test_killed_tasks_may_be_re_run_by_the_broker():
    app = celery_app()
    for scenario in KILLED:
        task = app.tasks[scenario.task]
        assert task.acks_late, f"{scenario.task}: acks_late, or a killed run is lost"
        assert task.reject_on_worker_lost, (
            f"{scenario.task}: reject_on_worker_lost, or a lost child's message is dropped")


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", REDELIVERED, ids=lambda s: s.id)
def test_a_redelivered_task_changes_nothing_the_second_time(scenario, request, settings):
    app = celery_app()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run = scenario.prepare(request)
    task = app.tasks[scenario.task]
    first = task.apply(args=run.args, kwargs=run.kwargs)
    assert first.successful(), first.traceback
    after_first = run.state()
    second = task.apply(args=run.args, kwargs=run.kwargs)
    assert second.successful(), second.traceback
    assert run.state() == after_first, f"{scenario.task} duplicated or changed its work"
    run.check()


def _in_the_middle(result, share) -> bool:
    """The task reported progress past ``share`` of its work and has work left (a fresh
    report: the harness forgets the state after each kill)."""
    if result.state != "PROGRESS":
        return False
    meta = result.info or {}
    done, total = meta.get("done", 0), meta.get("total", 0)
    return 0 < done < total and done >= share * total


@pytest.mark.services
@pytest.mark.parametrize("scenario", KILLED, ids=lambda s: s.id)
def test_a_killed_worker_loses_and_duplicates_nothing(scenario, request, postgres, redis_url,
                                                       transactional_db, tmp_path,
                                                       celery_client):
    run = scenario.prepare(request)
    procs = CeleryProcesses(tmp_path, redis_url, CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    result = None
    try:
        worker = procs.worker(pool="prefork")
        result = celery_client.send_task(scenario.task, args=run.args, kwargs=run.kwargs,
                                         queue=procs.queue)
        for kill in range(scenario.kills):
            whole = kill % 2 == 1
            began = time.monotonic()
            # each kill lands later in the work than the one before
            share = (kill + 1) / (scenario.kills + 1)
            wait_until(lambda share=share: _in_the_middle(result, share), procs, 120,
                       f"{scenario.task} to be in the middle of its work (kill {kill + 1})")
            print(  # noqa: T201 (figures with -s)
                f"kill {kill + 1} ({'worker' if whole else 'child'}) after "
                f"{time.monotonic() - began:.1f} s at {result.info}")
            if whole:
                procs.kill(worker)
            else:
                assert procs.kill_pool_child(worker), "the prefork worker has no child"
            state = result.state
            assert state != "SUCCESS", f"kill {kill + 1} came too late: the task had finished"
            result.forget()  # the next run reports afresh
            if whole:
                # a restarted worker hands back a dead worker's unacknowledged messages once
                # they are older than the visibility timeout (checked when it starts polling)
                time.sleep(VISIBILITY_TIMEOUT + 1)
                worker = procs.worker(pool="prefork")
        wait_until(lambda: result.state == "SUCCESS", procs, 240,
                   f"{scenario.task} to finish after {scenario.kills} kills")
        output = procs.output()
        assert output.count("WorkerLostError") >= 1 or scenario.kills < 1, output
        run.check()
    finally:
        procs.stop()
        procs.forget_queue()
        if result is not None:
            result.forget()
