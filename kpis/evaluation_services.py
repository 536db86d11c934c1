"""Every change in the performance evaluation (§4.5). Atomic, permission-checked with the same
rules as every interface, audited, notifying after commit. Scoring arithmetic is in
kpis/scoring.py; this module gathers the inputs and records the results with their formula."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.choices import Position
from committee.models import Membership
from kpis import scoring
from kpis.choices import Direction, Grain
from kpis.evaluation import (
    ANONYMITY_THRESHOLD,
    CYCLE_ORDER,
    QUESTION_SCALE,
    QUESTIONS,
    CycleKind,
    CycleState,
    Evaluation,
    EvaluationCycle,
    FeedbackRequest,
    FeedbackResponse,
    ItemKind,
    ItemScore,
    Objective,
    ScorecardItem,
    ScorecardTemplate,
    ScoringRule,
)
from kpis.periods import add_months, grain_end, month_start, quarter_start
from opsplan.audit import record, save_audited
from opsplan.errors import Conflict
from opsplan.models import Event
from opsplan.notifications import notify

GRAIN_OF_CYCLE = {CycleKind.MONTHLY: Grain.MONTH, CycleKind.QUARTERLY: Grain.QUARTER,
                  CycleKind.ANNUAL: Grain.YEAR}
BUILT_FROM = {CycleKind.QUARTERLY: (CycleKind.MONTHLY, 3),
              CycleKind.ANNUAL: (CycleKind.QUARTERLY, 4)}


def _require(actor, perm, obj=None):
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _heads(department):
    return [m.user for m in Membership.objects.current().filter(
        department=department, position__in=[Position.HEAD, Position.MANAGER])
        .select_related("user")]


# --- templates ---------------------------------------------------------------------------------

def template_problems(template: ScorecardTemplate) -> list[str]:
    problems = []
    items = list(template.items.all())
    weights = scoring.validate_weights([i.weight for i in items])
    if weights:
        problems.append(_("Item weights: %s.") % "; ".join(weights))
    methods = [template.kpi_weight, template.mbo_weight, template.feedback_weight]
    if sum(methods, Decimal(0)) != 100:
        problems.append(_("The method weights (KPI, objectives, 360) must sum to 100 %."))
    return problems


@transaction.atomic
def template_save(*, actor, department, request=None, **data) -> ScorecardTemplate:
    _require(actor, "kpis.keep_scorecards")
    template, _created = ScorecardTemplate.objects.select_for_update().get_or_create(
        department=department)
    for field in ("kpi_weight", "mbo_weight", "feedback_weight", "scale", "anchors"):
        if field in data:
            setattr(template, field, data[field])
    anchors = template.anchors or []
    if not isinstance(anchors, list) or not all(isinstance(a, str) and len(a) <= 300
                                                for a in anchors):
        raise ValidationError({"anchors": [_("Anchors are short texts, one per rating.")]})
    if anchors and len(anchors) != template.scale:
        raise ValidationError({"anchors": [_("Give one anchor for each of the %d ratings, or "
                                             "none.") % template.scale]})
    total = template.kpi_weight + template.mbo_weight + template.feedback_weight
    if total != 100:
        raise ValidationError({"kpi_weight": [_("The method weights must sum to 100 %% (now "
                                                "%s %%).") % total]})
    return save_audited(template, actor=actor, action="kpis.scorecard.save", request=request,
                        data={"department": department.code})


ITEM_FIELDS = ("kind", "title", "indicator", "weight", "rule", "target", "threshold", "cap",
               "bands")


def _check_item(item: ScorecardItem) -> None:
    errors: dict[str, list] = {}
    if item.kind == ItemKind.QUANTITATIVE:
        if item.indicator_id is None:
            errors["indicator"] = [_("A quantitative item is measured by an indicator.")]
        if item.target is None:
            errors["target"] = [_("Give the target.")]
        if item.rule == ScoringRule.LINEAR:
            if item.threshold is None:
                errors["threshold"] = [_("The linear rule needs a threshold.")]
            elif item.target is not None and item.threshold == item.target:
                errors["threshold"] = [_("The threshold must differ from the target.")]
    if item.rule == ScoringRule.BANDED and item.kind == ItemKind.QUANTITATIVE:
        bands = item.bands
        valid = isinstance(bands, list) and bands and all(
            isinstance(b, list | tuple) and len(b) == 2
            and all(isinstance(x, int | float | str) for x in b) for b in bands)
        if valid:
            try:
                [(Decimal(str(m)), Decimal(str(s))) for m, s in bands]
            except ArithmeticError:
                valid = False
        if not valid:
            errors["bands"] = [_("Bands are a list of [minimum achievement %, score] pairs.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def item_add(*, actor, template: ScorecardTemplate, request=None, **data) -> ScorecardItem:
    _require(actor, "kpis.keep_scorecards")
    last = template.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = ScorecardItem(template=template, order=last + 1,
                         **{k: v for k, v in data.items() if k in ITEM_FIELDS})
    if item.bands is None:
        item.bands = []
    _check_item(item)
    return save_audited(item, actor=actor, action="kpis.scorecard.item_add", request=request,
                        data={"department": template.department.code, "title": item.title})


@transaction.atomic
def item_remove(*, actor, item: ScorecardItem, request=None) -> None:
    _require(actor, "kpis.keep_scorecards")
    record(actor=actor, action="kpis.scorecard.item_remove", request=request,
           data={"department": item.template.department.code, "title": item.title})
    item.delete()


# --- cycles ------------------------------------------------------------------------------------

def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if kind == CycleKind.MONTHLY:
        start = month_start(day)
        return start, grain_end(Grain.MONTH, start)
    if kind == CycleKind.QUARTERLY:
        start = quarter_start(day)
        return start, grain_end(Grain.QUARTER, start)
    start = dt.date(day.year, 1, 1)
    return start, dt.date(day.year, 12, 31)


def _snapshot(item: ScorecardItem) -> dict:
    return {"indicator_id": item.indicator_id, "rule": item.rule,
            "target": str(item.target) if item.target is not None else None,
            "threshold": str(item.threshold) if item.threshold is not None else None,
            "cap": str(item.cap), "bands": item.bands,
            "direction": item.indicator.direction if item.indicator_id else None}


@transaction.atomic
def open_cycle(*, kind: str, day: dt.date, actor=None, request=None) -> tuple[EvaluationCycle,
                                                                              bool]:
    """The cycle of ``kind`` holding ``day``, with an evaluation for every department whose
    scorecard is complete. Idempotent: a second call (beat firing twice) finds it."""
    if actor is not None:
        _require(actor, "kpis.run_cycles")
    start, end = period_of(kind, day)
    cycle, created = EvaluationCycle.objects.get_or_create(
        kind=kind, period_start=start, defaults={"period_end": end})
    if not created:
        return cycle, False
    record(actor=actor, action="kpis.cycle.open", request=request,
           actor_label="" if actor else "system", data={"kind": kind, "start": str(start)})
    templates = ScorecardTemplate.objects.select_related("department").prefetch_related(
        "items__indicator")
    for template in templates:
        if template_problems(template) or not template.department.is_active:
            continue
        evaluation = Evaluation.objects.create(
            cycle=cycle, department=template.department, scale=template.scale,
            method_weights={"kpi": str(template.kpi_weight), "mbo": str(template.mbo_weight),
                            "feedback": str(template.feedback_weight)})
        ItemScore.objects.bulk_create([
            ItemScore(evaluation=evaluation, order=item.order, item=item, title=item.title,
                      kind=item.kind, weight=item.weight, definition=_snapshot(item))
            for item in template.items.all()])
        notify(_heads(template.department), lambda e=evaluation: _(
            "The %(cycle)s evaluation of %(department)s is open: agree the objectives and "
            "write the self-assessment.") % {"cycle": e.cycle, "department": e.department},
            url=evaluation.get_absolute_url(), event=Event.REMINDER)
    return cycle, True


def due_cycles(today: dt.date) -> list[tuple[str, dt.date]]:
    """The cycles the last complete month calls for: its month, its quarter when it ends one,
    its year when it is December."""
    last_month = add_months(month_start(today), -1)
    due = [(CycleKind.MONTHLY, last_month)]
    if last_month.month % 3 == 0:
        due.append((CycleKind.QUARTERLY, last_month))
    if last_month.month == 12:
        due.append((CycleKind.ANNUAL, last_month))
    return due


def open_due_cycles(today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return [open_cycle(kind=kind, day=day)[0].pk for kind, day in due_cycles(today)]


# --- the evaluation ----------------------------------------------------------------------------

def _locked(evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update(of=("self",)).select_related(
        "cycle", "department").get(pk=evaluation.pk)


def _in(evaluation, *states):
    if evaluation.cycle.state not in states:
        raise Conflict(_("The evaluation is in “%s”: this is not possible now.")
                       % evaluation.cycle.get_state_display())


# Each step on an evaluation: the cycle stages it is open in and the permission it needs. The
# services enforce it (_step: 409 out of stage, 403 without the permission); pages offer the
# step's form only where it holds (may).
STEPS = {
    "self_assess": ((CycleState.SELF_ASSESSMENT,), "kpis.self_assess"),
    "review": ((CycleState.REVIEW,), "kpis.review_evaluation"),
    "request_feedback": ((CycleState.SELF_ASSESSMENT, CycleState.REVIEW),
                         "kpis.review_evaluation"),
    "calibrate": ((CycleState.CALIBRATION,), "kpis.calibrate_evaluation"),
}


def may(evaluation, user, step: str) -> bool:
    """Whether ``user`` may take ``step`` (a key of STEPS) on the evaluation now."""
    states, permission = STEPS[step]
    return evaluation.cycle.state in states and user.has_perm(permission, evaluation)


def _step(locked, actor, step: str) -> None:
    states, permission = STEPS[step]
    _in(locked, *states)
    _require(actor, permission, locked)


@transaction.atomic
def self_assess(*, evaluation, actor, self_assessment: str, request=None) -> Evaluation:
    locked = _locked(evaluation)
    _step(locked, actor, "self_assess")
    locked.self_assessment = self_assessment
    locked.save(update_fields=["self_assessment"])
    record(actor=actor, action="kpis.evaluation.self_assess", subject=locked, request=request)
    return locked


@transaction.atomic
def objective_add(*, evaluation, actor, title, target, weight, request=None) -> Objective:
    locked = _locked(evaluation)
    _in(locked, CycleState.SELF_ASSESSMENT)
    if not (actor.has_perm("kpis.self_assess", locked)
            or actor.has_perm("kpis.review_evaluation", locked)):
        raise PermissionDenied(_("You may not agree objectives for this department."))
    objective = Objective(evaluation=locked, title=title, target=target, weight=weight)
    return save_audited(objective, actor=actor, action="kpis.objective.add", subject=locked,
                        request=request, data={"title": title[:200], "weight": str(weight)})


@transaction.atomic
def objective_score(*, objective: Objective, actor, achievement, note="",
                    request=None) -> Objective:
    locked = _locked(objective.evaluation)
    states = {CycleState.SELF_ASSESSMENT: "kpis.self_assess",
              CycleState.REVIEW: "kpis.review_evaluation"}
    perm = states.get(locked.cycle.state)
    if perm is None:
        raise Conflict(_("Objectives are scored during self-assessment and review."))
    _require(actor, perm, locked)
    objective.achievement, objective.note = achievement, note
    return save_audited(objective, actor=actor, action="kpis.objective.score", subject=locked,
                        request=request, data={"title": objective.title,
                                               "achievement": str(achievement)})


@transaction.atomic
def rate_item(*, item: ItemScore, actor, rating: int, request=None) -> ItemScore:
    locked = _locked(item.evaluation)
    _step(locked, actor, "review")
    if item.kind != ItemKind.QUALITATIVE:
        raise ValidationError({"rating": [_("Only qualitative items are rated.")]})
    if not 1 <= rating <= locked.scale:
        raise ValidationError({"rating": [_("Rate from 1 to %d.") % locked.scale]})
    item.rating = rating
    item.auto_score = item.score = scoring.rating(rating, locked.scale)
    item.source = _("rating %(rating)s of %(scale)s") % {"rating": rating, "scale": locked.scale}
    item.save(update_fields=["rating", "auto_score", "score", "source"])
    record(actor=actor, action="kpis.evaluation.rate", subject=locked, request=request,
           data={"item": item.title, "rating": rating})
    return item


@transaction.atomic
def override_item(*, item: ItemScore, actor, score, reason: str, request=None) -> ItemScore:
    """Replace a computed KPI score, with a reason (audited)."""
    locked = _locked(item.evaluation)
    _step(locked, actor, "review")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the computed score is overridden.")]})
    if not Decimal(0) <= score <= Decimal(200):
        raise ValidationError({"score": [_("A score lies between 0 and 200.")]})
    before = item.score
    item.score, item.override_reason = scoring.q(Decimal(score)), reason.strip()
    item.save(update_fields=["score", "override_reason"])
    record(actor=actor, action="kpis.evaluation.override", subject=locked, request=request,
           data={"item": item.title, "from": str(before), "to": str(item.score),
                 "reason": reason[:500]})
    return item


def _item_auto(evaluation: Evaluation, item: ItemScore, lower_scores: dict) -> None:
    """The computed score of a quantitative item: from the lower cycles' scores when all of
    them exist (a quarter from its three months, a year from its four quarters), else from
    the indicator's rollup for the period."""
    from kpis.models import Rollup

    d = item.definition
    lower = lower_scores.get(item.item_id)
    if lower is not None:
        item.actual = None
        item.auto_score = lower
        item.source = _("mean of the %s lower-cycle scores") % BUILT_FROM[
            evaluation.cycle.kind][1]
        return
    rollup = Rollup.objects.filter(indicator_id=d.get("indicator_id"),
                                   department_id=evaluation.department_id,
                                   grain=GRAIN_OF_CYCLE[evaluation.cycle.kind],
                                   period_start=evaluation.cycle.period_start).first()
    if rollup is None:
        item.actual, item.auto_score = None, None
        item.source = _("no data for the period")
        return
    item.actual = rollup.value
    target = Decimal(d["target"])
    if d["rule"] == ScoringRule.LINEAR:
        item.auto_score = scoring.linear(rollup.value, target=target,
                                         threshold=Decimal(d["threshold"]),
                                         cap=Decimal(d["cap"]))
        item.source = _("linear: %(actual)s between %(threshold)s and %(target)s") % {
            "actual": rollup.value, "threshold": d["threshold"], "target": target}
    else:
        pct = scoring.achievement(rollup.value, target=target,
                                  higher_is_better=d.get("direction") != Direction.LOWER)
        item.auto_score = scoring.banded(pct, d["bands"])
        item.source = _("banded: achievement %s %%") % pct


def _lower_scores(evaluation: Evaluation) -> dict:
    """item id -> mean of the lower cycles' scores, when every lower cycle has one."""
    built = BUILT_FROM.get(evaluation.cycle.kind)
    if built is None:
        return {}
    kind, count = built
    rows = ItemScore.objects.filter(
        evaluation__department=evaluation.department, evaluation__cycle__kind=kind,
        evaluation__cycle__period_start__gte=evaluation.cycle.period_start,
        evaluation__cycle__period_start__lte=evaluation.cycle.period_end,
        item__isnull=False, score__isnull=False).values_list("item_id", "score")
    by_item: dict = {}
    for item_id, score in rows:
        by_item.setdefault(item_id, []).append(score)
    return {item_id: scoring.mean(scores) for item_id, scores in by_item.items()
            if len(scores) == count}


def feedback_summary(evaluation: Evaluation) -> list[dict]:
    """Per reviewer group: how many answered and, only from ANONYMITY_THRESHOLD answers on,
    the mean per question and the comments (in no particular order)."""
    responses = list(FeedbackResponse.objects.filter(evaluation=evaluation).order_by("?"))
    out = []
    from kpis.evaluation import FeedbackGroup

    for group, label in FeedbackGroup.choices:
        mine = [r for r in responses if r.group == group]
        shown = len(mine) >= ANONYMITY_THRESHOLD
        row = {"group": group, "label": label, "responses": len(mine), "shown": shown,
               "questions": [], "comments": []}
        if shown:
            for key, text in QUESTIONS:
                values = [Decimal(r.answers[key]) for r in mine if key in r.answers]
                row["questions"].append({"key": key, "question": text,
                                         "mean": scoring.mean(values)})
            row["comments"] = sorted(r.comment for r in mine if r.comment)
        out.append(row)
    return out


def _feedback_score(evaluation) -> Decimal | None:
    """The 360-degree score (0-100) over every group with enough answers to be shown."""
    values = []
    for row in feedback_summary(evaluation):
        if row["shown"]:
            values += [q["mean"] for q in row["questions"] if q["mean"] is not None]
    mean = scoring.mean(values)
    return scoring.q(mean * 100 / QUESTION_SCALE) if mean is not None else None


@transaction.atomic
def compute(*, evaluation, actor=None, request=None) -> Evaluation:
    """Score every item, the objectives and the feedback, and combine them with the template's
    method weights (a method without any score leaves the others rescaled); the formula is
    kept with the result."""
    locked = _locked(evaluation)
    lower = _lower_scores(locked)
    items = list(locked.items.all())
    for item in items:
        if item.kind == ItemKind.QUANTITATIVE:
            _item_auto(locked, item, lower)
            if not item.override_reason:
                item.score = item.auto_score
            item.save(update_fields=["actual", "auto_score", "score", "source"])
    scored = [(i.score, i.weight) for i in items if i.score is not None]
    locked.kpi_score = (scoring.q(sum((s * w for s, w in scored), Decimal(0))
                                  / sum((w for _s, w in scored), Decimal(0)))
                        if scored else None)
    objectives = [o for o in locked.objectives.all() if o.achievement is not None]
    locked.mbo_score = (scoring.q(sum((min(o.achievement, Decimal(120)) * o.weight
                                       for o in objectives), Decimal(0))
                                  / sum((o.weight for o in objectives), Decimal(0)))
                        if objectives and sum(o.weight for o in objectives) else None)
    locked.feedback_score = _feedback_score(locked)
    parts = [(name, label, score, Decimal(locked.method_weights.get(name, "0")))
             for name, label, score in (("kpi", "KPI", locked.kpi_score),
                                        ("mbo", "MBO", locked.mbo_score),
                                        ("feedback", "360", locked.feedback_score))]
    present = [(label, score, weight) for _n, label, score, weight in parts
               if score is not None and weight > 0]
    total_weight = sum((w for _l, _s, w in present), Decimal(0))
    if present and total_weight:
        locked.overall = scoring.q(sum((s * w for _l, s, w in present), Decimal(0))
                                   / total_weight)
        terms = " + ".join(f"{w}% × {label} {s}" for label, s, w in present)
        rescale = "" if total_weight == 100 else f" ÷ {total_weight}%"
        locked.formula = f"({terms}){rescale} = {locked.overall}"
    else:
        locked.overall, locked.formula = None, ""
    locked.save(update_fields=["kpi_score", "mbo_score", "feedback_score", "overall",
                               "formula"])
    if actor is not None:
        record(actor=actor, action="kpis.evaluation.compute", subject=locked, request=request,
               data={"overall": str(locked.overall)})
    return locked


@transaction.atomic
def calibrate(*, evaluation, actor, score, reason: str, request=None) -> Evaluation:
    locked = _locked(evaluation)
    _step(locked, actor, "calibrate")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the score is calibrated.")]})
    if not Decimal(0) <= score <= Decimal(200):
        raise ValidationError({"score": [_("A score lies between 0 and 200.")]})
    before = locked.final
    locked.calibrated, locked.calibration_reason = scoring.q(Decimal(score)), reason.strip()
    locked.calibrated_by = actor
    locked.save(update_fields=["calibrated", "calibration_reason", "calibrated_by"])
    record(actor=actor, action="kpis.evaluation.calibrate", subject=locked, request=request,
           data={"from": str(before), "to": str(locked.calibrated), "reason": reason[:500]})
    return locked


def next_stage(cycle: EvaluationCycle) -> tuple[str, str] | None:
    """(the stage after the cycle's, the permission moving there needs); None once published."""
    index = CYCLE_ORDER.index(cycle.state)
    if index == len(CYCLE_ORDER) - 1:
        return None
    target = CYCLE_ORDER[index + 1]
    return target, ("kpis.publish_cycle" if target == CycleState.PUBLISHED
                    else "kpis.run_cycles")


def may_advance(cycle: EvaluationCycle, user) -> bool:
    """Whether ``user`` may move the cycle on (the page shows the button by this rule)."""
    step = next_stage(cycle)
    return step is not None and user.has_perm(step[1])


@transaction.atomic
def advance(*, cycle: EvaluationCycle, actor, request=None) -> EvaluationCycle:
    """Move the cycle to its next stage: review, calibration (scores computed), published
    (department heads told)."""
    locked = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
    step = next_stage(locked)
    if step is None:
        raise Conflict(_("This cycle is already published."))
    target, permission = step
    _require(actor, permission)
    if target == CycleState.CALIBRATION:
        for evaluation in locked.evaluations.all():
            compute(evaluation=evaluation)
    before = locked.state
    locked.state = target
    if target == CycleState.PUBLISHED:
        locked.published_at = timezone.now()
    locked.save(update_fields=["state", "published_at"])
    record(actor=actor, action="kpis.cycle.advance", request=request,
           data={"cycle": str(locked), "from": before, "to": target})
    if target == CycleState.PUBLISHED:
        for evaluation in locked.evaluations.select_related("department"):
            notify(_heads(evaluation.department), lambda e=evaluation: _(
                "The %(cycle)s evaluation of %(department)s is published.") % {
                "cycle": e.cycle, "department": e.department},
                url=evaluation.get_absolute_url(), event=Event.DECISION)
    return locked


def previous(evaluation: Evaluation) -> Evaluation | None:
    return (Evaluation.objects.filter(department=evaluation.department,
                                      cycle__kind=evaluation.cycle.kind,
                                      cycle__period_start__lt=evaluation.cycle.period_start)
            .select_related("cycle").order_by("-cycle__period_start").first())


# --- 360-degree feedback -----------------------------------------------------------------------

@transaction.atomic
def feedback_request(*, evaluation, actor, group, reviewer=None, external_name="",
                     external_email="", days_valid: int = 14, request=None) -> FeedbackRequest:
    locked = _locked(evaluation)
    _step(locked, actor, "request_feedback")
    if (reviewer is None) == (not external_email):
        raise ValidationError({"reviewer": [_("Choose a reviewer with an account, or give an "
                                              "external reviewer's e-mail (not both).")]})
    if not 1 <= int(days_valid) <= 60:
        raise ValidationError({"days_valid": [_("A link is valid for 1 to 60 days.")]})
    asked = FeedbackRequest(evaluation=locked, group=group, reviewer=reviewer,
                            external_name=external_name, external_email=external_email,
                            expires_at=timezone.now() + dt.timedelta(days=int(days_valid)))
    save_audited(asked, actor=actor, action="kpis.feedback.request", subject=locked,
                 request=request, data={"group": group, "external": bool(external_email)})
    if reviewer is not None:
        notify([reviewer], lambda: _("Your 360-degree feedback on %s is requested.")
               % locked.department, url=f"/kpis/feedback/{asked.token}/",
               event=Event.REVIEW_REQUESTED)
    else:
        from django.conf import settings
        from django.core.mail import send_mail

        link = f"{getattr(settings, 'OPSPLAN_BASE_URL', '')}/kpis/feedback/{asked.token}/"
        transaction.on_commit(lambda: send_mail(
            subject=_("Your feedback on %s") % locked.department,
            message=_("Please answer a short questionnaire (once; the link expires on "
                      "%(date)s):\n%(link)s") % {"date": asked.expires_at.date(),
                                                 "link": link},
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[external_email],
            fail_silently=True))
    return asked


def _check_answers(answers) -> dict:
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [_("Answer every question.")]})
    keys = {k for k, _t in QUESTIONS}
    clean = {}
    for key in keys:
        value = answers.get(key)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if str(number) != str(value).strip() or not 1 <= number <= QUESTION_SCALE:
            raise ValidationError({"answers": [_("Rate each question from 1 to %d.")
                                               % QUESTION_SCALE]})
        clean[key] = number
    if set(answers) - keys:
        raise ValidationError({"answers": [_("Unknown question.")]})
    return clean


@transaction.atomic
def feedback_submit(*, token: str, answers, comment: str = "", actor=None) -> FeedbackResponse:
    """Answer a request once. A request for a person with an account needs that person signed
    in; an external one needs only the link, which works once and until it expires."""
    asked = (FeedbackRequest.objects.select_for_update(of=("self",)).select_related(
        "evaluation__cycle").filter(token=token).first())
    if asked is None:
        raise Conflict(_("This feedback link is not valid."))
    if asked.reviewer_id is not None and (actor is None or actor.pk != asked.reviewer_id):
        raise PermissionDenied(_("This request is for someone else."))
    if asked.answered:
        raise Conflict(_("This feedback was already given; the link works once."))
    if asked.expires_at <= timezone.now():
        raise Conflict(_("This feedback link has expired."))
    if asked.evaluation.cycle.state not in (CycleState.SELF_ASSESSMENT, CycleState.REVIEW):
        raise Conflict(_("Feedback for this evaluation is closed."))
    clean = _check_answers(answers)
    if len(comment or "") > 5000:
        raise ValidationError({"comment": [_("At most 5,000 characters.")]})
    response = FeedbackResponse.objects.create(evaluation=asked.evaluation, group=asked.group,
                                               answers=clean, comment=(comment or "").strip())
    asked.answered = True
    asked.save(update_fields=["answered"])
    record(actor=actor if actor is not None and actor.is_authenticated else None,
           action="kpis.feedback.answer", subject=asked.evaluation,
           data={"group": asked.group}, actor_label="" if actor else "external reviewer")
    return response


def remind_feedback(now=None) -> int:
    """Remind internal reviewers once of a request still unanswered and not expired."""
    now = now or timezone.now()
    sent = 0
    for asked in (FeedbackRequest.objects.filter(answered=False, reminded_at__isnull=True,
                                                 reviewer__isnull=False, expires_at__gt=now,
                                                 created_at__lt=now - dt.timedelta(days=3))
                  .select_related("reviewer", "evaluation__department")):
        with transaction.atomic():
            if not FeedbackRequest.objects.filter(pk=asked.pk, reminded_at__isnull=True).update(
                    reminded_at=now):
                continue
            notify([asked.reviewer], lambda a=asked: _(
                "Reminder: your 360-degree feedback on %s is still missing.")
                % a.evaluation.department, url=f"/kpis/feedback/{asked.token}/",
                event=Event.REMINDER)
            sent += 1
    return sent
