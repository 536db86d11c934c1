"""Data management (§4.2): the indicator catalog with collection duties, measurements with
their correction history, period rollups, targets with bands, and deviation signals."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from committee.models import Department
from kpis import rules as r
from kpis.choices import (
    Aggregation,
    Band,
    Direction,
    Frequency,
    Grain,
    IndicatorKind,
    SignalState,
    Source,
    Visibility,
)

VALUE = {"max_digits": 20, "decimal_places": 4}


class Indicator(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    definition = models.TextField(_("definition"), blank=True, max_length=5000)
    formula = models.TextField(_("formula"), blank=True, max_length=2000)
    unit = models.CharField(_("unit"), max_length=30)
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind.choices,
                            default=IndicatorKind.QUANTITATIVE)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.HIGHER)
    aggregation = models.CharField(_("aggregation over time"), max_length=4,
                                   choices=Aggregation.choices, default=Aggregation.SUM)
    owner_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="owned_indicators",
        verbose_name=_("owning department"))
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="collected_indicators", verbose_name=_("responsible for collection"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    method = models.TextField(_("collection method"), blank=True, max_length=2000)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices,
                              default=Source.INTERNAL_SYSTEM)
    visibility = models.CharField(_("who may read it"), max_length=12,
                                  choices=Visibility.choices, default=Visibility.ALL_STAFF)
    readers = models.ManyToManyField(
        Department, blank=True, related_name="readable_indicators",
        verbose_name=_("reading departments"),
        help_text=_("With “listed departments”: who may read it besides the owner."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        rules_permissions = {
            "view": r.can_read_indicator,
            "add": r.can_keep_catalog,
            "change": r.can_keep_catalog,
            "delete": r.can_keep_catalog,
        }

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kpis:indicator", args=[self.code])

    @property
    def name(self):
        return self.name_zh if translation.get_language() == "zh-hans" else self.name_en


class Measurement(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One value of an indicator for one department and one collection period.

    Natural key: (indicator, department, period_start), where period_start is the start of the
    indicator's collection period (the day, the ISO week's Monday, the month's or quarter's
    first day). Sending a value for an existing key replaces it and keeps the old value in the
    correction history.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT,
                                  related_name="measurements", verbose_name=_("indicator"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    period_start = models.DateField(_("period"))
    value = models.DecimalField(_("value"), **VALUE)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "department", "-period_start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "department", "period_start"],
                                               name="one_measurement_per_period")]
        indexes = [models.Index(fields=["indicator", "department", "period_start"],
                                name="measurement_series")]
        rules_permissions = {
            "view": r.can_read_measurement,
            "add": r.can_record_any,
            "change": r.can_record_measurement,
            "delete": r.can_keep_catalog,
        }

    def __str__(self):
        return f"{self.indicator.code} {self.department.code} {self.period_start}: {self.value}"


class Correction(models.Model):
    """A measurement's earlier value, who replaced it and why (append-only)."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE,
                                    related_name="corrections")
    old_value = models.DecimalField(_("old value"), **VALUE)
    new_value = models.DecimalField(_("new value"), **VALUE)
    reason = models.CharField(_("reason"), max_length=500)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    corrected_at = models.DateTimeField(_("corrected"), default=timezone.now)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-corrected_at", "-pk"]

    def __str__(self):
        return f"{self.old_value} → {self.new_value}"


class Rollup(models.Model):
    """An indicator's value for one department over a week, month, quarter or year, computed
    with the indicator's aggregation. Upserted by natural key, so re-runs are harmless."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rollups")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(_("period"), max_length=8, choices=Grain.choices)
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), **VALUE)
    count = models.PositiveIntegerField(_("measurements"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")
        ordering = ["indicator", "department", "grain", "period_start"]
        constraints = [models.UniqueConstraint(
            fields=["indicator", "department", "grain", "period_start"],
            name="one_rollup_per_period")]

    def __str__(self):
        return f"{self.indicator_id}/{self.department_id} {self.grain} {self.period_start}"


class Target(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A target for an indicator, department and period, with its traffic-light bands.

    Higher is better: green at or above ``target``, red below ``red_threshold``, amber between.
    Lower is better: green at or below ``target``, red above ``red_threshold``, amber between.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("department"))
    grain = models.CharField(_("period"), max_length=8, choices=Grain.choices,
                             default=Grain.MONTH)
    period_start = models.DateField(_("period start"))
    target = models.DecimalField(_("target"), **VALUE)
    red_threshold = models.DecimalField(_("red threshold"), **VALUE)
    origin = models.CharField(_("origin"), max_length=200, blank=True,
                              help_text=_("e.g. the plan goal it came from"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", null=True, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "department", "grain", "period_start"]
        constraints = [models.UniqueConstraint(
            fields=["indicator", "department", "grain", "period_start"],
            name="one_target_per_period")]
        rules_permissions = {
            "view": r.can_read_part,
            "add": r.can_keep_catalog,
            "change": r.can_keep_catalog,
            "delete": r.can_keep_catalog,
        }

    def __str__(self):
        return f"{self.indicator} {self.department} {self.period_start}: {self.target}"

    def clean(self):
        super().clean()
        if self.target is None or self.red_threshold is None or not self.indicator_id:
            return
        higher = self.indicator.direction == Direction.HIGHER
        if higher and self.red_threshold > self.target:
            raise ValidationError({"red_threshold": _(
                "Higher is better: the red threshold must not exceed the target.")})
        if not higher and self.red_threshold < self.target:
            raise ValidationError({"red_threshold": _(
                "Lower is better: the red threshold must not be below the target.")})

    def band(self, value: Decimal) -> str:
        return band_for(value, target=self.target, red_threshold=self.red_threshold,
                        direction=self.indicator.direction)


def band_for(value, *, target, red_threshold, direction) -> str:
    """The traffic light of a value against a target (edges: the target itself is green, the
    red threshold itself is amber)."""
    if direction == Direction.HIGHER:
        if value >= target:
            return Band.GREEN
        return Band.AMBER if value >= red_threshold else Band.RED
    if value <= target:
        return Band.GREEN
    return Band.AMBER if value <= red_threshold else Band.RED


class DeviationSignal(models.Model):
    """A red value against a target. Later work turns it into a plan deviation and a meeting
    agenda item; it closes when the value is no longer red."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="signals")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(_("period"), max_length=8, choices=Grain.choices)
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), **VALUE)
    target = models.DecimalField(_("target"), **VALUE)
    state = models.CharField(_("state"), max_length=8, choices=SignalState.choices,
                             default=SignalState.OPEN)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("deviation signal")
        verbose_name_plural = _("deviation signals")
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(
            fields=["indicator", "department", "grain", "period_start"],
            condition=Q(state="open"), name="one_open_signal_per_period")]

    def __str__(self):
        return f"{self.indicator} {self.department} {self.period_start}"


class IdempotencyKey(models.Model):
    """A bulk ingestion already processed: a retry with the same key gets the first answer."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="one_response_per_idempotency_key")]

    def __str__(self):
        return self.key


class Reminder(models.Model):
    """A staleness reminder sent for one indicator, department and missing period (so the beat
    task reminds once per missing period, however often it runs)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "department", "period_start"],
                                               name="one_reminder_per_missing_period")]

    def __str__(self):
        return f"{self.indicator_id}/{self.department_id} {self.period_start}"


class ImportBatch(models.Model):
    """An uploaded file checked and shown as a preview; stored only when the user confirms a
    clean file. Large batches are stored by a task whose progress the page polls."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        STORING = "storing", _("Storing")
        STORED = "stored", _("Stored")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    filename = models.CharField(_("file"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    errors = models.JSONField(_("errors"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PREVIEW)
    task_id = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


from kpis.evaluation import (  # noqa: E402, F401  (models of this app, kept in their own module)
    Evaluation,
    EvaluationCycle,
    FeedbackRequest,
    FeedbackResponse,
    ItemScore,
    Objective,
    ScorecardItem,
    ScorecardTemplate,
)
