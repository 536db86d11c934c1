"""The risk register (§4.3): the likelihood × impact matrix in versions, risks, their
inherent and residual assessments, responses with actions, acceptances and the checklist."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from committee.models import Department
from risks import rules as r
from risks.choices import (
    DEFAULT_COLOURS,
    AcceptanceState,
    ActionStatus,
    AssessmentKind,
    Category,
    Level,
    Method,
    Status,
    Strategy,
)

MIN_SIZE, MAX_SIZE = 3, 6
HEX = r"^#[0-9a-fA-F]{6}$"


def matrix_problems(*, likelihood_labels, impact_labels, cells, colours) -> dict:
    """Everything wrong with a matrix definition, by field (empty when it is valid):
    3 to 6 labelled levels on each axis, and every cell mapped to a level."""
    import re

    problems: dict[str, list] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    for field, labels in (("likelihood_labels", likelihood_labels),
                          ("impact_labels", impact_labels)):
        if not isinstance(labels, list) or not MIN_SIZE <= len(labels) <= MAX_SIZE:
            add(field, _("Give between %(min)d and %(max)d levels.")
                % {"min": MIN_SIZE, "max": MAX_SIZE})
            continue
        for index, item in enumerate(labels, start=1):
            if not isinstance(item, dict) or not str(item.get("label", "")).strip():
                add(field, _("Level %d has no label.") % index)
            elif len(str(item["label"])) > 60 or len(str(item.get("description", ""))) > 300:
                add(field, _("Level %d: the label or description is too long.") % index)
    if problems:
        return problems
    rows, columns = len(likelihood_labels), len(impact_labels)
    if not isinstance(cells, list) or len(cells) != rows or any(
            not isinstance(row, list) or len(row) != columns for row in cells):
        add("cells", _("Map every cell: %(rows)d rows (likelihood) of %(columns)d levels "
                       "(impact).") % {"rows": rows, "columns": columns})
    else:
        for i, row in enumerate(cells, start=1):
            for j, level in enumerate(row, start=1):
                if level not in Level.values:
                    add("cells", _("Cell likelihood %(l)d × impact %(i)d is not mapped to a "
                                   "level (low, medium, high or critical).") % {"l": i, "i": j})
    if not isinstance(colours, dict) or set(colours) != set(Level.values) or any(
            not isinstance(v, str) or not re.match(HEX, v) for v in colours.values()):
        add("colours", _("Give a colour (#rrggbb) for each level."))
    return problems


class RiskMatrix(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One version of the company's likelihood × impact matrix. Never changed once made:
    a change is a new version, and assessments keep the version they were made with."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, blank=True)
    likelihood_labels = models.JSONField(_("likelihood levels"))
    impact_labels = models.JSONField(_("impact levels"))
    cells = models.JSONField(_("levels of the cells"), help_text=_(
        "One row per likelihood level (lowest first), one level per impact level."))
    colours = models.JSONField(_("colours"), default=dict)
    is_current = models.BooleanField(_("current"), default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(
            fields=["is_current"], condition=Q(is_current=True), name="one_current_risk_matrix",
            violation_error_message=_("There is already a current matrix."))]
        rules_permissions = {"view": r.is_signed_in, "add": r.can_configure,
                             "change": r.can_configure, "delete": r.is_admin}

    def __str__(self):
        return _("Risk matrix v%(version)s") % {"version": self.version}

    def get_absolute_url(self):
        return reverse("risks:matrix-detail", args=[self.pk])

    def clean(self):
        super().clean()
        problems = matrix_problems(likelihood_labels=self.likelihood_labels,
                                   impact_labels=self.impact_labels, cells=self.cells,
                                   colours=self.colours or DEFAULT_COLOURS)
        if problems:
            raise ValidationError(problems)

    @property
    def rows(self):
        return len(self.likelihood_labels)

    @property
    def columns(self):
        return len(self.impact_labels)

    def level(self, likelihood: int, impact: int) -> str:
        """The level of a cell (1-based likelihood and impact); ValueError outside."""
        if not (1 <= likelihood <= self.rows and 1 <= impact <= self.columns):
            raise ValueError("outside the matrix")
        return self.cells[likelihood - 1][impact - 1]

    def score(self, likelihood: int, impact: int) -> int:
        return likelihood * impact

    def colour(self, level: str) -> str:
        return (self.colours or {}).get(level) or DEFAULT_COLOURS[level]


class ChecklistItem(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A question of the risk checklist: answering it may identify a risk."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    question = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("risk checklist")
        ordering = ["category", "order", "pk"]
        rules_permissions = {"view": r.is_signed_in, "add": r.can_configure,
                             "change": r.can_configure, "delete": r.can_configure}

    def __str__(self):
        return self.question


class Risk(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    # where the risk page shows a committee decision on it (acceptances), for links to it
    decision_anchor = "acceptances"

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    method = models.CharField(_("identified by"), max_length=20, choices=Method.choices,
                              default=Method.BRAINSTORMING)
    checklist_item = models.ForeignKey(ChecklistItem, on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="risks",
                                       verbose_name=_("checklist question"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="risks",
                                   verbose_name=_("owner department"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="owned_risks",
                              verbose_name=_("owner"))
    plans = models.ManyToManyField("plans.Plan", blank=True, related_name="risks",
                                   verbose_name=_("plans"))
    goals = models.ManyToManyField("plans.Goal", blank=True, related_name="risks",
                                   verbose_name=_("goals"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.IDENTIFIED, db_index=True, editable=False)
    # the latest assessment of each kind (history in Assessment)
    inherent = models.ForeignKey("Assessment", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", editable=False)
    residual = models.ForeignKey("Assessment", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", editable=False)
    inherent_level = models.CharField(_("inherent level"), max_length=10, blank=True,
                                      choices=Level.choices, editable=False, db_index=True)
    residual_level = models.CharField(_("residual level"), max_length=10, blank=True,
                                      choices=Level.choices, editable=False, db_index=True)
    # the response (§4.3)
    strategy = models.CharField(_("response"), max_length=10, blank=True,
                                choices=Strategy.choices, editable=False)
    response_plan = models.TextField(_("response plan"), blank=True, max_length=10_000,
                                     editable=False)
    target_level = models.CharField(_("target residual level"), max_length=10, blank=True,
                                    choices=Level.choices, editable=False)
    review_every_days = models.PositiveIntegerField(
        _("review every (days)"), null=True, blank=True, editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(366)])
    next_review_on = models.DateField(_("next review"), null=True, blank=True, editable=False,
                                      db_index=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-created_at", "-pk"]
        rules_permissions = {"view": r.can_view_risk, "add": r.can_add_risk,
                             "change": r.can_edit_risk, "delete": r.is_admin}

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("risks:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status != Status.CLOSED

    @property
    def current_level(self):
        return self.residual_level or self.inherent_level

    @property
    def residual_reached(self):
        """Whether the response worked: the residual level is at or below the target."""
        from risks.choices import LEVEL_RANK

        if not self.target_level or not self.residual_level:
            return None
        return LEVEL_RANK[self.residual_level] <= LEVEL_RANK[self.target_level]


class Assessment(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """One scoring of a risk on one matrix version; never changed afterwards."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="assessments",
                               verbose_name=_("matrix version"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    probability = models.DecimalField(
        _("probability (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    financial_impact = models.DecimalField(
        _("financial impact (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))])
    note = models.TextField(_("note"), blank=True, max_length=4000)
    remapped_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", editable=False)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-pk"]
        rules_permissions = {"view": r.can_view_part, "add": r.is_admin,
                             "change": r.is_admin, "delete": r.is_admin}

    def __str__(self):
        return f"{self.risk} · {self.get_kind_display()} · {self.get_level_display()}"

    @property
    def expected_loss(self):
        if self.probability is None or self.financial_impact is None:
            return None
        return (self.financial_impact * self.probability / 100).quantize(Decimal("0.01"))


class RiskAction(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """An action of a risk's response, with an owner, a due date and a cost."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", null=True, blank=True,
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    cost = models.DecimalField(_("cost (CNY)"), max_digits=18, decimal_places=2, null=True,
                               blank=True, validators=[MinValueValidator(Decimal(0))])
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    plan_action = models.ForeignKey("plans.ActionItem", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="risk_actions",
                                    verbose_name=_("plan action item"), editable=False)
    # The budget line this action became (plans.hooks): a generic link, because risks does
    # not import costs (siblings above plans).
    cost_line_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+", editable=False)
    cost_line_id = models.PositiveBigIntegerField(_("cost line"), null=True, blank=True,
                                                  editable=False)
    cost_line = GenericForeignKey("cost_line_type", "cost_line_id")

    class Meta:
        verbose_name = _("response action")
        verbose_name_plural = _("response actions")
        ordering = ["due_on", "pk"]
        rules_permissions = {"view": r.can_view_part, "add": r.can_edit_part,
                             "change": r.can_edit_part, "delete": r.can_edit_part}

    def __str__(self):
        return self.title


class Acceptance(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """Accepting a risk at its assessed level. A high or critical risk is accepted only by a
    committee Decision; a later assessment makes the acceptance outdated."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="acceptances")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("assessment accepted"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    state = models.CharField(_("state"), max_length=10, choices=AcceptanceState.choices,
                             default=AcceptanceState.PENDING, db_index=True)
    reason = models.TextField(_("reason"), max_length=4000)
    decision = models.ForeignKey("committee.Decision", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("decision"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    outdated_at = models.DateTimeField(_("outdated"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk acceptance")
        verbose_name_plural = _("risk acceptances")
        ordering = ["-requested_at", "-pk"]
        rules_permissions = {"view": r.can_view_part, "add": r.is_admin,
                             "change": r.is_admin, "delete": r.is_admin}

    def __str__(self):
        return f"{self.risk} · {self.get_state_display()}"


class ReviewReminder(models.Model):
    """One reminder per risk and due date: a redelivered beat task sends none twice."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["risk", "due_on"],
                                               name="one_reminder_per_risk_review")]

    def __str__(self):
        return f"{self.risk} · {self.due_on}"
