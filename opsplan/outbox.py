"""Sending tasks without losing them when the broker is down.

``enqueue`` tries the broker briefly; when it cannot be reached the task is written to the
``OutboxTask`` table instead (the request that caused it still succeeds) and sent later.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

# a short retry: a page or API call must not hang on a dead broker
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                "interval_max": 0.5}


def _broker_reachable(app) -> bool:
    """A quick connect to the broker first: sending to a dead Redis would otherwise also wait
    for the result backend's long reconnection policy before failing."""
    if str(app.conf.broker_url).startswith("filesystem://"):
        return True
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.1,
                                   timeout=1)
    except Exception:
        return False
    return True


def _send(task_name: str, args, kwargs) -> bool:
    from opsplan.celery import app

    if not _broker_reachable(app):
        logger.warning("broker unreachable, task %s kept in the outbox", task_name)
        return False
    try:
        app.send_task(task_name, args=args, kwargs=kwargs, retry=True,
                      retry_policy=RETRY_POLICY)
    except Exception as exc:  # kombu raises many kinds of connection errors
        logger.warning("broker unreachable, task %s kept in the outbox: %s", task_name, exc)
        return False
    return True


def enqueue(task, *args, **kwargs) -> None:
    """Send ``task`` (a Celery task) after the current transaction commits; keep it in the
    outbox if the broker cannot take it. In eager mode (tests) it runs in-process."""
    from django.conf import settings

    from opsplan.models import OutboxTask

    def send():
        if settings.CELERY_TASK_ALWAYS_EAGER:
            task.apply(args=args, kwargs=kwargs)
            return
        if not _send(task.name, list(args), kwargs):
            OutboxTask.objects.create(task_name=task.name, args=list(args), kwargs=kwargs,
                                      attempts=1, last_error="broker unreachable")

    transaction.on_commit(send)


def flush(limit: int = 500) -> int:
    """Send what the outbox holds, oldest first; stop at the first failure. Returns the count
    sent."""
    from opsplan.models import OutboxTask

    sent = 0
    for item in OutboxTask.objects.order_by("pk")[:limit]:
        if not _send(item.task_name, item.args, item.kwargs):
            OutboxTask.objects.filter(pk=item.pk).update(attempts=item.attempts + 1,
                                                         last_error="broker unreachable")
            break
        item.delete()
        sent += 1
    return sent


def pending() -> int:
    from opsplan.models import OutboxTask

    return OutboxTask.objects.count()
