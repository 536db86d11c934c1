"""Writing the audit trail. Every service that changes a record calls :func:`record`."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from opsplan.models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor,
    action: str,
    subject=None,
    data: dict[str, Any] | None = None,
    request=None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit event. ``actor`` may be None for the system or an unknown user."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=(actor_label or (actor.get_username() if authenticated else ""))[:150],
        action=action,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
        subject_label=str(subject)[:255] if subject is not None else "",
        data=data or {},
        ip_address=client_ip(request),
    )


def history_of(obj):
    """Audit events about one record, newest first."""
    return AuditEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=str(obj.pk)
    ).select_related("actor")


def record_denied(request, *, interface: str) -> None:
    """Audit a refused authorisation (a 403): who tried what, from where."""
    if request is None:
        return
    user = getattr(request, "user", None)
    record(actor=user, action="auth.denied", request=request,
           actor_label="" if user is not None and user.is_authenticated else "anonymous",
           data={"method": request.method, "path": request.get_full_path()[:500],
                 "interface": interface})


def save_audited(obj, *, actor, action: str, data=None, request=None, subject=None):
    """The one way services write a record: validate (constraints included; FSM state fields,
    which only transitions may set, excluded), save, and append the audit event — inside the
    caller's transaction. A race past the checks becomes a ValidationError, never a 500."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction
    from django.utils.translation import gettext as _
    from django_fsm import FSMFieldMixin

    obj.full_clean(exclude=[f.name for f in obj._meta.fields if isinstance(f, FSMFieldMixin)])
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(_("This conflicts with an existing record.")) from exc
    record(actor=actor, action=action, subject=subject or obj, data=data or {},
           request=request)
    return obj
