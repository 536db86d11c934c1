"""Every change to a plan. Each transition has exactly one service here: atomic, row-locked,
permission-checked with the same rule as every interface, guarded with reasons, audited, and
with its notifications sent after commit. Pages, the API, the admin and tasks call these;
nothing else calls a transition."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.choices import DecisionKind, Position
from committee.models import CommitteeSeat, Membership
from opsplan.audit import record, save_audited
from opsplan.errors import Conflict
from opsplan.notifications import notify
from plans.choices import PlanState, ReviewState, StrategyKind, Verdict
from plans.models import (
    ActionItem,
    Attachment,
    Competitor,
    Goal,
    Plan,
    PlanRevision,
    Resource,
    Review,
    Strategy,
)

PLAN_FIELDS = ("title", "level", "department", "period_kind", "period_start", "parent",
               "summary", "macro_economy", "policy_regulation", "market_size",
               "market_size_unit", "growth_rate", "trends", "market_notes", "lessons_learned")

TRANSITION_LABELS = {
    "start_drafting": gettext_lazy("Finish needs analysis, start drafting"),
    "submit_for_review": gettext_lazy("Submit for internal review"),
    "return_to_drafting": gettext_lazy("Return to drafting"),
    "submit_to_committee": gettext_lazy("Submit to the committee"),
    "approve": gettext_lazy("Approve (committee)"),
    "reject": gettext_lazy("Reject (committee)"),
    "cancel": gettext_lazy("Cancel the plan"),
}


def _lock(plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _transition(plan: Plan, name: str, *, actor, note: str = "", request=None, **kwargs) -> Plan:
    """Run one transition on a locked, fresh copy of the plan.

    Wrong state → Conflict (409); not allowed for this person → PermissionDenied (403);
    a guard that fails → ValidationError naming what is missing (400).
    """
    locked = _lock(plan)
    method = getattr(locked, name)
    meta = method._django_fsm
    source = locked.state
    if not meta.has_transition(source):
        raise Conflict(_("A plan in “%(state)s” cannot do “%(action)s”.")
                       % {"state": locked.get_state_display(),
                          "action": TRANSITION_LABELS[name]})
    if not meta.has_transition_perm(locked, source, actor):
        raise PermissionDenied(_("You may not do “%s” on this plan.") % TRANSITION_LABELS[name])
    problems: dict[str, list[str]] = {}
    for condition in meta.get_transition(source).conditions:
        for field, messages in getattr(condition, "problems", lambda p: {})(locked).items():
            problems.setdefault(field, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    method(**kwargs)
    locked.save()
    record(actor=actor, action=f"plans.plan.{name}", subject=locked, request=request,
           data={"from": source, "to": locked.state, "note": note,
                 "revision": locked.revision})
    return locked


def available_transitions(plan: Plan, user) -> list[dict]:
    """The transitions this user may start now, each with whether its guard passes and why
    not. Only transitions a person starts by hand are listed (approve/reject follow votes)."""
    result = []
    for name in ("start_drafting", "submit_for_review", "submit_to_committee", "cancel"):
        meta = getattr(plan, name)._django_fsm
        if not meta.has_transition(plan.state) or not meta.has_transition_perm(
            plan, plan.state, user
        ):
            continue
        problems = {}
        for condition in meta.get_transition(plan.state).conditions:
            problems.update(getattr(condition, "problems", lambda p: {})(plan))
        result.append({"name": name, "label": str(TRANSITION_LABELS[name]),
                       "ready": not problems,
                       "problems": [m for msgs in problems.values() for m in msgs]})
    return result


def _plan_people(plan: Plan):
    """Who follows a plan: its author and the planning department's leads."""
    leads = Membership.objects.current().filter(
        department__kind="planning", position__in=[Position.MANAGER, Position.SUPERVISOR]
    ).select_related("user")
    return [plan.author, *(m.user for m in leads)]


def _snapshot(plan: Plan) -> dict:
    """The plan's content as submitted, for the frozen revision record."""
    def rows(qs, fields):
        return [{f: str(getattr(o, f)) if getattr(o, f) is not None else None for f in fields}
                for o in qs]

    return {
        "plan": {f: str(getattr(plan, f)) if getattr(plan, f) is not None else None
                 for f in ("title", "level", "department_id", "period_kind", "period_start",
                           "period_end", "summary", "macro_economy", "policy_regulation",
                           "market_size", "market_size_unit", "growth_rate", "trends",
                           "market_notes", "lessons_learned")},
        "competitors": rows(plan.competitors.all(), ("name", "product_features",
                                                     "market_share", "marketing_strategy",
                                                     "strengths", "weaknesses")),
        "resources": rows(plan.resources.all(), ("kind", "strengths", "gaps")),
        "goals": rows(plan.goals.all(), ("id", "title", "measure", "unit", "baseline",
                                         "target", "direction", "deadline")),
        "strategies": rows(plan.strategies.all(), ("kind", "content")),
        "actions": [
            {**rows([a], ("title", "department_id", "person_id", "deadline", "steps",
                          "resources", "expected_result"))[0],
             "goals": sorted(a.goals.values_list("pk", flat=True))}
            for a in plan.actions.all()
        ],
    }


# --- content ---------------------------------------------------------------------------------



@transaction.atomic
def plan_create(*, actor, request=None, **data) -> Plan:
    """A new plan starts in needs analysis with its author and four empty strategies."""
    if not actor.has_perm("plans.add_plan"):
        raise PermissionDenied(_("You may not create plans."))
    _check_planning_scope(actor, data.get("department"))
    _check_parent(actor, data.get("parent"))
    plan = Plan(author=actor, **{k: v for k, v in data.items() if k in PLAN_FIELDS})
    save_audited(plan, actor=actor, action="plans.plan.create", request=request,
               data={"title": plan.title})
    Strategy.objects.bulk_create([Strategy(plan=plan, kind=k) for k in StrategyKind.values])
    return plan


def _editable(plan: Plan, actor) -> Plan:
    locked = _lock(plan)
    if not actor.has_perm("plans.steer_plan", locked):
        raise PermissionDenied(_("You may not edit this plan."))
    if not locked.is_editable:
        raise Conflict(_("This plan is %(state)s: its content is frozen. Edits are possible in "
                         "needs analysis and drafting only.")
                       % {"state": locked.get_state_display()})
    return locked


def _check_parent(actor, parent) -> None:
    if parent is not None and not actor.has_perm("plans.view_plan", parent):
        raise ValidationError({"parent": _("No such plan.")})


def _check_planning_scope(actor, department) -> None:
    if not actor.has_perm("plans.plan_for", department):
        raise ValidationError({"department": _(
            "You may plan only for the business unit you head.") if department is not None
            else _("Only the planning department makes company plans; choose your unit.")})


@transaction.atomic
def plan_update(*, plan: Plan, actor, request=None, **data) -> Plan:
    locked = _editable(plan, actor)
    if "department" in data and data["department"] != locked.department:
        _check_planning_scope(actor, data["department"])
    if "parent" in data and data["parent"] != locked.parent:
        _check_parent(actor, data["parent"])
    changes = {}
    for field in PLAN_FIELDS:
        if field in data and getattr(locked, field) != data[field]:
            changes[field] = str(data[field])
            setattr(locked, field, data[field])
    if changes:
        save_audited(locked, actor=actor, action="plans.plan.update", data=changes,
                   request=request)
    return locked


PART_MODELS = {"competitor": Competitor, "resource": Resource, "goal": Goal,
               "strategy": Strategy, "action": ActionItem, "attachment": Attachment}


@transaction.atomic
def part_save(*, plan: Plan, part, actor, request=None, **data):
    """Create or change one piece of a plan's content (competitor, resource, goal, strategy,
    action item, attachment) while the plan is editable."""
    locked = _editable(plan, actor)
    goals = data.pop("goals", None)
    indicator = data.get("indicator")
    if indicator is not None and not actor.has_perm("kpis.view_indicator", indicator):
        raise ValidationError({"indicator": _("No such indicator.")})
    for field, value in data.items():
        setattr(part, field, value)
    part.plan = locked
    if isinstance(part, Attachment) and not part.uploaded_by_id:
        part.uploaded_by = actor
    created = part.pk is None
    kind = part._meta.model_name
    save_audited(part, actor=actor, subject=locked, request=request,
               action=f"plans.{kind}.{'create' if created else 'update'}",
               data={"id": None if created else part.pk, "title": str(part)})
    if goals is not None:
        foreign = [g for g in goals if g.plan_id != locked.pk]
        if foreign:
            raise ValidationError({"goals": _("Link only goals of this plan.")})
        part.goals.set(goals)
    return part


@transaction.atomic
def part_delete(*, part, actor, request=None) -> None:
    locked = _editable(part.plan, actor)
    if isinstance(part, Strategy):
        raise ValidationError(_("The four strategies are part of every plan; clear the text "
                                "instead."))
    record(actor=actor, action=f"plans.{part._meta.model_name}.delete", subject=locked,
           data={"id": part.pk, "title": str(part)}, request=request)
    part.delete()


# --- transitions -------------------------------------------------------------------------------

@transaction.atomic
def plan_start_drafting(*, plan: Plan, actor, note: str = "", request=None) -> Plan:
    """Needs analysis → drafting, once at least one SMART goal exists."""
    return _transition(plan, "start_drafting", actor=actor, note=note, request=request)


@transaction.atomic
def plan_submit_for_review(*, plan: Plan, actor, reviewing_departments, note: str = "",
                           request=None) -> Plan:
    """Drafting → internal review. The planner picks the reviewing departments, at least one
    other than the author's; a new revision starts and its content is snapshotted."""
    departments = list({d.pk: d for d in reviewing_departments}.values())
    if not departments:
        raise ValidationError({"reviewing_departments": _("Pick the reviewing departments.")})
    if any(not d.is_active for d in departments):
        raise ValidationError({"reviewing_departments": _("Pick active departments only.")})
    author_departments = set(Membership.objects.current().filter(user=plan.author_id)
                             .values_list("department_id", flat=True))
    if all(d.pk in author_departments for d in departments):
        raise ValidationError({"reviewing_departments": _(
            "At least one reviewing department must be other than the author's.")})
    from plans.rules import REVIEWER_POSITIONS

    signers = set(Membership.objects.current().filter(
        department__in=departments, position__in=REVIEWER_POSITIONS,
        user__is_active=True).exclude(user=plan.author_id).values_list("department_id",
                                                                      flat=True))
    unsigned = [str(d) for d in departments if d.pk not in signers]
    problems = {"reviewing_departments": [_(
        "No one can sign a review for: %s (a head, manager or supervisor other than the "
        "author is needed).") % ", ".join(unsigned)]} if unsigned else {}
    try:
        locked = _transition(plan, "submit_for_review", actor=actor, note=note,
                             request=request)
    except ValidationError as exc:  # report every problem at once
        raise ValidationError({**exc.message_dict, **problems}) from exc
    if problems:
        raise ValidationError(problems)
    PlanRevision.objects.create(plan=locked, number=locked.revision, snapshot=_snapshot(locked),
                                created_by=actor)
    Review.objects.bulk_create([Review(plan=locked, revision=locked.revision, department=d)
                                for d in departments])
    reviewers = [m.user for m in Membership.objects.current().filter(
        department__in=departments, position__in=[Position.HEAD, Position.MANAGER]
    ).select_related("user")]
    notify(reviewers, lambda: _("Please review “%(plan)s” (revision %(rev)s).")
           % {"plan": locked.title, "rev": locked.revision},
           url=locked.get_absolute_url(), exclude=locked.author)
    return locked


@transaction.atomic
def review_submit(*, review: Review, actor, verdict: str, request=None, **opinion) -> Review:
    """A reviewing department's opinion: a 1–5 score and comment on feasibility, rationality,
    innovation and risk, and a verdict. Requesting changes sends the plan back to drafting
    with the comments; the other reviews of that revision are then superseded."""
    plan = _lock(review.plan)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.state != ReviewState.PENDING or review.revision != plan.revision \
            or plan.state != PlanState.INTERNAL_REVIEW:
        raise Conflict(_("This review is closed."))
    if not actor.has_perm("plans.review_plan", review):
        raise PermissionDenied(_("You may not sign this department's review."))
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose approve or request changes.")})
    errors = {}
    for aspect in Review.ASPECTS:
        score = opinion.get(aspect)
        if score is None:
            errors[aspect] = [_("Give a score from 1 to 5.")]
        setattr(review, aspect, score)
        setattr(review, f"{aspect}_comment", opinion.get(f"{aspect}_comment", "") or "")
    if verdict == Verdict.REQUEST_CHANGES and not any(
        (opinion.get(f"{a}_comment") or "").strip() for a in Review.ASPECTS
    ):
        errors["feasibility_comment"] = [_("Say what should change.")]
    if errors:
        raise ValidationError(errors)
    review.verdict = verdict
    review.reviewer = actor
    review.state = ReviewState.DONE
    review.submitted_at = timezone.now()
    save_audited(review, actor=actor, subject=plan, request=request, action="plans.review.submit",
               data={"department": review.department_id, "verdict": verdict,
                     "revision": review.revision})
    if verdict == Verdict.REQUEST_CHANGES:
        Review.objects.filter(plan=plan, revision=plan.revision,
                              state=ReviewState.PENDING).update(state=ReviewState.SUPERSEDED)
        plan = _transition(plan, "return_to_drafting", actor=actor, request=request,
                           note=_("Changes requested by %s") % review.department)
        notify([plan.author], lambda: _("%(dept)s requested changes to “%(plan)s”.")
               % {"dept": review.department, "plan": plan.title}, url=plan.get_absolute_url())
    elif not plan.reviews.filter(revision=plan.revision, state=ReviewState.PENDING).exists():
        notify(_plan_people(plan), lambda: _("All reviews of “%s” approve it: it can go to the "
                                             "committee.") % plan.title,
               url=plan.get_absolute_url())
    return review


@transaction.atomic
def plan_submit_to_committee(*, plan: Plan, actor, note: str = "", request=None) -> Plan:
    """Internal review → committee approval, once every required review approves. Opens a
    committee Decision on this revision; the author may not vote on it."""
    from committee.services import decision_open

    locked = _transition(plan, "submit_to_committee", actor=actor, note=note, request=request)
    decision = decision_open(
        subject=locked, kind=DecisionKind.PLAN_APPROVAL, revision=locked.revision,
        title=f"{locked.title} (r{locked.revision})", actor=actor, excluded=[locked.author],
        request=request,
    )
    voters = [s.user for s in CommitteeSeat.objects.current()
              .filter(committee=decision.committee).select_related("user")]
    notify(voters, lambda: _("The committee is asked to approve “%s”.") % locked.title,
           url=locked.get_absolute_url(), exclude=locked.author)
    return locked


@transaction.atomic
def plan_approve(*, plan: Plan, actor, note: str = "", request=None) -> Plan:
    """Committee approval → execution: only from an approved Decision on this revision.
    The revision is frozen."""
    locked = _transition(plan, "approve", actor=actor, note=note, request=request)
    _goals_become_targets(locked, actor=actor, request=request)
    notify(_plan_people(locked), lambda: _("“%s” is approved: execution starts.") % locked.title,
           url=locked.get_absolute_url())
    return locked


GRAIN_OF_PERIOD = {"annual": "year", "quarterly": "quarter", "monthly": "month"}


def _goals_become_targets(plan: Plan, *, actor, request=None) -> None:
    """An approved plan's indicator goals set the indicators' targets for the plan period:
    green at the goal's target, red beyond the baseline (amber between)."""
    from kpis.services import target_upsert

    for goal in plan.goals.select_related("indicator").filter(indicator__isnull=False):
        target_upsert(
            actor=actor, indicator=goal.indicator,
            department=plan.department or goal.indicator.owner_department,
            grain=GRAIN_OF_PERIOD[plan.period_kind], period_start=plan.period_start,
            target=goal.target, red_threshold=goal.baseline,
            origin=f"{plan.title} r{plan.revision}: {goal.title}"[:200], request=request)


@transaction.atomic
def plan_reject(*, plan: Plan, actor, note: str = "", request=None) -> Plan:
    """Committee approval → drafting, with the committee's reasons."""
    locked = _transition(plan, "reject", actor=actor, note=note, request=request)
    notify(_plan_people(locked), lambda: _("The committee returned “%s” to drafting.")
           % locked.title, url=locked.get_absolute_url())
    return locked


@transaction.atomic
def plan_cancel(*, plan: Plan, actor, reason: str, request=None) -> Plan:
    """Any non-terminal state → cancelled, by the planning manager or the committee chair,
    with a reason. An open committee vote on it is withdrawn."""
    from committee.models import Decision
    from committee.services import decision_withdraw

    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    # Lock order everywhere: decision, then plan (a vote that closes a decision moves the plan
    # in that order too), so a cancel racing the chair's close cannot deadlock.
    list(Decision.objects.about(plan).open().select_for_update())
    locked = _transition(plan, "cancel", actor=actor, note=reason, request=request,
                         reason=reason.strip())
    for decision in Decision.objects.about(locked).open():
        decision_withdraw(decision=decision, actor=actor, reason=reason, request=request)
    Review.objects.filter(plan=locked, state=ReviewState.PENDING).update(
        state=ReviewState.SUPERSEDED)
    notify(_plan_people(locked), lambda: _("“%(plan)s” was cancelled: %(reason)s")
           % {"plan": locked.title, "reason": reason}, url=locked.get_absolute_url(),
           exclude=actor)
    return locked


def apply_committee_decision(*, decision, actor) -> None:
    """Receiver of committee.signals.decision_closed: the vote's outcome moves the plan."""
    if decision.kind != DecisionKind.PLAN_APPROVAL or not isinstance(decision.subject, Plan):
        return
    plan = decision.subject
    if plan.state != PlanState.COMMITTEE_APPROVAL or plan.revision != decision.subject_revision:
        return
    if decision.state == "approved":
        plan_approve(plan=plan, actor=actor, note=decision.summary)
    elif decision.state == "rejected":
        plan_reject(plan=plan, actor=actor, note=decision.summary)

