"""Beat work on costs. Tasks take plain values and call services; all idempotent."""

from __future__ import annotations

from celery import shared_task

from costs import services


@shared_task(name="costs.remind_variance_explanations", acks_late=True)
def remind_variance_explanations() -> int:
    """Daily: ask for the explanations the monthly report still lacks (once each)."""
    return len(services.remind_missing_explanations())
