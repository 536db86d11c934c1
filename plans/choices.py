from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanLevel(models.TextChoices):
    COMPANY = "company", _("Company plan")
    UNIT = "unit", _("Business-unit plan")


class PeriodKind(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")


class PlanState(models.TextChoices):
    NEEDS_ANALYSIS = "needs_analysis", _("Needs analysis")
    DRAFTING = "drafting", _("Drafting")
    INTERNAL_REVIEW = "internal_review", _("Internal review")
    COMMITTEE_APPROVAL = "committee_approval", _("Committee approval")
    EXECUTION = "execution", _("Execution")
    MONITORING = "monitoring", _("Monitoring")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# An adjustment edits a new draft revision of an approved plan (§3.5).
EDITABLE_STATES = (PlanState.NEEDS_ANALYSIS, PlanState.DRAFTING, PlanState.ADJUSTMENT)
# Approved and running: action progress, weekly reports and deviations are recorded.
RUNNING_STATES = (PlanState.EXECUTION, PlanState.MONITORING, PlanState.ADJUSTMENT)
TERMINAL_STATES = (PlanState.COMPLETED, PlanState.CANCELLED)
NON_TERMINAL_STATES = tuple(s for s in PlanState if s not in TERMINAL_STATES)




class StrategyKind(models.TextChoices):
    PRODUCT = "product", _("Product strategy")
    PRICE = "price", _("Price strategy")
    CHANNEL = "channel", _("Channel strategy")
    PROMOTION = "promotion", _("Promotion strategy")


# What the policy (§3.2) asks each strategy to cover; shown as prompts in the forms.
STRATEGY_PROMPTS = {
    StrategyKind.PRODUCT: _("Positioning, feature improvements, new products."),
    StrategyKind.PRICE: _("Pricing from cost, demand and competitors' prices."),
    StrategyKind.CHANNEL: _("Sales channels and partners: which to use, build or drop."),
    StrategyKind.PROMOTION: _("Advertising, campaigns and public relations."),
}


class ResourceKind(models.TextChoices):
    PEOPLE = "people", _("People")
    MATERIAL = "material", _("Material")
    FINANCE = "finance", _("Finance")
    TECHNOLOGY = "technology", _("Technology")
    BRAND = "brand", _("Brand")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    DONE = "done", _("Reviewed")
    SUPERSEDED = "superseded", _("Superseded")


class Verdict(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")


class AttachmentSection(models.TextChoices):
    MARKET = "market", _("Market environment")
    COMPETITORS = "competitors", _("Competitors")
    INTERNAL = "internal", _("Internal analysis")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")


class Quality(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class AckState(models.TextChoices):
    PENDING = "pending", _("Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class DeviationSource(models.TextChoices):
    KPI_SIGNAL = "kpi_signal", _("Red KPI signal")
    OVERDUE_ACTION = "overdue_action", _("Overdue critical action")
    REPORTED = "reported", _("Reported by a user")
    COST_OVERRUN = "cost_overrun", _("Cost over-run")


class CauseCategory(models.TextChoices):
    MARKET_CHANGE = "market_change", _("Market change")
    COMPETITOR_MOVE = "competitor_move", _("Competitor move")
    WEAK_EXECUTION = "weak_execution", _("Weak execution")
    PLAN_FLAW = "plan_flaw", _("Flaw in the plan")
    OTHER = "other", _("Other")


class DeviationState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_ADJUSTMENT = "in_adjustment", _("Answered by an adjustment")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_DEVIATION_STATES = (DeviationState.OPEN, DeviationState.IN_ADJUSTMENT)


class AdjustmentKind(models.TextChoices):
    STRATEGY = "strategy_change", _("Strategy change")
    ACTION_PLAN = "action_plan_change", _("Action-plan change")
    RESOURCES = "resource_reallocation", _("Resource reallocation")


class AdjustmentState(models.TextChoices):
    OPEN = "open", _("In progress")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class GoalResult(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    MISSED = "missed", _("Missed")


class DataSource(models.TextChoices):
    DATA_ANALYSIS = "data_analysis", _("Data analysis")
    ONSITE_CHECK = "onsite_check", _("On-site check")
    CUSTOMER_FEEDBACK = "customer_feedback", _("Customer feedback")
