from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel cost")
    MATERIAL = "material", _("Material cost")
    MARKETING = "marketing", _("Marketing expense")
    ADMINISTRATION = "administration", _("Administrative expense")
    OTHER = "other", _("Other cost")


class Basis(models.TextChoices):
    HISTORY = "history", _("Historical data")
    MARKET_PRICE = "market_price", _("Market price")
    GOAL = "goal", _("Operating goal")


class SplitKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class SplitMode(models.TextChoices):
    EVEN = "even", _("Spread evenly")
    MANUAL = "manual", _("By hand")


class EntryKind(models.TextChoices):
    ACTUAL = "actual", _("Actual spend")
    COMMITMENT = "commitment", _("Commitment")


class OverrunAction(models.TextChoices):
    DECISION = "decision", _("Needs a committee decision to continue")
    DEVIATION = "deviation", _("Opens a plan deviation")


class OverrunState(models.TextChoices):
    AWAITING_DECISION = "awaiting", _("Awaiting the committee's decision")
    APPROVED = "approved", _("Continuation approved")
    REJECTED = "rejected", _("Continuation refused")
    DEVIATION = "deviation", _("Deviation opened")
    RECORDED = "recorded", _("Recorded")


class Status(models.TextChoices):
    """Where a budget group stands against its thresholds."""

    OK = "ok", _("Within budget")
    WARNING = "warning", _("Warning")
    OVERRUN = "overrun", _("Over-run")


class MeasureKind(models.TextChoices):
    PROCESS = "process", _("Process optimisation")
    PURCHASING = "purchasing", _("Lower purchasing cost")
    UTILISATION = "utilisation", _("Better resource utilisation")
    SPEND_CONTROL = "spend_control", _("Spend control")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REALISED = "realised", _("Savings confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class SuggestionState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not adopted")
    MEASURE = "measure", _("Became a measure")
    REWARDED = "rewarded", _("Rewarded")


class RewardKind(models.TextChoices):
    AMOUNT = "amount", _("Cash reward")
    RECOGNITION = "recognition", _("Recognition")


class ImportState(models.TextChoices):
    PREVIEW = "preview", _("Awaiting confirmation")
    STORED = "stored", _("Stored")
