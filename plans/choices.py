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


EDITABLE_STATES = (PlanState.NEEDS_ANALYSIS, PlanState.DRAFTING)
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
