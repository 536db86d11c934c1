"""Changes to the organisation. Each is atomic, validated and audited; views and the API call
these and nothing else writes the organisation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Committee, CommitteeSeat, Department, Membership
from opsplan.audit import record

DEPARTMENT_FIELDS = ("code", "name", "kind", "description", "is_active")
PERSON_FIELDS = ("username", "display_name", "first_name", "last_name", "email", "language",
                 "is_active")


def _save(obj, *, actor, action, changes=None, request=None):
    """full_clean (constraints included) + save + audit, in the caller's transaction."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a race past full_clean's checks
        raise ValidationError(_("This conflicts with an existing record.")) from exc
    record(actor=actor, action=action, subject=obj, data=changes or {}, request=request)
    return obj


def _changes(obj, data: dict, fields) -> dict:
    changes = {}
    for field in fields:
        if field in data and getattr(obj, field) != data[field]:
            changes[field] = [getattr(obj, field), data[field]]
            setattr(obj, field, data[field])
    return changes


@transaction.atomic
def department_create(*, actor, request=None, **data) -> Department:
    """Create a department. Only one active planning department may exist."""
    department = Department(**{k: v for k, v in data.items() if k in DEPARTMENT_FIELDS})
    return _save(department, actor=actor, action="committee.department.create",
                 changes={k: data.get(k) for k in DEPARTMENT_FIELDS if k in data},
                 request=request)


@transaction.atomic
def department_update(*, department: Department, actor, request=None, **data) -> Department:
    """Change a department. Its kind is fixed once people hold positions in it."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    if "kind" in data and data["kind"] != department.kind and department.memberships.exists():
        raise ValidationError({"kind": _(
            "People hold positions in this department; end their memberships before "
            "changing its kind."
        )})
    changes = _changes(department, data, DEPARTMENT_FIELDS)
    if not changes:
        return department
    return _save(department, actor=actor, action="committee.department.update",
                 changes=changes, request=request)


@transaction.atomic
def person_create(*, actor, password: str | None = None, request=None, **data):
    """Create a person's account. Without a password the account cannot sign in until an
    administrator sets one."""
    user = get_user_model()(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return _save(user, actor=actor, action="committee.person.create",
                 changes={k: data.get(k) for k in PERSON_FIELDS if k in data}, request=request)


@transaction.atomic
def person_update(*, person, actor, request=None, **data):
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    changes = _changes(person, data, PERSON_FIELDS)
    if not changes:
        return person
    return _save(person, actor=actor, action="committee.person.update", changes=changes,
                 request=request)


@transaction.atomic
def membership_start(*, user, department, position, actor, started_on=None,
                     request=None) -> Membership:
    """Give a person a position in a department (a person may hold several)."""
    membership = Membership(user=user, department=department, position=position,
                            started_on=started_on or timezone.localdate())
    return _save(membership, actor=actor, action="committee.membership.start",
                 changes={"user": user.pk, "department": department.pk, "position": position},
                 request=request)


@transaction.atomic
def membership_end(*, membership: Membership, actor, ended_on=None, request=None) -> Membership:
    """End a position. History is kept: memberships are ended, never deleted."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise ValidationError({"ended_on": _("This membership has already ended.")})
    membership.ended_on = ended_on or timezone.localdate()
    return _save(membership, actor=actor, action="committee.membership.end",
                 changes={"ended_on": membership.ended_on}, request=request)


@transaction.atomic
def committee_update(*, committee: Committee, actor, request=None, **data) -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    changes = _changes(committee, data, ("name", "description"))
    if not changes:
        return committee
    return _save(committee, actor=actor, action="committee.committee.update", changes=changes,
                 request=request)


@transaction.atomic
def seat_appoint(*, committee: Committee, user, role, actor, started_on=None,
                 request=None) -> CommitteeSeat:
    """Seat a person on the committee as chair or member; one chair at a time."""
    seat = CommitteeSeat(committee=committee, user=user, role=role,
                         started_on=started_on or timezone.localdate())
    return _save(seat, actor=actor, action="committee.seat.appoint",
                 changes={"user": user.pk, "role": role}, request=request)


@transaction.atomic
def seat_end(*, seat: CommitteeSeat, actor, ended_on=None, request=None) -> CommitteeSeat:
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    if seat.ended_on is not None:
        raise ValidationError({"ended_on": _("This seat has already ended.")})
    seat.ended_on = ended_on or timezone.localdate()
    return _save(seat, actor=actor, action="committee.seat.end",
                 changes={"ended_on": seat.ended_on}, request=request)
