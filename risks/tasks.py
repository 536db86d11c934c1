"""Beat work on the risk register. Tasks take plain values and call services; idempotent."""

from __future__ import annotations

from celery import shared_task

from risks import services


@shared_task(name="risks.remind_due_reviews", acks_late=True)
def remind_due_reviews() -> int:
    """Daily: remind the owners of risks whose review (monthly for high, quarterly for
    others by default) is due; never twice for the same due date."""
    return len(services.remind_due_reviews())
