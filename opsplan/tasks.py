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


@shared_task(name="opsplan.email_notifications", acks_late=True, reject_on_worker_lost=True)
def email_notifications(ids: list[int]) -> int:
    """E-mail notifications not yet e-mailed. Idempotent: each row is sent once
    (``emailed_at`` is claimed in the same update that selects it)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction

    from opsplan.models import Notification

    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise ValueError("ids must be a list of integers")
    sent = 0
    for pk in ids:
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True,
                                                  by_email=True).update(
                emailed_at=timezone.now())
            if not claimed:
                continue
            note = Notification.objects.select_related("recipient").get(pk=pk)
            if note.recipient.email:
                send_mail(
                    subject=f"[OpsPlan] {note.message[:120]}",
                    message=f"{note.message}\n\n{note.url}",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[note.recipient.email],
                    fail_silently=False,
                )
                sent += 1
    return sent


@shared_task(name="opsplan.flush_outbox", acks_late=True)
def flush_outbox() -> int:
    """Send the tasks kept while the broker was down (every minute by beat)."""
    from opsplan.outbox import flush

    return flush()
