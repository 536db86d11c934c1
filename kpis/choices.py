from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    QUALITATIVE = "qualitative", _("Qualitative")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "avg", _("Average")
    LAST = "last", _("Last value")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Source(models.TextChoices):
    INTERNAL_SYSTEM = "internal_system", _("Internal system")
    MARKET_RESEARCH = "market_research", _("Market research")
    CUSTOMER_FEEDBACK = "customer_feedback", _("Customer feedback")
    INDUSTRY_REPORT = "industry_report", _("Industry report")


class Visibility(models.TextChoices):
    ALL_STAFF = "all", _("All staff")
    DEPARTMENTS = "departments", _("Listed departments")
    COMMITTEE = "committee", _("Committee only")


class Grain(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Band(models.TextChoices):
    GREEN = "green", _("On target")
    AMBER = "amber", _("Watch")
    RED = "red", _("Off target")


class SignalState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
