"""Telling people what needs them: a notification row each, e-mailed by a task after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation

from opsplan.models import Notification


def notify(recipients: Iterable, message: Callable[[], str] | str, url: str = "",
           exclude=None) -> list[Notification]:
    """Notify each recipient once, in their own language.

    ``message`` is a string or a callable returning one; the callable is evaluated under each
    recipient's language so lazy translations come out right. Call inside the transaction that
    made the change: the rows commit with it and the e-mails go out only after it commits.
    """
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = str(message() if callable(message) else message)
        rows.append(Notification(recipient=user, message=text[:500], url=url[:300]))
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        from opsplan.outbox import enqueue
        from opsplan.tasks import email_notifications

        enqueue(email_notifications, ids)
    return created
