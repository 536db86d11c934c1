"""Reads about plans. Scoping a list to a user happens here and only here; it mirrors
``plans.rules.can_view_plan`` (a test checks the two agree)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from committee.choices import DecisionKind, Role
from committee.selectors import department_positions_of, roles_of
from plans.choices import PlanLevel
from plans.models import (
    Acknowledgement,
    ActionItem,
    Adjustment,
    Deviation,
    Goal,
    MonitoringNote,
    Plan,
    Review,
    WeeklyReport,
    WeeklyReportLine,
)

SEE_ALL = {Role.PLANNING_MANAGER, Role.PLANNING_SUPERVISOR, Role.PLANNING_SPECIALIST,
           Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.AUDITOR}


def visible_plans(user) -> QuerySet[Plan]:
    """Plans this user may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    roles = roles_of(user)
    qs = Plan.objects.all()
    if user.is_superuser or roles & SEE_ALL:
        return qs
    mine = list(department_positions_of(user))
    scope = Q(author=user) | Q(department__in=mine) | Exists(
        Review.objects.filter(plan=OuterRef("pk"), department__in=mine))
    if roles:
        scope |= Q(level=PlanLevel.COMPANY)
    return qs.filter(scope)


def plan_list(user, *, state=None, period_kind=None, department=None, author=None,
              search="") -> QuerySet[Plan]:
    qs = visible_plans(user).select_related("department", "author", "parent")
    if state:
        qs = qs.filter(state=state)
    if period_kind:
        qs = qs.filter(period_kind=period_kind)
    if department:
        qs = qs.filter(department=department)
    if author:
        qs = qs.filter(author=author)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    return qs.order_by("-period_start", "title", "pk")


def plan_detail(user, pk) -> Plan:
    """One plan with everything its page shows, in a fixed number of queries."""
    from committee.models import Decision, Vote

    decisions = Decision.objects.filter(
        kind__in=[DecisionKind.PLAN_APPROVAL, DecisionKind.PLAN_ADJUSTMENT]).prefetch_related(
        Prefetch("votes", queryset=Vote.objects.select_related("voter")),
        "excluded_voters",
    ).select_related("closed_by")
    plan = (
        visible_plans(user)
        .select_related("department", "author", "parent")
        .prefetch_related(
            "competitors", "resources", "strategies", "attachments",
            Prefetch("children", queryset=visible_plans(user).select_related("department")
                     .prefetch_related(Prefetch("actions", queryset=ActionItem.objects.only(
                         "pk", "plan_id", "percent_complete", "status")))
                     .order_by("period_start", "pk"),
                     to_attr="visible_children"),
            Prefetch("goals", queryset=Goal.objects.select_related(
                "indicator", "assessment").order_by("deadline", "pk")),
            Prefetch("acknowledgements", queryset=Acknowledgement.objects.select_related(
                "department", "acknowledged_by").order_by("-revision", "department__name")),
            Prefetch("deviations", queryset=Deviation.objects.select_related("owner")
                     .prefetch_related("goals").order_by("-created_at", "-pk")),
            Prefetch("adjustments", queryset=Adjustment.objects.select_related("created_by")
                     .prefetch_related("deviations").order_by("-created_at", "-pk")),
            Prefetch("monitoring_notes", queryset=MonitoringNote.objects.select_related(
                "author").order_by("-observed_on", "-pk")),
            Prefetch("actions", queryset=ActionItem.objects.select_related(
                "department", "person").prefetch_related("goals")),
            Prefetch("reviews", queryset=Review.objects.select_related(
                "department", "reviewer").order_by("-revision", "department__name")),
        )
        .get(pk=pk)
    )
    plan._prefetched_decisions = list(decisions.filter(
        subject_type__app_label="plans", subject_type__model="plan", subject_id=plan.pk))
    return plan


def waiting_for(user) -> dict:
    """What needs this person now: reviews their departments owe, votes they may cast, and
    their own plans still in analysis or drafting."""
    from committee.models import Decision
    from plans.choices import EDITABLE_STATES, ReviewState
    from plans.rules import REVIEWER_POSITIONS

    positions = department_positions_of(user)
    review_departments = [d for d, held in positions.items() if REVIEWER_POSITIONS & set(held)]
    reviews = list(
        Review.objects.filter(state=ReviewState.PENDING, department__in=review_departments,
                              plan__state="internal_review")
        .exclude(plan__author=user).select_related("plan", "department")
        .order_by("plan__updated_at")[:20]
    ) if review_departments else []
    from committee.selectors import committee_ids_of

    committees = committee_ids_of(user)
    votes = list(
        Decision.objects.filter(state="open", committee__in=committees)
        .exclude(excluded_voters=user).exclude(votes__voter=user)
        .select_related("subject_type").order_by("opened_at")[:20]
    ) if committees else []
    drafts = list(Plan.objects.filter(author=user, state__in=EDITABLE_STATES)
                  .order_by("-updated_at")[:20])
    return {"reviews": reviews, "votes": votes, "drafts": drafts,
            "any": bool(reviews or votes or drafts)}


def plan_history(plan, user):
    """Every recorded change to a plan, its content and reviews, and — for those who may see
    the committee's decisions — its votes and decisions, oldest first (audit events)."""
    from django.contrib.contenttypes.models import ContentType

    from committee.models import Decision
    from opsplan.models import AuditEvent

    decision_ids = [str(pk) for pk in Decision.objects.about(plan).values_list("pk", flat=True)
                    ] if user.has_perm("committee.view_decision") else []
    return AuditEvent.objects.filter(
        Q(subject_type=ContentType.objects.get_for_model(Plan), subject_id=str(plan.pk))
        | Q(subject_type=ContentType.objects.get_for_model(Decision),
            subject_id__in=decision_ids)
    ).select_related("actor").order_by("created_at", "pk")


def reports_of(plan, *, limit=None):
    """A plan's weekly reports, newest week first, with their lines, in a fixed number of
    queries."""
    qs = (WeeklyReport.objects.filter(plan=plan)
          .select_related("department", "author")
          .prefetch_related(Prefetch("lines", queryset=WeeklyReportLine.objects
                                     .select_related("action").order_by("action__deadline",
                                                                        "action__pk")))
          .order_by("-iso_year", "-iso_week", "department__name"))
    return qs[:limit] if limit else qs


def visible_reports(user):
    return WeeklyReport.objects.filter(plan__in=visible_plans(user))


def visible_deviations(user):
    return Deviation.objects.filter(plan__in=visible_plans(user))


def lessons_offered(plan, user, limit=5):
    """Lessons of completed plans that came before this one (same unit, or the company),
    offered in its needs analysis."""
    from plans.choices import PlanState

    qs = visible_plans(user).filter(state=PlanState.COMPLETED, period_end__lt=plan.period_start
                                    ).exclude(completion_lessons="")
    qs = qs.filter(department=plan.department) if plan.department_id else qs.filter(
        department__isnull=True)
    return list(qs.order_by("-period_end", "-pk")[:limit])


def report_units(plan, user):
    """The business units this user may post weekly reports for on this plan."""
    from committee.models import Department
    from plans.services import expected_units

    if plan.state not in ("execution", "monitoring", "adjustment"):
        return []
    units = Department.objects.filter(pk__in=expected_units(plan)).order_by("name")
    return [u for u in units if user.has_perm("plans.add_weeklyreport",
                                              WeeklyReport(plan=plan, department=u))]
