"""Organisation pages: everyone signed in reads them; the planning manager edits them."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import objectgetter, permission_required

from committee import forms, selectors, services
from committee.models import Committee, CommitteeSeat, Department, Membership
from opsplan.audit import history_of
from opsplan.forms import form_errors_text, posted, submit

User = get_user_model()


def _perm(name, fn=None):
    return permission_required(name, fn=fn, raise_exception=True)


def _department(request, code):
    return get_object_or_404(Department, code=code)


@login_required
@_perm("committee.view_organisation")
def organisation(request):
    return render(request, "committee/organisation.html", {
        "departments": selectors.department_list(include_inactive=True),
        "committee": selectors.main_committee(),
    })


@login_required
@_perm("committee.view_department", fn=_department)
def department_detail(request, code):
    department = get_object_or_404(selectors.department_list(include_inactive=True), code=code)
    return render(request, "committee/department_detail.html", {
        "department": department,
        "past_memberships": department.memberships.filter(ended_on__isnull=False)
        .select_related("user").order_by("-ended_on"),
        "membership_form": forms.MembershipForm(department=department),
        "history": history_of(department)[:20],
    })


@login_required
@_perm("committee.add_department")
def department_create(request):
    form = forms.DepartmentForm(posted(request))
    if request.method == "POST" and (
        department := submit(form, services.department_create, actor=request.user,
                             request=request)
    ):
        messages.success(request, _("Department “%s” created.") % department)
        return redirect(department)
    return render(request, "form_page.html", {
        "form": form, "title": _("New department"), "back": "committee:organisation",
    })


@login_required
@_perm("committee.change_department", fn=_department)
def department_edit(request, code):
    department = _department(request, code)
    form = forms.DepartmentForm(posted(request), instance=department)
    if request.method == "POST" and (
        updated := submit(form, services.department_update, department=department,
                          actor=request.user, request=request)
    ):
        messages.success(request, _("Department “%s” saved.") % updated)
        return redirect(updated)
    return render(request, "form_page.html", {
        "form": form, "title": _("Edit department"), "back_object": department,
    })


@login_required
@require_POST
@_perm("committee.add_membership")
def membership_add(request, code):
    department = _department(request, code)
    form = forms.MembershipForm(request.POST, department=department)
    if submit(form, services.membership_start, department=department, actor=request.user,
              request=request):
        messages.success(request, _("Position added."))
        return redirect(department)
    return render(request, "form_page.html", {
        "form": form, "title": _("Add a position in %s") % department, "back_object": department,
    }, status=400)


@login_required
@require_POST
@_perm("committee.change_membership", fn=objectgetter(Membership, "pk"))
def membership_end(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("department"), pk=pk)
    form = forms.EndForm(request.POST)
    if submit(form, services.membership_end, membership=membership, actor=request.user,
              request=request):
        messages.success(request, _("Position ended: %s.") % membership)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(membership.department)


@login_required
@_perm("committee.view_user")
def people(request):
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.people_list(search=query), 50).get_page(request.GET.get("page"))
    return render(request, "committee/people.html", {"page": page, "query": query})


@login_required
@_perm("committee.view_user", fn=objectgetter(User, "pk"))
def person_detail(request, pk):
    person = get_object_or_404(User, pk=pk)
    return render(request, "committee/person_detail.html", {
        "person": person,
        "memberships": person.memberships.select_related("department").order_by(
            "ended_on", "department__name"),
        "seats": person.committee_seats.select_related("committee").order_by("ended_on"),
        "roles": selectors.roles_of(person),
    })


@login_required
@_perm("committee.add_user")
def person_create(request):
    form = forms.PersonForm(posted(request))
    if request.method == "POST" and (
        person := submit(form, services.person_create, actor=request.user, request=request)
    ):
        messages.success(request, _("%s added. An administrator sets the first password.")
                         % person)
        return redirect(person)
    return render(request, "form_page.html", {
        "form": form, "title": _("New person"), "back": "committee:people",
    })


@login_required
@_perm("committee.change_user", fn=objectgetter(User, "pk"))
def person_edit(request, pk):
    person = get_object_or_404(User, pk=pk)
    form = forms.PersonForm(posted(request), instance=person)
    if request.method == "POST" and (
        updated := submit(form, services.person_update, person=person, actor=request.user,
                          request=request)
    ):
        messages.success(request, _("%s saved.") % updated)
        return redirect(updated)
    return render(request, "form_page.html", {
        "form": form, "title": _("Edit person"), "back_object": person,
    })


@login_required
@_perm("committee.change_own_settings")
def my_settings(request):
    """The signed-in person's own display name, language and time zone."""
    # A copy: the form writes into its instance while validating; the page header keeps
    # showing what is stored until the service saved it.
    me = User.objects.get(pk=request.user.pk)
    form = forms.OwnSettingsForm(posted(request), instance=me)
    if request.method == "POST" and submit(form, services.own_settings_update,
                                           person=request.user, request=request):
        messages.success(request, _("Your settings are saved."))
        return redirect("committee:my-settings")
    return render(request, "committee/my_settings.html", {"form": form})


@login_required
@_perm("committee.change_committee", fn=objectgetter(Committee, "pk"))
def committee_edit(request, pk):
    committee = get_object_or_404(Committee, pk=pk)
    form = forms.CommitteeForm(posted(request), instance=committee)
    if request.method == "POST" and submit(form, services.committee_update, committee=committee,
                                           actor=request.user, request=request):
        messages.success(request, _("Committee saved."))
        return redirect("committee:organisation")
    return render(request, "form_page.html", {
        "form": form, "title": _("Edit committee"), "back": "committee:organisation",
    })


@login_required
@_perm("committee.add_committeeseat")
def seat_add(request, pk):
    committee = get_object_or_404(Committee, pk=pk)
    form = forms.SeatForm(posted(request), committee=committee)
    if request.method == "POST" and (
        seat := submit(form, services.seat_appoint, committee=committee, actor=request.user,
                       request=request)
    ):
        messages.success(request, _("%s appointed.") % seat)
        return redirect("committee:organisation")
    return render(request, "form_page.html", {
        "form": form, "title": _("Appoint to the committee"), "back": "committee:organisation",
    })


@login_required
@require_POST
@_perm("committee.change_committeeseat", fn=objectgetter(CommitteeSeat, "pk"))
def seat_end(request, pk):
    seat = get_object_or_404(CommitteeSeat, pk=pk)
    form = forms.EndForm(request.POST)
    if submit(form, services.seat_end, seat=seat, actor=request.user, request=request):
        messages.success(request, _("Seat ended: %s.") % seat)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("committee:organisation")


def _back_to_subject(decision):
    url, _diff = selectors.decision_links(decision)
    return redirect(url or "/")


@login_required
@_perm("committee.view_decision")
def decisions(request):
    """Committee decisions: the open ones first; ``?awaiting=me``: only those awaiting my vote
    (the dashboard inbox's full list), oldest first."""
    from django.db.models import Case, IntegerField, Value, When

    awaiting = request.GET.get("awaiting") == "me"
    if awaiting:
        qs = selectors.awaiting_vote(request.user)
    else:
        qs = selectors.decisions_for(request.user).annotate(
            open_first=Case(When(state="open", then=Value(0)), default=Value(1),
                            output_field=IntegerField())
        ).order_by("open_first", "-opened_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    subjects = selectors.subjects_of(page.object_list)  # one query for every subject's link
    rows = [(decision, selectors.decision_links(decision, subjects.get(decision.pk))[0])
            for decision in page.object_list]
    return render(request, "committee/decisions.html", {
        "page": page, "rows": rows, "awaiting": awaiting,
        "querystring": "awaiting=me" if awaiting else ""})


def _safe_next(request):
    """The page the form came from (the dashboard), if it is one of ours."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):
        return target
    return None


def _inbox_row(request, decision, *, vote=None, form=None):
    """The dashboard inbox's row of this decision, for htmx to swap in: the recorded vote, or
    the form with its errors named. Always 200 so htmx swaps it."""
    from committee.panels.committee import inbox_row, vote_choices

    decision = selectors.decisions_for(request.user).prefetch_related("subject").get(
        pk=decision.pk)
    return render(request, "committee/panels/committee_inbox_row.html", {
        "row": inbox_row(decision), "vote": vote, "form": form, "choices": vote_choices(),
    })


@login_required
@require_POST
def decision_vote(request, pk):
    """Cast or change one's vote (rule: ``committee.vote_decision``, checked by the service).
    From the dashboard's inbox via htmx it answers with the inbox row; otherwise it redirects
    back (to ``next`` when given, else to the subject)."""
    from opsplan.errors import Conflict

    decision = get_object_or_404(selectors.decisions_for(request.user), pk=pk)
    form = forms.VoteForm(request.POST)
    try:
        vote = submit(form, services.decision_vote, decision=decision, voter=request.user,
                      request=request)
    except Conflict as exc:
        if not request.htmx:
            raise
        form.add_error(None, str(exc.message))
        vote = None
    if request.htmx:
        return _inbox_row(request, decision, vote=vote, form=None if vote else form)
    if vote is not None:
        messages.success(request, _("Your vote is recorded."))
        decision.refresh_from_db()
        if not decision.is_open:
            messages.info(request, _("Your vote closed the decision: %s.")
                          % decision.get_state_display())
    else:
        messages.error(request, form_errors_text(form))
    target = _safe_next(request)
    return redirect(target) if target else _back_to_subject(decision)


@login_required
@require_POST
def decision_close(request, pk):
    decision = get_object_or_404(selectors.decisions_for(request.user), pk=pk)
    form = forms.CloseForm(request.POST)
    if submit(form, services.decision_close, decision=decision, actor=request.user,
              request=request) is not None:
        messages.success(request, _("The vote is closed."))
    else:
        messages.error(request, form_errors_text(form))
    return _back_to_subject(decision)
