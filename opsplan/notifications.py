"""Telling people what needs them: a notification row each, e-mailed by a task after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation

from opsplan.models import Event, Notification, NotificationPreference


def preferences(users, event: str) -> dict[int, tuple[bool, bool]]:
    """(in the app, by e-mail) per user id for one kind of notification; both on by default."""
    ids = [u.pk for u in users if u is not None]
    chosen = {p.user_id: (p.in_app, p.by_email) for p in
              NotificationPreference.objects.filter(user_id__in=ids, event=event)}
    return {pk: chosen.get(pk, (True, True)) for pk in ids}


def notify(recipients: Iterable, message: Callable[[], str] | str, url: str = "",
           exclude=None, event: str = Event.OTHER) -> list[Notification]:
    """Notify each recipient once, in their own language.

    ``message`` is a string or a callable returning one; the callable is evaluated under each
    recipient's language so lazy translations come out right. Call inside the transaction that
    made the change: the rows commit with it and the e-mails go out only after it commits.
    Each person's preference for ``event`` decides: in the app (off: kept in their list as
    already read, no bell), by e-mail, both or neither.
    """
    from django.utils import timezone

    recipients = [u for u in recipients if u is not None]
    wanted = preferences(recipients, event)
    now = timezone.now()
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        seen.add(user.pk)
        in_app, by_email = wanted.get(user.pk, (True, True))
        if not (in_app or by_email):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = str(message() if callable(message) else message)
        rows.append(Notification(recipient=user, message=text[:500], url=url[:300],
                                 event=event, by_email=by_email,
                                 read_at=None if in_app else now))
    created = Notification.objects.bulk_create(rows)
    forget_unread(n.recipient_id for n in created if n.read_at is None)
    ids = [n.pk for n in created if n.pk is not None and n.by_email]
    if ids:
        from opsplan.outbox import enqueue
        from opsplan.tasks import email_notifications

        enqueue(email_notifications, ids)
    return created


def _unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def read_ahead_keys(user_id: str) -> list[str]:
    """The badge's count, read on every signed-in page (opsplan.cache.read_ahead)."""
    return [_unread_key(user_id)]


def unread_count(request) -> int:
    """How many of the signed-in person's notifications are unread (the top bar's badge).

    Read once per request, and kept in the shared cache for
    ``OPSPLAN_UNREAD_CACHE_SECONDS`` (0: a query every request) until one of the person's
    notifications is created, read or deleted (:func:`forget_unread`).
    """
    count = getattr(request, "_opsplan_unread", None)
    if count is not None:
        return count
    from django.core.cache import cache

    from opsplan.cache import read, written

    ttl = getattr(settings, "OPSPLAN_UNREAD_CACHE_SECONDS", 300)
    key = _unread_key(request.user.pk)
    count = read(key) if ttl > 0 else None  # read ahead with the generations (opsplan.cache)
    if count is None:
        count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
        if ttl > 0:
            cache.set(key, count, ttl)
            written(key, count)
    request._opsplan_unread = count
    return count


def notifications_of(user):
    """The person's own notifications, newest first: the notifications page and the API."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def mark_all_read(user) -> int:
    """Mark every unread notification of ``user`` read (the badge drops to 0); how many."""
    from django.utils import timezone

    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())
    forget_unread([user.pk])
    return marked


def forget_unread(user_ids: Iterable[int]) -> None:
    """These people's unread counts changed: drop the cached ones, now and again once the
    transaction commits (a request counting in between must not keep the old figure)."""
    from django.core.cache import cache
    from django.db import transaction

    from opsplan.cache import written

    keys = [_unread_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        for key in keys:
            written(key)
        transaction.on_commit(lambda: cache.delete_many(keys))


def preference_table(user) -> list[dict]:
    """Every kind of notification with this person's choice (defaults: both on)."""
    rows = {p.event: p for p in NotificationPreference.objects.filter(user=user)}
    return [{"event": value, "label": label,
             "in_app": rows[value].in_app if value in rows else True,
             "by_email": rows[value].by_email if value in rows else True}
            for value, label in Event.choices]


def set_preferences(*, user, choices: list[dict], request=None) -> list[dict]:
    """Save the person's choices ({event, in_app, by_email} each); audited."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from opsplan.audit import record

    known = set(Event.values)
    for index, choice in enumerate(choices):
        if choice.get("event") not in known:
            raise ValidationError({"event": [_("Unknown kind of notification (row %d).")
                                             % (index + 1)]})
    with transaction.atomic():
        for choice in choices:
            NotificationPreference.objects.update_or_create(
                user=user, event=choice["event"],
                defaults={"in_app": bool(choice.get("in_app", True)),
                          "by_email": bool(choice.get("by_email", True))})
        record(actor=user, action="opsplan.notification_preferences.set", request=request,
               data={c["event"]: [bool(c.get("in_app", True)), bool(c.get("by_email", True))]
                     for c in choices})
    return preference_table(user)
