"""The plan (§3): needs analysis, SMART goals, 4P strategies, action plan, internal reviews and
the state machine that carries it through review, approval and execution."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from rules.contrib.models import RulesModelBase, RulesModelMixin

from committee.choices import DecisionKind
from committee.models import Department
from kpis.choices import Direction  # goals share the indicators' notion of direction
from plans import guards
from plans import rules as r
from plans.choices import (
    EDITABLE_STATES,
    NON_TERMINAL_STATES,
    AckState,
    ActionStatus,
    AdjustmentKind,
    AdjustmentState,
    AttachmentSection,
    CauseCategory,
    DataSource,
    DeviationSource,
    DeviationState,
    GoalResult,
    PeriodKind,
    PlanLevel,
    PlanState,
    Quality,
    ResourceKind,
    ReviewState,
    StrategyKind,
    Verdict,
)


def period_end_for(kind: str, start: dt.date) -> dt.date:
    """The last day of a period of this kind starting on ``start``."""
    months = {PeriodKind.ANNUAL: 12, PeriodKind.QUARTERLY: 3, PeriodKind.MONTHLY: 1}[kind]
    year, month = divmod(start.month - 1 + months, 12)
    try:
        following = start.replace(year=start.year + year, month=month + 1)
    except ValueError:  # e.g. 31 January + 1 month
        following = (start.replace(day=1, year=start.year + year, month=month + 1)
                     + dt.timedelta(days=31)).replace(day=1)
    return following - dt.timedelta(days=1)


def _plan_permission(predicate):
    """FSM ``permission=`` must be a callable (a string would fall back to a global has_perm
    and bypass the object rule); this one asks the same predicate as everything else."""
    return lambda plan, user: bool(predicate(user, plan))


class Plan(ConcurrentTransitionMixin, RulesModelMixin, models.Model, metaclass=RulesModelBase):
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=PlanLevel.choices,
                             default=PlanLevel.COMPANY)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="plans",
        verbose_name=_("business unit"), help_text=_("Only for a business-unit plan."),
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent plan"), help_text=_("The plan this one is derived from."),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=10_000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="authored_plans", verbose_name=_("author"))
    state = FSMField(_("state"), default=PlanState.NEEDS_ANALYSIS, choices=PlanState.choices,
                     protected=True, db_index=True)
    revision = models.PositiveIntegerField(
        _("revision"), default=0, editable=False,
        help_text=_("Goes up by one each time the plan enters internal review."),
    )
    approved_revision = models.PositiveIntegerField(_("approved revision"), null=True,
                                                    blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    published_revision = models.PositiveIntegerField(
        _("published revision"), null=True, blank=True, editable=False,
        help_text=_("The approved revision communicated to the responsible departments."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    monitoring_forced_reason = models.TextField(_("reason for starting monitoring early"),
                                                blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    # When the plan entered its current state: set on creation and by every transition
    # (plans.services._transition, the one place transitions run), so boards order plans by
    # time in state from an index instead of searching the audit log.
    state_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now,
                                            editable=False)
    completion_lessons = models.TextField(_("lessons learned"), blank=True, editable=False,
                                          max_length=10_000)

    # §3.1 market environment
    macro_economy = models.TextField(_("macro-economic data"), blank=True, max_length=10_000)
    policy_regulation = models.TextField(_("industry policy and regulation"), blank=True,
                                         max_length=10_000)
    market_size = models.DecimalField(_("market size"), max_digits=18, decimal_places=2,
                                      null=True, blank=True,
                                      validators=[MinValueValidator(Decimal(0))])
    market_size_unit = models.CharField(_("market size unit"), max_length=40, blank=True,
                                        help_text=_("e.g. million CNY per year"))
    growth_rate = models.DecimalField(
        _("market growth rate (%)"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(-100)), MaxValueValidator(Decimal(10_000))],
    )
    trends = models.TextField(_("market trends"), blank=True, max_length=10_000)
    market_notes = models.TextField(_("market notes"), blank=True, max_length=10_000)
    # §3.1 internal analysis: lessons from historical operating data
    lessons_learned = models.TextField(_("lessons from history"), blank=True,
                                       max_length=10_000)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-period_start", "title", "pk"]
        indexes = [models.Index(fields=["state", "state_changed_at", "id"],
                                name="plans_plan_state_since")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(level=PlanLevel.COMPANY, department__isnull=True)
                           | models.Q(level=PlanLevel.UNIT, department__isnull=False)),
                name="unit_plan_has_a_unit",
                violation_error_message=_(
                    "A business-unit plan names its unit; a company plan names none."),
            ),
        ]
        rules_permissions = {
            "view": r.can_view_plan,
            "add": r.can_add_plan,
            "change": r.can_steer_plan,  # frozen content is refused by the service (409)
            "delete": r.is_admin,  # plans are cancelled, never deleted
        }

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.period_kind and self.period_start:
            self.period_end = period_end_for(self.period_kind, self.period_start)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("plans:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.period_kind and self.period_start:
            self.period_end = period_end_for(self.period_kind, self.period_start)
        if (self.level == PlanLevel.UNIT and self.department_id
                and self.department.kind != "business_unit"):
            raise ValidationError({"department": _("Choose a business unit.")})
        if self.level == PlanLevel.UNIT and not self.department_id:
            raise ValidationError({"department": _("A business-unit plan names its unit.")})
        if self.level == PlanLevel.COMPANY and self.department_id:
            raise ValidationError({"department": _("A company plan names no unit.")})
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": _("A plan cannot be its own parent.")})
            parent = self.parent
            if self.period_start and (self.period_start < parent.period_start
                                      or self.period_end > parent.period_end):
                raise ValidationError({"parent": _(
                    "The period must lie within the parent plan's period (%(start)s – %(end)s)."
                ) % {"start": parent.period_start, "end": parent.period_end}})

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    def current_decision(self):
        """The committee decision about the current revision, if any (newest first)."""
        from committee.models import Decision

        cached = getattr(self, "_prefetched_decisions", None)
        decisions = cached if cached is not None else list(
            Decision.objects.about(self).filter(
                kind__in=[DecisionKind.PLAN_APPROVAL, DecisionKind.PLAN_ADJUSTMENT])
        )
        for decision in decisions:
            if decision.kind not in (DecisionKind.PLAN_APPROVAL, DecisionKind.PLAN_ADJUSTMENT):
                continue
            if decision.subject_revision == self.revision:
                return decision
        return None

    # --- transitions: they change only ``self``; plans/services.py runs them ---------------

    @transition(state, source=PlanState.NEEDS_ANALYSIS, target=PlanState.DRAFTING,
                conditions=[guards.has_smart_goal],
                permission=_plan_permission(r.can_steer_plan))
    def start_drafting(self):
        """Needs analysis is done when at least one SMART goal exists."""

    @transition(state, source=[PlanState.DRAFTING, PlanState.ADJUSTMENT],
                target=PlanState.INTERNAL_REVIEW,
                conditions=[guards.complete_for_review],
                permission=_plan_permission(r.can_steer_plan))
    def submit_for_review(self):
        """Every goal, strategy and action item complete; a new revision starts."""
        self.revision += 1

    @transition(state, source=PlanState.INTERNAL_REVIEW, target=PlanState.DRAFTING,
                conditions=[guards.changes_requested],
                permission=lambda plan, user: plan.reviews.filter(
                    revision=plan.revision, reviewer=user,
                    verdict=Verdict.REQUEST_CHANGES).exists())
    def return_to_drafting(self):
        """A reviewing department requested changes: back to the author with its comments."""

    @transition(state, source=PlanState.INTERNAL_REVIEW, target=PlanState.COMMITTEE_APPROVAL,
                conditions=[guards.reviews_approved],
                permission=_plan_permission(r.can_steer_plan))
    def submit_to_committee(self):
        """Every required department reviewed this revision and approved it."""

    @transition(state, source=PlanState.COMMITTEE_APPROVAL, target=PlanState.EXECUTION,
                conditions=[guards.committee_approved],
                permission=_plan_permission(r.can_decide_plan))
    def approve(self):
        """Only an approved committee Decision on this revision starts execution; the
        revision is frozen from now on."""
        self.approved_revision = self.revision

    @transition(state, source=PlanState.COMMITTEE_APPROVAL,
                target=RETURN_VALUE(PlanState.DRAFTING, PlanState.EXECUTION),
                conditions=[guards.committee_rejected],
                permission=_plan_permission(r.can_decide_plan))
    def reject(self):
        """The committee rejected or returned this revision: a new plan goes back to
        drafting; a rejected adjustment returns to executing the approved revision."""
        if self.approved_revision is not None:
            return PlanState.EXECUTION
        return PlanState.DRAFTING

    @transition(state, source=PlanState.EXECUTION, target=PlanState.MONITORING,
                conditions=[guards.all_acknowledged],
                permission=_plan_permission(r.can_steer_plan))
    def start_monitoring(self):
        """Every responsible department acknowledged its action items."""

    @transition(state, source=PlanState.EXECUTION, target=PlanState.MONITORING,
                conditions=[guards.published],
                permission=_plan_permission(r.can_force_monitoring))
    def force_monitoring(self, reason):
        """The planning manager starts monitoring before every acknowledgement, with a
        reason."""
        self.monitoring_forced_reason = reason

    @transition(state, source=PlanState.MONITORING, target=PlanState.ADJUSTMENT,
                conditions=[guards.deviation_analysed],
                permission=_plan_permission(r.can_adjust_plan))
    def start_adjustment(self):
        """An analysed deviation and a chosen kind of adjustment: a new draft revision."""

    @transition(state, source=PlanState.MONITORING, target=PlanState.COMPLETED,
                conditions=[guards.may_complete],
                permission=_plan_permission(r.can_complete_plan))
    def complete(self, lessons):
        """Period over or every goal met: closed with a final assessment."""
        self.completion_lessons = lessons
        self.completed_at = timezone.now()

    @transition(state, source=list(NON_TERMINAL_STATES), target=PlanState.CANCELLED,
                permission=_plan_permission(r.can_cancel_plan))
    def cancel(self, reason):
        """Planning manager or committee chair, with a reason, from any non-terminal state."""
        self.cancel_reason = reason


# A piece of a plan's content is readable as its plan is and changed by whoever steers the plan;
# creating one is checked against the plan it names.
PART_PERMISSIONS = {
    "view": r.can_view_part,
    "add": r.is_signed_in,
    "change": r.can_steer_part,
    "delete": r.can_steer_part,
}


class PlanPart(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A piece of a plan's content: editable while the plan is, readable as the plan is."""

    class Meta:
        abstract = True


class Competitor(PlanPart):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="competitors")
    name = models.CharField(_("competitor"), max_length=120)
    product_features = models.TextField(_("product / service features"), blank=True,
                                        max_length=5000)
    market_share = models.DecimalField(
        _("market share (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    marketing_strategy = models.TextField(_("marketing strategy"), blank=True, max_length=5000)
    strengths = models.TextField(_("strengths"), blank=True, max_length=5000)
    weaknesses = models.TextField(_("weaknesses"), blank=True, max_length=5000)

    class Meta(PlanPart.Meta):
        rules_permissions = PART_PERMISSIONS
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["plan", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"],
                                               name="one_entry_per_competitor")]

    def __str__(self):
        return self.name


class Resource(PlanPart):
    """Internal analysis of one resource (people, material, finance, technology, brand)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("resource"), max_length=12, choices=ResourceKind.choices)
    strengths = models.TextField(_("strengths"), blank=True, max_length=5000)
    gaps = models.TextField(_("gaps"), blank=True, max_length=5000)

    class Meta(PlanPart.Meta):
        rules_permissions = PART_PERMISSIONS
        verbose_name = _("internal resource")
        verbose_name_plural = _("internal resources")
        ordering = ["plan", "kind"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"],
                                               name="one_analysis_per_resource")]

    def __str__(self):
        return self.get_kind_display()


class Goal(PlanPart):
    """A SMART goal: specific (title), measurable (measure, unit, baseline, target),
    achievable (judged in review), time-bound (deadline within the plan period)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    indicator = models.ForeignKey(
        "kpis.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="goals",
        verbose_name=_("indicator"),
        help_text=_("Measure the goal with a catalog indicator; its actuals then come from "
                    "the data and approval turns the goal into the indicator's target."))
    measure = models.CharField(_("measure"), max_length=120, blank=True,
                               help_text=_("What is measured, e.g. revenue or market share "
                                           "(taken from the indicator when one is chosen)."))
    unit = models.CharField(_("unit"), max_length=30, blank=True,
                            help_text=_("e.g. CNY, %, customers"))
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.HIGHER)
    deadline = models.DateField(_("deadline"))

    class Meta(PlanPart.Meta):
        rules_permissions = PART_PERMISSIONS
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "deadline", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.indicator_id:
            # a goal measured by an indicator follows the indicator's unit and direction
            self.measure = self.measure or self.indicator.code
            self.unit = self.indicator.unit
            self.direction = self.indicator.direction
            if not self.indicator.is_active:
                raise ValidationError({"indicator": _("This indicator is no longer in use.")})
        errors = {}
        if not (self.measure or "").strip() or not (self.unit or "").strip():
            errors["measure"] = _("A goal must be measurable: name its measure and unit.")
        if self.deadline is None:
            errors["deadline"] = _("A goal must be time-bound: give it a deadline.")
        elif self.plan_id and not (self.plan.period_start <= self.deadline
                                   <= self.plan.period_end):
            errors["deadline"] = _(
                "The deadline must fall within the plan period (%(start)s – %(end)s)."
            ) % {"start": self.plan.period_start, "end": self.plan.period_end}
        if self.baseline is not None and self.target is not None:
            if self.direction == Direction.HIGHER and self.target <= self.baseline:
                errors["target"] = _("Higher is better: the target must exceed the baseline.")
            if self.direction == Direction.LOWER and self.target >= self.baseline:
                errors["target"] = _("Lower is better: the target must be below the baseline.")
        if errors:
            raise ValidationError(errors)


class Strategy(PlanPart):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies")
    kind = models.CharField(_("strategy"), max_length=10, choices=StrategyKind.choices)
    content = models.TextField(_("content"), blank=True, max_length=20_000)

    class Meta(PlanPart.Meta):
        rules_permissions = PART_PERMISSIONS
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["plan", "kind"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"],
                                               name="one_strategy_per_kind")]

    def __str__(self):
        return self.get_kind_display()


class ActionItem(PlanPart):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("responsible department"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="plan_actions",
                               verbose_name=_("responsible person"))
    deadline = models.DateField(_("deadline"))
    steps = models.TextField(_("steps"), blank=True, max_length=10_000)
    resources = models.TextField(_("resource needs"), blank=True, max_length=10_000)
    expected_result = models.TextField(_("expected result"), blank=True, max_length=10_000)
    goals = models.ManyToManyField(Goal, blank=True, related_name="actions",
                                   verbose_name=_("goals served"))
    critical = models.BooleanField(_("critical"), default=False,
                                   help_text=_("Overdue critical actions open a deviation."))
    # execution (§3.4): progress and quality, recorded while the plan runs
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.NOT_STARTED, editable=False)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    quality = models.CharField(_("quality"), max_length=8, choices=Quality.choices,
                               blank=True, editable=False,
                               help_text=_("Assessed when the action is done."))
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)

    class Meta(PlanPart.Meta):
        rules_permissions = PART_PERMISSIONS
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["plan", "deadline", "pk"]
        # a unit's action items by deadline (the business-unit desk's overdue and due soon)
        indexes = [models.Index(fields=["department", "deadline"],
                                name="plans_action_unit_deadline")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        from committee.models import Membership

        errors = {}
        if self.department_id and not self.department.is_active:
            errors["department"] = _("This department is no longer active.")
        if self.person_id and not self.person.is_active:
            errors["person"] = _("This person's account is inactive.")
        if self.person_id and self.department_id and not Membership.objects.current().filter(
            user_id=self.person_id, department_id=self.department_id
        ).exists():
            errors["person"] = _("The responsible person must belong to the responsible "
                                 "department.")
        if self.deadline and self.plan_id and not (self.plan.period_start <= self.deadline
                                                   <= self.plan.period_end):
            errors["deadline"] = _(
                "The deadline must fall within the plan period (%(start)s – %(end)s)."
            ) % {"start": self.plan.period_start, "end": self.plan.period_end}
        if errors:
            raise ValidationError(errors)

    @property
    def is_overdue(self) -> bool:
        return self.status != ActionStatus.DONE and self.deadline < timezone.localdate()

    def missing_fields(self) -> list[str]:
        """What the policy requires of an action (§3.2) that this one still lacks."""
        return [str(self._meta.get_field(name).verbose_name)
                for name in ("steps", "resources", "expected_result")
                if not getattr(self, name).strip()]


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Review(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One department's opinion on one revision of a plan (§3.3 internal review)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    revision = models.PositiveIntegerField(_("revision"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("reviewing department"))
    state = models.CharField(_("state"), max_length=12, choices=ReviewState.choices,
                             default=ReviewState.PENDING)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("reviewer"))
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), null=True, blank=True,
                                                   validators=SCORE)
    feasibility_comment = models.TextField(_("on feasibility"), blank=True, max_length=5000)
    rationality = models.PositiveSmallIntegerField(_("rationality"), null=True, blank=True,
                                                   validators=SCORE)
    rationality_comment = models.TextField(_("on rationality"), blank=True, max_length=5000)
    innovation = models.PositiveSmallIntegerField(_("innovation"), null=True, blank=True,
                                                  validators=SCORE)
    innovation_comment = models.TextField(_("on innovation"), blank=True, max_length=5000)
    risk = models.PositiveSmallIntegerField(_("risk"), null=True, blank=True, validators=SCORE,
                                            help_text=_("5: risks well understood and handled"))
    risk_comment = models.TextField(_("on risk"), blank=True, max_length=5000)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices,
                               blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["plan", "-revision", "department__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "revision", "department"],
                                               name="one_review_per_department_and_revision")]
        rules_permissions = {
            "view": r.can_view_review,
            "add": r.is_admin,
            "change": r.can_review,
            "delete": r.is_admin,
        }

    def __str__(self):
        return f"{self.plan} r{self.revision} · {self.department}"

    ASPECTS = ("feasibility", "rationality", "innovation", "risk")


class PlanRevision(models.Model):
    """What a revision said when it went to review: a frozen snapshot, kept for ever."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="one_snapshot_per_revision")]

    def __str__(self):
        return f"{self.plan} r{self.number}"


def attachment_path(instance, filename):
    return f"plans/{instance.plan_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Attachment(PlanPart):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="attachments")
    section = models.CharField(_("section"), max_length=12, choices=AttachmentSection.choices,
                               default=AttachmentSection.MARKET)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=attachment_path, max_length=255,
        validators=[FileExtensionValidator(["pdf", "xlsx", "xls", "csv", "docx", "doc", "pptx",
                                            "png", "jpg", "jpeg", "txt"])],
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta(PlanPart.Meta):
        rules_permissions = PART_PERMISSIONS
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["plan", "section", "title"]

    def __str__(self):
        return self.title

    MAX_BYTES = 10 * 1024 * 1024

    def clean(self):
        super().clean()
        if self.file and getattr(self.file, "size", 0) > self.MAX_BYTES:
            raise ValidationError({"file": _("Files may be at most 10 MB.")})


# --- execution, weekly progress, monitoring, deviations, adjustments (§3.4, §3.5, §4.1) -----

class Acknowledgement(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A responsible department confirms it has received its action items of the published
    revision (§3.4: the planning department communicates the approved plan)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="acknowledgements")
    revision = models.PositiveIntegerField(_("revision"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    state = models.CharField(_("state"), max_length=12, choices=AckState.choices,
                             default=AckState.PENDING)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["plan", "-revision", "department__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "revision", "department"],
                                               name="one_acknowledgement_per_department")]
        rules_permissions = {
            "view": r.can_view_part,
            "add": r.is_admin,
            "change": r.can_acknowledge,
            "delete": r.is_admin,
        }

    def __str__(self):
        return f"{self.plan} r{self.revision} · {self.department}"


class WeekLock(models.Model):
    """A week whose progress reports are locked (the weekly meeting started, or the default
    lock time passed)."""

    iso_year = models.PositiveIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    locked_at = models.DateTimeField(_("locked"), default=timezone.now)

    class Meta:
        verbose_name = _("locked week")
        verbose_name_plural = _("locked weeks")
        constraints = [models.UniqueConstraint(fields=["iso_year", "iso_week"],
                                               name="one_lock_per_week")]

    def __str__(self):
        return f"{self.iso_year}-W{self.iso_week:02d}"


WEEK = [MinValueValidator(1), MaxValueValidator(53)]


class WeeklyReport(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A business unit's weekly progress on one plan (§4.1): per action item progress and
    status, problems and help needed, next week's plan. One per unit, plan and ISO week."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="weekly_reports")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("business unit"))
    iso_year = models.PositiveIntegerField(_("ISO year"),
                                           validators=[MinValueValidator(2000),
                                                       MaxValueValidator(2100)])
    iso_week = models.PositiveSmallIntegerField(_("ISO week"), validators=WEEK)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("posted by"))
    summary = models.TextField(_("progress this week"), blank=True, max_length=10_000)
    problems = models.TextField(_("problems"), blank=True, max_length=10_000)
    help_needed = models.TextField(_("help needed"), blank=True, max_length=10_000)
    next_week = models.TextField(_("next week's plan"), blank=True, max_length=10_000)
    late = models.BooleanField(_("late"), default=False, editable=False)
    submitted_at = models.DateTimeField(_("posted"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("weekly progress report")
        verbose_name_plural = _("weekly progress reports")
        ordering = ["plan", "-iso_year", "-iso_week", "department__name"]
        constraints = [models.UniqueConstraint(
            fields=["plan", "department", "iso_year", "iso_week"],
            name="one_report_per_unit_plan_and_week",
            violation_error_message=_("This unit has already posted its report on this plan "
                                      "for this week: edit it instead."))]
        rules_permissions = {
            "view": r.can_view_part,
            "add": r.can_post_report,
            "change": r.can_edit_report,
            "delete": r.is_admin,
        }

    def __str__(self):
        return f"{self.plan} · {self.department} · {self.week_label}"

    def get_absolute_url(self):
        return reverse("plans:report-edit", args=[self.pk])

    @property
    def week_label(self):
        return f"{self.iso_year}-W{self.iso_week:02d}"

    @property
    def is_locked(self):
        return self.locked_at is not None


class WeeklyReportLine(models.Model):
    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="lines")
    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="report_lines",
                               verbose_name=_("action item"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    note = models.TextField(_("progress"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("progress line")
        verbose_name_plural = _("progress lines")
        ordering = ["report", "action__deadline", "action"]
        constraints = [models.UniqueConstraint(fields=["report", "action"],
                                               name="one_line_per_action")]

    def __str__(self):
        return f"{self.action} {self.percent_complete} %"


class ReportReminder(models.Model):
    """A weekly-report reminder sent (so the beat task reminds once per unit, plan, week)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    iso_year = models.PositiveIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["plan", "department", "iso_year", "iso_week"],
            name="one_report_reminder_per_week")]

    def __str__(self):
        return f"{self.plan_id}/{self.department_id} {self.iso_year}-W{self.iso_week}"


class MonitoringNote(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """What monitoring rests on (§3.4): data analysis, on-site checks, customer feedback."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="monitoring_notes")
    source = models.CharField(_("source"), max_length=20, choices=DataSource.choices)
    observed_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("finding"), max_length=10_000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring note")
        verbose_name_plural = _("monitoring notes")
        ordering = ["plan", "-observed_on", "-pk"]
        rules_permissions = {
            "view": r.can_view_part,
            "add": r.is_signed_in,
            "change": r.is_admin,
            "delete": r.is_admin,
        }

    def __str__(self):
        return f"{self.get_source_display()} {self.observed_on}"


class Deviation(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A gap between the plan and what happens (§3.5 deviation analysis)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deviations")
    title = models.CharField(_("deviation"), max_length=200)
    source = models.CharField(_("found by"), max_length=16, choices=DeviationSource.choices,
                              default=DeviationSource.REPORTED, editable=False)
    goals = models.ManyToManyField(Goal, blank=True, related_name="deviations",
                                   verbose_name=_("affected goals"))
    action = models.ForeignKey(ActionItem, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="deviations", verbose_name=_("action item"),
                               editable=False)
    signal = models.ForeignKey("kpis.DeviationSignal", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", editable=False,
                               verbose_name=_("KPI signal"))
    gap = models.DecimalField(_("size of the gap"), max_digits=18, decimal_places=4,
                              null=True, blank=True,
                              help_text=_("Actual minus target, in the goal's unit."))
    gap_note = models.CharField(_("gap described"), max_length=300, blank=True)
    cause_category = models.CharField(_("cause"), max_length=16, choices=CauseCategory.choices,
                                      blank=True)
    evidence = models.TextField(_("evidence"), blank=True, max_length=10_000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=14, choices=DeviationState.choices,
                             default=DeviationState.OPEN, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+", editable=False)
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("deviation")
        verbose_name_plural = _("deviations")
        ordering = ["plan", "-created_at", "-pk"]
        # the unresolved ones, oldest first (the planning dashboard reads a few from here)
        indexes = [models.Index(fields=["created_at", "id"], name="plans_deviation_open_age",
                                condition=models.Q(state__in=["open", "in_adjustment"]))]
        constraints = [
            models.UniqueConstraint(fields=["plan", "signal"], condition=models.Q(
                state__in=["open", "in_adjustment"], signal__isnull=False),
                name="one_open_deviation_per_signal"),
            models.UniqueConstraint(fields=["plan", "action"], condition=models.Q(
                state__in=["open", "in_adjustment"], source="overdue_action"),
                name="one_open_deviation_per_overdue_action"),
        ]
        rules_permissions = {
            "view": r.can_view_part,
            "add": r.is_signed_in,  # checked against the plan it names
            "change": r.can_analyse_deviation,
            "delete": r.is_admin,
        }

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:deviation-edit", args=[self.pk])

    @property
    def is_analysed(self):
        return bool(self.cause_category)


class Adjustment(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """An adjustment of a running plan (§3.5): answers deviations, chooses the kind, and goes
    through internal review and committee approval again as a new revision."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("kind of adjustment"), max_length=24,
                            choices=AdjustmentKind.choices)
    description = models.TextField(_("what changes and why"), max_length=10_000)
    deviations = models.ManyToManyField(Deviation, related_name="adjustments",
                                        verbose_name=_("deviations answered"))
    base_revision = models.PositiveIntegerField(_("approved revision it starts from"))
    state = models.CharField(_("state"), max_length=10, choices=AdjustmentState.choices,
                             default=AdjustmentState.OPEN)
    decided_revision = models.PositiveIntegerField(_("revision decided"), null=True,
                                                   blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["plan", "-created_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["plan"], condition=models.Q(state="open"),
            name="one_open_adjustment_per_plan")]
        rules_permissions = {
            "view": r.can_view_part,
            "add": r.is_signed_in,  # checked against the plan by the transition's rule
            "change": r.is_admin,
            "delete": r.is_admin,
        }

    def __str__(self):
        return f"{self.plan} · {self.get_kind_display()}"


class GoalAssessment(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """The final assessment of one goal when its plan closes."""

    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="assessment")
    result = models.CharField(_("result"), max_length=10, choices=GoalResult.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now)

    class Meta:
        verbose_name = _("goal assessment")
        verbose_name_plural = _("goal assessments")
        rules_permissions = {"view": r.can_view_assessment, "add": r.is_admin,
                             "change": r.is_admin, "delete": r.is_admin}

    def __str__(self):
        return f"{self.goal}: {self.get_result_display()}"
