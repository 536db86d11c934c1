"""Turning rows (from a form, an upload or the API) into measurements: all rows are checked
first, with an error per row and column; only a clean batch is stored, in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from committee.models import Department
from kpis.choices import Frequency
from kpis.models import Measurement
from kpis.periods import frequency_start
from kpis.selectors import readable_indicators

COLUMNS = ("indicator", "department", "period", "value", "note", "reason")
REQUIRED = ("indicator", "department", "period", "value")
MAX_ROWS = 200_000
MAX_ABS_VALUE = Decimal("1e15")


@dataclass
class RowError:
    row: int  # 1-based data row (the header is row 0 in files; uploads add 1 for it)
    column: str
    reason: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class CleanRow:
    indicator_id: int
    department_id: int
    period_start: dt.date
    value: Decimal
    note: str = ""
    reason: str = ""


@dataclass
class Checked:
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(raw) -> dt.date:
    """A day (2026-03-15), a month (2026-03), a quarter (2026-Q1) or an ISO week (2026-W11)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if m := _QUARTER.match(text):
        return dt.date(int(m[1]), 3 * (int(m[2]) - 1) + 1, 1)
    if m := _WEEK.match(text):
        return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    if m := _MONTH.match(text):
        return dt.date(int(m[1]), int(m[2]), 1)
    return dt.date.fromisoformat(text[:10])


def parse_value(raw) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidOperation
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(",", "")
        if text.endswith("%"):
            text = text[:-1]
        value = Decimal(text)
    if not value.is_finite() or abs(value) >= MAX_ABS_VALUE:
        raise InvalidOperation
    return value.quantize(Decimal("0.0001"))


def check_rows(user, rows: list[dict], *, earliest: dt.date | None = None,
               latest: dt.date | None = None, first_row: int = 1) -> Checked:
    """Validate every row; never stops at the first error. Rows are dicts keyed by COLUMNS.
    Errors number the rows from ``first_row`` (2 for a spreadsheet with a header row)."""
    result = Checked()
    if len(rows) > MAX_ROWS:
        result.errors.append(RowError(0, "", _("At most %d rows per batch.") % MAX_ROWS))
        return result
    indicators = {i.code: i for i in readable_indicators(user).filter(is_active=True)}
    departments = {d.code: d for d in Department.objects.filter(is_active=True)}
    may_record: dict[tuple[int, int], bool] = {}
    seen: dict[tuple, int] = {}
    from django.utils import timezone

    today = timezone.localdate()
    for number, raw in enumerate(rows, start=first_row):
        errors = []
        if not isinstance(raw, dict):
            result.errors.append(RowError(number, "", _("Each row must be an object.")))
            continue
        unknown = set(raw) - set(COLUMNS)
        if unknown:
            errors.append(RowError(number, sorted(unknown)[0], _("Unknown column.")))
        for column in REQUIRED:
            if raw.get(column) in (None, ""):
                errors.append(RowError(number, column, _("Required.")))
        indicator = indicators.get(str(raw.get("indicator", "")).strip())
        if raw.get("indicator") not in (None, "") and indicator is None:
            errors.append(RowError(number, "indicator", _("No such indicator.")))
        department = departments.get(str(raw.get("department", "")).strip())
        if raw.get("department") not in (None, "") and department is None:
            errors.append(RowError(number, "department", _("No such department.")))
        period = None
        if raw.get("period") not in (None, ""):
            try:
                period = parse_period(raw["period"])
            except (ValueError, TypeError):
                errors.append(RowError(number, "period", _(
                    "Not a date: use 2026-03-15, 2026-03, 2026-Q1 or 2026-W11.")))
        if period is not None:
            if period > today + dt.timedelta(days=366) or period.year < 1990:
                errors.append(RowError(number, "period", _("Outside the accepted range.")))
            elif (earliest and period < earliest) or (latest and period > latest):
                errors.append(RowError(number, "period", _("Outside the period of this "
                                                           "import.")))
        value = None
        if raw.get("value") not in (None, ""):
            try:
                value = parse_value(raw["value"])
            except (InvalidOperation, ValueError, TypeError):
                errors.append(RowError(number, "value", _("Not a number.")))
        for column, limit in (("note", 500), ("reason", 500)):
            if len(str(raw.get(column) or "")) > limit:
                errors.append(RowError(number, column, _("At most %d characters.") % limit))
        if indicator and department and period and value is not None and not errors:
            if indicator.unit.strip() == "%" and not (Decimal(-100) <= value <= Decimal(100)):
                errors.append(RowError(number, "value", _("A percentage lies between -100 "
                                                          "and 100.")))
            pair = (indicator.pk, department.pk)
            if pair not in may_record:
                probe = Measurement(indicator=indicator, department=department)
                may_record[pair] = user.has_perm("kpis.record_measurement", probe)
            if not may_record[pair]:
                errors.append(RowError(number, "department", _(
                    "You may not supply this indicator for this department.")))
            start = frequency_start(indicator.frequency or Frequency.MONTHLY, period)
            key = (indicator.pk, department.pk, start)
            if key in seen:
                errors.append(RowError(number, "period", _(
                    "Duplicate of row %d (same indicator, department and period).")
                    % seen[key]))
            seen.setdefault(key, number)
            if not errors:
                result.rows.append(CleanRow(indicator.pk, department.pk, start, value,
                                            str(raw.get("note") or "")[:500],
                                            str(raw.get("reason") or "")[:500]))
        result.errors.extend(errors)
    return result
