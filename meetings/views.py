"""Meeting pages: thin views that read through selectors and write through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meetings import calendar, forms, report, selectors, services
from meetings.choices import MeetingKind, MeetingState
from meetings.models import AgendaItem, CalendarFeed, FollowUp, Meeting, Participant
from opsplan.forms import posted, submit


def _meeting(request, pk) -> Meeting:
    return selectors.meeting_detail(request.user, pk)


def _form_page(request, form, title, meeting, *, intro=None):
    return render(request, "form_page.html", {
        "form": form, "title": title, "back_object": meeting, "intro": intro,
    }, status=400 if form.errors else 200)


def _run_form(request, meeting, form, service, title, done=""):
    """A page that runs one form through one service on the meeting (who may is the
    services' rule: meetings.change_meeting)."""
    if not request.user.has_perm("meetings.change_meeting", meeting):
        raise PermissionDenied
    if request.method == "POST" and submit(form, service, meeting=meeting, actor=request.user,
                                           request=request):
        if done:
            messages.success(request, done)
        return redirect(meeting)
    return _form_page(request, form, title, meeting)


@login_required
def meeting_list(request):
    kind = request.GET.get("kind") or None
    if kind not in (None, *MeetingKind.values):
        kind = None
    meetings = selectors.meeting_list(request.user, kind=kind)
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {
        "page": page, "kind": kind, "kinds": MeetingKind.choices,
        "querystring": f"kind={kind}" if kind else "",
        "may_call": request.user.has_perm("meetings.call_meeting"),
        "follow_ups": selectors.open_follow_ups(request.user).filter(owner=request.user)[:20],
    })


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    user = request.user
    may_run = user.has_perm("meetings.change_meeting", meeting)
    editable = may_run and meeting.state in (MeetingState.IN_PROGRESS,
                                             MeetingState.MINUTES_DRAFT)
    sections: dict[str, list] = {}
    for item in meeting.agenda.all():
        sections.setdefault(item.get_section_display(), []).append(item)
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "sections": sections, "may_run": may_run, "editable": editable,
        "transitions": services.available_transitions(meeting, user),
        "may_reschedule": may_run and meeting.state == MeetingState.SCHEDULED,
        "decision_form": forms.DecisionForm(meeting=meeting) if editable else None,
        "follow_up_form": forms.FollowUpForm(meeting=meeting) if editable else None,
        "attendance_form": forms.AttendanceForm() if editable else None,
        "has_report": meeting.kind == MeetingKind.MONTHLY,
    })


@login_required
def meeting_create(request):
    if not request.user.has_perm("meetings.call_meeting"):
        raise PermissionDenied
    # a proposal (e.g. from a risk that became high) arrives with the form pre-filled
    initial = {k: request.GET[k][:5000] for k in ("title", "subject", "urgency")
               if k in request.GET}
    form = forms.AdhocMeetingForm(posted(request), initial=initial)
    if request.method == "POST" and (meeting := submit(form, services.call_adhoc,
                                                       actor=request.user, request=request)):
        messages.success(request, _("Meeting called; the invitations are on their way."))
        return redirect(meeting)
    return render(request, "form_page.html", {
        "form": form, "title": _("Call an ad-hoc meeting"),
        "intro": _("For an urgent matter: the invitees are told at once."),
    }, status=400 if form.errors else 200)


@login_required
def transition(request, pk, name):
    meeting = _meeting(request, pk)
    if name not in services.TRANSITION_LABELS:
        raise Http404
    if not getattr(meeting, name)._django_fsm.has_transition_perm(meeting, meeting.state,
                                                                  request.user):
        raise PermissionDenied
    form = forms.CancelForm(posted(request)) if name == "cancel" else None
    if request.method == "POST":
        if form is None:
            services.perform(name, meeting=meeting, actor=request.user, request=request)
            messages.success(request, _("Done: %s.") % services.TRANSITION_LABELS[name])
            return redirect(meeting)
        if submit(form, services.cancel, meeting=meeting, actor=request.user,
                  request=request):
            messages.success(request, _("The meeting is cancelled; invitees are told."))
            return redirect(meeting)
    if form is None:
        form = forms.CancelForm() if name == "cancel" else None
    return render(request, "meetings/confirm.html", {
        "meeting": meeting, "form": form, "label": services.TRANSITION_LABELS[name],
        "name": name}, status=400 if form is not None and form.errors else 200)


@login_required
def reschedule(request, pk):
    meeting = _meeting(request, pk)
    return _run_form(request, meeting, forms.RescheduleForm(posted(request), initial={
        "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
        "location": meeting.location}), services.reschedule, _("Reschedule"),
        _("Rescheduled; invitees get the new time."))


@login_required
def agenda_add(request, pk):
    meeting = _meeting(request, pk)
    return _run_form(request, meeting, forms.AgendaItemForm(posted(request)),
                     services.add_agenda_item, _("Add an agenda item"))


@login_required
def minutes(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    if not request.user.has_perm("meetings.change_meeting", meeting):
        raise PermissionDenied
    form = forms.MinutesForm(posted(request), initial={"minutes": item.minutes})
    if request.method == "POST" and submit(form, services.save_minutes, item=item,
                                           actor=request.user, request=request):
        if request.htmx:
            item.refresh_from_db()
            return render(request, "meetings/minutes_saved.html", {"item": item})
        return redirect(meeting)
    return _form_page(request, form, _("Minutes: %s") % item.title, meeting)


@login_required
def attendance(request, pk, participant_pk):
    meeting = _meeting(request, pk)
    participant = get_object_or_404(Participant, pk=participant_pk, meeting=meeting)
    if not request.user.has_perm("meetings.change_meeting", meeting):
        raise PermissionDenied
    form = forms.AttendanceForm(posted(request), initial={
        "attendance": participant.attendance, "delegate": participant.delegate})
    if request.method == "POST" and submit(form, services.set_attendance, meeting=meeting,
                                           participant=participant, actor=request.user,
                                           request=request):
        return redirect(meeting)
    return _form_page(request, form, _("Attendance: %s") % participant.user, meeting)


@login_required
def decision_add(request, pk):
    meeting = _meeting(request, pk)
    return _run_form(request, meeting, forms.DecisionForm(posted(request), meeting=meeting),
                     services.record_decision, _("Record a decision"), _("Decision recorded."))


@login_required
def follow_up_add(request, pk):
    meeting = _meeting(request, pk)
    return _run_form(request, meeting, forms.FollowUpForm(posted(request), meeting=meeting),
                     services.add_follow_up, _("Add a follow-up action"),
                     _("Follow-up action recorded."))


@login_required
def follow_up_close(request, follow_up_pk):
    follow_up = get_object_or_404(FollowUp.objects.select_related("meeting"), pk=follow_up_pk)
    meeting = _meeting(request, follow_up.meeting_id)
    if not request.user.has_perm("meetings.change_followup", follow_up):
        raise PermissionDenied
    form = forms.CloseFollowUpForm(posted(request))
    if request.method == "POST" and submit(form, services.close_follow_up,
                                           follow_up=follow_up, actor=request.user,
                                           request=request):
        messages.success(request, _("Follow-up marked done."))
        return redirect(meeting)
    return _form_page(request, form, _("Mark done: %s") % follow_up.title, meeting)


@login_required
def report_pack(request, pk):
    meeting = _meeting(request, pk)
    if meeting.kind != MeetingKind.MONTHLY:
        raise Http404
    return render(request, "meetings/report_pack.html", {
        "meeting": meeting, "tables": report.pack(request.user)})


@login_required
def report_export(request, pk):
    meeting = _meeting(request, pk)
    if meeting.kind != MeetingKind.MONTHLY:
        raise Http404
    response = HttpResponse(report.workbook(request.user, meeting), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{meeting.slot}-report.xlsx"'
    return response


@login_required
def invitation(request, pk):
    meeting = _meeting(request, pk)
    response = HttpResponse(calendar.invitation(meeting, request.build_absolute_uri("/")
                                                .rstrip("/")),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
def calendar_settings(request):
    """The person's secret feed address; POST makes a new one (the old stops working)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    if request.method == "POST":
        feed.renew()
        messages.success(request, _("A new address was made; the old one no longer works."))
        return redirect("meetings:calendar")
    url = request.build_absolute_uri(reverse("meetings:feed", args=[feed.token]))
    return render(request, "meetings/calendar.html", {"feed_url": url})


@require_GET
def feed(request, token):
    """A calendar app's subscription: the meetings of the token's owner. No session: the
    secret address is the credential (renewable on the calendar page)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    body = calendar.feed(selectors.feed_meetings(feed.user), _("OpsPlan meetings"),
                         request.build_absolute_uri("/").rstrip("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- communication (§4.6) ----------------------------------------------------------------------

@login_required
def issues(request):
    from meetings.models import CoordinationIssue

    state = request.GET.get("state") or "open"
    found = CoordinationIssue.objects.select_related("raised_by_department", "owner",
                                                     "raised_by")
    if state in ("open", "resolved"):
        found = found.filter(state=state)
    page = Paginator(found.order_by("-created_at", "-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "meetings/issues.html", {
        "page": page, "state": state, "querystring": f"state={state}",
        "may_raise": request.user.has_perm("meetings.add_coordinationissue")})


@login_required
def issue_raise(request):
    if not request.user.has_perm("meetings.add_coordinationissue"):
        raise PermissionDenied
    form = forms.IssueForm(posted(request), user=request.user)
    if request.method == "POST" and submit(form, services.issue_raise, actor=request.user,
                                           request=request):
        messages.success(request, _("Issue raised; its owner is told."))
        return redirect("meetings:issues")
    return render(request, "form_page.html", {"form": form, "title": _("Raise an issue"),
                                              "back": "meetings:issues"},
                  status=400 if form.errors else 200)


@login_required
def issue_resolve(request, issue_pk):
    from meetings.models import CoordinationIssue

    issue = get_object_or_404(CoordinationIssue, pk=issue_pk)
    if not request.user.has_perm("meetings.change_coordinationissue", issue):
        raise PermissionDenied
    form = forms.ResolveForm(posted(request))
    if request.method == "POST" and submit(form, services.issue_resolve, issue=issue,
                                           actor=request.user, request=request):
        messages.success(request, _("Issue resolved."))
        return redirect("meetings:issues")
    return render(request, "form_page.html", {"form": form, "back": "meetings:issues",
                                              "title": _("Resolve: %s") % issue.title},
                  status=400 if form.errors else 200)


@login_required
def stakeholders(request):
    from meetings.models import Stakeholder

    found = Stakeholder.objects.select_related("owner").order_by("kind", "name", "pk")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "meetings/stakeholders.html", {
        "page": page, "may_add": request.user.has_perm("meetings.add_stakeholder")})


@login_required
def stakeholder_edit(request, pk=None):
    from meetings.models import Stakeholder

    stakeholder = get_object_or_404(Stakeholder, pk=pk) if pk else None
    allowed = (request.user.has_perm("meetings.change_stakeholder", stakeholder) if stakeholder
               else request.user.has_perm("meetings.add_stakeholder"))
    if not allowed:
        raise PermissionDenied
    initial = {f: getattr(stakeholder, f) for f in services.STAKEHOLDER_FIELDS} \
        if stakeholder else {"is_active": True}
    form = forms.StakeholderForm(posted(request), initial=initial)
    if request.method == "POST" and (saved := submit(
            form, services.stakeholder_save, stakeholder=stakeholder, actor=request.user,
            request=request)):
        return redirect(saved)
    return render(request, "form_page.html", {
        "form": form, "back_object": stakeholder, "back": "meetings:stakeholders",
        "title": _("Edit %s") % stakeholder if stakeholder else _("New stakeholder")},
        status=400 if form.errors else 200)


@login_required
def stakeholder_detail(request, pk):
    from meetings.models import Stakeholder

    stakeholder = get_object_or_404(Stakeholder.objects.select_related("owner"), pk=pk)
    may_log = request.user.has_perm("meetings.change_stakeholder", stakeholder)
    form = forms.ContactForm(posted(request)) if may_log else None
    if request.method == "POST":
        if not may_log:
            raise PermissionDenied
        if submit(form, services.contact_log, stakeholder=stakeholder, actor=request.user,
                  request=request):
            messages.success(request, _("Contact logged."))
            return redirect(stakeholder)
    return render(request, "meetings/stakeholder_detail.html", {
        "stakeholder": stakeholder, "form": form, "may_log": may_log,
        "contacts": stakeholder.contacts.select_related("recorded_by")[:100]},
        status=400 if form is not None and form.errors else 200)


@login_required
def follow_up_to_plan(request, follow_up_pk):
    follow_up = get_object_or_404(FollowUp.objects.select_related("meeting"), pk=follow_up_pk)
    meeting = _meeting(request, follow_up.meeting_id)
    if not request.user.has_perm("meetings.change_followup", follow_up):
        raise PermissionDenied
    form = forms.FollowUpToPlanForm(posted(request), user=request.user)
    if request.method == "POST" and submit(form, services.follow_up_to_plan_action,
                                           follow_up=follow_up, actor=request.user,
                                           request=request):
        messages.success(request, _("The follow-up is now an action item of the plan."))
        return redirect(meeting)
    return _form_page(request, form, _("Make it a plan action item: %s") % follow_up.title,
                      meeting)
