"""Money: Decimal only, in one configurable currency, and the rule that splits a budget line
over its periods so the parts sum exactly to the line."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999.99")  # 15 digits, 2 decimals


def currency() -> str:
    return getattr(settings, "OPSPLAN_CURRENCY", "CNY")


def to_money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def split_even(amount: Decimal, count: int) -> list[Decimal]:
    """``amount`` in ``count`` parts that differ by at most one cent and sum exactly to it.

    The rule (largest remainder on cents): every part gets ``amount // count`` in whole cents;
    the cents left over go one each to the earliest periods. A negative amount mirrors it.
    """
    if count <= 0:
        return []
    cents = int(to_money(amount) / CENT)
    sign = -1 if cents < 0 else 1
    base, rest = divmod(abs(cents), count)
    return [sign * Decimal(base + (1 if i < rest else 0)) * CENT for i in range(count)]


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_starts(kind: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The periods of a plan: each month, or each calendar quarter touching it."""
    months = month_starts(start, end)
    if kind == "quarterly":
        return sorted({quarter_start(m) for m in months})
    return months


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
