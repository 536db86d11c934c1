from celery import shared_task
from django.utils import timezone


@shared_task(name="opsplan.ping")
def ping() -> str:
    """The trivial health task: proves a worker takes tasks from the broker."""
    return "pong"


@shared_task(name="opsplan.heartbeat", acks_late=True, reject_on_worker_lost=True)
def heartbeat(name: str = "beat") -> str:
    """Record that a scheduled run happened. Idempotent: an upsert keyed by name."""
    from opsplan.models import ServiceHeartbeat

    if not isinstance(name, str) or not name or len(name) > 40:
        raise ValueError("name must be a non-empty string of at most 40 characters")
    ServiceHeartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": timezone.now()}
    )
    return name
