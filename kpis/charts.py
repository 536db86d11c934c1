"""A server-rendered, accessible SVG line chart of an indicator's series: the actual values (the
rollups of one grain) against the targets of that grain, with the traffic-light bands shaded
behind. No JavaScript: the page's Content-Security-Policy forbids inline styles, so colours are
SVG presentation attributes (which CSS classes may override). Every text is escaped."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kpis.choices import Band, Direction, Grain
from kpis.models import band_for
from kpis.periods import label

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 76, 16, 28, 64
BAND_FILL = {Band.GREEN: "#dcf1e6", Band.AMBER: "#fff1cc", Band.RED: "#f8dfe0"}
ACTUAL_STROKE = "#1f4e79"
TARGET_STROKE = "#1d2733"
MAX_X_LABELS = 12


def format_value(value) -> str:
    """A value for people: no trailing zeros, grouped thousands ("1,234.5")."""
    if value is None:
        return ""
    number = Decimal(value)
    number = (number.quantize(Decimal(1)) if number == number.to_integral_value()
              else number.normalize())
    return formats.number_format(number, force_grouping=True)


def traffic_lights(bands, shown: int) -> dict:
    """What a panel of traffic lights says besides its rows: how many lights in all, how many
    are not shown (``shown`` rows are), and the count of each colour (a text label each)."""
    from collections import Counter

    from kpis.choices import Band

    bands = list(bands)
    counts = Counter(band for band in bands if band)
    return {"total": len(bands), "more": len(bands) - shown,
            "summary": [{"band": band.value, "label": band.label,
                         "count": counts.get(band, 0)} for band in Band]}


@dataclass
class Point:
    """One period of a series: the actual value and the target, either of which may lack."""

    period_start: dt.date
    label: str
    value: Decimal | None = None
    count: int | None = None
    target: Decimal | None = None
    red_threshold: Decimal | None = None
    band: str | None = None

    @property
    def band_label(self) -> str:
        return Band(self.band).label if self.band else ""

    @property
    def value_display(self) -> str:
        return format_value(self.value)

    @property
    def target_display(self) -> str:
        return format_value(self.target)

    @property
    def red_display(self) -> str:
        return format_value(self.red_threshold)


def build_series(indicator, grain: str, rollups, targets) -> list[Point]:
    """Points by period from Rollup and Target rows of one grain (any order), oldest first;
    the band is the value's traffic light against the period's target."""
    points: dict[dt.date, Point] = {}

    def point(start):
        if start not in points:
            points[start] = Point(period_start=start, label=label(grain, start))
        return points[start]

    for rollup in rollups:
        p = point(rollup.period_start)
        p.value, p.count = rollup.value, rollup.count
    for target in targets:
        p = point(target.period_start)
        p.target, p.red_threshold = target.target, target.red_threshold
    for p in points.values():
        if p.value is not None and p.target is not None:
            p.band = band_for(p.value, target=p.target, red_threshold=p.red_threshold,
                              direction=indicator.direction)
    return [points[k] for k in sorted(points)]


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    else:
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks, value = [], first
    while value <= last + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _f(number: float) -> str:
    return f"{number:.1f}"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _band_rects(points, x_of, y_of, step, top, bottom, direction) -> list[SafeString]:
    """Per period with a target: the green, amber and red areas as rectangles."""
    rects = []
    higher = direction == Direction.HIGHER
    for index, p in enumerate(points):
        if p.target is None:
            continue
        y_target, y_red = y_of(float(p.target)), y_of(float(p.red_threshold))
        if higher:
            areas = [(Band.GREEN, top, y_target, _("%(band)s: at or above %(value)s")
                      % {"band": Band.GREEN.label, "value": p.target_display}),
                     (Band.AMBER, y_target, y_red, _("%(band)s: from %(low)s to below %(high)s")
                      % {"band": Band.AMBER.label, "low": p.red_display,
                         "high": p.target_display}),
                     (Band.RED, y_red, bottom, _("%(band)s: below %(value)s")
                      % {"band": Band.RED.label, "value": p.red_display})]
        else:
            areas = [(Band.RED, top, y_red, _("%(band)s: above %(value)s")
                      % {"band": Band.RED.label, "value": p.red_display}),
                     (Band.AMBER, y_red, y_target, _("%(band)s: above %(low)s up to %(high)s")
                      % {"band": Band.AMBER.label, "low": p.target_display,
                         "high": p.red_display}),
                     (Band.GREEN, y_target, bottom, _("%(band)s: at or below %(value)s")
                      % {"band": Band.GREEN.label, "value": p.target_display})]
        x = x_of(index) - step / 2
        for band, y_start, y_end, text in areas:
            y_start, y_end = max(y_start, top), min(y_end, bottom)
            if y_end - y_start <= 0:
                continue
            rects.append(format_html(
                '<rect class="chart-band chart-band-{}" data-period="{}" x="{}" y="{}" '
                'width="{}" height="{}" fill="{}" shape-rendering="crispEdges">'
                '<title>{} · {}</title></rect>',
                band, p.label, _f(x), _f(y_start), _f(step), _f(y_end - y_start),
                BAND_FILL[band], p.label, text))
    return rects


def line_chart(indicator, grain: str, points: list[Point], *, department=None,
               chart_id: str = "indicator-chart") -> SafeString:
    """The chart as inline SVG (empty when there is nothing to draw)."""
    if not points:
        return SafeString("")
    numbers = [float(n) for p in points for n in (p.value, p.target, p.red_threshold)
               if n is not None]
    ticks = _nice_ticks(min(numbers), max(numbers))
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top, bottom = TOP, TOP + plot_h
    step = plot_w / len(points)

    def x_of(index):
        return LEFT + step * (index + 0.5)

    def y_of(number):
        return TOP + plot_h * (high - number) / (high - low)

    grain_label = Grain(grain).label
    title = (_("%(indicator)s by %(grain)s, %(department)s") % {
        "indicator": indicator.name, "grain": grain_label.lower(), "department": department}
        if department else _("%(indicator)s by %(grain)s") % {
            "indicator": indicator.name, "grain": grain_label.lower()})
    valued = [p for p in points if p.value is not None]
    summary = _("Actual values against targets from %(first)s to %(last)s, in %(unit)s.") % {
        "first": points[0].label, "last": points[-1].label, "unit": indicator.unit}
    if valued:
        latest = valued[-1]
        summary += " " + _("Latest: %(period)s, %(value)s %(unit)s") % {
            "period": latest.label, "value": latest.value_display, "unit": indicator.unit}
        if latest.target is not None:
            summary += " " + _("against a target of %(target)s (%(band)s)") % {
                "target": latest.target_display, "band": latest.band_label}
        summary += "."
    summary += " " + _("The table below lists every value.")

    parts: list[SafeString] = [format_html(
        '<title id="{0}-title">{1}</title><desc id="{0}-desc">{2}</desc>',
        chart_id, title, summary)]
    parts += _band_rects(points, x_of, y_of, step, top, bottom, indicator.direction)
    for tick in ticks:
        y = y_of(tick)
        parts.append(format_html(
            '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d9dee5" '
            'stroke-width="1"/><text class="chart-tick" x="{}" y="{}" text-anchor="end" '
            'fill="#5a6675" font-size="12">{}</text>',
            LEFT, WIDTH - RIGHT, _f(y), _f(y), LEFT - 8, _f(y + 4), format_value(
                Decimal(str(tick)))))
    parts.append(format_html(
        '<line class="chart-axis" x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="#5a6675"/>'
        '<line class="chart-axis" x1="{0}" x2="{3}" y1="{2}" y2="{2}" stroke="#5a6675"/>'
        '<text class="chart-unit" x="{0}" y="{4}" text-anchor="middle" fill="#5a6675" '
        'font-size="12">{5}</text>',
        LEFT, top, _f(bottom), WIDTH - RIGHT, TOP - 12, indicator.unit))
    every = math.ceil(len(points) / MAX_X_LABELS)
    for index, p in enumerate(points):
        if index % every == 0 or index == len(points) - 1:
            parts.append(format_html(
                '<text class="chart-period" x="{}" y="{}" text-anchor="middle" fill="#5a6675" '
                'font-size="12">{}</text>', _f(x_of(index)), _f(bottom + 18), p.label))

    # targets: a dashed level across each period that has one
    segments = [f"M{_f(x_of(i) - step * 0.45)} {_f(y_of(float(p.target)))}"
                f"H{_f(x_of(i) + step * 0.45)}"
                for i, p in enumerate(points) if p.target is not None]
    if segments:
        parts.append(format_html(
            '<path class="chart-target" d="{}" fill="none" stroke="{}" stroke-width="2" '
            'stroke-dasharray="6 4"/>', " ".join(segments), TARGET_STROKE))

    # actual values: a line through consecutive periods, broken where a period has none
    path, pen_down = [], False
    for i, p in enumerate(points):
        if p.value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{_f(x_of(i))} {_f(y_of(float(p.value)))}")
        pen_down = True
    if path:
        parts.append(format_html(
            '<path class="chart-actual" d="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
            " ".join(path), ACTUAL_STROKE))
    for i, p in enumerate(points):
        if p.value is None:
            continue
        text = f"{p.label}: {p.value_display} {indicator.unit}"
        if p.target is not None:
            text += " · " + _("target %(target)s, %(band)s") % {
                "target": p.target_display, "band": p.band_label}
        parts.append(format_html(
            '<circle class="chart-point{}" data-period="{}" data-value="{}" cx="{}" cy="{}" '
            'r="4" fill="{}" stroke="#fff" stroke-width="1.5"><title>{}</title></circle>',
            f" chart-point-{p.band}" if p.band else "", p.label, p.value, _f(x_of(i)),
            _f(y_of(float(p.value))), ACTUAL_STROKE, text))

    # legend
    legend_y = HEIGHT - 16
    x = LEFT
    parts.append(format_html(
        '<g class="chart-legend" font-size="12" fill="#1d2733">'
        '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="2.5"/>'
        '<text x="{4}" y="{5}">{6}</text>',
        x, x + 24, legend_y, ACTUAL_STROKE, x + 30, legend_y + 4, _("Actual")))
    x += 120
    if segments:
        parts.append(format_html(
            '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="2" '
            'stroke-dasharray="6 4"/><text x="{4}" y="{5}">{6}</text>',
            x, x + 24, legend_y, TARGET_STROKE, x + 30, legend_y + 4, _("Target")))
        x += 120
        for band in (Band.GREEN, Band.AMBER, Band.RED):
            parts.append(format_html(
                '<rect class="chart-band-{0}" x="{1}" y="{2}" width="18" height="12" fill="{3}" '
                'stroke="#8a94a3" stroke-width="0.5"/><text x="{4}" y="{5}">{6}</text>',
                band, x, legend_y - 6, BAND_FILL[band], x + 24, legend_y + 4, band.label))
            x += 120
    parts.append(SafeString("</g>"))

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{0}" role="img" '
        'viewBox="0 0 {1} {2}" width="{1}" height="{2}" aria-label="{3}" '
        'aria-describedby="{0}-desc" focusable="false">{4}</svg>',
        chart_id, WIDTH, HEIGHT, title, _join(parts))
