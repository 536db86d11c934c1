"""Reads about the organisation. Roles are computed here, once per user object."""

from __future__ import annotations

import functools

from django.db.models import Prefetch, QuerySet

from committee.choices import INTEGRATION_POSITIONS, ROLE_BY_MEMBERSHIP, Role, SeatRole

_ROLES_CACHE = "_opsplan_roles"
_DEPTS_CACHE = "_opsplan_departments"
_COMMITTEES_CACHE = "_opsplan_committees"


ROLES_GENERATION = "committee:roles:generation"


def organisation_changed(update_fields=None, **kwargs) -> None:
    """A person, department, membership or seat changed: everyone's roles are read afresh, and
    the dashboards (which show names, positions and what each role may do) are rebuilt.

    Connected to those models' post_save and post_delete (committee/apps.py), so the admin,
    the services and test factories alike refresh the shared roles cache.
    """
    from django.db import transaction

    if update_fields and set(update_fields) <= {"last_login"}:
        return  # signing in changes nobody's roles
    _new_roles_generation()
    # Again once committed: a request that read the old rows in between keeps nothing.
    transaction.on_commit(_new_roles_generation)


def _new_roles_generation() -> None:
    from opsplan import dashboards
    from opsplan.cache import new_generation

    new_generation(ROLES_GENERATION)
    dashboards.changed()  # names, positions and permissions show on every dashboard page


def read_ahead_keys(user_id: str) -> list[str]:
    """Read with the other small keys on every signed-in request (opsplan.cache.read_ahead)."""
    return [ROLES_GENERATION]


def _roles_ttl() -> int:
    from django.conf import settings

    return getattr(settings, "OPSPLAN_ROLES_CACHE_SECONDS", 3600)


def _shared_roles_key(user_id) -> str:
    from committee.models import company_today

    # Today's (company) date in the key: a position that starts or ends today counts from today.
    return f"committee:roles:{_roles_generation()}:{user_id}:{company_today().isoformat()}"


# A person is cached for at most this long whatever the roles' time-to-live: should both bumps
# of a change be lost (the cache unreachable at that moment), a deactivated person or a changed
# password still takes effect within it.
PERSON_CACHE_SECONDS = 120
# Never cached: the password hash (the session's check uses the HMAC kept beside the fields) and
# the last sign-in time (signing in does not start a new generation); both stay deferred, read
# from the database if ever asked for, and left alone by save().
_PERSON_UNCACHED = frozenset({"password", "last_login"})


@functools.cache
def _person_fields() -> tuple[str, ...]:
    from django.contrib.auth import get_user_model

    return tuple(f.attname for f in get_user_model()._meta.concrete_fields
                 if f.attname not in _PERSON_UNCACHED)


@functools.cache
def _person_fields_version() -> str:
    """The cached fields' names as a short token: after a deploy that changes them, entries
    kept by the old code are left behind."""
    import zlib

    return f"{zlib.crc32(','.join(_person_fields()).encode()):x}"


def _person_key(user_id) -> str:
    return f"committee:person:{_roles_generation()}:{_person_fields_version()}:{user_id}"


def _roles_generation() -> int:
    from opsplan import cache

    return cache.generation(ROLES_GENERATION)


def person(user_id):
    """The person a session names (the authentication backend's ``get_user``), or None.

    Kept in the shared cache under the roles generation, which every change of a person bumps
    (see organisation_changed), together with their roles: a signed-in request then reads both
    in one round trip and queries nothing to know who is asking and what they may do. What is
    cached is the person's fields without the password hash or last sign-in, and the session
    hash (an HMAC under SECRET_KEY) that Django's session check compares.
    """
    from django.contrib.auth import get_user_model

    model = get_user_model()
    ttl = min(_roles_ttl(), PERSON_CACHE_SECONDS)
    try:
        if ttl <= 0:
            return model._default_manager.filter(pk=user_id).first()
        from django.core.cache import cache

        user_key, roles_key = _person_key(user_id), _shared_roles_key(user_id)
        found = cache.get_many([user_key, roles_key])
        if user_key in found:
            user = _person_from(model, *found[user_key])
        else:
            user = model._default_manager.filter(pk=user_id).first()
            if user is None:
                return None
            cache.set(user_key, _person_record(user), ttl)
    except (TypeError, ValueError):  # a session naming no valid key
        return None
    if roles_key in found and user.is_active:
        _prime(user, found[roles_key])
    return user


def _person_record(user) -> tuple[dict, str]:
    return {name: getattr(user, name) for name in _person_fields()}, user.get_session_auth_hash()


def _person_from(model, values: dict, session_auth_hash: str):
    names = [name for name in _person_fields() if name in values]
    user = model.from_db("default", names, [values[name] for name in names])
    user._session_auth_hash = session_auth_hash
    return user


def _prime(user, shared) -> frozenset[Role]:
    roles, departments, committees = shared
    setattr(user, _ROLES_CACHE, roles)
    setattr(user, _DEPTS_CACHE, departments)
    setattr(user, _COMMITTEES_CACHE, committees)
    return roles


def roles_of(user) -> frozenset[Role]:
    """The roles a person holds today, derived from current memberships and committee seats.

    Cached on the user object (one request) and in the shared cache until the organisation
    changes (see organisation_changed); two queries when neither has them.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is not None:
        return cached
    from django.core.cache import cache

    ttl = _roles_ttl()
    key = _shared_roles_key(user.pk) if ttl > 0 else None
    shared = cache.get(key) if key else None
    if shared is not None:
        return _prime(user, shared)
    from committee.models import CommitteeSeat, Membership

    roles: set[Role] = set()
    departments: dict[int, set[str]] = {}
    for kind, position, department_id in (
        Membership.objects.current().filter(user=user, department__is_active=True)
        .values_list("department__kind", "position", "department_id")
    ):
        departments.setdefault(department_id, set()).add(position)
        if position in INTEGRATION_POSITIONS:
            roles.add(Role.INTEGRATION)
        elif (role := ROLE_BY_MEMBERSHIP.get((kind, position))) is not None:
            roles.add(role)
    committees = set()
    for seat_role, committee_id in CommitteeSeat.objects.current().filter(user=user).values_list(
        "role", "committee_id"
    ):
        committees.add(committee_id)
        roles.add(Role.COMMITTEE_MEMBER)
        if seat_role == SeatRole.CHAIR:
            roles.add(Role.COMMITTEE_CHAIR)
    result = frozenset(roles)
    by_department = {k: frozenset(v) for k, v in departments.items()}
    setattr(user, _ROLES_CACHE, result)
    setattr(user, _DEPTS_CACHE, by_department)
    setattr(user, _COMMITTEES_CACHE, frozenset(committees))
    if key:
        cache.set(key, (result, by_department, frozenset(committees)), ttl)
    return result


def department_positions_of(user) -> dict[int, frozenset[str]]:
    """Department id -> the positions the user currently holds there."""
    roles_of(user)
    return getattr(user, _DEPTS_CACHE, {})


def committee_ids_of(user) -> frozenset[int]:
    """Committees on which the user holds a current seat."""
    roles_of(user)
    return getattr(user, _COMMITTEES_CACHE, frozenset())


def forget_roles(user) -> None:
    """Drop the cached roles, e.g. after the user's memberships changed in this request."""
    for attr in (_ROLES_CACHE, _DEPTS_CACHE, _COMMITTEES_CACHE):
        if hasattr(user, attr):
            delattr(user, attr)


def department_list(*, include_inactive: bool = False) -> QuerySet:
    from committee.models import Department, Membership

    qs = Department.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.current().select_related("user").order_by(
                "position", "user__display_name"
            ),
            to_attr="current_memberships",
        )
    )


def people_list(*, search: str = "") -> QuerySet:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from committee.models import Membership

    qs = get_user_model().objects.filter(is_active=True)
    if search:
        qs = qs.filter(
            Q(username__icontains=search) | Q(display_name__icontains=search)
            | Q(first_name__icontains=search) | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.current().select_related("department"),
            to_attr="current_memberships",
        )
    ).order_by("display_name", "username")


def main_committee():
    """The Operations Planning Committee with its current seats, or None before set-up."""
    from committee.models import Committee, CommitteeSeat

    return (
        Committee.objects.prefetch_related(
            Prefetch(
                "seats",
                queryset=CommitteeSeat.objects.current().select_related("user").order_by(
                    "role", "user__display_name"
                ),
                to_attr="current_seats",
            )
        )
        .order_by("pk")
        .first()
    )


def decisions_for(user) -> QuerySet:
    """Decisions this user may see, with what their pages and the API show."""
    from committee.models import Decision, Vote

    if not user.has_perm("committee.view_decision"):
        return Decision.objects.none()
    return Decision.objects.select_related("subject_type", "committee").prefetch_related(
        Prefetch("votes", queryset=Vote.objects.select_related("voter")), "excluded_voters"
    ).order_by("-opened_at", "-pk")


def seated_by_committee() -> dict[int, set[int]]:
    """Committee id -> ids of the people seated on it today (one query)."""
    from committee.models import CommitteeSeat

    seated: dict[int, set[int]] = {}
    for committee_id, user_id in CommitteeSeat.objects.current().values_list("committee_id",
                                                                              "user_id"):
        seated.setdefault(committee_id, set()).add(user_id)
    return seated


def awaiting_vote(user) -> QuerySet:
    """Open decisions this person may vote on and has not voted on yet, oldest first: the
    query form of ``committee.rules.can_vote`` (open, on a committee the person sits on, not
    excluded for a conflict of interest; a test checks the two agree), less what the person
    has voted on already. The dashboard's inbox and the API's ``awaiting_me`` filter."""
    from committee.choices import DecisionState

    return (decisions_for(user)
            .filter(state=DecisionState.OPEN, committee_id__in=list(committee_ids_of(user)))
            .exclude(excluded_voters=user)
            .exclude(votes__voter=user)
            .order_by("opened_at", "pk"))


# Subject fields left out when subjects are read for their links (long or binary values).
_BULKY_FIELDS = {"TextField", "JSONField", "BinaryField", "FileField", "ImageField"}
_MAX_FIELDS = 45  # a JSON object of at most 90 arguments (PostgreSQL functions take 100)


def subjects_of(decisions) -> dict[int, object]:
    """Decision id -> its subject (an unsaved-looking model instance holding the subject's
    short fields, enough for its links and revision numbers), in ONE query whatever the mix
    of subject models: one ``SELECT`` per model, glued with ``UNION ALL``. A subject deleted
    since is left out. This app does not know the subject models (they come from upper apps),
    so it reads them through their content types."""
    from django.db.models import F, IntegerField, Value
    from django.db.models.functions import JSONObject

    # content type id -> (model, its fields read, {subject id: [decision ids]})
    wanted: dict[int, tuple] = {}
    for decision in decisions:
        model = decision.subject_type.model_class()
        if model is None:
            continue
        entry = wanted.get(decision.subject_type_id)
        if entry is None:
            fields = [f for f in model._meta.concrete_fields
                      if f.get_internal_type() not in _BULKY_FIELDS and not f.primary_key]
            fields = fields[:_MAX_FIELDS]
            entry = wanted[decision.subject_type_id] = (model, fields, {})
        entry[2].setdefault(decision.subject_id, []).append(decision.pk)
    if not wanted:
        return {}
    parts = []
    for type_id, (model, fields, ids) in wanted.items():
        values = {"pk": F("pk"), **{f.attname: F(f.attname) for f in fields}}
        parts.append(model._base_manager.filter(pk__in=list(ids))
                     .annotate(decision_subject_type=Value(type_id, output_field=IntegerField()),
                               decision_subject_fields=JSONObject(**values))
                     .values_list("decision_subject_type", "pk", "decision_subject_fields")
                     .order_by())
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found: dict[int, object] = {}
    for type_id, pk, raw in query:
        model, fields, ids = wanted[type_id]
        raw = raw or {}
        if isinstance(raw, str):
            import json

            raw = json.loads(raw)
        values = {f.attname: f.to_python(raw.get(f.attname)) for f in fields}
        subject = model(pk=pk, **values)
        subject._state.adding = False
        for decision_id in ids.get(pk, ()):
            found[decision_id] = subject
    return found


SUBJECT_UNREAD = object()  # decision_links: the caller has not read the subject


def decision_links(decision, subject=SUBJECT_UNREAD) -> tuple[str | None, str | None]:
    """The subject's page (at its decision section) and, for a plan adjustment, the diff of
    the revision decided against the approved one. ``subject``: the decision's subject when
    the caller read it already (``committee.selectors.subjects_of``)."""
    from django.urls import NoReverseMatch, reverse

    from committee.choices import DecisionKind

    if subject is SUBJECT_UNREAD:
        subject = decision.subject
    url = getattr(subject, "get_absolute_url", None)
    # the section of the subject's page where its decision shows (plans: #decision)
    anchor = getattr(subject, "decision_anchor", "decision")
    subject_url = f"{url()}#{anchor}" if url else None
    diff_url = None
    approved = getattr(subject, "approved_revision", None)
    if decision.kind == DecisionKind.PLAN_ADJUSTMENT and subject is not None:
        try:
            diff_url = reverse(f"{decision.subject_type.app_label}:revisions", args=[subject.pk])
        except NoReverseMatch:
            diff_url = None
        if diff_url:
            query = f"?b={decision.subject_revision}"
            if approved:
                query = f"?a={approved}&b={decision.subject_revision}"
            diff_url = f"{diff_url}{query}#diff"
    return subject_url, diff_url


def vote_deadline(decision):
    """The day by which members are expected to have voted: ``OPSPLAN_VOTE_DAYS`` (7 by
    default) after the matter was put to the committee."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    days = int(getattr(settings, "OPSPLAN_VOTE_DAYS", 7))
    return timezone.localdate(decision.opened_at) + timedelta(days=days)
