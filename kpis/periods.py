"""Calendar arithmetic for collection frequencies and rollup grains (pure functions)."""

from __future__ import annotations

import datetime as dt

from kpis.choices import Frequency, Grain


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week."""
    return day - dt.timedelta(days=day.weekday())


def grain_start(grain: str, day: dt.date) -> dt.date:
    return {
        Grain.WEEK: week_start,
        Grain.MONTH: month_start,
        Grain.QUARTER: quarter_start,
        Grain.YEAR: lambda d: dt.date(d.year, 1, 1),
    }[grain](day)


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def grain_end(grain: str, start: dt.date) -> dt.date:
    """The last day of the period of ``grain`` that starts on ``start``."""
    if grain == Grain.WEEK:
        return start + dt.timedelta(days=6)
    months = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}[grain]
    return add_months(start, months) - dt.timedelta(days=1)


def frequency_start(frequency: str, day: dt.date) -> dt.date:
    """Measurements are keyed by the start of their collection period."""
    return {
        Frequency.DAILY: lambda d: d,
        Frequency.WEEKLY: week_start,
        Frequency.MONTHLY: month_start,
        Frequency.QUARTERLY: quarter_start,
    }[frequency](day)


def frequency_next(frequency: str, start: dt.date) -> dt.date:
    """The start of the collection period after the one starting on ``start``."""
    if frequency == Frequency.DAILY:
        return start + dt.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return start + dt.timedelta(days=7)
    return add_months(start, 1 if frequency == Frequency.MONTHLY else 3)


def label(grain: str, start: dt.date) -> str:
    if grain == Grain.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == Grain.MONTH:
        return f"{start:%Y-%m}"
    if grain == Grain.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)
