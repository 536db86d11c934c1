"""Plan pages. Thin: each reads through a selector, writes through a service, and asks the
same permission as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsplan.forms import posted, submit
from plans import forms, selectors, services
from plans.models import Plan, Review
from plans.services import PART_MODELS


def _plan(request, pk) -> Plan:
    """The plan if this user may see it; 404 otherwise (its existence is not revealed)."""
    try:
        return selectors.plan_detail(request.user, pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
def plan_list(request):
    form = forms.PlanFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    plans = selectors.plan_list(
        request.user, state=filters.get("state"), period_kind=filters.get("period_kind"),
        department=filters.get("department"), author=filters.get("author"),
        search=filters.get("q", ""),
    )
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "plans/plan_list.html", {
        "page": page, "filter_form": form, "querystring": query.urlencode(),
        "can_add": request.user.has_perm("plans.add_plan"),
    })


@login_required
def plan_create(request):
    _require(request, "plans.add_plan")
    form = forms.PlanForm(posted(request), user=request.user)
    if request.method == "POST" and (
        plan := submit(form, services.plan_create, actor=request.user, request=request)
    ):
        messages.success(request, _("Plan created. Start with the needs analysis."))
        return redirect(plan)
    return render(request, "form_page.html", {"form": form, "title": _("New plan"),
                                              "back": "plans:list"},
                  status=400 if form.errors else 200)


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    user = request.user
    can_steer = user.has_perm("plans.steer_plan", plan)
    reviews_current = [r for r in plan.reviews.all() if r.revision == plan.revision]
    decision = plan.current_decision()
    return render(request, "plans/plan_detail.html", {
        "plan": plan,
        "can_edit": can_steer and plan.is_editable,
        "transitions": services.available_transitions(plan, user),
        "reviews_current": reviews_current,
        "reviews_past": [r for r in plan.reviews.all() if r.revision != plan.revision],
        "my_reviews": [r for r in reviews_current if user.has_perm("plans.review_plan", r)],
        "decision": decision,
        "can_vote": decision is not None and user.has_perm("committee.vote_decision", decision),
        "can_close": decision is not None and user.has_perm("committee.close_decision",
                                                            decision),
        "my_vote": next((v for v in decision.votes.all() if v.voter_id == user.pk), None)
        if decision else None,
        "tally": _tally(decision) if decision else None,
        "history": selectors.plan_history(plan, user),
        "can_see_votes": user.has_perm("committee.view_decision"),
        "parent_visible": plan.parent is not None and user.has_perm("plans.view_plan",
                                                                    plan.parent),
        "readable_indicator_ids": {
            g.indicator_id for g in plan.goals.all()
            if g.indicator_id and user.has_perm("kpis.view_indicator", g.indicator)},
        "strategy_prompts": forms.STRATEGY_PROMPTS,
    })


def _tally(decision):
    from committee.services import decision_tally
    from committee.voting import quorum

    tally = decision_tally(decision)
    return {"eligible": tally.eligible, "approve": tally.approve, "reject": tally.reject,
            "abstain": tally.abstain, "quorum": quorum(tally.eligible, decision.quorum_share)}


@login_required
def plan_edit(request, pk, section="general"):
    plan = _plan(request, pk)
    _require(request, "plans.steer_plan", plan)
    form_class = forms.AnalysisForm if section == "analysis" else forms.PlanForm
    kwargs = {} if section == "analysis" else {"user": request.user}
    form = form_class(posted(request), instance=plan, **kwargs)
    if request.method == "POST" and submit(form, services.plan_update, plan=plan,
                                           actor=request.user, request=request):
        messages.success(request, _("Saved."))
        return redirect(f"{plan.get_absolute_url()}#{section}")
    title = _("Needs analysis: market environment") if section == "analysis" else _("Edit plan")
    return render(request, "form_page.html", {"form": form, "title": title,
                                              "back_object": plan},
                  status=400 if form.errors else 200)


@login_required
def part_edit(request, pk, kind, part_pk=None):
    plan = _plan(request, pk)
    _require(request, "plans.steer_plan", plan)
    model = PART_MODELS.get(kind)
    form_class = forms.PART_FORMS.get(kind)
    if model is None or form_class is None:
        raise Http404
    part = get_object_or_404(model, pk=part_pk, plan=plan) if part_pk else model(plan=plan)
    extra = {"plan": plan} if kind == "action" else {"user": request.user} if kind == "goal" \
        else {}
    form = form_class(*posted(request, files=True), instance=part, **extra)
    if request.method == "POST" and submit(form, services.part_save, plan=plan, part=part,
                                           actor=request.user, request=request):
        messages.success(request, _("Saved."))
        return redirect(f"{plan.get_absolute_url()}#{kind}s")
    title = (_("Edit: %s") % part) if part_pk else _("Add: %s") % model._meta.verbose_name
    return render(request, "form_page.html", {"form": form, "title": title,
                                              "back_object": plan, "multipart": True})


@login_required
@require_POST
def part_delete(request, pk, kind, part_pk):
    plan = _plan(request, pk)
    model = PART_MODELS.get(kind)
    if model is None or kind == "strategy":  # the four strategies are part of every plan
        raise Http404
    part = get_object_or_404(model, pk=part_pk, plan=plan)
    _require(request, f"plans.delete_{model._meta.model_name}", part)
    services.part_delete(part=part, actor=request.user, request=request)
    messages.success(request, _("Removed: %s.") % part)
    return redirect(f"{plan.get_absolute_url()}#{kind}s")


@login_required
def strategies_edit(request, pk):
    plan = _plan(request, pk)
    _require(request, "plans.steer_plan", plan)
    form = forms.StrategiesForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        from django.db import transaction

        with transaction.atomic():
            for strategy in plan.strategies.all():
                services.part_save(plan=plan, part=strategy, actor=request.user,
                                   request=request, content=form.cleaned_data[strategy.kind])
        messages.success(request, _("Strategies saved."))
        return redirect(f"{plan.get_absolute_url()}#strategies")
    return render(request, "form_page.html", {"form": form, "title": _("Strategies (4P)"),
                                              "back_object": plan})


TRANSITION_FORMS = {
    "start_drafting": forms.NoteForm,
    "submit_for_review": forms.SubmitForReviewForm,
    "submit_to_committee": forms.NoteForm,
    "cancel": forms.CancelForm,
}


@login_required
def transition(request, pk, name):
    """Start a transition: a short form (note, reviewers or reason), then the service."""
    plan = _plan(request, pk)
    form_class = TRANSITION_FORMS.get(name)
    if form_class is None:
        raise Http404
    if not getattr(plan, name)._django_fsm.has_transition_perm(plan, plan.state, request.user):
        raise PermissionDenied
    service = {"start_drafting": services.plan_start_drafting,
               "submit_for_review": services.plan_submit_for_review,
               "submit_to_committee": services.plan_submit_to_committee,
               "cancel": services.plan_cancel}[name]
    form = form_class(posted(request))
    if request.method == "POST" and (result := submit(form, service, plan=plan,
                                                      actor=request.user, request=request)):
        messages.success(request, _("Done: %(action)s. The plan is now “%(state)s”.")
                         % {"action": services.TRANSITION_LABELS[name],
                            "state": result.get_state_display()})
        return redirect(plan)
    status = 400 if form.errors else 200
    return render(request, "form_page.html", {
        "form": form, "title": services.TRANSITION_LABELS[name], "back_object": plan,
        "intro": _("Plan: %s") % plan,
    }, status=status)


@login_required
def review(request, review_pk):
    review = get_object_or_404(Review.objects.select_related("plan", "department"),
                               pk=review_pk)
    _plan(request, review.plan_id)  # 404 outside the plan's scope
    _require(request, "plans.review_plan", review)
    form = forms.ReviewForm(posted(request), instance=review)
    if request.method == "POST" and submit(form, services.review_submit, review=review,
                                           actor=request.user, request=request):
        messages.success(request, _("Your department's review is recorded."))
        return redirect(review.plan)
    return render(request, "plans/review_form.html", {"form": form, "review": review},
                  status=400 if form.errors else 200)


@login_required
def attachment(request, pk, attachment_pk):
    """Download an attachment of a plan the user may see (files are never served directly)."""
    from django.http import FileResponse

    plan = _plan(request, pk)
    item = get_object_or_404(plan.attachments.all(), pk=attachment_pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=item.file.name.rsplit("/", 1)[-1])
