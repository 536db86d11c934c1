"""Performance evaluation pages (§4.5): thin views over kpis.evaluation_services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committee.models import Department
from kpis import evaluation_forms as forms
from kpis import evaluation_services as ev
from kpis.evaluation import (
    CycleState,
    Evaluation,
    EvaluationCycle,
    FeedbackGroup,
    FeedbackRequest,
    ItemScore,
    Objective,
    ScorecardItem,
    ScorecardTemplate,
)
from kpis.selectors import visible_evaluations
from opsplan.forms import form_errors_text, posted, submit


@login_required
def cycles(request):
    form = forms.OpenCycleForm(posted(request))
    if request.method == "POST":
        if not request.user.has_perm("kpis.run_cycles"):
            raise PermissionDenied
        if (result := submit(form, lambda kind, day: ev.open_cycle(
                kind=kind, day=day, actor=request.user, request=request))):
            return redirect(result[0])
    return render(request, "kpis/evaluation/cycles.html", {
        "cycles": EvaluationCycle.objects.all()[:60],
        "mine": visible_evaluations(request.user).order_by("-cycle__period_start")[:24],
        "form": form if request.user.has_perm("kpis.run_cycles") else None,
    }, status=400 if form.errors else 200)


@login_required
def cycle(request, pk):
    found = get_object_or_404(EvaluationCycle, pk=pk)
    evaluations = visible_evaluations(request.user).filter(cycle=found).order_by(
        "department__name")
    if request.method == "POST":
        ev.advance(cycle=found, actor=request.user, request=request)
        messages.success(request, _("The cycle moved on."))
        return redirect(found)
    return render(request, "kpis/evaluation/cycle.html", {
        "cycle": found, "evaluations": evaluations,
        "may_advance": ev.may_advance(found, request.user)})


@login_required
def cycle_export(request, pk):
    from kpis.exports import _new_workbook, _save, _sheet

    found = get_object_or_404(EvaluationCycle, pk=pk)
    rows = [[e.department.name, e.kpi_score, e.mbo_score, e.feedback_score, e.overall,
             e.calibrated, e.calibration_reason, e.formula]
            for e in visible_evaluations(request.user).filter(cycle=found).order_by(
                "department__name")]
    book = _new_workbook()
    _sheet(book, str(found), [_("Department"), _("KPI score"), _("Objectives score"),
                              _("360-degree score"), _("Overall score"), _("Calibrated score"),
                              _("Reason for calibration"), _("How the score was computed")],
           rows)
    response = HttpResponse(_save(book), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="evaluation-{found.pk}.xlsx"'
    return response


def _evaluation(request, pk) -> Evaluation:
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    if not request.user.has_perm("kpis.view_evaluation", evaluation):
        raise Http404
    return evaluation


@login_required
def evaluation(request, pk):
    found = _evaluation(request, pk)
    user = request.user
    state = found.cycle.state
    context = {
        "evaluation": found, "items": found.items.all(), "objectives": found.objectives.all(),
        "feedback": ev.feedback_summary(found), "previous": ev.previous(found),
        "requests": found.feedback_requests.select_related("reviewer") if user.has_perm(
            "kpis.review_evaluation", found) else [],
        "may_self_assess": ev.may(found, user, "self_assess"),
        "may_review": ev.may(found, user, "review"),
        "may_request": ev.may(found, user, "request_feedback"),
        "may_calibrate": ev.may(found, user, "calibrate"),
        "feedback_groups": FeedbackGroup.choices,
        "people": get_user_model().objects.filter(is_active=True).order_by(
            "display_name", "username") if user.has_perm("kpis.review_evaluation", found)
        else [],
        "anchors": _anchors(found),
        "scores_visible": state in (CycleState.CALIBRATION, CycleState.PUBLISHED)
        or not user.has_perm("kpis.self_assess", found),
    }
    return render(request, "kpis/evaluation/evaluation.html", context)


def _anchors(evaluation) -> list[tuple[int, str]]:
    template = ScorecardTemplate.objects.filter(department=evaluation.department).first()
    anchors = (template.anchors if template else None) or []
    return list(enumerate(anchors, start=1))


ACTIONS = {
    "self-assess": (forms.SelfAssessmentForm, lambda e, d: ev.self_assess(evaluation=e, **d)),
    "objective": (forms.ObjectiveForm, lambda e, d: ev.objective_add(evaluation=e, **d)),
    "objective-score": (forms.ObjectiveScoreForm, lambda e, d: ev.objective_score(
        objective=get_object_or_404(Objective, pk=d.pop("objective"), evaluation=e), **d)),
    "rate": (forms.RateForm, lambda e, d: ev.rate_item(
        item=get_object_or_404(ItemScore, pk=d.pop("item"), evaluation=e), **d)),
    "override": (forms.OverrideForm, lambda e, d: ev.override_item(
        item=get_object_or_404(ItemScore, pk=d.pop("item"), evaluation=e), **d)),
    "calibrate": (forms.CalibrateForm, lambda e, d: ev.calibrate(evaluation=e, **d)),
    "feedback-request": (forms.FeedbackRequestForm, lambda e, d: ev.feedback_request(
        evaluation=e, **d)),
}


@login_required
@require_POST
def evaluation_action(request, pk, action):
    found = _evaluation(request, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, service = ACTIONS[action]
    form = form_class(request.POST)
    if submit(form, lambda **data: service(found, {**data, "actor": request.user,
                                                   "request": request})):
        messages.success(request, _("Saved."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(found)


@login_required
def templates(request):
    return render(request, "kpis/evaluation/templates.html", {
        "templates": ScorecardTemplate.objects.select_related("department").prefetch_related(
            "items"),
        "departments": Department.objects.filter(is_active=True, scorecard_template__isnull=True)
        .order_by("name"),
        "may_keep": request.user.has_perm("kpis.keep_scorecards")})


@login_required
def template(request, code):
    department = get_object_or_404(Department, code=code)
    found = ScorecardTemplate.objects.filter(department=department).first()
    may_keep = request.user.has_perm("kpis.keep_scorecards")
    weights = forms.MethodWeightsForm(
        request.POST if request.method == "POST" and "kpi_weight" in request.POST else None,
        initial={"kpi_weight": getattr(found, "kpi_weight", 60),
                 "mbo_weight": getattr(found, "mbo_weight", 30),
                 "feedback_weight": getattr(found, "feedback_weight", 10),
                 "scale": getattr(found, "scale", 5),
                 "anchors": "\n".join(getattr(found, "anchors", None) or [])})
    item_form = forms.ItemForm(request.POST if request.method == "POST"
                               and "title" in request.POST else None)
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        if weights.is_bound and submit(weights, ev.template_save, actor=request.user,
                                       department=department, request=request):
            messages.success(request, _("Saved."))
            return redirect("kpis:scorecard-template", code=code)
        if item_form.is_bound:
            target = found or ev.template_save(actor=request.user, department=department,
                                               request=request)
            if submit(item_form, ev.item_add, actor=request.user, template=target,
                      request=request):
                return redirect("kpis:scorecard-template", code=code)
    status = 400 if weights.errors or item_form.errors else 200
    return render(request, "kpis/evaluation/template.html", {
        "department": department, "template": found, "may_keep": may_keep,
        "weights_form": weights, "item_form": item_form,
        "items": found.items.select_related("indicator") if found else [],
        "problems": ev.template_problems(found) if found else []}, status=status)


@login_required
@require_POST
def template_item_remove(request, code, item_pk):
    item = get_object_or_404(ScorecardItem, pk=item_pk, template__department__code=code)
    ev.item_remove(actor=request.user, item=item, request=request)
    return redirect("kpis:scorecard-template", code=code)


def feedback(request, token):
    """The 360-degree questionnaire. An external reviewer needs only the one-time link; a
    request for a person with an account needs that person signed in."""
    from opsplan.errors import Conflict

    asked = FeedbackRequest.objects.select_related("evaluation__department",
                                                   "evaluation__cycle").filter(
        token=token).first()
    if asked is None:
        raise Http404
    if asked.reviewer_id is not None and not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    form = forms.FeedbackForm(posted(request))
    closed = ""
    if request.method == "POST" and form.is_valid():
        try:
            ev.feedback_submit(token=token, answers=form.answers(),
                               comment=form.cleaned_data["comment"],
                               actor=request.user if request.user.is_authenticated else None)
            return render(request, "kpis/evaluation/feedback_thanks.html", {"asked": asked})
        except Conflict as exc:
            closed = str(exc.message)
    elif asked.answered:
        closed = _("This feedback was already given; the link works once.")
    return render(request, "kpis/evaluation/feedback.html", {
        "asked": asked, "form": form, "closed": closed},
        status=409 if closed else 400 if form.errors else 200)
