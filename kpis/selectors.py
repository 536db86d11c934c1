"""Reads of indicator data, scoped to what the catalog lets a person read (mirrors
kpis.rules.can_read_indicator; a test checks the two agree)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from committee.choices import Role
from committee.selectors import department_positions_of, roles_of
from kpis.models import DeviationSignal, Indicator, Measurement, Rollup, Target

SEE_ALL = {Role.PLANNING_MANAGER, Role.PLANNING_SUPERVISOR, Role.PLANNING_SPECIALIST,
           Role.AUDITOR}


def readable_indicators(user) -> QuerySet[Indicator]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Indicator.objects.none()
    roles = roles_of(user)
    qs = Indicator.objects.all()
    if user.is_superuser or roles & SEE_ALL:
        return qs
    mine = list(department_positions_of(user))
    scope = Q(owner_department__in=mine) | Q(collector=user)
    if roles:
        scope |= Q(visibility="all")
    if Role.COMMITTEE_MEMBER in roles:
        scope |= Q(visibility="committee")
    scope |= Q(visibility="departments", readers__in=mine)
    return qs.filter(scope).distinct()


def indicator_catalog(user, *, search: str = "", active_only: bool = True):
    qs = readable_indicators(user).select_related("owner_department", "collector")
    if active_only:
        qs = qs.filter(is_active=True)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(name_en__icontains=search)
                       | Q(name_zh__icontains=search) | Q(definition__icontains=search))
    return qs.order_by("code")


def measurements(user) -> QuerySet[Measurement]:
    return Measurement.objects.filter(indicator__in=readable_indicators(user)).select_related(
        "indicator", "department", "recorded_by")


def rollups(user) -> QuerySet[Rollup]:
    return Rollup.objects.filter(indicator__in=readable_indicators(user)).select_related(
        "indicator", "department")


def targets(user) -> QuerySet[Target]:
    return Target.objects.filter(indicator__in=readable_indicators(user)).select_related(
        "indicator", "department")


def signals(user) -> QuerySet[DeviationSignal]:
    return DeviationSignal.objects.filter(
        indicator__in=readable_indicators(user)).select_related("indicator", "department")


def visible_evaluations(user):
    """Evaluations scoped like kpis.rules.can_view_evaluation: every one for those who see
    all, the own departments' for their heads."""
    from committee.choices import Position
    from kpis.evaluation import Evaluation
    from kpis.rules import sees_all_evaluations

    evaluations = Evaluation.objects.select_related("cycle", "department")
    if not user.is_authenticated:
        return evaluations.none()
    if sees_all_evaluations.test(user):
        return evaluations
    headed = [d for d, positions in department_positions_of(user).items()
              if positions & {Position.HEAD, Position.MANAGER}]
    return evaluations.filter(department_id__in=headed)
