"""Risk pages. Thin: each reads through a selector, writes through a service, and asks the
same permission as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsplan.forms import posted, submit
from risks import exchange, forms, selectors, services
from risks.filters import RiskFilter
from risks.models import ChecklistItem, Risk, RiskAction, RiskMatrix

PAGE_SIZE = 25


def _risk(request, pk, *, detail=False) -> Risk:
    """The risk if this user may see it; 404 otherwise (its existence is not revealed)."""
    try:
        if detail:
            return selectors.risk_detail(request.user, pk)
        return selectors.visible_risks(request.user).select_related("department").get(pk=pk)
    except Risk.DoesNotExist as exc:
        raise Http404 from exc


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _form_page(request, form, title, back, *, intro="", multipart=False):
    return render(request, "form_page.html", {
        "form": form, "title": title, "back_object": back, "intro": intro,
        "multipart": multipart, "back": "risks:list"}, status=400 if form.errors else 200)


@login_required
def risk_list(request):
    _require(request, "risks.list_risks")
    filterset = RiskFilter(request.GET or None, queryset=selectors.register(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "risks/risk_list.html", {
        "page": page, "filter_form": filterset.form, "querystring": query.urlencode(),
        "can_add": request.user.has_perm("risks.add_risk"),
        "can_configure": request.user.has_perm("risks.configure"),
    }, status=400 if filterset.form.errors else 200)


@login_required
def risk_create(request):
    _require(request, "risks.add_risk")
    form = forms.RiskForm(posted(request), user=request.user)
    if request.method == "POST" and (
        risk := submit(form, services.risk_create, actor=request.user, request=request)
    ):
        messages.success(request, _("Risk recorded. Assess it next."))
        return redirect(risk)
    return _form_page(request, form, _("Record a risk"), None)


@login_required
def risk_detail(request, pk):
    risk = _risk(request, pk, detail=True)
    user = request.user
    acceptances = list(risk.acceptances.all())
    return render(request, "risks/risk_detail.html", {
        "risk": risk,
        "assessments": list(risk.assessments.all()),
        "actions": list(risk.actions.all()),
        "acceptances": acceptances,
        "can_edit": user.has_perm("risks.change_risk", risk) and risk.is_open,
        "can_cost_line": risk.is_open and bool(risk.plans.all()),
        "can_accept": user.has_perm("risks.accept_risk", risk) and risk.is_open
        and risk.strategy == "accept",
        "transitions": services.available_transitions(risk, user),
        "history": selectors.risk_history(risk),
        "matrix": selectors.current_matrix(),
    })


@login_required
def risk_edit(request, pk):
    risk = _risk(request, pk)
    _require(request, "risks.change_risk", risk)
    form = forms.RiskForm(posted(request), instance=risk, user=request.user)
    if request.method == "POST" and submit(form, services.risk_update, risk=risk,
                                           actor=request.user, request=request):
        messages.success(request, _("Saved."))
        return redirect(risk)
    return _form_page(request, form, _("Edit risk"), risk)


@login_required
def risk_assess(request, pk):
    risk = _risk(request, pk)
    _require(request, "risks.assess_risk", risk)
    matrix = selectors.current_matrix()
    if matrix is None:
        messages.error(request, _("No risk matrix is configured yet."))
        return redirect(risk)
    initial = {"kind": request.GET.get("kind", "inherent")}
    form = forms.AssessForm(posted(request), matrix=matrix, initial=initial)
    if request.method == "POST" and submit(form, services.risk_assess, risk=risk,
                                           actor=request.user, request=request):
        messages.success(request, _("Assessment recorded."))
        return redirect(risk)
    return _form_page(request, form, _("Assess: %s") % risk, risk,
                      intro=_("Matrix version %s") % matrix.version)


@login_required
def risk_respond(request, pk):
    risk = _risk(request, pk)
    _require(request, "risks.respond_risk", risk)
    initial = {"strategy": risk.strategy, "response_plan": risk.response_plan,
               "target_level": risk.target_level, "review_every_days": risk.review_every_days}
    form = forms.RespondForm(posted(request), initial=initial)
    if request.method == "POST" and submit(form, services.risk_respond, risk=risk,
                                           actor=request.user, request=request):
        messages.success(request, _("Response recorded."))
        return redirect(risk)
    return _form_page(request, form, _("Response: %s") % risk, risk)


@login_required
def action_edit(request, pk, action_pk=None):
    risk = _risk(request, pk)
    action = get_object_or_404(RiskAction, pk=action_pk, risk=risk) if action_pk else \
        RiskAction(risk=risk)
    _require(request, "risks.change_riskaction" if action_pk else "risks.change_risk",
             action if action_pk else risk)
    form = forms.ActionForm(posted(request), instance=action)
    if request.method == "POST" and submit(form, services.action_save, risk=risk,
                                           action=action, actor=request.user, request=request):
        messages.success(request, _("Saved."))
        return redirect(f"{risk.get_absolute_url()}#actions")
    return _form_page(request, form, _("Response action"), risk)


@login_required
@require_POST
def action_delete(request, pk, action_pk):
    risk = _risk(request, pk)
    action = get_object_or_404(RiskAction, pk=action_pk, risk=risk)
    _require(request, "risks.delete_riskaction", action)
    services.action_delete(action=action, actor=request.user, request=request)
    messages.success(request, _("Action removed."))
    return redirect(f"{risk.get_absolute_url()}#actions")


@login_required
def action_to_cost_line(request, pk, action_pk):
    """A response action becomes a line of the budget of a plan the risk is linked to; the
    budget's own rule decides who may (costs, through plans.hooks)."""
    risk = _risk(request, pk)
    action = get_object_or_404(RiskAction, pk=action_pk, risk=risk)
    _require(request, "risks.view_riskaction", action)
    if action.cost_line_id is not None and action.cost_line is not None:
        messages.info(request, _("This action is already a line of the cost budget of "
                                 "“%(plan)s”.") % {"plan": action.cost_line.plan.title})
        return redirect(f"{risk.get_absolute_url()}#actions")
    form = forms.CostLineForm(posted(request), risk=risk, user=request.user)
    if request.method == "POST" and (line := submit(
            form, services.action_to_cost_line, action=action, actor=request.user,
            request=request)):
        messages.success(request, _("The action is now a line of the cost budget of "
                                    "“%(plan)s”.") % {"plan": line.plan.title})
        return redirect(f"{risk.get_absolute_url()}#actions")
    intro = _("Amount: %(cost)s CNY, spread evenly over the plan's months. Only a plan being "
              "drafted (or adjusted) takes new budget lines.") % {"cost": action.cost} \
        if action.cost is not None else _("Give the action a cost first.")
    return _form_page(request, form, _("Add “%(action)s” to a plan budget")
                      % {"action": action.title}, risk, intro=intro)


@login_required
def risk_accept(request, pk):
    risk = _risk(request, pk)
    _require(request, "risks.accept_risk", risk)
    form = forms.ReasonForm(posted(request))
    if request.method == "POST" and (acceptance := submit(
            form, services.risk_accept, risk=risk, actor=request.user, request=request)):
        messages.success(request, _("Put to the committee's vote.") if acceptance.decision_id
                         else _("Risk accepted."))
        return redirect(risk)
    return _form_page(request, form, _("Accept the risk"), risk, intro=_(
        "A high or critical risk is accepted only by a committee decision."))


@login_required
def risk_transition(request, pk, name):
    risk = _risk(request, pk)
    if name not in services.TRANSITION_PERMS:
        raise Http404
    _require(request, services.TRANSITION_PERMS[name], risk)
    form = (forms.ReasonForm if name == "close" else forms.NoteForm)(posted(request))
    if request.method == "POST" and (result := submit(
            form, services.risk_transition, risk=risk, name=name, actor=request.user,
            request=request)):
        messages.success(request, _("Done. The risk is now “%s”.") % result.get_status_display())
        return redirect(risk)
    return _form_page(request, form, services.TRANSITION_LABELS[name], risk)


@login_required
def heat_map(request):
    _require(request, "risks.list_risks")
    matrix = None
    if request.GET.get("matrix"):
        try:
            matrix = RiskMatrix.objects.get(pk=int(request.GET["matrix"]))
        except (ValueError, RiskMatrix.DoesNotExist) as exc:
            raise Http404 from exc
    return render(request, "risks/heatmap.html", {
        "heat": selectors.heatmap(request.user, matrix=matrix),
        "versions": RiskMatrix.objects.order_by("-version")})


# --- configuration -----------------------------------------------------------------------------

@login_required
def matrix_list(request):
    _require(request, "risks.view_riskmatrix")
    return render(request, "risks/matrix_list.html", {
        "matrices": RiskMatrix.objects.order_by("-version"),
        "current": selectors.current_matrix(),
        "can_configure": request.user.has_perm("risks.configure")})


@login_required
def matrix_detail(request, pk):
    matrix = get_object_or_404(RiskMatrix, pk=pk)
    _require(request, "risks.view_riskmatrix", matrix)
    return render(request, "risks/matrix_detail.html", {
        "matrix": matrix, "grid": _grid(matrix),
        "can_configure": request.user.has_perm("risks.configure")})


def _grid(matrix):
    return [{"likelihood": i, "label": matrix.likelihood_labels[i - 1]["label"],
             "cells": [{"level": matrix.level(i, j), "colour": matrix.colour(matrix.level(i, j)),
                        "impact": j} for j in range(1, matrix.columns + 1)]}
            for i in range(matrix.rows, 0, -1)]


@login_required
def matrix_create(request):
    _require(request, "risks.configure")
    current = selectors.current_matrix()
    form = forms.MatrixForm(posted(request), initial=forms.MatrixForm.initial_from(current))
    if request.method == "POST" and (matrix := submit(form, services.matrix_create,
                                                      actor=request.user, request=request)):
        messages.success(request, _("Matrix version %s is now in use. Assessments made "
                                    "with earlier versions keep them: re-map them when "
                                    "ready.") % matrix.version)
        return redirect("risks:matrix-remap", pk=matrix.pk)
    return _form_page(request, form, _("New matrix version"), current, intro=_(
        "Changing the matrix makes a new version; existing assessments keep theirs."))


@login_required
def matrix_remap(request, pk):
    """The re-map wizard: a preview of every re-scored assessment, then confirm."""
    matrix = get_object_or_404(RiskMatrix, pk=pk)
    _require(request, "risks.configure")
    if request.method == "POST":
        count = services.matrix_remap(matrix=matrix, actor=request.user, request=request)
        messages.success(request, _("%d assessments re-mapped.") % count)
        return redirect("risks:heatmap")
    return render(request, "risks/remap.html", {
        "matrix": matrix, "rows": services.remap_preview(matrix=matrix)})


@login_required
def checklist(request):
    _require(request, "risks.view_checklistitem")
    return render(request, "risks/checklist.html", {
        "items": ChecklistItem.objects.filter(is_active=True),
        "inactive": ChecklistItem.objects.filter(is_active=False),
        "can_configure": request.user.has_perm("risks.configure"),
        "can_add": request.user.has_perm("risks.add_risk")})


@login_required
def checklist_edit(request, item_pk=None):
    _require(request, "risks.configure")
    item = get_object_or_404(ChecklistItem, pk=item_pk) if item_pk else ChecklistItem()
    form = forms.ChecklistForm(posted(request), instance=item)
    if request.method == "POST" and submit(form, services.checklist_save, item=item,
                                           actor=request.user, request=request):
        messages.success(request, _("Saved."))
        return redirect("risks:checklist")
    return _form_page(request, form, _("Checklist question"), None)


@login_required
def checklist_spawn(request, item_pk):
    item = get_object_or_404(ChecklistItem, pk=item_pk, is_active=True)
    _require(request, "risks.add_risk")
    form = forms.SpawnForm(posted(request))
    if request.method == "POST" and (risk := submit(form, services.checklist_spawn, item=item,
                                                    actor=request.user, request=request)):
        messages.success(request, _("Risk recorded from the checklist."))
        return redirect(risk)
    return _form_page(request, form, _("Record a risk"), None, intro=item.question)


# --- Excel ---------------------------------------------------------------------------------------

@login_required
def export(request):
    _require(request, "risks.list_risks")
    filterset = RiskFilter(request.GET or None, queryset=selectors.register(request.user))
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("The filters are not valid: nothing was exported."))
        return risk_list(request)
    response = HttpResponse(exchange.export_workbook(filterset.qs),
                            content_type=exchange.XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="risk-register.xlsx"'
    return response


@login_required
def import_template(request):
    _require(request, "risks.import_risks")
    response = HttpResponse(exchange.template_workbook(), content_type=exchange.XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="risk-import-template.xlsx"'
    return response


@login_required
def import_risks(request):
    """Upload: check and preview; "confirm" records every row, or nothing when any is wrong."""
    _require(request, "risks.import_risks")
    form = forms.ImportForm(*posted(request, files=True))
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        commit = request.POST.get("confirm") == "1"
        result = exchange.import_file(request.user, form.cleaned_data["file"], commit=commit,
                                      request=request)
        if result["errors"]:
            status = 400
        elif commit:
            messages.success(request, _("%d risks imported.") % len(result["created"]))
            return redirect("risks:list")
    elif form.errors:
        status = 400
    return render(request, "risks/import.html", {"form": form, "result": result},
                  status=status)
