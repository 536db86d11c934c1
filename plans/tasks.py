"""Beat work on running plans. Tasks take plain values and call services; all idempotent."""

from __future__ import annotations

from celery import shared_task

from plans import services


@shared_task(name="plans.remind_weekly_reports", acks_late=True)
def remind_weekly_reports() -> int:
    """Friday afternoon: remind the units that have not posted this week's progress."""
    return len(services.remind_missing_reports())


@shared_task(name="plans.lock_due_weeks", acks_late=True)
def lock_due_weeks() -> int:
    """Monday 09:00: lock last week's reports if no weekly meeting has locked them."""
    return services.lock_due_weeks()


@shared_task(name="plans.scan_overdue_actions", acks_late=True)
def scan_overdue_actions() -> int:
    """Daily: an overdue critical action opens a deviation."""
    return services.deviations_from_overdue_actions()
