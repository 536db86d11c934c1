"""Cost pages (§4.4). Thin: each reads through a selector, writes through a service, and asks
the same permission as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committee.models import Department
from costs import forms, selectors, services
from costs.choices import Category, Status
from costs.models import BudgetLine, CostTarget, EntryImport, Suggestion
from costs.money import currency
from opsplan.forms import form_errors_text, posted, submit
from plans.models import Plan
from plans.selectors import visible_plans

GET_POST = require_http_methods(["GET", "POST"])


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _plan(request, pk) -> Plan:
    """The plan if this user may see it; 404 otherwise (its existence is not revealed)."""
    try:
        return visible_plans(request.user).select_related("department", "author").get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc


def _form_page(request, form, title, back_object, *, multipart=False, intro=""):
    return render(request, "form_page.html", {
        "form": form, "title": title, "back_object": back_object, "multipart": multipart,
        "intro": intro}, status=400 if form.errors else 200)


class _Back:
    """A breadcrumb target for form_page.html."""

    def __init__(self, label, url):
        self.label, self.url = label, url

    def __str__(self):
        return str(self.label)

    def get_absolute_url(self):
        return self.url


def _plan_back(plan):
    return _Back(_("Costs of “%s”") % plan.title, reverse("costs:plan", args=[plan.pk]))


@login_required
@require_GET
def index(request):
    user = request.user
    plans = visible_plans(user).select_related("department").order_by("-period_start", "pk")
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    totals = selectors.plan_totals([p.pk for p in page.object_list])
    return render(request, "costs/index.html", {
        "page": page, "rows": [(p, totals[p.pk]) for p in page.object_list],
        "currency": currency(),
        "my_targets": selectors.targets_with_consumption(
            selectors.cost_targets(user).filter(owner=user)),
        "departments": selectors.departments_for(user),
        "can_savings": user.has_perm("costs.view_savings"),
    })


@login_required
@require_GET
def plan_costs(request, pk):
    """The plan's budget tab: lines, responsibility, accounting, warnings and requests."""
    plan = _plan(request, pk)
    user = request.user
    report = selectors.accounting(plan, grain="month")
    return render(request, "costs/plan.html", {
        "plan": plan, "currency": currency(), "report": report,
        "lines": selectors.budget_lines(user).filter(plan=plan).order_by(
            "category", "department__name", "pk"),
        "targets": selectors.targets_with_consumption(
            selectors.cost_targets(user).filter(plan=plan)),
        "entries": selectors.cost_entries(user).filter(plan=plan)[:20],
        "overruns": selectors.overruns(user).filter(plan=plan),
        "requests": selectors.needs_explanation(plan, report),
        "explanations": selectors.explanations(user).filter(plan=plan),
        "can_edit": user.has_perm("costs.edit_budget", plan) and plan.is_editable,
        "can_target": user.has_perm("costs.set_targets", plan),
        "can_record": plan.state in services.RUNNING,
        "can_explain": user.has_perm("costs.explain_variance", plan),
        "explain_form": forms.ExplanationForm(),
        "statuses": Status,
    })


@login_required
@GET_POST
def line_add(request, pk):
    plan = _plan(request, pk)
    _require(request, "costs.edit_budget", plan)
    return _line_form(request, plan, None)


@login_required
@GET_POST
def line_edit(request, pk):
    line = get_object_or_404(BudgetLine.objects.filter(plan__in=visible_plans(request.user)),
                             pk=pk)
    _require(request, "costs.edit_budget", line.plan)
    return _line_form(request, line.plan, line)


def _line_form(request, plan, line):
    form = forms.BudgetLineForm(posted(request), instance=line, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        periods = data.pop("periods", None)
        if submit(form, lambda **d: services.budget_line_save(
                plan=plan, actor=request.user, line=line, periods=periods, request=request,
                **{k: v for k, v in d.items() if k != "periods"})):
            messages.success(request, _("Budget line saved."))
            return redirect("costs:plan", pk=plan.pk)
    past = selectors.history_before(plan)
    history = (_("Actual spend in the 12 months before the plan (%(currency)s): %(items)s.")
               % {"currency": currency(), "items": "; ".join(
                   f"{h['department']} · {h['category_label']} {h['amount']}" for h in past)}
               if past else "")
    return _form_page(request, form, _("Budget line"), _plan_back(plan), intro=history)


@login_required
@require_POST
def line_delete(request, pk):
    line = get_object_or_404(BudgetLine.objects.filter(plan__in=visible_plans(request.user)),
                             pk=pk)
    _require(request, "costs.edit_budget", line.plan)
    services.budget_line_delete(line=line, actor=request.user, request=request)
    messages.success(request, _("Budget line removed."))
    return redirect("costs:plan", pk=line.plan_id)


@login_required
@GET_POST
def target_add(request, pk):
    plan = _plan(request, pk)
    _require(request, "costs.set_targets", plan)
    form = forms.CostTargetForm(posted(request), plan=plan)
    if request.method == "POST" and submit(form, services.target_save, plan=plan,
                                           actor=request.user, request=request):
        messages.success(request, _("Cost target assigned."))
        return redirect("costs:plan", pk=plan.pk)
    return _form_page(request, form, _("Cost target"), _plan_back(plan))


@login_required
@GET_POST
def target_edit(request, pk):
    """Change a cost target (department, position, owner, category, amount) under the same
    rule as assigning one."""
    target = get_object_or_404(
        CostTarget.objects.filter(plan__in=visible_plans(request.user)).select_related("plan"),
        pk=pk)
    _require(request, "costs.set_targets", target.plan)
    form = forms.CostTargetForm(posted(request), instance=target, plan=target.plan)
    # the service re-reads the stored row under a lock, so it sees what the form changed
    if request.method == "POST" and submit(form, services.target_save, plan=target.plan,
                                           target=target, actor=request.user,
                                           request=request):
        messages.success(request, _("Cost target saved."))
        return redirect("costs:plan", pk=target.plan_id)
    return _form_page(request, form, _("Cost target"), _plan_back(target.plan))


@login_required
@require_GET
def entry_attachment(request, pk):
    """Download the voucher of an entry of a plan the user may see (uploaded files are never
    served from MEDIA_URL)."""
    entry = get_object_or_404(selectors.cost_entries(request.user), pk=pk)
    _require(request, "costs.view_costentry", entry)
    return attachment_response(entry)


def attachment_response(entry):
    """The entry's file as a download (page and API), 404 when it has none."""
    from django.http import FileResponse

    if not entry.attachment:
        raise Http404
    try:
        handle = entry.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=entry.attachment_filename,
                        content_type="application/octet-stream")


@login_required
@require_POST
def target_delete(request, pk):
    target = get_object_or_404(
        CostTarget.objects.filter(plan__in=visible_plans(request.user)), pk=pk)
    _require(request, "costs.set_targets", target.plan)
    services.target_delete(target=target, actor=request.user, request=request)
    messages.success(request, _("Cost target removed."))
    return redirect("costs:plan", pk=target.plan_id)


@login_required
@GET_POST
def entry_add(request, pk):
    """Record an actual or a commitment. Crossing a threshold shows the warning and asks for
    the variance explanation of that month."""
    plan = _plan(request, pk)
    form = forms.EntryForm(*posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attachment = data.pop("attachment", None)
        result = submit(form, lambda **d: services.entry_record(
            plan=plan, actor=request.user, request=request, attachment=attachment,
            **{k: v for k, v in d.items() if k != "attachment"}))
        if result:
            entry, outcome = result
            messages.success(request, _("%(kind)s of %(amount)s %(currency)s recorded.") % {
                "kind": entry.get_kind_display(), "amount": entry.amount,
                "currency": currency()})
            _outcome_messages(request, outcome)
            return redirect("costs:plan", pk=plan.pk)
    elif request.method == "GET":
        probe_ok = plan.state in services.RUNNING
        if not probe_ok:
            from opsplan.errors import Conflict

            raise Conflict(_("Costs are recorded on approved, running plans."))
    return _form_page(request, form, _("Record a cost"), _plan_back(plan), multipart=True)


def _outcome_messages(request, outcome):
    label = Category(outcome.category).label
    if outcome.status == Status.OVERRUN:
        messages.error(request, _("Over-run: %(category)s has used %(used)s of a budget of "
                                  "%(budget)s.") % {"category": label, "used": outcome.used,
                                                    "budget": outcome.budget})
        if outcome.overrun is not None:
            messages.error(request, outcome.overrun.get_state_display())
    elif outcome.status == Status.WARNING:
        messages.warning(request, _("Warning: %(category)s has used %(used)s of a budget of "
                                    "%(budget)s.") % {"category": label, "used": outcome.used,
                                                      "budget": outcome.budget})
    if outcome.explanation_required:
        messages.warning(request, _("Explain this variance: the monthly report shows why "
                                    "%(category)s departs from its budget.")
                         % {"category": label})


@login_required
@GET_POST
def explain(request, pk):
    plan = _plan(request, pk)
    _require(request, "costs.explain_variance", plan)
    initial = {k: request.GET[k] for k in ("category", "month") if k in request.GET}
    form = forms.ExplanationForm(posted(request), initial=initial)
    if request.method == "POST" and submit(form, services.explanation_save, plan=plan,
                                           actor=request.user, request=request):
        messages.success(request, _("Explanation saved."))
        return redirect("costs:plan", pk=plan.pk)
    return _form_page(request, form, _("Explain a variance"), _plan_back(plan))


def _report_params(request):
    form = forms.ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, data.get("grain") or "month", data.get("by") or "category"


@login_required
@require_GET
def report(request, pk):
    """Budget versus committed versus actual with the variance, by month or quarter and by
    category or department, with charts and the month's explanations."""
    from costs import charts

    plan = _plan(request, pk)
    form, grain, by = _report_params(request)
    data = selectors.accounting(plan, grain=grain, by=by)
    return render(request, "costs/report.html", {
        "plan": plan, "report": data, "form": form, "currency": currency(),
        "bars": charts.budget_bars(data), "cumulative": charts.cumulative_line(data),
        "explanations": selectors.explanations(request.user).filter(plan=plan),
        "query": request.GET.urlencode(),
    })


@login_required
@require_GET
def export(request, pk):
    from costs.exports import plan_workbook

    plan = _plan(request, pk)
    _form, grain, by = _report_params(request)
    response = HttpResponse(plan_workbook(request.user, plan, grain=grain, by=by),
                            content_type="application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-costs.xlsx"'
    return response


@login_required
@require_GET
def department(request, code):
    dept = get_object_or_404(Department, code=code, is_active=True)
    if not request.user.has_perm("costs.view_department_costs", dept):
        raise Http404
    form, grain, _by = _report_params(request)
    data = selectors.accounting(department=dept, grain=grain, by="category")
    return render(request, "costs/department.html", {
        "department": dept, "report": data, "form": form, "currency": currency(),
        "targets": selectors.targets_with_consumption(
            selectors.cost_targets(request.user).filter(department=dept)),
    })


# --- category rules ------------------------------------------------------------------------

@login_required
@require_GET
def policies(request):
    return render(request, "costs/policies.html", {
        "policies": services.policies().values(), "categories": dict(Category.choices),
        "can_edit": request.user.has_perm("costs.set_policy")})


@login_required
@GET_POST
def policy_edit(request, category):
    if category not in Category.values:
        raise Http404
    _require(request, "costs.set_policy")
    current = services.policies()[category]
    form = forms.PolicyForm(posted(request), initial=current.__dict__)
    if request.method == "POST" and submit(form, services.policy_save, category=category,
                                           actor=request.user, request=request):
        messages.success(request, _("Rule saved."))
        return redirect("costs:policies")
    return _form_page(request, form, Category(category).label,
                      _Back(_("Cost rules"), reverse("costs:policies")))


# --- upload --------------------------------------------------------------------------------

@login_required
@GET_POST
def upload(request):
    """A .csv or .xlsx of cost entries, checked row by row and shown before anything is
    stored (kpis' reader; the columns of costs.services.ENTRY_COLUMNS)."""
    from costs import uploads
    from kpis.upload_views import UploadForm

    form = UploadForm(*posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        rows, errors = uploads.check_upload(request.user, file)
        if not rows:
            for error in errors:
                form.add_error("file", error["reason"])
        else:
            batch = EntryImport.objects.create(user=request.user,
                                               filename=(file.name or "upload")[:255],
                                               rows=uploads.json_safe(rows), errors=errors)
            return redirect("costs:upload-preview", pk=batch.pk)
    return render(request, "costs/upload.html", {
        "form": form, "columns": services.ENTRY_COLUMNS,
        "recent": EntryImport.objects.filter(user=request.user).defer("rows")[:10]},
        status=400 if form.errors else 200)


@login_required
@require_GET
def upload_preview(request, pk):
    batch = get_object_or_404(EntryImport, pk=pk, user=request.user)
    rows = [(n, [r.get(c, "") for c in services.ENTRY_COLUMNS])
            for n, r in enumerate(batch.rows[:50], start=2)]
    return render(request, "costs/upload_preview.html", {
        "batch": batch, "rows": rows, "columns": services.ENTRY_COLUMNS,
        "can_confirm": batch.state == "preview" and not batch.errors and batch.rows})


@login_required
@require_POST
def upload_confirm(request, pk):
    from costs import uploads

    batch = get_object_or_404(EntryImport, pk=pk, user=request.user)
    result = uploads.confirm(batch, actor=request.user, request=request)
    if result.get("errors"):
        messages.error(request, _("The data changed since the preview and some rows are no "
                                  "longer valid: nothing was stored."))
    else:
        messages.success(request, _("Stored: %d entries.") % result["created"])
    return redirect("costs:upload-preview", pk=batch.pk)


# --- saving measures -----------------------------------------------------------------------

@login_required
@require_GET
def measures(request):
    _require(request, "costs.view_savings")
    items = selectors.measures(request.user)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "costs/measures.html", {
        "page": page, "currency": currency(),
        "can_add": request.user.has_perm("costs.add_measure"),
        "confirmable": {m.pk for m in page.object_list
                        if request.user.has_perm("costs.confirm_savings", m)},
        "editable": {m.pk for m in page.object_list
                     if request.user.has_perm("costs.change_measure", m)},
        "confirm_form": forms.ConfirmForm(),
    })


@login_required
@GET_POST
def measure_add(request):
    _require(request, "costs.add_measure")
    return _measure_form(request, None)


@login_required
@GET_POST
def measure_edit(request, pk):
    measure = get_object_or_404(selectors.measures(request.user), pk=pk)
    _require(request, "costs.change_measure", measure)
    return _measure_form(request, measure)


def _measure_form(request, measure):
    form = forms.MeasureForm(posted(request), instance=measure, user=request.user)
    if request.method == "POST" and submit(form, services.measure_save, measure=measure,
                                           actor=request.user, request=request):
        messages.success(request, _("Measure saved."))
        return redirect("costs:measures")
    return _form_page(request, form, _("Saving measure"),
                      _Back(_("Saving measures"), reverse("costs:measures")))


@login_required
@require_POST
def measure_confirm(request, pk):
    measure = get_object_or_404(selectors.measures(request.user), pk=pk)
    _require(request, "costs.confirm_savings", measure)
    form = forms.ConfirmForm(request.POST)
    if submit(form, services.measure_confirm, measure=measure, actor=request.user,
              request=request):
        messages.success(request, _("Savings confirmed."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("costs:measures")


# --- suggestions ---------------------------------------------------------------------------

@login_required
@require_GET
def suggestions(request):
    """The suggestions board: every suggestion with its state and reward."""
    items = selectors.suggestions(request.user)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "costs/suggestions.html", {
        "page": page, "currency": currency(),
        "can_submit": request.user.has_perm("costs.submit_suggestion"),
        "rewards": selectors.rewards(request.user)[:10],
    })


@login_required
@GET_POST
def suggestion_add(request):
    _require(request, "costs.submit_suggestion")
    form = forms.SuggestionForm(posted(request))
    if request.method == "POST" and (suggestion := submit(
            form, services.suggestion_submit, actor=request.user, request=request)):
        messages.success(request, _("Thank you: the planning department will evaluate your "
                                    "suggestion."))
        return redirect("costs:suggestion", pk=suggestion.pk)
    return _form_page(request, form, _("New saving suggestion"),
                      _Back(_("Saving suggestions"), reverse("costs:suggestions")))


def _suggestion(request, pk) -> Suggestion:
    return get_object_or_404(selectors.suggestions(request.user), pk=pk)


@login_required
@require_GET
def suggestion_detail(request, pk):
    suggestion = _suggestion(request, pk)
    user = request.user
    can_evaluate = user.has_perm("costs.evaluate_suggestion", suggestion)
    return render(request, "costs/suggestion.html", {
        "suggestion": suggestion, "currency": currency(),
        "reward": getattr(suggestion, "reward", None) if hasattr(suggestion, "reward") else None,
        "can_edit": user.has_perm("costs.change_suggestion", suggestion),
        "can_evaluate": can_evaluate and suggestion.state == "submitted",
        "can_convert": can_evaluate and suggestion.state == "accepted",
        "evaluate_form": forms.EvaluateForm(), "measure_form": forms.ToMeasureForm(),
    })


@login_required
@GET_POST
def suggestion_edit(request, pk):
    suggestion = _suggestion(request, pk)
    _require(request, "costs.change_suggestion", suggestion)
    form = forms.SuggestionForm(posted(request), initial={
        "title": suggestion.title, "description": suggestion.description})
    if request.method == "POST" and submit(form, services.suggestion_update,
                                           suggestion=suggestion, actor=request.user,
                                           request=request):
        messages.success(request, _("Suggestion saved."))
        return redirect("costs:suggestion", pk=suggestion.pk)
    return _form_page(request, form, _("Edit suggestion"),
                      _Back(suggestion.title, reverse("costs:suggestion", args=[pk])))


@login_required
@require_POST
def suggestion_evaluate(request, pk):
    suggestion = _suggestion(request, pk)
    _require(request, "costs.evaluate_suggestion", suggestion)
    form = forms.EvaluateForm(request.POST)
    if submit(form, services.suggestion_evaluate, suggestion=suggestion, actor=request.user,
              request=request):
        messages.success(request, _("Evaluation saved."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("costs:suggestion", pk=suggestion.pk)


@login_required
@require_POST
def suggestion_measure(request, pk):
    suggestion = _suggestion(request, pk)
    _require(request, "costs.evaluate_suggestion", suggestion)
    form = forms.ToMeasureForm(request.POST)
    if submit(form, services.suggestion_to_measure, suggestion=suggestion, actor=request.user,
              request=request):
        messages.success(request, _("The suggestion is now a saving measure."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("costs:suggestion", pk=suggestion.pk)
