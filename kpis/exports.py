"""Reports on indicator data: the department scorecard (shared by its page and its workbook)
and the Excel workbooks of an indicator and of a scorecard.

Everything read here goes through kpis.selectors, so a report holds only what its reader may
read; the scorecard uses a fixed number of queries whatever the number of indicators.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kpis import selectors, services
from kpis.charts import format_value
from kpis.choices import Band, Direction, Grain, SignalState
from kpis.models import Correction, band_for
from kpis.periods import grain_start, label

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_FORMAT = "#,##0.00##"
INTEGER_FORMAT = "#,##0"


# --- the department scorecard --------------------------------------------------------------

@dataclass
class ScorecardRow:
    indicator: object
    period_start: dt.date | None = None
    value: Decimal | None = None
    previous_start: dt.date | None = None
    previous: Decimal | None = None
    target: Decimal | None = None
    target_start: dt.date | None = None
    red_threshold: Decimal | None = None
    band: str | None = None
    stale_since: dt.date | None = None
    open_signals: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def period_label(self) -> str:
        return label(Grain.MONTH, self.period_start) if self.period_start else ""

    @property
    def previous_label(self) -> str:
        return label(Grain.MONTH, self.previous_start) if self.previous_start else ""

    @property
    def target_label(self) -> str:
        return label(Grain.MONTH, self.target_start) if self.target_start else ""

    @property
    def value_display(self) -> str:
        return format_value(self.value)

    @property
    def previous_display(self) -> str:
        return format_value(self.previous)

    @property
    def target_display(self) -> str:
        return format_value(self.target)

    @property
    def band_label(self) -> str:
        return Band(self.band).label if self.band else ""

    @property
    def trend(self) -> str:
        """"up", "down", "flat", or "" without two months to compare."""
        if self.value is None or self.previous is None:
            return ""
        if self.value > self.previous:
            return "up"
        return "down" if self.value < self.previous else "flat"

    @property
    def trend_arrow(self) -> str:
        return {"up": "↑", "down": "↓", "flat": "→"}.get(self.trend, "")

    @property
    def trend_better(self) -> bool | None:
        """Whether the move is for the better given the indicator's direction."""
        if self.trend in ("", "flat"):
            return None
        return (self.trend == "up") == (self.indicator.direction == Direction.HIGHER)

    @property
    def trend_label(self) -> str:
        if not self.trend:
            return ""
        values = {"previous": self.previous_display, "period": self.previous_label}
        if self.trend == "flat":
            return _("Unchanged from %(previous)s in %(period)s") % values
        text = (_("Up from %(previous)s in %(period)s") if self.trend == "up"
                else _("Down from %(previous)s in %(period)s")) % values
        better = _("better") if self.trend_better else _("worse")
        return f"{text} ({better})"


def scorecard(user, department, *, today: dt.date | None = None) -> list[ScorecardRow]:
    """Each indicator the user may read with a month value or a month target for the
    department: the latest month, its target and band, the trend against the month before, the
    staleness flag and the open deviation signals. A fixed number of queries."""
    today = today or timezone.localdate()
    indicators = {i.pk: i for i in selectors.readable_indicators(user).filter(is_active=True)}
    if not indicators:
        return []
    latest_two = (
        selectors.rollups(user)
        .filter(department=department, grain=Grain.MONTH, indicator_id__in=indicators)
        .annotate(rank=Window(RowNumber(), partition_by=[F("indicator_id")],
                              order_by=F("period_start").desc()))
        .filter(rank__lte=2)
        .values_list("indicator_id", "period_start", "value", "rank")
    )
    rows: dict[int, ScorecardRow] = {}
    for indicator_id, period_start, value, rank in latest_two:
        row = rows.setdefault(indicator_id, ScorecardRow(indicator=indicators[indicator_id]))
        if rank == 1:
            row.period_start, row.value = period_start, value
        else:
            row.previous_start, row.previous = period_start, value
    month_targets: dict[int, dict[dt.date, tuple[Decimal, Decimal]]] = {}
    for indicator_id, period_start, target, red in (
        selectors.targets(user)
        .filter(department=department, grain=Grain.MONTH, indicator_id__in=indicators)
        .values_list("indicator_id", "period_start", "target", "red_threshold")
    ):
        month_targets.setdefault(indicator_id, {})[period_start] = (target, red)
        rows.setdefault(indicator_id, ScorecardRow(indicator=indicators[indicator_id]))
    signals = dict(
        selectors.signals(user)
        .filter(department=department, state=SignalState.OPEN, indicator_id__in=indicators)
        .values("indicator_id").annotate(n=Count("id")).values_list("indicator_id", "n")
        .order_by()
    )
    stale = {(i.pk, d.pk): due for i, d, due in services.stale_series(today)}
    this_month = grain_start(Grain.MONTH, today)
    for indicator_id, row in rows.items():
        targets = month_targets.get(indicator_id, {})
        if row.period_start is not None:
            chosen = row.period_start if row.period_start in targets else None
        else:  # no value yet: the target of the current month, else the latest, else the next
            past = [p for p in targets if p <= this_month]
            chosen = max(past) if past else min(targets, default=None)
        if chosen is not None:
            row.target_start = chosen
            row.target, row.red_threshold = targets[chosen]
            if row.value is not None:
                row.band = band_for(row.value, target=row.target,
                                    red_threshold=row.red_threshold,
                                    direction=row.indicator.direction)
        row.stale_since = stale.get((indicator_id, department.pk))
        row.open_signals = signals.get(indicator_id, 0)
    return sorted(rows.values(), key=lambda r: r.indicator.code)


# --- workbooks -----------------------------------------------------------------------------

def _local(moment):
    """Excel has no time zones: the local wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _sheet(workbook, title, headers, rows, *, formats=None):
    """A sheet with a bold, frozen header row; ``formats`` maps column index to number format.
    Text that looks like a formula stays text."""
    sheet = workbook.create_sheet(str(title)[:31])
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    formats = formats or {}
    widths = [len(str(h)) for h in headers]
    for row in rows:
        sheet.append([str(v) if isinstance(v, Promise) else v for v in row])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
            if index in formats and cell.value is not None:
                cell.number_format = formats[index]
            widths[index] = max(widths[index], min(len(str(cell.value or "")), 60))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    return sheet


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _new_workbook():
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def indicator_workbook(user, indicator, department=None) -> bytes:
    """The indicator's catalog entry, a sheet per grain (values, targets, bands), its
    measurements and their corrections; for one department or (None) every department."""
    if not selectors.readable_indicators(user).filter(pk=indicator.pk).exists():
        raise PermissionDenied
    workbook = _new_workbook()
    collector = indicator.collector
    _sheet(workbook, _("Indicator"), [_("Field"), _("Value")], [
        [_("Code"), indicator.code],
        [_("Name (English)"), indicator.name_en],
        [_("Name (Chinese)"), indicator.name_zh],
        [_("Definition"), indicator.definition],
        [_("Formula"), indicator.formula],
        [_("Unit"), indicator.unit],
        [_("Direction"), indicator.get_direction_display()],
        [_("Aggregation over time"), indicator.get_aggregation_display()],
        [_("Frequency"), indicator.get_frequency_display()],
        [_("Source"), indicator.get_source_display()],
        [_("Collection method"), indicator.method],
        [_("Owning department"), str(indicator.owner_department)],
        [_("Responsible for collection"), str(collector) if collector else ""],
        [_("Who may read it"), indicator.get_visibility_display()],
        [_("Department"), str(department) if department else _("All departments")],
        [_("Exported"), _local(timezone.now())],
    ], formats={1: DATETIME_FORMAT})

    def scoped(qs):
        qs = qs.filter(indicator=indicator)
        return qs.filter(department=department) if department else qs

    rollups = scoped(selectors.rollups(user)).order_by("grain", "department__name",
                                                        "period_start")
    targets = scoped(selectors.targets(user)).order_by("grain", "department__name",
                                                        "period_start")
    series: dict[str, dict[tuple, dict]] = {grain: {} for grain in Grain.values}
    for r in rollups:
        series[r.grain][(r.department.name, r.period_start)] = {
            "department": r.department, "value": r.value, "count": r.count}
    for t in targets:
        entry = series[t.grain].setdefault((t.department.name, t.period_start),
                                           {"department": t.department})
        entry.update(target=t.target, red=t.red_threshold)
    headers = [_("Department code"), _("Department"), _("Period"), _("Period start"),
               _("Value"), _("Measurements"), _("Target"), _("Red threshold"), _("Band")]
    for grain in Grain:
        rows = []
        for (_name, start), e in sorted(series[grain].items()):
            value, target = e.get("value"), e.get("target")
            band = (band_for(value, target=target, red_threshold=e["red"],
                             direction=indicator.direction)
                    if value is not None and target is not None else None)
            rows.append([e["department"].code, e["department"].name, label(grain, start),
                         start, value, e.get("count"), target, e.get("red"),
                         Band(band).label if band else ""])
        _sheet(workbook, grain.label, headers, rows,
               formats={3: DATE_FORMAT, 4: NUMBER_FORMAT, 5: INTEGER_FORMAT,
                        6: NUMBER_FORMAT, 7: NUMBER_FORMAT})

    measurements = scoped(selectors.measurements(user)).order_by(
        "department__name", "period_start").prefetch_related(Prefetch(
            "corrections", queryset=Correction.objects.select_related("corrected_by")
            .order_by("corrected_at", "pk")))
    measurement_rows, correction_rows = [], []
    for m in measurements:
        measurement_rows.append([m.department.code, m.department.name, m.period_start, m.value,
                                 m.note, str(m.recorded_by), _local(m.recorded_at)])
        for c in m.corrections.all():
            correction_rows.append([m.department.code, m.department.name, m.period_start,
                                    c.old_value, c.new_value, c.reason, str(c.corrected_by),
                                    _local(c.corrected_at)])
    _sheet(workbook, _("Measurements"),
           [_("Department code"), _("Department"), _("Period start"), _("Value"), _("Note"),
            _("Recorded by"), _("Recorded")], measurement_rows,
           formats={2: DATE_FORMAT, 3: NUMBER_FORMAT, 6: DATETIME_FORMAT})
    _sheet(workbook, _("Corrections"),
           [_("Department code"), _("Department"), _("Period start"), _("Old value"),
            _("New value"), _("Reason"), _("Corrected by"), _("Corrected")], correction_rows,
           formats={2: DATE_FORMAT, 3: NUMBER_FORMAT, 4: NUMBER_FORMAT, 7: DATETIME_FORMAT})
    return _save(workbook)


def scorecard_workbook(user, department) -> bytes:
    """The department's scorecard as on its page, and every month value behind it."""
    workbook = _new_workbook()
    rows = scorecard(user, department)
    trend_text = {"up": _("Up"), "down": _("Down"), "flat": _("Unchanged"), "": ""}
    _sheet(workbook, _("Scorecard"), [
        _("Indicator code"), _("Indicator"), _("Unit"), _("Direction"), _("Period"),
        _("Period start"), _("Value"), _("Previous month"), _("Previous value"), _("Trend"),
        _("Target"), _("Red threshold"), _("Band"), _("Data missing since"),
        _("Open deviation signals"),
    ], [[r.indicator.code, r.indicator.name, r.indicator.unit,
         r.indicator.get_direction_display(), r.period_label, r.period_start, r.value,
         r.previous_start, r.previous, trend_text[r.trend], r.target, r.red_threshold,
         r.band_label, r.stale_since, r.open_signals] for r in rows],
        formats={5: DATE_FORMAT, 6: NUMBER_FORMAT, 7: DATE_FORMAT, 8: NUMBER_FORMAT,
                 10: NUMBER_FORMAT, 11: NUMBER_FORMAT, 13: DATE_FORMAT, 14: INTEGER_FORMAT})

    shown = [r.indicator.pk for r in rows]
    targets = {(t.indicator_id, t.period_start): t for t in selectors.targets(user).filter(
        department=department, grain=Grain.MONTH, indicator_id__in=shown)}
    month_rows = []
    for r in selectors.rollups(user).filter(
            department=department, grain=Grain.MONTH, indicator_id__in=shown).order_by(
            "indicator__code", "period_start"):
        t = targets.get((r.indicator_id, r.period_start))
        band = t.band(r.value) if t else None
        month_rows.append([r.indicator.code, r.indicator.name, label(Grain.MONTH, r.period_start),
                           r.period_start, r.value, r.count, t.target if t else None,
                           t.red_threshold if t else None, Band(band).label if band else ""])
    _sheet(workbook, _("Months"), [
        _("Indicator code"), _("Indicator"), _("Period"), _("Period start"), _("Value"),
        _("Measurements"), _("Target"), _("Red threshold"), _("Band")], month_rows,
        formats={3: DATE_FORMAT, 4: NUMBER_FORMAT, 5: INTEGER_FORMAT, 6: NUMBER_FORMAT,
                 7: NUMBER_FORMAT})
    return _save(workbook)
