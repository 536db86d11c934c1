"""Reads about risks. Scoping a list to a user happens here and only here; it mirrors
``risks.rules.can_view_risk`` (a test checks the two agree)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from committee.choices import Role
from committee.selectors import department_positions_of, roles_of
from risks.choices import HIGH_LEVELS, AssessmentKind, Level, Status
from risks.models import Acceptance, Assessment, Risk, RiskAction, RiskMatrix

SEE_ALL = {Role.PLANNING_MANAGER, Role.PLANNING_SUPERVISOR, Role.PLANNING_SPECIALIST,
           Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.AUDITOR}


def visible_risks(user) -> QuerySet[Risk]:
    """Risks this user may see: everyone concerned with risk work sees all; others the risks
    of their departments, their own, and those of plans they may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Risk.objects.none()
    roles = roles_of(user)
    qs = Risk.objects.all()
    if user.is_superuser or roles & SEE_ALL:
        return qs
    from plans.selectors import visible_plans

    mine = list(department_positions_of(user))
    return qs.filter(
        Q(department__in=mine) | Q(owner=user) | Q(created_by=user)
        | Exists(Risk.plans.through.objects.filter(risk=OuterRef("pk"),
                                                   plan__in=visible_plans(user))))


def register(user) -> QuerySet[Risk]:
    """The register's rows with everything a row shows, in one query."""
    return visible_risks(user).select_related(
        "department", "owner", "inherent", "residual").order_by("-created_at", "-pk")


def current_matrix() -> RiskMatrix | None:
    return RiskMatrix.objects.filter(is_current=True).first()


def risk_detail(user, pk) -> Risk:
    return visible_risks(user).select_related(
        "department", "owner", "created_by", "checklist_item", "inherent__matrix",
        "residual__matrix").prefetch_related(
        "plans", "goals__plan",
        Prefetch("assessments", queryset=Assessment.objects.select_related(
            "matrix", "assessed_by").order_by("-assessed_at", "-pk")),
        Prefetch("actions", queryset=RiskAction.objects.select_related(
            "owner", "plan_action", "cost_line_type").prefetch_related("cost_line__plan")),
        Prefetch("acceptances", queryset=Acceptance.objects.select_related(
            "requested_by", "decision", "assessment")),
    ).get(pk=pk)


def risk_history(risk):
    """Every recorded change to a risk, oldest first (audit events)."""
    from opsplan.audit import history_of

    return history_of(risk).order_by("created_at", "pk")


def heatmap(user, *, matrix: RiskMatrix | None = None, queryset=None) -> dict | None:
    """Counts of the user's open risks per cell of ``matrix`` (default: the current one), for
    the inherent and the residual assessment side by side; risks assessed on another version
    are counted apart (they await the re-map). Two GROUP BY queries."""
    matrix = matrix or current_matrix()
    if matrix is None:
        return None
    base = queryset if queryset is not None else visible_risks(user)
    base = base.exclude(status=Status.CLOSED)
    sides = []
    for kind in (AssessmentKind.INHERENT, AssessmentKind.RESIDUAL):
        field = kind.value
        counts = {}
        other = 0
        grouped = base.filter(**{f"{field}__isnull": False}).values_list(
            f"{field}__matrix", f"{field}__likelihood", f"{field}__impact").annotate(
            n=Count("pk")).order_by()
        for matrix_id, likelihood, impact, n in grouped:
            if matrix_id == matrix.pk:
                counts[(likelihood, impact)] = n
            else:
                other += n
        rows = []
        for likelihood in range(matrix.rows, 0, -1):
            cells = []
            for impact in range(1, matrix.columns + 1):
                level = matrix.level(likelihood, impact)
                cells.append({"likelihood": likelihood, "impact": impact, "level": level,
                              "level_label": Level(level).label, "colour": matrix.colour(level),
                              "count": counts.get((likelihood, impact), 0)})
            rows.append({"likelihood": likelihood,
                         "label": matrix.likelihood_labels[likelihood - 1]["label"],
                         "cells": cells})
        sides.append({"kind": field, "label": AssessmentKind(field).label, "rows": rows,
                      "total": sum(counts.values()), "other_versions": other})
    return {"matrix": matrix, "sides": sides,
            "impacts": [{"impact": i, "label": item["label"]}
                        for i, item in enumerate(matrix.impact_labels, start=1)]}


def risks_for_plan(plan, user) -> list[Risk]:
    """The risks linked to a plan that this user may see (the plan page and its internal
    review show them)."""
    return list(visible_risks(user).filter(plans=plan).select_related(
        "department", "owner", "inherent", "residual").order_by("-pk"))


def new_high_risks(since) -> QuerySet[Risk]:
    """Open risks that became high or critical since ``since`` (a datetime): the weekly
    meeting's agenda lists them."""
    recent = Assessment.objects.filter(risk=OuterRef("pk"), assessed_at__gte=since,
                                       level__in=HIGH_LEVELS)
    return Risk.objects.exclude(status=Status.CLOSED).filter(
        Q(residual_level__in=HIGH_LEVELS) | Q(residual_level="", inherent_level__in=HIGH_LEVELS)
    ).filter(Exists(recent)).select_related("department", "owner").order_by("-pk")
