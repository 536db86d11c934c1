"""Audit of sign-ins, sign-outs and failed attempts; dashboards refresh on recorded changes;
unread-notification counts refresh when notifications change."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from opsplan.audit import record
from opsplan.models import AuditEvent, Notification


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    record(actor=user, action="auth.login", subject=user, request=request)
    session = getattr(request, "session", None)
    if session is not None:  # a new session starts its idle clock now (SessionIdleMiddleware)
        import time

        from opsplan.middleware import SessionIdleMiddleware

        session[SessionIdleMiddleware.KEY] = int(time.time())


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action="auth.logout", subject=user, request=request)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(actor=None, actor_label=username, action="auth.login_failed",
           data={"username": username}, request=request)


@receiver(post_save, sender=AuditEvent, dispatch_uid="dashboards-changed-on-audit")
def _dashboards_changed(sender, instance, created, **kwargs):
    """Every recorded change starts a new generation of dashboard data (sign-ins do not)."""
    if created and not instance.action.startswith("auth."):
        from django.db import transaction

        from opsplan.dashboards import changed

        transaction.on_commit(changed)


@receiver(post_save, sender=Notification, dispatch_uid="unread-count-on-save")
@receiver(post_delete, sender=Notification, dispatch_uid="unread-count-on-delete")
def _unread_changed(sender, instance, **kwargs):
    """A notification saved or deleted one by one (the admin, a shell): its recipient's
    cached unread count goes (bulk writes call forget_unread themselves)."""
    from opsplan.notifications import forget_unread

    forget_unread([instance.recipient_id])
