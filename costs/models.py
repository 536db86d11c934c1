"""Cost control (§4.4 成本控制): plan budgets by line and period, cost responsibility, actual
spend and commitments, variance explanations and over-runs, saving measures and rewarded
saving suggestions. Money is Decimal with two places, in one configurable currency."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from committee.choices import Position
from committee.models import Department
from committee.rules import is_admin, is_signed_in
from costs import rules as r
from costs.choices import (
    Basis,
    Category,
    EntryKind,
    ImportState,
    MeasureKind,
    MeasureStatus,
    OverrunAction,
    OverrunState,
    RewardKind,
    SplitKind,
    SplitMode,
    SuggestionState,
)
from costs.money import MAX_AMOUNT

POSITIVE = [MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)]
SIGNED = [MinValueValidator(-MAX_AMOUNT), MaxValueValidator(MAX_AMOUNT)]


def money(verbose_name, validators=POSITIVE, **kwargs):
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=2,
                               validators=validators, **kwargs)


class Base(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    class Meta:
        abstract = True


class CategoryPolicy(Base):
    """Thresholds and the over-run rule of one cost category (configurable; a category
    without a row uses the defaults: warn at 90 %, over-run above 100 %, committee)."""

    category = models.CharField(_("category"), max_length=16, choices=Category.choices,
                                unique=True)
    warn_percent = models.DecimalField(
        _("warning threshold (percent of budget)"), max_digits=5, decimal_places=1, default=90,
        validators=[MinValueValidator(1), MaxValueValidator(1000)])
    overrun_percent = models.DecimalField(
        _("over-run threshold (percent of budget)"), max_digits=5, decimal_places=1, default=100,
        validators=[MinValueValidator(1), MaxValueValidator(1000)])
    overrun_action = models.CharField(_("on an over-run"), max_length=10,
                                      choices=OverrunAction.choices,
                                      default=OverrunAction.DECISION)

    class Meta:
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        ordering = ["category"]
        rules_permissions = {"view": is_signed_in, "add": r.can_set_policy,
                             "change": r.can_set_policy, "delete": is_admin}

    def __str__(self):
        return self.get_category_display()

    def clean(self):
        super().clean()
        if (self.warn_percent is not None and self.overrun_percent is not None
                and self.warn_percent > self.overrun_percent):
            raise ValidationError({"warn_percent": _(
                "The warning comes at or before the over-run threshold.")})


class BudgetLine(Base):
    """One line of a plan's cost budget (§4.4 成本预算): a category, the department that
    spends it, optionally the action item it pays for, the amount and how it was estimated,
    split over the plan's months or quarters."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE,
                             related_name="budget_lines", verbose_name=_("plan"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    action = models.ForeignKey("plans.ActionItem", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="budget_lines",
                               verbose_name=_("action item"))
    description = models.CharField(_("description"), max_length=200)
    basis = models.CharField(_("basis of the estimate"), max_length=16, choices=Basis.choices)
    basis_note = models.CharField(_("estimate notes"), max_length=500, blank=True)
    amount = money(_("amount"))
    split_kind = models.CharField(_("period split"), max_length=10, choices=SplitKind.choices,
                                  default=SplitKind.MONTHLY)
    split_mode = models.CharField(_("spread"), max_length=8, choices=SplitMode.choices,
                                  default=SplitMode.EVEN)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan", "category", "department__name", "pk"]
        rules_permissions = {"view": r.can_view_plan_costs, "add": is_signed_in,
                             "change": r.can_edit_budget, "delete": r.can_edit_budget}

    def __str__(self):
        return f"{self.get_category_display()} · {self.description}"

    def get_absolute_url(self):
        return reverse("costs:plan", args=[self.plan_id]) + "#budget-lines"


class BudgetPeriod(models.Model):
    """The part of a budget line falling in one month or quarter; the parts sum to the line."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="periods")
    period_start = models.DateField(_("period"))
    amount = money(_("amount"))

    class Meta:
        ordering = ["line", "period_start"]
        constraints = [models.UniqueConstraint(fields=["line", "period_start"],
                                               name="one_budget_amount_per_line_period")]
        # a year's budget across every plan (the committee dashboard's cost variance)
        indexes = [models.Index(fields=["period_start"], name="costs_budget_period_start")]

    def __str__(self):
        return f"{self.line_id} {self.period_start}: {self.amount}"


class CostTarget(Base):
    """Cost responsibility (成本控制目标责任制): a share of the plan's costs assigned to a
    department and position, with a named owner who follows its consumption."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE,
                             related_name="cost_targets", verbose_name=_("plan"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="cost_targets", verbose_name=_("owner"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices,
                                blank=True, help_text=_("Empty: every category."))
    amount = money(_("target amount"))

    class Meta:
        verbose_name = _("cost target")
        verbose_name_plural = _("cost targets")
        ordering = ["plan", "department__name", "position", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["plan", "department", "position", "category"],
            name="one_cost_target_per_department_position_category",
            violation_error_message=_("This department and position already have a target "
                                      "for this category."))]
        rules_permissions = {"view": r.can_view_plan_costs, "add": is_signed_in,
                             "change": r.can_set_targets, "delete": r.can_set_targets}

    def __str__(self):
        return f"{self.department} · {self.get_position_display()} · {self.owner}"


ATTACHMENT_TYPES = ("pdf", "png", "jpg", "jpeg", "xlsx", "csv", "txt")


def attachment_path(instance, filename):
    return f"costs/{instance.plan_id}/{filename}"


class CostEntry(Base):
    """Money spent (actual) or promised (commitment: approved, not yet spent) against a
    plan's budget, with its reference number and an optional voucher."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT,
                             related_name="cost_entries", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices,
                            default=EntryKind.ACTUAL)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    incurred_on = models.DateField(_("date"))
    amount = money(_("amount"), validators=SIGNED,
                   help_text=_("A negative amount reverses an earlier entry."))
    reference = models.CharField(_("reference number"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, blank=True, max_length=255,
        validators=[FileExtensionValidator(list(ATTACHMENT_TYPES))])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"),
                                    editable=False)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-incurred_on", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["plan", "kind", "reference"], condition=~Q(reference=""),
            name="one_cost_entry_per_reference",
            violation_error_message=_("An entry with this reference number exists already."))]
        indexes = [models.Index(fields=["plan", "category", "incurred_on"]),
                   # a year's spend across every plan (the committee dashboard)
                   models.Index(fields=["incurred_on"], name="costs_entry_incurred_on")]
        rules_permissions = {"view": r.can_view_plan_costs, "add": is_signed_in,
                             "change": is_admin, "delete": is_admin}

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.incurred_on}"

    @property
    def attachment_filename(self) -> str:
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""


class VarianceExplanation(Base):
    """Why a category's spend departs from its budget in a month (required above the warning
    threshold; shown in the monthly report)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE,
                             related_name="variance_explanations", verbose_name=_("plan"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    month = models.DateField(_("month"))
    text = models.TextField(_("explanation"), max_length=4000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    written_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("variance explanation")
        verbose_name_plural = _("variance explanations")
        ordering = ["plan", "-month", "category"]
        constraints = [models.UniqueConstraint(fields=["plan", "category", "month"],
                                               name="one_explanation_per_category_month")]
        rules_permissions = {"view": r.can_view_plan_costs, "add": is_signed_in,
                             "change": r.can_explain_variance, "delete": is_admin}

    def __str__(self):
        return f"{self.get_category_display()} {self.month:%Y-%m}"


class Overrun(Base):
    """A category of a plan spent (or committed) beyond its over-run threshold. Depending on
    the category's rule it waits for a committee decision or opened a plan deviation."""

    # where the plan's costs page (get_absolute_url) shows over-runs and their decisions
    decision_anchor = "overruns"

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="overruns",
                             verbose_name=_("plan"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    budget = money(_("budget"))
    spent = money(_("actual and committed"), validators=SIGNED)
    action = models.CharField(_("rule applied"), max_length=10, choices=OverrunAction.choices)
    state = models.CharField(_("state"), max_length=10, choices=OverrunState.choices)
    deviation = models.ForeignKey("plans.Deviation", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("deviation"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("over-run")
        verbose_name_plural = _("over-runs")
        ordering = ["-opened_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "category"],
                                               name="one_overrun_per_plan_category")]
        rules_permissions = {"view": r.can_view_plan_costs, "add": is_admin,
                             "change": is_admin, "delete": is_admin}

    def __str__(self):
        return f"{self.plan} · {self.get_category_display()}"

    def get_absolute_url(self):
        return reverse("costs:plan", args=[self.plan_id])

    @property
    def blocks_spending(self):
        return self.state in (OverrunState.AWAITING_DECISION, OverrunState.REJECTED)


class SavingMeasure(Base):
    """A cost-saving measure (节约措施) with expected and realised savings."""

    title = models.CharField(_("measure"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    plan = models.ForeignKey("plans.Plan", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="saving_measures", verbose_name=_("plan"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="saving_measures", verbose_name=_("owner"))
    expected_saving = money(_("expected saving"))
    realised_saving = money(_("realised saving"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+", editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("saving measure")
        verbose_name_plural = _("saving measures")
        ordering = ["-created_at", "-pk"]
        rules_permissions = {"view": r.can_view_savings, "add": r.can_add_measure,
                             "change": r.can_change_measure, "delete": is_admin}

    def __str__(self):
        return self.title


class Suggestion(Base):
    """A staff member's cost-saving suggestion (合理化建议), evaluated by the planning
    department; it may become a measure and earn a reward."""

    title = models.CharField(_("suggestion"), max_length=200)
    description = models.TextField(_("what to change and why"), max_length=4000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="cost_suggestions",
                                     verbose_name=_("submitted by"), editable=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=SuggestionState.choices,
                             default=SuggestionState.SUBMITTED, editable=False)
    feasibility = models.PositiveSmallIntegerField(
        _("feasibility (1–5)"), null=True, blank=True, editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    expected_saving = money(_("expected saving"), null=True, blank=True, editable=False)
    evaluation = models.TextField(_("evaluation"), blank=True, max_length=4000,
                                  editable=False)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+", editable=False)
    measure = models.OneToOneField(SavingMeasure, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="suggestion", editable=False,
                                   verbose_name=_("measure"))

    class Meta:
        verbose_name = _("saving suggestion")
        verbose_name_plural = _("saving suggestions")
        ordering = ["-submitted_at", "-pk"]
        rules_permissions = {"view": r.can_view_suggestion, "add": r.can_submit_suggestion,
                             "change": r.can_change_suggestion, "delete": is_admin}

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("costs:suggestion", args=[self.pk])


class Reward(Base):
    """The reward for a suggestion whose savings were confirmed (奖励), by the rule in force."""

    suggestion = models.OneToOneField(Suggestion, on_delete=models.PROTECT,
                                      related_name="reward", verbose_name=_("suggestion"))
    kind = models.CharField(_("reward"), max_length=12, choices=RewardKind.choices)
    amount = money(_("amount"), null=True, blank=True)
    realised_saving = money(_("realised saving"))
    rule = models.CharField(_("rule applied"), max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-granted_at", "-pk"]
        rules_permissions = {"view": r.can_view_savings, "add": is_admin, "change": is_admin,
                             "delete": is_admin}

    def __str__(self):
        return f"{self.suggestion} · {self.get_kind_display()}"


class EntryImport(models.Model):
    """An uploaded file of cost entries, checked and shown before it is stored (all rows or
    none)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    state = models.CharField(max_length=8, choices=ImportState.choices,
                             default=ImportState.PREVIEW)
    stored = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename


class IdempotencyKey(models.Model):
    """A cost-entry batch already processed through the API: a retry gets the first answer."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="one_cost_response_per_key")]

    def __str__(self):
        return self.key


class ExplanationReminder(models.Model):
    """A reminder sent once for a category month that needs a variance explanation (so the
    daily task reminds once, however often it runs)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    month = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "category", "month"],
                                               name="one_explanation_reminder")]

    def __str__(self):
        return f"{self.plan_id} {self.category} {self.month}"
