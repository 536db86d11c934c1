"""Every change to the risk register. One service per domain action: atomic, row-locked
where the risk's state changes, permission-checked with the same rule as every interface,
guarded with reasons, audited, notifications sent after commit. Pages, the API, the admin and
tasks call these; nothing else writes risks."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.choices import DecisionKind, Position
from committee.models import Membership
from opsplan.audit import record, save_audited
from opsplan.errors import Conflict
from opsplan.models import Event
from opsplan.notifications import notify
from risks.choices import (
    CADENCE_HIGH,
    CADENCE_OTHER,
    DEFAULT_COLOURS,
    HIGH_LEVELS,
    AcceptanceState,
    AssessmentKind,
    Method,
    Status,
    Strategy,
)
from risks.models import (
    Acceptance,
    Assessment,
    ChecklistItem,
    ReviewReminder,
    Risk,
    RiskAction,
    RiskMatrix,
    matrix_problems,
)

RISK_FIELDS = ("title", "description", "category", "method", "checklist_item", "department",
               "owner")
ACTION_FIELDS = ("title", "owner", "due_on", "cost", "status")
CHECKLIST_FIELDS = ("category", "question", "guidance", "is_active", "order")

TRANSITION_LABELS = {
    "monitor": gettext_lazy("Start monitoring"),
    "close": gettext_lazy("Close the risk"),
    "reopen": gettext_lazy("Reopen the risk"),
}


def _require(actor, perm, obj=None, message=None):
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message or _("You may not do this."))


def _lock(risk) -> Risk:
    return Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)


def _people(risk):
    """Who follows a risk: its owner, the heads of its department and the planning leads."""
    leads = Membership.objects.current().filter(
        department__kind="planning", position__in=[Position.MANAGER, Position.SUPERVISOR]
    ).select_related("user")
    heads = Membership.objects.current().filter(
        department=risk.department_id, position=Position.HEAD).select_related("user")
    return [risk.owner, *(m.user for m in heads), *(m.user for m in leads)]


# --- the matrix ----------------------------------------------------------------------------

def current_matrix() -> RiskMatrix | None:
    return RiskMatrix.objects.filter(is_current=True).first()


@transaction.atomic
def matrix_create(*, actor, likelihood_labels, impact_labels, cells, colours=None, name="",
                  request=None) -> RiskMatrix:
    """A new matrix version becomes current. Earlier versions and the assessments made with
    them stay as they were (re-scoring them is the re-map wizard's job)."""
    _require(actor, "risks.configure", message=_("Only the planning department's leads "
                                                 "configure the risk matrix."))
    colours = {**DEFAULT_COLOURS, **(colours or {})}
    colours = {str(k): v for k, v in colours.items()}
    problems = matrix_problems(likelihood_labels=likelihood_labels, impact_labels=impact_labels,
                               cells=cells, colours=colours)
    if problems:
        raise ValidationError(problems)
    # lock the current version so two simultaneous changes give two versions in order
    previous = RiskMatrix.objects.select_for_update().filter(is_current=True).first()
    last = RiskMatrix.objects.order_by("-version").values_list("version", flat=True).first()
    if previous is not None:
        RiskMatrix.objects.filter(pk=previous.pk).update(is_current=False)
    matrix = RiskMatrix(version=(last or 0) + 1, name=name, likelihood_labels=likelihood_labels,
                        impact_labels=impact_labels, cells=cells, colours=colours,
                        is_current=True, created_by=actor if actor.is_authenticated else None)
    save_audited(matrix, actor=actor, action="risks.matrix.create", request=request,
                 data={"version": matrix.version, "size": [len(likelihood_labels),
                                                           len(impact_labels)]})
    return matrix


def _scale(value: int, old_size: int, new_size: int) -> int:
    """The level of a new scale at the same relative position as ``value`` on the old one."""
    if old_size == new_size:
        return value
    return min(new_size, max(1, math.ceil(value * new_size / old_size)))


def remap_preview(*, matrix: RiskMatrix, user=None) -> list[dict]:
    """What re-mapping onto ``matrix`` would do: each open risk's latest assessment made with
    another version, its cell and level there, and the proposed cell and level here (same
    relative position on each axis). Nothing is stored."""
    rows = []
    risks = Risk.objects.exclude(status=Status.CLOSED).select_related(
        "inherent__matrix", "residual__matrix").order_by("pk")
    if user is not None:
        from risks.selectors import visible_risks

        risks = risks.filter(pk__in=visible_risks(user).values("pk"))
    for risk in risks:
        for assessment in (risk.inherent, risk.residual):
            if assessment is None or assessment.matrix_id == matrix.pk:
                continue
            old = assessment.matrix
            likelihood = _scale(assessment.likelihood, old.rows, matrix.rows)
            impact = _scale(assessment.impact, old.columns, matrix.columns)
            new_level = matrix.level(likelihood, impact)
            rows.append({"risk": risk, "assessment": assessment, "kind": assessment.kind,
                         "from_version": old.version, "from_likelihood": assessment.likelihood,
                         "from_impact": assessment.impact, "from_level": assessment.level,
                         "likelihood": likelihood, "impact": impact, "level": new_level,
                         "changed": new_level != assessment.level})
    return rows


@transaction.atomic
def matrix_remap(*, matrix, actor, request=None) -> int:
    """Re-score the open risks' latest assessments onto ``matrix`` as the preview shows: a new
    assessment each (the old one stays in the history). A level that changes makes an
    acceptance outdated. Returns the number of assessments made."""
    _require(actor, "risks.configure", message=_("Only the planning department's leads "
                                                 "re-map assessments."))
    if not matrix.is_current:
        raise Conflict(_("Only the current matrix version can be re-mapped onto."))
    made = 0
    for row in remap_preview(matrix=matrix):
        risk = _lock(row["risk"])
        old = row["assessment"]
        latest = risk.inherent_id if old.kind == AssessmentKind.INHERENT else risk.residual_id
        if latest != old.pk:
            continue  # assessed again meanwhile
        new = Assessment.objects.create(
            risk=risk, kind=old.kind, matrix=matrix, likelihood=row["likelihood"],
            impact=row["impact"], level=row["level"], probability=old.probability,
            financial_impact=old.financial_impact, remapped_from=old, assessed_by=actor,
            note=_("Re-mapped from matrix v%(v)s.") % {"v": row["from_version"]})
        _set_latest(risk, new)
        risk.save()
        if row["changed"]:
            _outdate_acceptances(risk, actor=actor, request=request)
        record(actor=actor, action="risks.risk.remap", subject=risk, request=request,
               data={"kind": old.kind, "from": [row["from_version"], old.likelihood,
                                                old.impact, old.level],
                     "to": [matrix.version, new.likelihood, new.impact, new.level]})
        made += 1
    return made


# --- risks ---------------------------------------------------------------------------------

def _check_links(actor, plans, goals):
    from plans.rules import can_view_plan

    plans = list(plans or [])
    goals = list(goals or [])
    for plan in plans:
        if not can_view_plan(actor, plan):
            raise ValidationError({"plans": [_("No such plan.")]})
    plan_ids = {p.pk for p in plans}
    for goal in goals:
        if goal.plan_id not in plan_ids:
            raise ValidationError({"goals": [_("A goal must belong to one of the linked "
                                               "plans.")]})
    return plans, goals


@transaction.atomic
def risk_create(*, actor, title, category, department, description="", method=Method.BRAINSTORMING,
                owner=None, plans=(), goals=(), checklist_item=None, request=None) -> Risk:
    """Record an identified risk (§4.3) for a department the actor may record for."""
    _require(actor, "risks.add_risk")
    if not actor.has_perm("risks.record_for", department):
        raise ValidationError({"department": [_("You may record risks only for your own "
                                                "department.")]})
    plans, goals = _check_links(actor, plans, goals)
    if checklist_item is not None:
        method = Method.CHECKLIST
    risk = Risk(title=title, category=category, department=department, description=description,
                method=method, owner=owner, checklist_item=checklist_item, created_by=actor)
    save_audited(risk, actor=actor, action="risks.risk.create", request=request,
                 data={"department": department.pk, "category": category})
    risk.plans.set(plans)
    risk.goals.set(goals)
    notify(_people(risk), lambda: _("New risk “%(risk)s” recorded for %(dept)s.")
           % {"risk": risk.title, "dept": risk.department}, url=risk.get_absolute_url(),
           exclude=actor)
    return risk


@transaction.atomic
def risk_update(*, risk, actor, request=None, **data) -> Risk:
    """Change what identifies a risk: title, description, category, owner, department and
    links. A closed risk is not edited (reopen it first)."""
    risk = _lock(risk)
    _require(actor, "risks.change_risk", risk)
    if risk.status == Status.CLOSED:
        raise Conflict(_("This risk is closed: reopen it to change it."))
    changes = {}
    for field in RISK_FIELDS:
        if field in data and getattr(risk, field) != data[field]:
            before = getattr(risk, field)
            changes[field] = [str(before) if before is not None else None,
                              str(data[field]) if data[field] is not None else None]
            setattr(risk, field, data[field])
    if "department" in changes and not actor.has_perm("risks.record_for", risk.department):
        raise ValidationError({"department": [_("You may record risks only for your own "
                                                "department.")]})
    plans = data.get("plans")
    goals = data.get("goals")
    if plans is not None or goals is not None:
        plans, goals = _check_links(actor, plans if plans is not None else risk.plans.all(),
                                    goals if goals is not None else risk.goals.all())
    save_audited(risk, actor=actor, action="risks.risk.update", request=request, data=changes)
    if plans is not None:
        risk.plans.set(plans)
    if goals is not None:
        risk.goals.set(goals)
    return risk


def _set_latest(risk, assessment):
    if assessment.kind == AssessmentKind.INHERENT:
        risk.inherent, risk.inherent_level = assessment, assessment.level
    else:
        risk.residual, risk.residual_level = assessment, assessment.level


def default_cadence(level: str) -> int:
    return CADENCE_HIGH if level in HIGH_LEVELS else CADENCE_OTHER


def _schedule_review(risk, today=None):
    today = today or timezone.localdate()
    days = risk.review_every_days or default_cadence(risk.current_level)
    risk.next_review_on = today + dt.timedelta(days=days)


def _outdate_acceptances(risk, *, actor, request=None):
    """An assessment changed after an acceptance: it must be approved again."""
    from committee.services import decision_withdraw

    for acceptance in Acceptance.objects.select_for_update().filter(
            risk=risk, state__in=[AcceptanceState.PENDING, AcceptanceState.ACCEPTED]):
        if acceptance.state == AcceptanceState.PENDING and acceptance.decision_id and \
                acceptance.decision.is_open:
            decision_withdraw(decision=acceptance.decision, actor=actor, request=request,
                              reason=_("The risk was assessed again."))
        acceptance.state = AcceptanceState.OUTDATED
        acceptance.outdated_at = timezone.now()
        acceptance.save(update_fields=["state", "outdated_at"])
        record(actor=actor, action="risks.acceptance.outdated", subject=risk, request=request,
               data={"acceptance": acceptance.pk})
        notify(_people(risk), lambda: _(
            "The acceptance of “%s” is outdated: the risk was assessed again; it must be "
            "accepted again.") % risk.title, url=risk.get_absolute_url(), exclude=actor)


@transaction.atomic
def risk_assess(*, risk, actor, kind, likelihood, impact, probability=None,
                financial_impact=None, note="", request=None) -> Assessment:
    """Score the risk on the current matrix: inherent (before responses) or residual (after
    them, once a response is recorded). Each assessment is kept; the latest of each kind is
    the risk's level. A new assessment makes any acceptance outdated and sets the next
    review date."""
    risk = _lock(risk)
    _require(actor, "risks.assess_risk", risk)
    if risk.status == Status.CLOSED:
        raise Conflict(_("This risk is closed: reopen it to assess it."))
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": [_("Choose inherent or residual.")]})
    if kind == AssessmentKind.RESIDUAL and not risk.strategy:
        raise Conflict(_("The residual risk is assessed after a response: record the "
                         "response first."))
    matrix = current_matrix()
    if matrix is None:
        raise Conflict(_("No risk matrix is configured yet."))
    errors = {}
    if not isinstance(likelihood, int) or not 1 <= likelihood <= matrix.rows:
        errors["likelihood"] = [_("Choose a likelihood from 1 to %d.") % matrix.rows]
    if not isinstance(impact, int) or not 1 <= impact <= matrix.columns:
        errors["impact"] = [_("Choose an impact from 1 to %d.") % matrix.columns]
    if errors:
        raise ValidationError(errors)
    assessment = Assessment(risk=risk, kind=kind, matrix=matrix, likelihood=likelihood,
                            impact=impact, level=matrix.level(likelihood, impact),
                            probability=probability, financial_impact=financial_impact,
                            note=note, assessed_by=actor)
    assessment.full_clean(exclude=["risk", "matrix"])
    assessment.save()
    previous_level = risk.current_level
    _set_latest(risk, assessment)
    if risk.status == Status.IDENTIFIED:
        risk.status = Status.ASSESSED
    _schedule_review(risk)
    risk.save()
    record(actor=actor, action="risks.risk.assess", subject=risk, request=request,
           data={"kind": kind, "matrix": matrix.version, "likelihood": likelihood,
                 "impact": impact, "level": assessment.level, "note": note})
    _outdate_acceptances(risk, actor=actor, request=request)
    if assessment.level in HIGH_LEVELS and previous_level not in HIGH_LEVELS:
        from risks.signals import risk_became_high

        transaction.on_commit(lambda: risk_became_high.send(
            sender=Risk, risk=risk, assessment=assessment))
        notify(_people(risk), lambda: _("“%(risk)s” is now a %(level)s risk.")
               % {"risk": risk.title, "level": assessment.get_level_display()},
               url=risk.get_absolute_url(), exclude=actor)
    return assessment


@transaction.atomic
def risk_respond(*, risk, actor, strategy, response_plan="", target_level="",
                 review_every_days=None, request=None) -> Risk:
    """Choose the response (avoid, reduce, transfer, accept), its plan, the target residual
    level and the review cadence (default: high and critical monthly, others quarterly)."""
    risk = _lock(risk)
    _require(actor, "risks.respond_risk", risk)
    if risk.status in (Status.IDENTIFIED, Status.CLOSED):
        raise Conflict(_("Assess the risk before choosing its response.")
                       if risk.status == Status.IDENTIFIED
                       else _("This risk is closed: reopen it to change its response."))
    if strategy not in Strategy.values:
        raise ValidationError({"strategy": [_("Choose avoid, reduce, transfer or accept.")]})
    changes = {"strategy": [risk.strategy, strategy], "target_level": [risk.target_level,
                                                                         target_level]}
    if risk.strategy != strategy and risk.strategy == Strategy.ACCEPT:
        Acceptance.objects.filter(risk=risk, state=AcceptanceState.ACCEPTED).update(
            state=AcceptanceState.OUTDATED, outdated_at=timezone.now())
    risk.strategy, risk.response_plan, risk.target_level = strategy, response_plan, target_level
    risk.review_every_days = review_every_days
    if risk.status == Status.ASSESSED:
        risk.status = Status.RESPONDING
    _schedule_review(risk)
    save_audited(risk, actor=actor, action="risks.risk.respond", request=request, data=changes)
    return risk


@transaction.atomic
def action_save(*, risk, action, actor, request=None, **data) -> RiskAction:
    """Add or change an action of the risk's response."""
    _require(actor, "risks.change_risk", risk)
    if risk.status == Status.CLOSED:
        raise Conflict(_("This risk is closed: reopen it to change its actions."))
    created = action.pk is None
    action.risk = risk
    changes = {}
    for field in ACTION_FIELDS:
        if field in data and getattr(action, field) != data[field]:
            changes[field] = str(data[field])
            setattr(action, field, data[field])
    return save_audited(action, actor=actor, subject=risk, request=request,
                        action="risks.action.create" if created else "risks.action.update",
                        data={"action": action.title, **changes})


@transaction.atomic
def action_delete(*, action, actor, request=None) -> None:
    _require(actor, "risks.delete_riskaction", action)
    if action.risk.status == Status.CLOSED:
        raise Conflict(_("This risk is closed: reopen it to change its actions."))
    record(actor=actor, action="risks.action.delete", subject=action.risk, request=request,
           data={"action": action.title})
    action.delete()


@transaction.atomic
def action_to_plan_item(*, action, plan, actor, department, request=None):
    """Turn a response action into an action item of a plan being drafted (the plan's own
    rules apply: only its stewards, only while its content is editable)."""
    from plans.models import ActionItem
    from plans.services import part_save

    _require(actor, "risks.change_riskaction", action)
    if action.plan_action_id:
        raise Conflict(_("This action is already an action item of a plan."))
    if action.due_on is None:
        raise ValidationError({"due_on": [_("Give the action a due date first.")]})
    item = part_save(plan=plan, part=ActionItem(), actor=actor, title=action.title[:200],
                     department=department, person=action.owner, deadline=action.due_on,
                     expected_result=_("Risk response: %s") % action.risk.title)
    action.plan_action = item
    action.save(update_fields=["plan_action"])
    record(actor=actor, action="risks.action.to_plan", subject=action.risk, request=request,
           data={"action": action.pk, "plan": plan.pk, "item": item.pk})
    return item


@transaction.atomic
def action_to_cost_line(*, action, plan, actor, category, department=None, basis="goal",
                        request=None):
    """Turn a response action into a line of the budget of a plan the risk is linked to: its
    cost becomes the line's amount (spread evenly over the plan's months). The budget's own
    rule decides (plans.hooks → costs: whoever may edit the plan's budget, while the plan's
    content is editable, audited there); the action keeps a link to the line, and an action
    that is already a cost line is refused (409)."""
    from plans import hooks

    action = RiskAction.objects.select_for_update(of=("self",)).select_related("risk").get(
        pk=action.pk)
    _require(actor, "risks.view_riskaction", action)
    if action.risk.status == Status.CLOSED:
        raise Conflict(_("This risk is closed: reopen it to change its actions."))
    maker = hooks.cost_lines()
    if maker is None:
        raise Conflict(_("Cost budgets are not available."))
    if action.cost_line_id is not None and action.cost_line is not None:
        raise Conflict(_("This action is already a line of the cost budget of “%(plan)s”.")
                       % {"plan": action.cost_line.plan.title})
    if action.cost is None or action.cost <= 0:
        raise ValidationError({"cost": [_("Give the action a cost first.")]})
    if not action.risk.plans.filter(pk=plan.pk).exists():
        raise ValidationError({"plan": [_("Choose a plan this risk is linked to.")]})
    risk = action.risk
    try:
        line = maker.make(
            plan=plan, actor=actor, category=category,
            department=department or risk.department, description=action.title[:200],
            amount=action.cost, basis=basis, request=request,
            basis_note=(_("Risk response action of “%(risk)s”.") % {"risk": risk.title})[:500])
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "amount" in exc.error_dict:
            raise ValidationError({"cost": exc.error_dict["amount"]}) from exc
        raise
    action.cost_line = line
    action.save(update_fields=["cost_line_type", "cost_line_id"])
    record(actor=actor, action="risks.action.to_cost_line", subject=risk, request=request,
           data={"action": action.pk, "plan": plan.pk, "line": line.pk,
                 "amount": str(action.cost), "category": category})
    return line


# --- acceptance ----------------------------------------------------------------------------

@transaction.atomic
def risk_accept(*, risk, actor, reason, request=None) -> Acceptance:
    """Accept the risk at its current level. Low and medium: accepted now by the department's
    head or a planning lead. High and critical: put to the committee's vote; the acceptance
    holds once the committee approves it. Either becomes outdated when the risk is assessed
    again."""
    from committee.services import decision_open

    risk = _lock(risk)
    _require(actor, "risks.accept_risk", risk, _("Only the department's head or the planning "
                                                 "department's leads accept a risk."))
    if risk.status == Status.CLOSED:
        raise Conflict(_("This risk is closed."))
    if risk.strategy != Strategy.ACCEPT:
        raise Conflict(_("Choose “accept” as the response before accepting the risk."))
    assessment = risk.residual or risk.inherent
    if assessment is None:
        raise Conflict(_("Assess the risk before accepting it."))
    if not str(reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for accepting the risk.")]})
    if Acceptance.objects.filter(risk=risk, state__in=[AcceptanceState.PENDING,
                                                       AcceptanceState.ACCEPTED]).exists():
        raise Conflict(_("This risk is already accepted or awaiting the committee."))
    acceptance = Acceptance(risk=risk, assessment=assessment, level=assessment.level,
                            reason=reason, requested_by=actor)
    if assessment.level in HIGH_LEVELS:
        acceptance.decision = decision_open(
            subject=risk, kind=DecisionKind.RISK_ACCEPTANCE, actor=actor, request=request,
            revision=assessment.pk, excluded=[actor],
            title=_("Accept the %(level)s risk “%(risk)s”") % {
                "level": assessment.get_level_display(), "risk": risk.title})
    else:
        acceptance.state = AcceptanceState.ACCEPTED
        acceptance.decided_at = timezone.now()
    save_audited(acceptance, actor=actor, subject=risk, request=request,
                 action="risks.acceptance.request" if acceptance.decision else
                 "risks.acceptance.accept", data={"level": acceptance.level, "reason": reason})
    if acceptance.decision is not None:
        from committee.models import CommitteeSeat

        members = [s.user for s in CommitteeSeat.objects.current().filter(
            committee=acceptance.decision.committee_id).select_related("user")]
        notify(members, lambda: _("Vote on accepting the %(level)s risk “%(risk)s”.")
               % {"level": assessment.get_level_display(), "risk": risk.title},
               url=risk.get_absolute_url(), exclude=actor, event=Event.VOTE_REQUESTED)
    return acceptance


def apply_committee_decision(*, decision, actor) -> None:
    """Receiver of committee.signals.decision_closed: the vote's outcome settles the
    acceptance it was opened for (unless the acceptance became outdated meanwhile)."""
    if decision.kind != DecisionKind.RISK_ACCEPTANCE:
        return
    acceptance = Acceptance.objects.select_for_update().filter(
        decision=decision, state=AcceptanceState.PENDING).select_related("risk").first()
    if acceptance is None:
        return
    approved = decision.state == "approved"
    acceptance.state = AcceptanceState.ACCEPTED if approved else AcceptanceState.REJECTED
    acceptance.decided_at = timezone.now()
    acceptance.save(update_fields=["state", "decided_at"])
    risk = acceptance.risk
    record(actor=actor, action=f"risks.acceptance.{acceptance.state}", subject=risk,
           data={"decision": decision.pk, "summary": decision.summary})
    notify([acceptance.requested_by, *_people(risk)], lambda: (
        _("The committee accepted the risk “%s”.") if approved
        else _("The committee did not accept the risk “%s”: choose another response."))
        % risk.title, url=risk.get_absolute_url(), event=Event.DECISION)


def acceptance_in_force(risk) -> Acceptance | None:
    return Acceptance.objects.filter(risk=risk, state=AcceptanceState.ACCEPTED).first()


# --- status --------------------------------------------------------------------------------

def transition_problems(risk, name) -> list[str]:
    """Why a transition cannot run now (empty: it can)."""
    problems = []
    if name == "monitor":
        if risk.status != Status.RESPONDING:
            problems.append(_("Only a risk being responded to moves to monitoring."))
        elif risk.residual_id is None:
            problems.append(_("Assess the residual risk first."))
        elif risk.strategy == Strategy.ACCEPT and not Acceptance.objects.filter(
                risk=risk, state=AcceptanceState.ACCEPTED).exists():
            problems.append(_("An accepted risk is monitored once its acceptance is approved."))
    elif name == "close":
        if risk.status == Status.CLOSED:
            problems.append(_("The risk is already closed."))
    elif name == "reopen" and risk.status != Status.CLOSED:
        problems.append(_("Only a closed risk is reopened."))
    return problems


TRANSITION_PERMS = {"monitor": "risks.change_risk", "close": "risks.close_risk",
                    "reopen": "risks.close_risk"}


def available_transitions(risk, user) -> list[dict]:
    result = []
    for name, perm in TRANSITION_PERMS.items():
        if not user.has_perm(perm, risk):
            continue
        problems = transition_problems(risk, name)
        if name == "reopen" and problems:
            continue
        if name != "reopen" and risk.status == Status.CLOSED:
            continue
        result.append({"name": name, "label": str(TRANSITION_LABELS[name]),
                       "ready": not problems, "problems": problems})
    return result


@transaction.atomic
def risk_transition(*, risk, actor, name, reason="", request=None) -> Risk:
    """identified → assessed → responding → monitoring → closed. Assessing and responding
    move a risk forward by themselves; ``monitor`` needs a residual assessment (and, for an
    accepted risk, the acceptance); ``close`` needs a reason; ``reopen`` brings a closed risk
    back to where its record says it stands."""
    if name not in TRANSITION_PERMS:
        raise ValidationError({"name": [_("Unknown action.")]})
    risk = _lock(risk)
    _require(actor, TRANSITION_PERMS[name], risk,
             _("You may not do “%s” on this risk.") % TRANSITION_LABELS[name])
    problems = transition_problems(risk, name)
    if problems:
        raise Conflict(" ".join(problems))
    source = risk.status
    if name == "monitor":
        risk.status = Status.MONITORING
    elif name == "close":
        if not str(reason or "").strip():
            raise ValidationError({"reason": [_("Give the reason for closing the risk.")]})
        risk.status, risk.closed_reason = Status.CLOSED, reason
    else:
        risk.status = (Status.MONITORING if risk.residual_id else Status.RESPONDING
                       if risk.strategy else Status.ASSESSED if risk.inherent_id
                       else Status.IDENTIFIED)
        risk.closed_reason = ""
        _schedule_review(risk)
    risk.save()
    record(actor=actor, action=f"risks.risk.{name}", subject=risk, request=request,
           data={"from": source, "to": risk.status, "reason": reason})
    return risk


# --- reviews -------------------------------------------------------------------------------

def remind_due_reviews(today: dt.date | None = None) -> list[Risk]:
    """Remind the owners (and department heads) of open risks whose review is due today or
    overdue; once per risk and due date, so a second run sends nothing."""
    today = today or timezone.localdate()
    due = list(Risk.objects.exclude(status=Status.CLOSED).filter(
        next_review_on__lte=today).exclude(
        reminders__due_on=F("next_review_on")).select_related("department", "owner"))
    sent = []
    for risk in due:
        with transaction.atomic():
            _obj, created = ReviewReminder.objects.get_or_create(risk=risk,
                                                                 due_on=risk.next_review_on)
            if not created:
                continue
            notify(_people(risk), lambda r=risk: _(
                "The risk “%(risk)s” is due for review (%(date)s).")
                % {"risk": r.title, "date": r.next_review_on}, url=risk.get_absolute_url(),
                event=Event.REMINDER)
            sent.append(risk)
    return sent


# --- the checklist -------------------------------------------------------------------------

@transaction.atomic
def checklist_save(*, item, actor, request=None, **data) -> ChecklistItem:
    _require(actor, "risks.configure", message=_("Only the planning department's leads keep "
                                                 "the risk checklist."))
    created = item.pk is None
    for field in CHECKLIST_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    return save_audited(item, actor=actor, request=request,
                        action="risks.checklist.create" if created else "risks.checklist.update",
                        data={f: str(data[f]) for f in CHECKLIST_FIELDS if f in data})


@transaction.atomic
def checklist_delete(*, item, actor, request=None) -> None:
    _require(actor, "risks.configure")
    record(actor=actor, action="risks.checklist.delete", subject=item, request=request,
           data={"question": item.question})
    item.delete()


@transaction.atomic
def checklist_spawn(*, item, actor, title, department, description="", request=None) -> Risk:
    """A checklist question answered "yes, this could happen to us": a risk of its category,
    identified by the checklist."""
    if not item.is_active:
        raise Conflict(_("This checklist question is no longer in use."))
    return risk_create(actor=actor, request=request, title=title, department=department,
                       description=description, category=item.category,
                       method=Method.CHECKLIST, checklist_item=item)
