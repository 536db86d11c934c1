"""Server-rendered SVG charts of the variance report (no JavaScript, no inline styles: the
page's Content-Security-Policy forbids them; colours are SVG presentation attributes).
Budget versus actual bars per period, and the cumulative budget / actual / actual+committed
lines. Every text is escaped."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kpis.charts import _nice_ticks, format_value

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 86, 16, 28, 56
BUDGET, ACTUAL, COMMITTED = "#9fb7cf", "#1f4e79", "#c98a00"


def _n(number) -> str:
    return f"{float(number):.1f}"


def _frame(title, high, labels, body, legend) -> SafeString:
    ticks = _nice_ticks(0.0, max(high, 1.0))
    top = max(ticks[-1], 1.0)
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(v):
        return TOP + plot_h * (1 - float(v) / top)

    grid = format_html_join("", (
        '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#d9dee5"/>'
        '<text x="{3}" y="{4}" text-anchor="end" font-size="11" fill="#5a6675">{5}</text>'),
        ((LEFT, WIDTH - RIGHT, _n(y_of(t)), LEFT - 6, _n(y_of(t) + 4),
          format_value(Decimal(str(t)))) for t in ticks))
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    xlabels = format_html_join("", (
        '<text x="{0}" y="{1}" text-anchor="middle" font-size="11" fill="#5a6675">{2}'
        '</text>'), ((LEFT + step * (i + .5), HEIGHT - BOTTOM + 16, label)
                     for i, label in enumerate(labels)))
    keys = format_html_join("", (
        '<rect x="{0}" y="{1}" width="12" height="12" fill="{2}"/>'
        '<text x="{3}" y="{4}" font-size="12" fill="#1d2733">{5}</text>'),
        ((LEFT + 160 * i, HEIGHT - 22, colour, LEFT + 160 * i + 16, HEIGHT - 12, name)
         for i, (colour, name) in enumerate(legend)))
    return format_html(
        '<svg class="chart" viewBox="0 0 {0} {1}" role="img" aria-label="{2}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{2}</title>{3}{4}{5}{6}</svg>',
        WIDTH, HEIGHT, title, grid, body(y_of, step), xlabels, keys)


def budget_bars(report) -> SafeString:
    """Budget and actual side by side for each period of the report's total."""
    periods = report["total"].periods
    if not periods:
        return mark_safe("")
    high = float(max(max(p.budget, p.actual) for p in periods))

    def body(y_of, step):
        width = step * 0.35
        bottom = y_of(0)
        return format_html_join("", (
            '<rect x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}">'
            '<title>{5}</title></rect>'),
            [(_n(LEFT + step * i + step * 0.12 + (width if n else 0)), _n(min(y_of(v), bottom)),
              _n(width), _n(abs(bottom - y_of(v))), colour,
              f"{p.label} {name}: {format_value(v)}")
             for i, p in enumerate(periods)
             for n, (v, colour, name) in enumerate(((p.budget, BUDGET, _("Budget")),
                                                    (p.actual, ACTUAL, _("Actual"))))])

    return _frame(_("Budget versus actual by period"), high, [p.label for p in periods],
                  body, [(BUDGET, _("Budget")), (ACTUAL, _("Actual"))])


def cumulative_line(report) -> SafeString:
    """Cumulative budget, actual, and actual plus committed over the periods."""
    periods = report["total"].periods
    if not periods:
        return mark_safe("")
    series = {"budget": [], "actual": [], "used": []}
    running = {k: Decimal(0) for k in series}
    for p in periods:
        running["budget"] += p.budget
        running["actual"] += p.actual
        running["used"] += p.actual + p.committed
        for k in series:
            series[k].append(running[k])
    high = float(max(max(v) for v in series.values()))

    def body(y_of, step):
        def points(values):
            return " ".join(f"{LEFT + step * (i + .5):.1f},{y_of(v):.1f}"
                            for i, v in enumerate(values))

        return format_html_join("", (
            '<polyline points="{0}" fill="none" stroke="{1}" stroke-width="2.5"/>'), (
            (points(series["budget"]), BUDGET), (points(series["used"]), COMMITTED),
            (points(series["actual"]), ACTUAL)))

    return _frame(_("Cumulative budget and spend"), high, [p.label for p in periods], body,
                  [(BUDGET, _("Budget")), (ACTUAL, _("Actual")),
                   (COMMITTED, _("Actual and committed"))])
