from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MARKET = "market", _("Market risk")
    COMPETITION = "competition", _("Competition risk")
    TECHNICAL = "technical", _("Technical risk")
    FINANCIAL = "financial", _("Financial risk")
    LEGAL = "legal", _("Legal risk")
    OTHER = "other", _("Other risk")


class Method(models.TextChoices):
    """How a risk was identified (§4.3)."""

    CHECKLIST = "checklist", _("Risk checklist")
    BRAINSTORMING = "brainstorming", _("Brainstorming")
    CASE_ANALYSIS = "case_analysis", _("Case analysis")
    REVIEW = "review", _("Review finding")
    MEETING = "meeting", _("Meeting")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


LEVEL_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3, Level.CRITICAL: 4}
HIGH_LEVELS = (Level.HIGH, Level.CRITICAL)
DEFAULT_COLOURS = {Level.LOW: "#2e9d5b", Level.MEDIUM: "#e7b416", Level.HIGH: "#e67e22",
                   Level.CRITICAL: "#c0392b"}


class Status(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    RESPONDING = "responding", _("Responding")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.IDENTIFIED, Status.ASSESSED, Status.RESPONDING, Status.MONITORING)


class AssessmentKind(models.TextChoices):
    INHERENT = "inherent", _("Inherent risk")
    RESIDUAL = "residual", _("Residual risk")


class Strategy(models.TextChoices):
    AVOID = "avoid", _("Avoid")
    REDUCE = "reduce", _("Reduce")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT = "accept", _("Accept")


class AcceptanceState(models.TextChoices):
    PENDING = "pending", _("Awaiting the committee")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected by the committee")
    OUTDATED = "outdated", _("Outdated: the assessment changed")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Review cadence by default (days): high risks monthly, others quarterly.
CADENCE_HIGH = 30
CADENCE_OTHER = 91
