"""Reads about the organisation. Roles are computed here, once per user object."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from committee.choices import INTEGRATION_POSITIONS, ROLE_BY_MEMBERSHIP, Role, SeatRole

_ROLES_CACHE = "_opsplan_roles"
_DEPTS_CACHE = "_opsplan_departments"
_COMMITTEES_CACHE = "_opsplan_committees"


def roles_of(user) -> frozenset[Role]:
    """The roles a person holds today, derived from current memberships and committee seats.

    Two queries the first time, none after: the result is cached on the user object, which
    lives for one request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is not None:
        return cached
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
    setattr(user, _ROLES_CACHE, result)
    setattr(user, _DEPTS_CACHE, {k: frozenset(v) for k, v in departments.items()})
    setattr(user, _COMMITTEES_CACHE, frozenset(committees))
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
