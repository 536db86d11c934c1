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
from opsplan.models import Event
from opsplan.notifications import notify
from plans.choices import AdjustmentState, PlanState, ReviewState, StrategyKind, Verdict
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
    "start_monitoring": gettext_lazy("Start monitoring"),
    "force_monitoring": gettext_lazy("Start monitoring without every acknowledgement"),
    "start_adjustment": gettext_lazy("Start an adjustment"),
    "complete": gettext_lazy("Close the plan with a final assessment"),
}
MANUAL_TRANSITIONS = ("start_drafting", "submit_for_review", "submit_to_committee",
                      "start_monitoring", "force_monitoring", "start_adjustment", "complete",
                      "cancel")


def _lock(plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _transition(plan: Plan, name: str, *, actor, note: str = "", request=None,
                check_permission: bool = True, **kwargs) -> Plan:
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
    if check_permission and not meta.has_transition_perm(locked, source, actor):
        raise PermissionDenied(_("You may not do “%s” on this plan.") % TRANSITION_LABELS[name])
    problems: dict[str, list[str]] = {}
    for condition in meta.get_transition(source).conditions:
        for field, messages in getattr(condition, "problems", lambda p: {})(locked).items():
            problems.setdefault(field, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    method(**kwargs)
    locked.state_changed_at = timezone.now()  # every transition runs here: time in state
    locked.save()
    record(actor=actor, action=f"plans.plan.{name}", subject=locked, request=request,
           data={"from": source, "to": locked.state, "note": note,
                 "revision": locked.revision})
    return locked


def available_transitions(plan: Plan, user) -> list[dict]:
    """The transitions this user may start now, each with whether its guard passes and why
    not. Only transitions a person starts by hand are listed (approve/reject follow votes)."""
    result = []
    for name in MANUAL_TRANSITIONS:
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
    """The plan's content as submitted, for the frozen revision record (plans.revisions)."""
    from plans.revisions import snapshot

    return snapshot(plan)


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
           url=locked.get_absolute_url(), exclude=locked.author, event=Event.REVIEW_REQUESTED)
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
    kind = (DecisionKind.PLAN_ADJUSTMENT if locked.approved_revision is not None
            else DecisionKind.PLAN_APPROVAL)
    decision = decision_open(
        subject=locked, kind=kind, revision=locked.revision,
        title=f"{locked.title} (r{locked.revision})", actor=actor, excluded=[locked.author],
        request=request,
    )
    voters = [s.user for s in CommitteeSeat.objects.current()
              .filter(committee=decision.committee).select_related("user")]
    notify(voters, lambda: _("The committee is asked to approve “%s”.") % locked.title,
           url=locked.get_absolute_url(), exclude=locked.author, event=Event.VOTE_REQUESTED)
    return locked


@transaction.atomic
def plan_approve(*, plan: Plan, actor, note: str = "", request=None) -> Plan:
    """Committee approval → execution: only from an approved Decision on this revision.
    The revision is frozen."""
    locked = _transition(plan, "approve", actor=actor, note=note, request=request)
    _goals_become_targets(locked, actor=actor, request=request)
    notify(_plan_people(locked), lambda: _("“%s” is approved: execution starts.") % locked.title,
           url=locked.get_absolute_url(), event=Event.DECISION)
    adjustment = locked.adjustments.filter(state=AdjustmentState.OPEN).first()
    if adjustment is not None:
        # an approved adjustment: execution resumes on the new revision, which is
        # communicated to the responsible departments at once
        _close_adjustment(adjustment, AdjustmentState.APPROVED, locked, actor=actor,
                          request=request)
        locked = _publish(locked, actor=actor, request=request)
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
    """Committee approval → drafting, with the committee's reasons. A rejected adjustment
    returns to executing the approved revision: its content is restored from that
    revision's snapshot and the deviations it answered are open again."""
    locked = _transition(plan, "reject", actor=actor, note=note, request=request)
    adjustment = locked.adjustments.filter(state=AdjustmentState.OPEN).first()
    if locked.approved_revision is not None:
        from plans.revisions import restore

        approved = PlanRevision.objects.get(plan=locked, number=locked.approved_revision)
        restore(locked, approved.snapshot)
        record(actor=actor, action="plans.plan.restore", subject=locked, request=request,
               data={"revision": locked.approved_revision})
        if adjustment is not None:
            _close_adjustment(adjustment, AdjustmentState.REJECTED, locked, actor=actor,
                              request=request)
        notify(_plan_people(locked), lambda: _(
            "The committee rejected the adjustment of “%(plan)s”: execution continues on "
            "revision %(rev)s.") % {"plan": locked.title, "rev": locked.approved_revision},
            url=locked.get_absolute_url(), event=Event.DECISION)
        return locked
    notify(_plan_people(locked), lambda: _("The committee returned “%s” to drafting.")
           % locked.title, url=locked.get_absolute_url(), event=Event.DECISION)
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
    if decision.kind not in (DecisionKind.PLAN_APPROVAL, DecisionKind.PLAN_ADJUSTMENT) \
            or not isinstance(decision.subject, Plan):
        return
    plan = decision.subject
    if plan.state != PlanState.COMMITTEE_APPROVAL or plan.revision != decision.subject_revision:
        return
    if decision.state == "approved":
        plan_approve(plan=plan, actor=actor, note=decision.summary)
    elif decision.state == "rejected":
        plan_reject(plan=plan, actor=actor, note=decision.summary)



# --- execution (§3.4) ------------------------------------------------------------------------

def _heads_of(departments):
    return [m.user for m in Membership.objects.current().filter(
        department__in=departments, position__in=[Position.HEAD, Position.MANAGER]
    ).select_related("user")]


def _publish(plan: Plan, *, actor, request=None) -> Plan:
    """Communicate the approved revision: one acknowledgement awaited from each department
    responsible for an action item; their heads are told."""
    from plans.models import Acknowledgement

    departments = list({a.department_id: a.department
                        for a in plan.actions.select_related("department")}.values())
    plan.published_revision = plan.approved_revision
    plan.published_at = timezone.now()
    plan.save(update_fields=["published_revision", "published_at", "updated_at"])
    Acknowledgement.objects.bulk_create([
        Acknowledgement(plan=plan, revision=plan.approved_revision, department=d)
        for d in departments], ignore_conflicts=True)
    record(actor=actor, action="plans.plan.publish", subject=plan, request=request,
           data={"revision": plan.approved_revision,
                 "departments": [d.pk for d in departments]})
    notify(_heads_of(departments), lambda: _(
        "“%(plan)s” (revision %(rev)s) is published: please acknowledge your department's "
        "action items.") % {"plan": plan.title, "rev": plan.approved_revision},
        url=plan.get_absolute_url(), exclude=actor, event=Event.ASSIGNED)
    return plan


@transaction.atomic
def plan_publish(*, plan: Plan, actor, note: str = "", request=None) -> Plan:
    """The planning department publishes the approved plan to the responsible departments."""
    locked = _lock(plan)
    if not actor.has_perm("plans.publish_plan", locked):
        raise PermissionDenied(_("Only the planning department publishes running plans."))
    if locked.state != PlanState.EXECUTION:
        raise Conflict(_("Only a plan in execution is published."))
    if locked.published_revision == locked.approved_revision:
        raise Conflict(_("Revision %s is already published.") % locked.approved_revision)
    return _publish(locked, actor=actor, request=request)


@transaction.atomic
def acknowledgement_confirm(*, acknowledgement, actor, note: str = "", request=None):
    """A responsible department acknowledges its action items. When the last one does, the
    plan moves from execution to monitoring."""
    from plans.models import Acknowledgement

    plan = _lock(acknowledgement.plan)
    ack = Acknowledgement.objects.select_for_update().get(pk=acknowledgement.pk)
    if ack.state != "pending" or ack.revision != plan.published_revision:
        raise Conflict(_("This acknowledgement is no longer awaited."))
    if not actor.has_perm("plans.acknowledge", ack):
        raise PermissionDenied(_("You may not acknowledge for this department."))
    ack.state = "acknowledged"
    ack.acknowledged_by = actor
    ack.acknowledged_at = timezone.now()
    ack.note = note or ""
    save_audited(ack, actor=actor, subject=plan, request=request,
                 action="plans.acknowledgement.confirm",
                 data={"department": ack.department_id, "revision": ack.revision})
    if plan.state == PlanState.EXECUTION and not plan.acknowledgements.filter(
            revision=plan.published_revision, state="pending").exists():
        plan = _transition(plan, "start_monitoring", actor=actor, request=request,
                           check_permission=False,
                           note=_("Every responsible department acknowledged."))
        notify(_plan_people(plan), lambda: _("Every department acknowledged “%s”: monitoring "
                                             "starts.") % plan.title,
               url=plan.get_absolute_url())
    return ack


@transaction.atomic
def plan_start_monitoring(*, plan: Plan, actor, note: str = "", request=None) -> Plan:
    """Execution → monitoring once every responsible department acknowledged."""
    return _transition(plan, "start_monitoring", actor=actor, note=note, request=request)


@transaction.atomic
def plan_force_monitoring(*, plan: Plan, actor, reason: str, request=None) -> Plan:
    """Execution → monitoring before every acknowledgement: the planning manager, with a
    reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for starting monitoring now.")})
    return _transition(plan, "force_monitoring", actor=actor, note=reason, request=request,
                       reason=reason.strip())


def _apply_progress(action, *, status, percent_complete, quality=""):
    from plans.choices import ActionStatus

    errors = {}
    if status not in ActionStatus.values:
        errors["status"] = [_("Choose a status.")]
    if percent_complete is None or not 0 <= int(percent_complete) <= 100:
        errors["percent_complete"] = [_("Give a percentage from 0 to 100.")]
    if quality and status != ActionStatus.DONE:
        errors["quality"] = [_("Quality is assessed when the action is done.")]
    if status == ActionStatus.DONE and not quality:
        errors["quality"] = [_("Assess the quality of the finished action.")]
    if errors:
        raise ValidationError(errors)
    action.status = status
    action.percent_complete = 100 if status == ActionStatus.DONE else int(percent_complete)
    action.quality = quality or ""
    if status == ActionStatus.DONE:
        action.completed_on = action.completed_on or timezone.localdate()
    else:
        action.completed_on = None


@transaction.atomic
def action_progress_update(*, action, actor, status, percent_complete, quality="",
                           request=None):
    """Status, percent complete and (when done) the quality of one action item."""
    plan = _lock(action.plan)
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    action.plan = plan
    if not actor.has_perm("plans.update_progress", action):
        if plan.state not in ("execution", "monitoring", "adjustment"):
            raise Conflict(_("Progress is recorded while the plan runs."))
        raise PermissionDenied(_("You may not report progress on this action."))
    _apply_progress(action, status=status, percent_complete=percent_complete, quality=quality)
    save_audited(action, actor=actor, subject=plan, request=request,
                 action="plans.action.progress",
                 data={"id": action.pk, "title": action.title, "status": action.status,
                       "percent_complete": action.percent_complete,
                       "quality": action.quality})
    return action


# --- weekly progress (§4.1) --------------------------------------------------------------------

def week_deadline(iso_year: int, iso_week: int):
    """When a week's reports lock by default: the weekly meeting, Monday 09:00 (local time)
    of the following week, unless settings say otherwise."""
    import datetime as dt

    from django.conf import settings

    weekday, hour, minute = getattr(settings, "PLANS_WEEKLY_LOCK", (1, 9, 0))
    monday = dt.date.fromisocalendar(iso_year, iso_week, 1) + dt.timedelta(days=7)
    day = monday + dt.timedelta(days=weekday - 1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _check_week(iso_year, iso_week):
    import datetime as dt

    try:
        dt.date.fromisocalendar(int(iso_year), int(iso_week), 1)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"iso_week": _("No such ISO week.")}) from exc


def _week_locked(iso_year, iso_week) -> bool:
    from plans.models import WeekLock

    return WeekLock.objects.filter(iso_year=iso_year, iso_week=iso_week).exists()


def _save_lines(report, lines, *, plan) -> None:
    from plans.models import WeeklyReportLine

    errors = []
    seen = set()
    for line in lines:
        action = line["action"]
        if action.plan_id != plan.pk:
            errors.append(_("Report only action items of this plan."))
            continue
        if action.department_id != report.department_id:
            errors.append(_("“%s” is not an action of this unit on this plan.") % action)
            continue
        if action.pk in seen:
            errors.append(_("“%s” is reported twice.") % action)
            continue
        seen.add(action.pk)
        locked_action = ActionItem.objects.select_for_update().get(pk=action.pk)
        _apply_progress(locked_action, status=line["status"],
                        percent_complete=line["percent_complete"],
                        quality=line.get("quality") or "")
        locked_action.save()
        WeeklyReportLine.objects.update_or_create(
            report=report, action=locked_action,
            defaults={"status": locked_action.status,
                      "percent_complete": locked_action.percent_complete,
                      "note": line.get("note") or ""})
    if errors:
        raise ValidationError({"lines": errors})


REPORT_FIELDS = ("summary", "problems", "help_needed", "next_week")


@transaction.atomic
def report_create(*, plan: Plan, department, iso_year: int, iso_week: int, actor, lines=(),
                  request=None, **data):
    """A unit's weekly report on a plan. A second one for the same unit, plan and week is a
    conflict (edit the first). Posted after the week's lock time, it is marked late; posted
    into a locked week, it is locked at once."""
    from plans.models import WeeklyReport

    plan = _lock(plan)
    _check_week(iso_year, iso_week)
    report = WeeklyReport(plan=plan, department=department, iso_year=iso_year,
                          iso_week=iso_week, author=actor,
                          **{k: v or "" for k, v in data.items() if k in REPORT_FIELDS})
    if not actor.has_perm("plans.add_weeklyreport", report):
        if plan.state not in ("execution", "monitoring", "adjustment"):
            raise Conflict(_("Weekly reports are posted on running plans only."))
        raise PermissionDenied(_("You may post reports only for your own business unit."))
    if WeeklyReport.objects.filter(plan=plan, department=department, iso_year=iso_year,
                                   iso_week=iso_week).exists():
        raise Conflict(_("%(unit)s has already posted its report on this plan for week "
                         "%(week)s: edit it instead.")
                       % {"unit": department, "week": f"{iso_year}-W{int(iso_week):02d}"})
    now = timezone.now()
    locked = _week_locked(iso_year, iso_week)
    report.late = locked or now > week_deadline(iso_year, iso_week)
    report.locked_at = now if locked else None
    save_audited(report, actor=actor, subject=plan, request=request,
                 action="plans.weeklyreport.create",
                 data={"department": department.pk, "week": report.week_label,
                       "late": report.late})
    _save_lines(report, lines, plan=plan)
    return report


@transaction.atomic
def report_update(*, report, actor, lines=(), request=None, **data):
    """Change a weekly report until its week is locked."""
    from plans.models import WeeklyReport

    plan = _lock(report.plan)
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    if report.locked_at is not None:
        raise Conflict(_("This report is locked: the weekly meeting has started."))
    if plan.state not in ("execution", "monitoring", "adjustment"):
        raise Conflict(_("Weekly reports are posted on running plans only."))
    if not actor.has_perm("plans.change_weeklyreport", report):
        raise PermissionDenied(_("You may change only your own unit's reports."))
    for name in REPORT_FIELDS:
        if name in data:
            setattr(report, name, data[name] or "")
    save_audited(report, actor=actor, subject=plan, request=request,
                 action="plans.weeklyreport.update",
                 data={"department": report.department_id, "week": report.week_label})
    _save_lines(report, lines, plan=plan)
    return report


@transaction.atomic
def lock_week(iso_year: int, iso_week: int, *, actor=None, request=None) -> int:
    """Lock a week's progress reports (the weekly meeting starts; the meetings app calls
    this). Idempotent; returns how many reports were locked now."""
    from plans.models import WeekLock, WeeklyReport

    _check_week(iso_year, iso_week)
    now = timezone.now()
    _lock_row, created = WeekLock.objects.get_or_create(iso_year=iso_year, iso_week=iso_week,
                                                        defaults={"locked_at": now})
    count = WeeklyReport.objects.filter(iso_year=iso_year, iso_week=iso_week,
                                        locked_at__isnull=True).update(locked_at=now)
    if created or count:
        record(actor=actor, action="plans.week.lock", request=request,
               actor_label="" if actor else "system",
               data={"week": f"{iso_year}-W{int(iso_week):02d}", "reports": count})
    return count


def lock_due_weeks(now=None) -> int:
    """The fallback when no meeting locked them: lock the recent weeks whose default lock
    time has passed (beat, Monday 09:00)."""
    import datetime as dt

    now = now or timezone.now()
    locked = 0
    today = timezone.localdate(now)
    for weeks_back in (1, 2):
        year, week, _day = (today - dt.timedelta(weeks=weeks_back)).isocalendar()
        if week_deadline(year, week) <= now:
            locked += lock_week(year, week)
    return locked


def expected_units(plan) -> set[int]:
    """The business units that report weekly on a running plan: those responsible for one of
    its action items, and the unit a unit plan belongs to."""
    units = {a.department_id for a in plan.actions.all()
             if a.department.kind == "business_unit"}
    if plan.department_id:
        units.add(plan.department_id)
    return units


def missing_reports(iso_year: int, iso_week: int) -> list[tuple]:
    """(plan, department) for every running plan and expected unit without a report."""
    from committee.models import Department
    from plans.models import WeeklyReport

    plans = list(Plan.objects.filter(state__in=["execution", "monitoring", "adjustment"])
                 .prefetch_related("actions__department"))
    posted = set(WeeklyReport.objects.filter(iso_year=iso_year, iso_week=iso_week)
                 .values_list("plan_id", "department_id"))
    wanted = [(p, d) for p in plans for d in sorted(expected_units(p))
              if (p.pk, d) not in posted]
    departments = Department.objects.in_bulk({d for _p, d in wanted})
    return [(p, departments[d]) for p, d in wanted]


def remind_missing_reports(today=None) -> list[tuple]:
    """Friday afternoon: remind each unit that has not posted this week's report on a running
    plan (its head and managers), once per unit, plan and week."""
    from plans.models import ReportReminder

    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    reminded = []
    for plan, department in missing_reports(year, week):
        _row, created = ReportReminder.objects.get_or_create(
            plan=plan, department=department, iso_year=year, iso_week=week)
        if not created:
            continue
        notify(_heads_of([department]), lambda p=plan, d=department: _(
            "%(unit)s has not posted its weekly progress on “%(plan)s” for week %(week)s.")
            % {"unit": d, "plan": p.title, "week": f"{year}-W{week:02d}"},
            url=plan.get_absolute_url(), event=Event.REMINDER)
        reminded.append((plan.pk, department.pk))
    return reminded


# --- monitoring notes, deviations (§3.5) -------------------------------------------------------

@transaction.atomic
def monitoring_note_add(*, plan: Plan, actor, source, note, observed_on=None, request=None):
    from plans.models import MonitoringNote

    locked = _lock(plan)
    if not actor.has_perm("plans.report_deviation", locked):
        if locked.state not in ("execution", "monitoring", "adjustment"):
            raise Conflict(_("Monitoring notes are kept on running plans."))
        raise PermissionDenied(_("You may not add monitoring notes to this plan."))
    item = MonitoringNote(plan=locked, source=source, note=note, author=actor)
    if observed_on:
        item.observed_on = observed_on
    return save_audited(item, actor=actor, subject=locked, request=request,
                        action="plans.monitoringnote.create", data={"source": source})


DEVIATION_FIELDS = ("title", "gap", "gap_note", "cause_category", "evidence", "owner",
                    "due_date")


def _deviation_people(plan, deviation):
    return [*_plan_people(plan), deviation.owner]


@transaction.atomic
def deviation_report(*, plan: Plan, actor, goals=(), request=None, **data):
    """A user reports a deviation on a running plan."""
    from plans.models import Deviation

    locked = _lock(plan)
    if not actor.has_perm("plans.report_deviation", locked):
        if locked.state not in ("execution", "monitoring", "adjustment"):
            raise Conflict(_("Deviations are recorded on running plans."))
        raise PermissionDenied(_("You may not report deviations on this plan."))
    if any(g.plan_id != locked.pk for g in goals):
        raise ValidationError({"goals": _("Link only goals of this plan.")})
    deviation = Deviation(plan=locked, created_by=actor,
                          **{k: v for k, v in data.items() if k in DEVIATION_FIELDS})
    save_audited(deviation, actor=actor, subject=locked, request=request,
                 action="plans.deviation.create",
                 data={"title": deviation.title, "source": deviation.source})
    deviation.goals.set(goals)
    notify(_deviation_people(locked, deviation), lambda: _("Deviation on “%(plan)s”: %(title)s")
           % {"plan": locked.title, "title": deviation.title},
           url=locked.get_absolute_url(), exclude=actor)
    return deviation


@transaction.atomic
def deviation_update(*, deviation, actor, goals=None, request=None, **data):
    """Record the analysis of a deviation: gap, cause with evidence, owner, due date; or
    close it (``state="closed"``) when it needs no adjustment."""
    from plans.choices import DeviationState
    from plans.models import Deviation

    plan = _lock(deviation.plan)
    deviation = Deviation.objects.select_for_update().get(pk=deviation.pk)
    if not actor.has_perm("plans.change_deviation", deviation):
        if deviation.state not in ("open", "in_adjustment"):
            raise Conflict(_("This deviation is closed."))
        raise PermissionDenied(_("You may not analyse this deviation."))
    changes = {}
    for name in DEVIATION_FIELDS:
        if name in data and getattr(deviation, name) != data[name]:
            setattr(deviation, name, data[name])
            changes[name] = str(data[name])
    if data.get("close"):
        if deviation.state != DeviationState.OPEN:
            raise Conflict(_("A deviation answered by an adjustment closes with it."))
        deviation.state = DeviationState.CLOSED
        changes["state"] = DeviationState.CLOSED
    if goals is not None and any(g.plan_id != plan.pk for g in goals):
        raise ValidationError({"goals": _("Link only goals of this plan.")})
    save_audited(deviation, actor=actor, subject=plan, request=request,
                 action="plans.deviation.update", data=changes)
    if goals is not None:
        deviation.goals.set(goals)
    return deviation


def deviations_from_signal(signal) -> list:
    """A red KPI signal opens a deviation on each running plan with a goal measured by that
    indicator for that department within the period (receiver of kpis' post_save)."""
    from plans.choices import DeviationSource
    from plans.models import Deviation, Goal

    goals = Goal.objects.filter(
        indicator_id=signal.indicator_id,
        plan__state__in=["execution", "monitoring", "adjustment"],
        plan__period_start__lte=signal.period_start,
        plan__period_end__gte=signal.period_start,
    ).select_related("plan", "indicator")
    opened = []
    for goal in goals:
        plan = goal.plan
        if (plan.department_id or goal.indicator.owner_department_id) != signal.department_id:
            continue
        if Deviation.objects.filter(plan=plan, signal=signal,
                                    state__in=["open", "in_adjustment"]).exists():
            continue
        deviation = Deviation.objects.create(
            plan=plan, source=DeviationSource.KPI_SIGNAL, signal=signal,
            title=(_("%(goal)s is off target (%(value)s against %(target)s)")
                   % {"goal": goal.title, "value": f"{signal.value.normalize():f}",
                      "target": f"{signal.target.normalize():f}"})[:200],
            gap=signal.value - signal.target,
            gap_note=f"{signal.indicator.code} {signal.grain} {signal.period_start}")
        deviation.goals.set([goal])
        record(actor=None, action="plans.deviation.create", subject=plan,
               actor_label="system", data={"title": deviation.title,
                                           "source": deviation.source})
        notify(_plan_people(plan), lambda d=deviation, p=plan: _(
            "Deviation on “%(plan)s”: %(title)s") % {"plan": p.title, "title": d.title},
            url=plan.get_absolute_url())
        opened.append(deviation)
    return opened


def deviations_from_overdue_actions(today=None) -> int:
    """Each overdue critical action of a running plan opens one deviation (daily beat)."""
    from plans.choices import ActionStatus, DeviationSource
    from plans.models import Deviation

    today = today or timezone.localdate()
    opened = 0
    actions = ActionItem.objects.filter(
        critical=True, deadline__lt=today, plan__state__in=["execution", "monitoring"],
    ).exclude(status=ActionStatus.DONE).select_related("plan").prefetch_related("goals")
    for action in actions:
        if Deviation.objects.filter(plan=action.plan, action=action,
                                    source=DeviationSource.OVERDUE_ACTION,
                                    state__in=["open", "in_adjustment"]).exists():
            continue
        with transaction.atomic():
            deviation = Deviation.objects.create(
                plan=action.plan, source=DeviationSource.OVERDUE_ACTION, action=action,
                title=(_("Critical action overdue: %s") % action.title)[:200],
                gap_note=_("due %(deadline)s, %(percent)s %% complete")
                % {"deadline": action.deadline, "percent": action.percent_complete},
                owner=action.person, due_date=today)
            deviation.goals.set(action.goals.all())
            record(actor=None, action="plans.deviation.create", subject=action.plan,
                   actor_label="system", data={"title": deviation.title,
                                               "source": deviation.source})
            notify([*_plan_people(action.plan), action.person],
                   lambda d=deviation: _("Deviation on “%(plan)s”: %(title)s")
                   % {"plan": d.plan.title, "title": d.title},
                   url=action.plan.get_absolute_url())
        opened += 1
    return opened


# --- adjustment (§3.5) -------------------------------------------------------------------------

@transaction.atomic
def plan_start_adjustment(*, plan: Plan, actor, kind, description, deviations,
                          note: str = "", request=None) -> Plan:
    """Monitoring → adjustment: the planning department answers one or more analysed
    deviations with a kind of adjustment; the approved revision becomes the new draft."""
    from plans.choices import AdjustmentKind, DeviationState
    from plans.models import Adjustment

    locked = _lock(plan)
    errors = {}
    if kind not in AdjustmentKind.values:
        errors["kind"] = [_("Choose the kind of adjustment.")]
    if not (description or "").strip():
        errors["description"] = [_("Say what changes and why.")]
    from plans.models import Deviation

    deviations = list(Deviation.objects.select_for_update().filter(
        pk__in=[d.pk for d in deviations or []]))
    if not deviations:
        errors["deviations"] = [_("Pick the deviations this adjustment answers.")]
    elif any(d.plan_id != locked.pk or d.state != DeviationState.OPEN for d in deviations):
        errors["deviations"] = [_("Pick open deviations of this plan.")]
    elif not all(d.cause_category for d in deviations):
        errors["deviations"] = [_("Analyse each deviation first: name its cause.")]
    if errors and locked.state == PlanState.MONITORING and actor.has_perm(
            "plans.adjust_plan", locked):
        raise ValidationError(errors)
    locked = _transition(locked, "start_adjustment", actor=actor, note=note or description,
                         request=request)
    adjustment = Adjustment(plan=locked, kind=kind, description=description.strip(),
                            base_revision=locked.approved_revision, created_by=actor)
    save_audited(adjustment, actor=actor, subject=locked, request=request,
                 action="plans.adjustment.start",
                 data={"kind": kind, "deviations": [d.pk for d in deviations]})
    adjustment.deviations.set(deviations)
    Deviation.objects.filter(pk__in=[d.pk for d in deviations]).update(
        state=DeviationState.IN_ADJUSTMENT)
    notify(_plan_people(locked), lambda: _("An adjustment of “%s” has started: the plan is "
                                           "a draft again until it is re-approved.")
           % locked.title, url=locked.get_absolute_url(), exclude=actor)
    return locked


def _close_adjustment(adjustment, state, plan, *, actor, request=None) -> None:
    from plans.choices import DeviationState

    adjustment.state = state
    adjustment.decided_revision = plan.revision
    adjustment.decided_at = timezone.now()
    adjustment.save(update_fields=["state", "decided_revision", "decided_at"])
    adjustment.deviations.update(state=DeviationState.RESOLVED if state == "approved"
                                 else DeviationState.OPEN)
    record(actor=actor, action=f"plans.adjustment.{state}", subject=plan, request=request,
           data={"adjustment": adjustment.pk, "revision": plan.revision})


# --- completion ---------------------------------------------------------------------------------

@transaction.atomic
def plan_complete(*, plan: Plan, actor, lessons: str, assessments: dict, note: str = "",
                  request=None) -> Plan:
    """Monitoring → completed: every goal assessed (achieved / partly / missed) and the
    lessons learned, which later plans' needs analysis offers."""
    from plans.choices import GoalResult
    from plans.models import GoalAssessment

    locked = _lock(plan)
    errors = {}
    goals = list(locked.goals.all())
    for goal in goals:
        result, _comment = assessments.get(goal.pk, ("", ""))
        if result not in GoalResult.values:
            errors[f"goal_{goal.pk}"] = [_("Assess this goal.")]
    if not (lessons or "").strip():
        errors["lessons"] = [_("Write down the lessons learned.")]
    if errors and locked.state == PlanState.MONITORING and actor.has_perm(
            "plans.complete_plan", locked):
        raise ValidationError(errors)
    locked = _transition(locked, "complete", actor=actor, note=note, request=request,
                         lessons=(lessons or "").strip())
    for goal in goals:
        result, comment = assessments[goal.pk]
        save_audited(GoalAssessment(goal=goal, result=result, comment=comment or "",
                                    assessed_by=actor),
                     actor=actor, subject=locked, request=request,
                     action="plans.goalassessment.create",
                     data={"goal": goal.pk, "result": result})
    notify(_plan_people(locked), lambda: _("“%s” is completed.") % locked.title,
           url=locked.get_absolute_url(), exclude=actor)
    return locked


# --- cascades (§2) -------------------------------------------------------------------------------

@transaction.atomic
def plan_derive(*, parent: Plan, actor, department=None, period_kind=None,
                period_start=None, title: str = "", request=None) -> Plan:
    """Derive a plan from an approved one: a business unit's plan (goals and actions of the
    parent assigned to that unit) or a shorter-period plan (quarterly or monthly, with the
    parent's goals and the actions due within it). Everything is pre-filled, then edited."""
    from plans.choices import PlanLevel

    if not actor.has_perm("plans.derive_plan", parent):
        if not actor.has_perm("plans.view_plan", parent):
            raise ValidationError({"parent": _("No such plan.")})
        if parent.approved_revision is None:
            raise Conflict(_("Only an approved plan is broken down."))
        raise PermissionDenied(_("You may not derive plans."))
    period_kind = period_kind or parent.period_kind
    period_start = period_start or parent.period_start
    if department is not None:
        level, unit = PlanLevel.UNIT, department
    else:
        level, unit = parent.level, parent.department
    if department is None and period_kind == parent.period_kind:
        raise ValidationError({"period_kind": _(
            "Pick a business unit, or a shorter period than the parent's.")})
    order = ["annual", "quarterly", "monthly"]
    if order.index(period_kind) < order.index(parent.period_kind):
        raise ValidationError({"period_kind": _("A derived plan's period is no longer than "
                                                "its parent's.")})
    if not title:
        title = f"{parent.title} · {department}" if department is not None else \
            f"{parent.title} · {period_start:%Y-%m}"
    child = plan_create(actor=actor, request=request, title=title[:200], level=level,
                        department=unit, period_kind=period_kind, period_start=period_start,
                        parent=parent, summary=parent.summary,
                        lessons_learned=parent.lessons_learned)
    actions = list(parent.actions.select_related("department", "person")
                   .prefetch_related("goals"))
    if department is not None:
        actions = [a for a in actions if a.department_id == department.pk]
        goal_ids = {g.pk for a in actions for g in a.goals.all()}
        goals = [g for g in parent.goals.all() if g.pk in goal_ids]
    else:
        actions = [a for a in actions if child.period_start <= a.deadline <= child.period_end]
        goals = list(parent.goals.all())
    copies = {}
    for goal in goals:
        copies[goal.pk] = part_save(
            plan=child, part=Goal(), actor=actor, request=request, title=goal.title,
            indicator=goal.indicator, measure=goal.measure, unit=goal.unit,
            baseline=goal.baseline, target=goal.target, direction=goal.direction,
            deadline=min(max(goal.deadline, child.period_start), child.period_end))
    for action in actions:
        part_save(plan=child, part=ActionItem(), actor=actor, request=request,
                  title=action.title, department=action.department, person=action.person,
                  deadline=min(max(action.deadline, child.period_start), child.period_end),
                  steps=action.steps, resources=action.resources,
                  expected_result=action.expected_result, critical=action.critical,
                  goals=[copies[g.pk] for g in action.goals.all() if g.pk in copies])
    for strategy in parent.strategies.all():
        mine = child.strategies.get(kind=strategy.kind)
        if strategy.content:
            part_save(plan=child, part=mine, actor=actor, request=request,
                      content=strategy.content)
    record(actor=actor, action="plans.plan.derive", subject=parent, request=request,
           data={"child": child.pk, "title": child.title})
    return child
