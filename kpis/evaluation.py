"""Performance evaluation (§4.5): scorecard templates per department, evaluation cycles
(monthly, quarterly, annual), and per department an evaluation with KPI item scores, management
by objectives and 360-degree feedback (internal reviewers and external ones by a one-time
link). Imported by kpis.models, so these are models of the kpis app."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import Department

MONEYISH = {"max_digits": 20, "decimal_places": 4}
PERCENT = {"max_digits": 7, "decimal_places": 2}


class CycleKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class CycleState(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    REVIEW = "review", _("Review")
    CALIBRATION = "calibration", _("Calibration by the committee")
    PUBLISHED = "published", _("Published")


CYCLE_ORDER = [CycleState.SELF_ASSESSMENT, CycleState.REVIEW, CycleState.CALIBRATION,
               CycleState.PUBLISHED]


class ItemKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative (from an indicator)")
    QUALITATIVE = "qualitative", _("Qualitative (rated on the scale)")


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("Linear between threshold and target, capped")
    BANDED = "banded", _("Banded by achievement")


class FeedbackGroup(models.TextChoices):
    SUPERIOR = "superior", _("Superiors")
    PEER = "peer", _("Peers")
    SUBORDINATE = "subordinate", _("Subordinates")
    CUSTOMER = "customer", _("Customers")


# The 360-degree questionnaire: each question rated 1-5.
QUESTIONS = [
    ("goals", _("Delivers on agreed goals")),
    ("quality", _("Quality of work")),
    ("teamwork", _("Teamwork and cooperation")),
    ("communication", _("Communication")),
    ("initiative", _("Initiative and improvement")),
]
QUESTION_SCALE = 5
ANONYMITY_THRESHOLD = 3  # a group's answers are shown only from this many responses


class ScorecardTemplate(models.Model):
    """A department's indicator system: items with weights summing to 100 %, and how the three
    methods combine into the overall score."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE,
                                      related_name="scorecard_template",
                                      verbose_name=_("department"))
    kpi_weight = models.DecimalField(_("KPI scorecard weight (%)"), default=60, **PERCENT,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])
    mbo_weight = models.DecimalField(_("objectives weight (%)"), default=30, **PERCENT,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])
    feedback_weight = models.DecimalField(_("360-degree feedback weight (%)"), default=10,
                                          **PERCENT, validators=[MinValueValidator(0),
                                                                 MaxValueValidator(100)])
    scale = models.PositiveSmallIntegerField(_("rating scale"), default=5,
                                             validators=[MinValueValidator(2),
                                                         MaxValueValidator(10)])
    anchors = models.JSONField(_("scale anchors"), default=list, blank=True,
                               help_text=_("What each rating means, lowest first."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scorecard template")
        verbose_name_plural = _("scorecard templates")
        ordering = ["department__name"]

    def __str__(self):
        return str(self.department)

    def get_absolute_url(self):
        return reverse("kpis:scorecard-template", args=[self.department.code])


class ScorecardItem(models.Model):
    template = models.ForeignKey(ScorecardTemplate, on_delete=models.CASCADE,
                                 related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    title = models.CharField(_("item"), max_length=200)
    indicator = models.ForeignKey("kpis.Indicator", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("indicator"))
    weight = models.DecimalField(_("weight (%)"), **PERCENT,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    rule = models.CharField(_("scoring rule"), max_length=8, choices=ScoringRule.choices,
                            default=ScoringRule.LINEAR)
    target = models.DecimalField(_("target"), null=True, blank=True, **MONEYISH)
    threshold = models.DecimalField(_("threshold"), null=True, blank=True, **MONEYISH,
                                    help_text=_("Scores 0 at or beyond this value."))
    cap = models.DecimalField(_("cap (%)"), default=120, **PERCENT,
                              validators=[MinValueValidator(100), MaxValueValidator(200)])
    bands = models.JSONField(_("bands"), default=list, blank=True,
                             help_text=_("[[minimum achievement %, score], …]"))

    class Meta:
        verbose_name = _("scorecard item")
        verbose_name_plural = _("scorecard items")
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return self.title


class EvaluationCycle(models.Model):
    kind = models.CharField(_("cycle"), max_length=10, choices=CycleKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(_("state"), max_length=16, choices=CycleState.choices,
                             default=CycleState.SELF_ASSESSMENT, editable=False)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["-period_start", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "period_start"],
                                               name="one_cycle_per_kind_and_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.label}"

    def get_absolute_url(self):
        return reverse("kpis:cycle", args=[self.pk])

    @property
    def label(self):
        if self.kind == CycleKind.MONTHLY:
            return self.period_start.strftime("%Y-%m")
        if self.kind == CycleKind.QUARTERLY:
            return f"{self.period_start.year}-Q{(self.period_start.month - 1) // 3 + 1}"
        return str(self.period_start.year)



class Evaluation(models.Model):
    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.CASCADE,
                              related_name="evaluations")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"))
    method_weights = models.JSONField(default=dict, editable=False)
    scale = models.PositiveSmallIntegerField(default=5, editable=False)
    self_assessment = models.TextField(_("self-assessment"), blank=True, max_length=20_000)
    kpi_score = models.DecimalField(_("KPI score"), null=True, blank=True, editable=False,
                                    **PERCENT)
    mbo_score = models.DecimalField(_("objectives score"), null=True, blank=True,
                                    editable=False, **PERCENT)
    feedback_score = models.DecimalField(_("360-degree score"), null=True, blank=True,
                                         editable=False, **PERCENT)
    overall = models.DecimalField(_("overall score"), null=True, blank=True, editable=False,
                                  **PERCENT)
    formula = models.TextField(_("how the score was computed"), blank=True, editable=False)
    calibrated = models.DecimalField(_("calibrated score"), null=True, blank=True,
                                     editable=False, **PERCENT)
    calibration_reason = models.TextField(_("reason for calibration"), blank=True,
                                          editable=False)
    calibrated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+", editable=False)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["cycle", "department__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "department"],
                                               name="one_evaluation_per_cycle_and_department")]

    def __str__(self):
        return f"{self.department} · {self.cycle}"

    def get_absolute_url(self):
        return reverse("kpis:evaluation", args=[self.pk])

    @property
    def final(self):
        return self.calibrated if self.calibrated is not None else self.overall


class ItemScore(models.Model):
    """One scorecard item in one evaluation, its definition frozen at the cycle's start."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    item = models.ForeignKey(ScorecardItem, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    definition = models.JSONField(default=dict, editable=False)
    title = models.CharField(_("item"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    weight = models.DecimalField(_("weight (%)"), **PERCENT)
    actual = models.DecimalField(_("actual"), null=True, blank=True, **MONEYISH)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    auto_score = models.DecimalField(_("computed score"), null=True, blank=True, **PERCENT)
    score = models.DecimalField(_("score"), null=True, blank=True, **PERCENT)
    source = models.CharField(_("source"), max_length=200, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["evaluation", "order", "pk"]

    def __str__(self):
        return self.title


class Objective(models.Model):
    """Management by objectives: agreed at the start with a target and a weight, achievement
    scored at the end (capped at 120 %)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="objectives")
    title = models.CharField(_("objective"), max_length=200)
    target = models.CharField(_("target"), max_length=300)
    weight = models.DecimalField(_("weight (%)"), **PERCENT,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    achievement = models.DecimalField(_("achievement (%)"), null=True, blank=True, **PERCENT,
                                      validators=[MinValueValidator(0),
                                                  MaxValueValidator(200)])
    note = models.TextField(_("evidence"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["evaluation", "pk"]

    def __str__(self):
        return self.title


def _token():
    return secrets.token_urlsafe(32)


class FeedbackRequest(models.Model):
    """A request for 360-degree feedback on a department's evaluation: to a person with an
    account, or to an external reviewer (a customer) through a one-time link that expires."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="feedback_requests")
    group = models.CharField(_("reviewer group"), max_length=12,
                             choices=FeedbackGroup.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="feedback_requests",
                                 verbose_name=_("reviewer"))
    external_name = models.CharField(_("external reviewer"), max_length=200, blank=True)
    external_email = models.EmailField(_("external reviewer's e-mail"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    expires_at = models.DateTimeField(_("link expires"))
    answered = models.BooleanField(_("answered"), default=False, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["evaluation", "group", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["evaluation", "reviewer"], condition=models.Q(reviewer__isnull=False),
            name="one_request_per_reviewer_and_evaluation")]

    def __str__(self):
        return f"{self.evaluation} · {self.get_group_display()}"


class FeedbackResponse(models.Model):
    """The answers, kept apart from who gave them: a response points to its evaluation and group
    only; the request records that someone answered, not what."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="feedback")
    group = models.CharField(max_length=12, choices=FeedbackGroup.choices)
    answers = models.JSONField(default=dict)
    comment = models.TextField(blank=True, max_length=5000)
    submitted_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("feedback response")
        verbose_name_plural = _("feedback responses")
        ordering = ["evaluation", "group", "?"]

    def __str__(self):
        return f"{self.evaluation} · {self.group}"
