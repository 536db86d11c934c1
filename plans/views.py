"""Plan pages. Thin: each reads through a selector, writes through a service, and asks the
same permission as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
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
        "history": _history_page(request, plan),
        "can_see_votes": user.has_perm("committee.view_decision"),
        "parent_visible": plan.parent is not None and user.has_perm("plans.view_plan",
                                                                    plan.parent),
        "readable_indicator_ids": {
            g.indicator_id for g in plan.goals.all()
            if g.indicator_id and user.has_perm("kpis.view_indicator", g.indicator)},
        "strategy_prompts": forms.STRATEGY_PROMPTS,
        **_running_context(plan, user),
    })


HISTORY_PAGE = 50


def _history_page(request, plan):
    """The plan's history, newest first, by pages of HISTORY_PAGE (``history_page``)."""
    from django.core.paginator import Paginator

    newest_first = selectors.plan_history(plan, request.user).reverse()
    return Paginator(newest_first, HISTORY_PAGE).get_page(request.GET.get("history_page"))


def _running_context(plan, user) -> dict:
    """What the plan page shows about execution, weekly progress, monitoring, deviations,
    adjustments, completion and derived plans."""
    from plans import monitoring
    from plans.revisions import diff

    actions = list(plan.actions.all())
    context = {
        "acks": [a for a in plan.acknowledgements.all()
                 if a.revision == plan.published_revision],
        "my_acks": [a for a in plan.acknowledgements.all()
                    if user.has_perm("plans.acknowledge", a)],
        "can_publish": user.has_perm("plans.publish_plan", plan)
        and plan.state == "execution" and plan.published_revision != plan.approved_revision,
        "progress_ids": {a.pk for a in actions if user.has_perm("plans.update_progress", a)},
        "open_deviations": [d for d in plan.deviations.all()
                            if d.state in ("open", "in_adjustment")],
        "closed_deviations": [d for d in plan.deviations.all()
                              if d.state not in ("open", "in_adjustment")],
        "can_report_deviation": user.has_perm("plans.report_deviation", plan),
        "report_units": selectors.report_units(plan, user),
        "children": [{"plan": c, "progress": monitoring.progress(c.actions.all())}
                     for c in plan.visible_children],
        "can_derive": user.has_perm("plans.derive_plan", plan),
        "lessons": selectors.lessons_offered(plan, user) if plan.is_editable else [],
    }
    if context["children"]:
        context["children_progress"] = round(
            sum(c["progress"] for c in context["children"]) / len(context["children"]))
    running = plan.approved_revision is not None
    if running:
        statuses = monitoring.goal_statuses(plan)
        context.update({
            "monitoring": True,
            "goal_statuses": statuses,
            "overdue": monitoring.overdue(actions),
            "progress": monitoring.progress(actions),
            "chart_data": monitoring.chart_data(plan),
            "reports": list(selectors.reports_of(plan, limit=10)),
        })
    if (plan.approved_revision is not None and plan.revision != plan.approved_revision) \
            or plan.state == "adjustment":
        revisions = {r.number: r.snapshot for r in plan.revisions.filter(
            number__in=[plan.approved_revision, plan.revision])}
        base = revisions.get(plan.approved_revision)
        if base is not None:
            from plans.revisions import snapshot

            draft = revisions.get(plan.revision) if plan.state != "adjustment" \
                else snapshot(plan)
            context["revision_diff"] = diff(base, draft or {})
            context["show_diff"] = True
    return context


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
    "start_monitoring": forms.NoteForm,
    "force_monitoring": forms.ForceMonitoringForm,
    "start_adjustment": forms.AdjustmentForm,
    "complete": forms.CompleteForm,
    "cancel": forms.CancelForm,
}
FORMS_WITH_PLAN = (forms.AdjustmentForm, forms.CompleteForm)


def _next_url(request):
    """Where to return after a transition started elsewhere (e.g. the planning dashboard's
    board): a ``next`` on this site only, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


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
               "start_monitoring": services.plan_start_monitoring,
               "force_monitoring": services.plan_force_monitoring,
               "start_adjustment": services.plan_start_adjustment,
               "complete": services.plan_complete,
               "cancel": services.plan_cancel}[name]
    extra = {"plan": plan} if form_class in FORMS_WITH_PLAN else {}
    form = form_class(posted(request), **extra)
    back = _next_url(request)
    if request.method == "POST" and (result := submit(form, service, plan=plan,
                                                      actor=request.user, request=request)):
        messages.success(request, _("Done: %(action)s. The plan is now “%(state)s”.")
                         % {"action": services.TRANSITION_LABELS[name],
                            "state": result.get_state_display()})
        return redirect(back or plan)
    if back and form.errors and set(form.errors) == {NON_FIELD_ERRORS}:
        # refused by a guard (nothing the form could fix): back to where it was asked, saying
        # why; the service changed nothing
        messages.error(request, _("Not done: %(action)s. %(reasons)s")
                       % {"action": services.TRANSITION_LABELS[name],
                          "reasons": " ".join(form.non_field_errors())})
        return redirect(back)
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
    return render(request, "plans/review_form.html", {
        "form": form, "review": review, "revision_diff": _review_diff(review)},
        status=400 if form.errors else 200)


def _review_diff(review):
    """An adjustment's reviewers judge the changes: the diff of the revision under review
    against the approved one (None for a plan never approved)."""
    from plans.revisions import diff

    approved = review.plan.approved_revision
    if approved is None or approved == review.revision:
        return None
    snaps = dict(review.plan.revisions.filter(number__in=[approved, review.revision])
                 .values_list("number", "snapshot"))
    if len(snaps) < 2:
        return None
    return diff(snaps[approved], snaps[review.revision])


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


# --- Plans II: execution, weekly progress, deviations, revisions, cascades -------------------

def _form_page(request, form, title, plan, *, status=None, intro=None, template="form_page.html",
               **extra):
    return render(request, template, {"form": form, "title": title, "back_object": plan,
                                      "intro": intro, **extra},
                  status=status or (400 if form.errors else 200))


@login_required
def publish(request, pk):
    """The planning department publishes the approved revision to the departments."""
    plan = _plan(request, pk)
    _require(request, "plans.publish_plan", plan)
    form = forms.NoteForm(posted(request))
    if request.method == "POST" and submit(form, services.plan_publish, plan=plan,
                                           actor=request.user, request=request):
        messages.success(request, _("Published: the responsible departments are asked to "
                                    "acknowledge."))
        return redirect(f"{plan.get_absolute_url()}#execution")
    return _form_page(request, form, _("Publish the approved plan"), plan,
                      intro=_("Each department responsible for an action item is notified and "
                              "asked to acknowledge."))


@login_required
@require_POST
def acknowledge(request, ack_pk):
    from plans.models import Acknowledgement

    ack = get_object_or_404(Acknowledgement.objects.select_related("plan", "department"),
                            pk=ack_pk)
    _plan(request, ack.plan_id)
    _require(request, "plans.acknowledge", ack)
    form = forms.AcknowledgeForm(request.POST)
    if submit(form, services.acknowledgement_confirm, acknowledgement=ack, actor=request.user,
              request=request):
        messages.success(request, _("Acknowledged for %s.") % ack.department)
    return redirect(f"{ack.plan.get_absolute_url()}#execution")


@login_required
def action_progress(request, pk, action_pk):
    plan = _plan(request, pk)
    action = get_object_or_404(plan.actions.all(), pk=action_pk)
    action.plan = plan
    _require(request, "plans.update_progress", action)
    form = forms.ActionProgressForm(posted(request), initial={
        "status": action.status, "percent_complete": action.percent_complete,
        "quality": action.quality})
    if request.method == "POST" and submit(form, services.action_progress_update,
                                           action=action, actor=request.user,
                                           request=request):
        messages.success(request, _("Progress saved."))
        return redirect(f"{plan.get_absolute_url()}#actions")
    return _form_page(request, form, _("Progress: %s") % action, plan)


def _report_page(request, form, plan, department, title, status=None):
    return render(request, "plans/report_form.html", {
        "form": form, "plan": plan, "department": department, "title": title},
        status=status or (400 if form.errors else 200))


@login_required
def report_add(request, pk):
    """A unit posts its weekly progress on a plan (``?unit=`` picks the unit when the user
    may report for several)."""
    plan = _plan(request, pk)
    units = selectors.report_units(plan, request.user)
    wanted = request.GET.get("unit") or request.POST.get("unit")
    department = next((u for u in units if str(u.pk) == wanted), units[0] if units else None)
    if department is None:  # no unit of this user reports on this plan (or it is not running)
        raise PermissionDenied
    return post_report(
        request, plan, department, done=f"{plan.get_absolute_url()}#progress",
        posted_message=lambda report: _("Your weekly report is posted.") if not report.late
        else _("Your weekly report is posted (late)."))


def post_report(request, plan, department, *, done, posted_message, initial=None):
    """The weekly report form of one unit on one plan, posted through
    ``services.report_create`` (the plan page and the business-unit desk both use it): a week
    already reported is a 409 naming the week; on success, a message and ``done``."""
    from opsplan.errors import Conflict

    form = forms.WeeklyReportForm(posted(request), plan=plan, department=department,
                                  initial=initial)
    title = _("Weekly progress: %(unit)s") % {"unit": department}
    if request.method == "POST":
        try:
            report = submit(form, services.report_create, plan=plan, department=department,
                            actor=request.user, request=request)
        except Conflict as exc:
            form.add_error("iso_week", str(exc.message))
            return _report_page(request, form, plan, department, title, status=409)
        if report:
            messages.success(request, posted_message(report))
            return redirect(done)
    return _report_page(request, form, plan, department, title)


@login_required
def report_edit(request, report_pk):
    from opsplan.errors import Conflict
    from plans.models import WeeklyReport

    report = get_object_or_404(WeeklyReport.objects.select_related("plan", "department"),
                               pk=report_pk)
    plan = _plan(request, report.plan_id)
    _require(request, "plans.change_weeklyreport", report)
    form = forms.WeeklyReportForm(posted(request), instance=report, plan=plan,
                                  department=report.department)
    title = _("Weekly progress: %(unit)s, %(week)s") % {"unit": report.department,
                                                       "week": report.week_label}
    if request.method == "POST":
        try:
            saved = submit(form, services.report_update, report=report, actor=request.user,
                           request=request)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
            return _report_page(request, form, plan, report.department, title, status=409)
        if saved:
            messages.success(request, _("Saved."))
            return redirect(f"{plan.get_absolute_url()}#progress")
    return _report_page(request, form, plan, report.department, title)


@login_required
def reports(request, pk):
    plan = _plan(request, pk)
    page = Paginator(selectors.reports_of(plan), 25).get_page(request.GET.get("page"))
    return render(request, "plans/report_list.html", {
        "plan": plan, "page": page,
        "editable_ids": {r.pk for r in page if request.user.has_perm(
            "plans.change_weeklyreport", r)},
        "report_units": selectors.report_units(plan, request.user)})


@login_required
def deviation_add(request, pk):
    from plans.models import Deviation

    plan = _plan(request, pk)
    _require(request, "plans.report_deviation", plan)
    form = forms.DeviationForm(posted(request), plan=plan, instance=Deviation(plan=plan))
    if request.method == "POST" and submit(form, services.deviation_report, plan=plan,
                                           actor=request.user, request=request):
        messages.success(request, _("Deviation recorded."))
        return redirect(f"{plan.get_absolute_url()}#deviations")
    return _form_page(request, form, _("Report a deviation"), plan)


@login_required
def deviation_edit(request, deviation_pk):
    from plans.models import Deviation

    deviation = get_object_or_404(Deviation.objects.select_related("plan"), pk=deviation_pk)
    plan = _plan(request, deviation.plan_id)
    _require(request, "plans.change_deviation", deviation)
    form = forms.DeviationForm(posted(request), plan=plan, instance=deviation)
    if request.method == "POST" and submit(form, services.deviation_update,
                                           deviation=deviation, actor=request.user,
                                           request=request):
        messages.success(request, _("Deviation analysis saved."))
        return redirect(f"{plan.get_absolute_url()}#deviations")
    return _form_page(request, form, _("Deviation analysis: %s") % deviation, plan)


@login_required
def revisions(request, pk):
    """Every revision of a plan, and the diff between any two (``?a=1&b=2``)."""
    from plans.revisions import diff

    plan = _plan(request, pk)
    items = list(plan.revisions.select_related("created_by").order_by("-number"))
    numbers = [r.number for r in items]

    def pick(name, default):
        try:
            value = int(request.GET.get(name, default or 0))
        except ValueError:
            return default
        return value if value in numbers else default

    newest = numbers[0] if numbers else None
    b = pick("b", newest)
    a = pick("a", plan.approved_revision if plan.approved_revision in numbers
             and plan.approved_revision != b else (numbers[1] if len(numbers) > 1 else b))
    snaps = {r.number: r.snapshot for r in items}
    return render(request, "plans/revisions.html", {
        "plan": plan, "revisions": items, "a": a, "b": b,
        "revision_diff": diff(snaps[a], snaps[b]) if a and b else []})


@login_required
def derive(request, pk):
    """Derive a unit's plan or a shorter-period plan from an approved plan."""
    plan = _plan(request, pk)
    _require(request, "plans.derive_plan", plan)
    form = forms.DeriveForm(posted(request), parent=plan, user=request.user)
    if request.method == "POST" and (child := submit(form, services.plan_derive, parent=plan,
                                                     actor=request.user, request=request)):
        messages.success(request, _("Derived plan created: review what was pre-filled."))
        return redirect(child)
    return _form_page(request, form, _("Derive a plan"), plan,
                      intro=_("Goals and actions are pre-filled from this plan."))


@login_required
def note_add(request, pk):
    plan = _plan(request, pk)
    _require(request, "plans.report_deviation", plan)
    form = forms.MonitoringNoteForm(posted(request))
    if request.method == "POST" and submit(form, services.monitoring_note_add, plan=plan,
                                           actor=request.user, request=request):
        messages.success(request, _("Monitoring note saved."))
        return redirect(f"{plan.get_absolute_url()}#monitoring")
    return _form_page(request, form, _("Monitoring note"), plan)
