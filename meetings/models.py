"""Meetings (§4.1): the weekly operations meeting, the monthly summary meeting and ad-hoc
meetings, with their invitees and attendance, an agenda built from the data, minutes per agenda
item, decisions and follow-up actions."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from rules.contrib.models import RulesModelBase, RulesModelMixin

from meetings import rules as r
from meetings.choices import (
    Attendance,
    Channel,
    FollowUpState,
    IssueState,
    MeetingKind,
    MeetingState,
    Section,
    StakeholderKind,
    Urgency,
)


def _meeting_permission(predicate):
    return lambda meeting, user: bool(predicate(user, meeting))


class Meeting(ConcurrentTransitionMixin, RulesModelMixin, models.Model,
              metaclass=RulesModelBase):
    kind = models.CharField(_("kind"), max_length=8, choices=MeetingKind.choices)
    # The slot the meeting belongs to: ISO week ("2026-W48") for weekly meetings, month
    # ("2026-12") for monthly ones, a random key for ad-hoc ones. One meeting per slot: a beat
    # that fires twice or a retried task finds the meeting already there.
    slot = models.CharField(_("slot"), max_length=40, editable=False)
    title = models.CharField(_("title"), max_length=200)
    subject = models.TextField(_("subject"), blank=True, max_length=5000)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("chair"))
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+", editable=False,
                                  verbose_name=_("called by"))
    state = FSMField(_("state"), default=MeetingState.SCHEDULED, choices=MeetingState.choices,
                     protected=True, db_index=True)
    sequence = models.PositiveIntegerField(
        _("calendar sequence"), default=0, editable=False,
        help_text=_("Goes up with every reschedule, so calendars replace the old invitation."))
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True,
                                               editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slot"], name="one_meeting_per_slot"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="meeting_ends_after_it_starts"),
        ]
        rules_permissions = {
            "view": r.can_view_meeting,
            "add": r.can_call_meeting,
            "change": r.can_run_meeting,
            "delete": r.is_admin,
        }

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @transition(state, source=MeetingState.SCHEDULED, target=MeetingState.IN_PROGRESS,
                permission=_meeting_permission(r.can_run_meeting))
    def start(self):
        """The chair opens the meeting (weekly: the week's progress reports lock)."""

    @transition(state, source=MeetingState.IN_PROGRESS, target=MeetingState.MINUTES_DRAFT,
                permission=_meeting_permission(r.can_run_meeting))
    def finish(self):
        """The meeting is over; the minutes are being written up."""

    @transition(state, source=MeetingState.MINUTES_DRAFT, target=MeetingState.MINUTES_APPROVED,
                permission=_meeting_permission(r.can_approve_minutes))
    def approve_minutes(self):
        """The chair approves the minutes; they can no longer change."""

    @transition(state, source=MeetingState.MINUTES_APPROVED, target=MeetingState.ARCHIVED,
                permission=_meeting_permission(r.can_run_meeting))
    def archive(self):
        """Filed away."""

    @transition(state, source=MeetingState.SCHEDULED, target=MeetingState.CANCELLED,
                permission=_meeting_permission(r.can_run_meeting))
    def cancel(self):
        """Called off before it started; invitees are told."""


class Participant(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="meeting_seats", verbose_name=_("person"))
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices,
                                  default=Attendance.INVITED)
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("delegate"))
    invited_sequence = models.IntegerField(
        _("invitation sent for sequence"), default=-1, editable=False,
        help_text=_("The calendar sequence of the last invitation e-mailed (-1: none yet)."))

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "user__display_name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"],
                                               name="one_seat_per_person_and_meeting")]

    def __str__(self):
        return f"{self.user} · {self.meeting}"


class AgendaItem(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveIntegerField(_("order"), default=0)
    section = models.CharField(_("section"), max_length=16, choices=Section.choices,
                               default=Section.OTHER)
    title = models.CharField(_("item"), max_length=300)
    detail = models.TextField(_("detail"), blank=True, max_length=10_000)
    url = models.CharField(_("link"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=80, blank=True, editable=False,
                              help_text=_("What the item was built from, e.g. plans.report:12."))
    minutes = models.TextField(_("minutes"), blank=True, max_length=20_000)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return self.title


class MeetingDecision(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="decisions",
                                    verbose_name=_("agenda item"))
    text = models.TextField(_("decision"), max_length=5000)
    decided_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+",
                                        verbose_name=_("decided by"))
    committee_decision = models.ForeignKey(
        "committee.Decision", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("committee vote"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "recorded_at", "pk"]

    def __str__(self):
        return self.text[:80]


class FollowUp(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """An action agreed in a meeting, tracked until done; still open, it is carried onto the
    next meeting's agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="follow_ups",
                                    verbose_name=_("agenda item"))
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="meeting_follow_ups", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=6, choices=FollowUpState.choices,
                             default=FollowUpState.OPEN, editable=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    done_note = models.TextField(_("outcome"), blank=True, max_length=5000, editable=False)
    plan_action = models.ForeignKey(
        "plans.ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("plan action item"),
        help_text=_("When the follow-up became an action item of a plan, tracked there."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("agreed"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["state", "due_date", "pk"]
        rules_permissions = {"change": r.can_close_follow_up}

    def __str__(self):
        return self.title

    @property
    def overdue(self):
        return self.state == FollowUpState.OPEN and self.due_date < timezone.localdate()


def _token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret iCalendar feed address (calendar apps cannot sign in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user}"

    def renew(self):
        self.token = _token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])


class CoordinationIssue(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A cross-department coordination issue (§4.6): raised by a unit, owned by someone who
    resolves it; open ones are visible to everyone who coordinates."""

    title = models.CharField(_("issue"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    raised_by_department = models.ForeignKey(
        "committee.Department", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("raised by unit"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=IssueState.choices,
                             default=IssueState.OPEN, editable=False)
    resolution = models.TextField(_("resolution"), blank=True, max_length=10_000,
                                  editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    created_at = models.DateTimeField(_("raised"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("coordination issue")
        verbose_name_plural = _("coordination issues")
        ordering = ["state", "-created_at", "-pk"]
        rules_permissions = {"view": r.is_signed_in, "add": r.can_raise_issue,
                             "change": r.can_resolve_issue}

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:issues") + f"#issue-{self.pk}"


class Stakeholder(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """An external party in the communication plan (§4.6): who, how and how often."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("stakeholder type"), max_length=12,
                            choices=StakeholderKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    every_days = models.PositiveSmallIntegerField(
        _("contact every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("owner"))
    notes = models.TextField(_("what to communicate"), blank=True, max_length=10_000)
    is_active = models.BooleanField(_("active"), default=True)
    last_contact = models.DateField(_("last contact"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["kind", "name", "pk"]
        rules_permissions = {"view": r.is_signed_in, "add": r.can_plan_communication,
                             "change": r.can_change_stakeholder}

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:stakeholder", args=[self.pk])

    @property
    def next_due(self):
        start = self.last_contact or timezone.localdate(self.created_at)
        return start + dt.timedelta(days=self.every_days)

    @property
    def overdue(self):
        return self.is_active and self.next_due < timezone.localdate()


class Contact(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE,
                                    related_name="contacts")
    on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    summary = models.TextField(_("summary"), max_length=10_000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.stakeholder} · {self.on}"


class ContactReminder(models.Model):
    """One reminder per stakeholder and due date, so a re-run reminds nobody twice."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    due = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stakeholder", "due"],
                                               name="one_contact_reminder_per_due_date")]

    def __str__(self):
        return f"{self.stakeholder_id} · {self.due}"
