"""The indicator page with its chart, the department scorecard and the Excel downloads: what
they show, that they show only what the reader may read, and the scorecard's fixed query
count."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kpis import charts, rollups
from kpis.choices import Aggregation, Direction, Frequency, Grain, Visibility
from kpis.exports import XLSX_MIME, indicator_workbook, scorecard_workbook
from kpis.models import Correction, Indicator, Measurement, Rollup, Target
from kpis.periods import add_months, label, month_start

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.kpis.report_test_urls")]


def month(offset: int) -> dt.date:
    """The first day of the month ``offset`` months from the current one."""
    return add_months(month_start(timezone.localdate()), offset)


def make_indicator(code, owner, **fields):
    values = {"name_en": code.replace("_", " ").title(), "name_zh": "测试指标", "unit": "CNY",
              "frequency": Frequency.MONTHLY, "aggregation": Aggregation.SUM}
    values.update(fields)
    return Indicator.objects.create(code=code, owner_department=owner, **values)


def record(indicator, department, user, values):
    """values: {period_start: value}; then the rollups are computed."""
    Measurement.objects.bulk_create([
        Measurement(indicator=indicator, department=department, period_start=start,
                    value=Decimal(str(value)), recorded_by=user)
        for start, value in values.items()])


def target(indicator, department, start, goal, red, grain=Grain.MONTH):
    return Target.objects.create(indicator=indicator, department=department, grain=grain,
                                 period_start=start, target=Decimal(str(goal)),
                                 red_threshold=Decimal(str(red)))


def table_row(html: str, period: str) -> str:
    """The data table's row for one period."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        if f'<th scope="row">{period}</th>' in row:
            return row
    raise AssertionError(f"no row for {period}")


@pytest.fixture
def revenue_like(planning_department, sales, author):
    """Higher is better; three months for sales with targets: on the target, on the red
    threshold, just below it."""
    indicator = make_indicator("net_sales", planning_department)
    record(indicator, sales, author, {month(-3): 100, month(-2): 80, month(-1): "79.99"})
    for offset in (-3, -2, -1):
        target(indicator, sales, month(offset), 100, 80)
    rollups.compute()
    return indicator


# --- chart ------------------------------------------------------------------------------------

def test_chart_draws_the_points_the_target_and_the_bands(revenue_like, sales):
    rows = Rollup.objects.filter(indicator=revenue_like, department=sales, grain=Grain.MONTH)
    targets = Target.objects.filter(indicator=revenue_like, department=sales)
    points = charts.build_series(revenue_like, Grain.MONTH, rows, targets)
    svg = str(charts.line_chart(revenue_like, Grain.MONTH, points, department=sales))

    assert svg.startswith("<svg") and 'role="img"' in svg and "aria-label=" in svg
    assert "<title" in svg and "<desc" in svg
    for offset in (-3, -2, -1):
        period = label(Grain.MONTH, month(offset))
        assert re.search(rf'<circle class="chart-point[^"]*" data-period="{period}"', svg)
        assert period in svg  # the axis label
        for band in ("green", "amber", "red"):
            assert f'class="chart-band chart-band-{band}" data-period="{period}"' in svg
    assert svg.count("<circle") == 3
    assert 'class="chart-actual"' in svg and 'class="chart-target"' in svg
    assert 'data-value="79.9900"' in svg
    assert "style=" not in svg and "<script" not in svg


def test_chart_without_targets_draws_no_bands(planning_department, sales, author):
    indicator = make_indicator("plain", planning_department)
    record(indicator, sales, author, {month(-2): 5, month(-1): 7})
    rollups.compute()
    points = charts.build_series(indicator, Grain.MONTH, Rollup.objects.filter(
        indicator=indicator, grain=Grain.MONTH), [])
    svg = str(charts.line_chart(indicator, Grain.MONTH, points))
    assert svg.count("<circle") == 2
    assert "chart-band" not in svg and "chart-target" not in svg
    assert charts.line_chart(indicator, Grain.MONTH, []) == ""


def test_chart_escapes_every_text(planning_department, sales, author):
    indicator = make_indicator("evil", planning_department,
                               name_en='<script>alert("x")</script>', unit="<b>u</b>")
    record(indicator, sales, author, {month(-1): 1})
    rollups.compute()
    points = charts.build_series(indicator, Grain.MONTH, Rollup.objects.filter(
        indicator=indicator, grain=Grain.MONTH), [])
    svg = str(charts.line_chart(indicator, Grain.MONTH, points, department=sales))
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    assert "&lt;b&gt;u&lt;/b&gt;" in svg


def test_lower_is_better_bands_are_flipped(planning_department, sales, author):
    indicator = make_indicator("spend", planning_department, direction=Direction.LOWER)
    record(indicator, sales, author, {month(-1): 50})
    target(indicator, sales, month(-1), 60, 80)
    rollups.compute()
    points = charts.build_series(indicator, Grain.MONTH, Rollup.objects.filter(
        indicator=indicator, grain=Grain.MONTH), Target.objects.filter(indicator=indicator))
    assert points[0].band == "green"
    svg = str(charts.line_chart(indicator, Grain.MONTH, points))
    green = re.search(r'class="chart-band chart-band-green"[^>]* y="([\d.]+)"', svg)
    red = re.search(r'class="chart-band chart-band-red"[^>]* y="([\d.]+)"', svg)
    assert float(red.group(1)) < float(green.group(1))  # red on top when lower is better


# --- indicator page ---------------------------------------------------------------------------

def test_indicator_page_shows_the_band_edges_as_text(client, revenue_like, unit_staff):
    client.force_login(unit_staff)
    response = client.get(reverse("kpis:indicator", args=[revenue_like.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'id="indicator-chart-data"' in html
    on_target = table_row(html, label(Grain.MONTH, month(-3)))  # value == target: green
    assert "band-green" in on_target and "On target" in on_target
    on_red_line = table_row(html, label(Grain.MONTH, month(-2)))  # value == red: amber
    assert "band-amber" in on_red_line and "Watch" in on_red_line
    below = table_row(html, label(Grain.MONTH, month(-1)))
    assert "band-red" in below and "Off target" in below and "79.99" in below
    # the owner (planning) has no data: the page fell back to the department with data
    assert response.context["department"].code == "sales"
    for name in ("kpis:measurement-add", "kpis:upload"):
        assert reverse(name) in html
    assert f"?indicator={revenue_like.code}" in html
    assert reverse("kpis:indicator-export", args=[revenue_like.code]) in html


def test_indicator_page_other_grain_and_corrections(client, revenue_like, sales, author,
                                                    planning_manager):
    measurement = Measurement.objects.get(indicator=revenue_like, period_start=month(-1))
    Correction.objects.create(measurement=measurement, old_value=Decimal("70"),
                              new_value=Decimal("79.99"), reason="typo <fixed>",
                              corrected_by=author)
    client.force_login(planning_manager)
    response = client.get(reverse("kpis:indicator", args=[revenue_like.code]),
                          {"grain": "year", "department": "sales"})
    html = response.content.decode()
    assert response.context["grain"] == Grain.YEAR
    assert [p.label for p in response.context["points"]] == sorted(
        {str(month(o).year) for o in (-3, -2, -1)})
    assert "70 → 79.99" in html and "typo &lt;fixed&gt;" in html
    assert client.get(reverse("kpis:indicator", args=[revenue_like.code]),
                      {"grain": "nonsense"}).context["grain"] == Grain.MONTH


def test_indicator_name_is_escaped_on_the_page(client, planning_department, sales, author,
                                               planning_manager):
    indicator = make_indicator("evil", planning_department, name_en="<script>alert(1)</script>")
    record(indicator, sales, author, {month(-1): 1})
    rollups.compute()
    client.force_login(planning_manager)
    html = client.get(reverse("kpis:indicator", args=["evil"])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_open_signals_are_listed(client, revenue_like, planning_manager):
    from kpis.services import evaluate_signals

    evaluate_signals()
    client.force_login(planning_manager)
    response = client.get(reverse("kpis:indicator", args=[revenue_like.code]))
    assert len(response.context["signals"]) == 1
    assert response.context["signals"][0]["value"] == "79.99"


# --- visibility -------------------------------------------------------------------------------

@pytest.fixture
def secret(planning_department, sales, author):
    indicator = make_indicator("board_only", planning_department,
                               visibility=Visibility.COMMITTEE)
    record(indicator, sales, author, {month(-2): 1, month(-1): 2})
    target(indicator, sales, month(-1), 3, 1)
    rollups.compute()
    return indicator


def test_committee_indicator_is_hidden_from_unit_staff(client, secret, revenue_like, sales,
                                                       unit_staff, committee_member):
    client.force_login(unit_staff)
    assert client.get(reverse("kpis:indicator", args=[secret.code])).status_code == 404
    assert client.get(reverse("kpis:indicator-export", args=[secret.code])).status_code == 404
    assert client.get(reverse("kpis:indicator", args=["no-such"])).status_code == 404
    page = client.get(reverse("kpis:scorecard", args=["sales"]))
    codes = [r.indicator.code for r in page.context["rows"]]
    assert codes == ["net_sales"]
    assert "board_only" not in page.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(scorecard_workbook(unit_staff, sales)))
    cells = {c.value for row in book.worksheets[0].iter_rows() for c in row} | {
        c.value for row in book.worksheets[1].iter_rows() for c in row}
    assert "board_only" not in cells and "net_sales" in cells

    client.force_login(committee_member)
    assert client.get(reverse("kpis:indicator", args=[secret.code])).status_code == 200
    assert "board_only" in [r.indicator.code for r in client.get(
        reverse("kpis:scorecard", args=["sales"])).context["rows"]]


def test_pages_need_signing_in(client, revenue_like):
    for url in (reverse("kpis:indicator", args=[revenue_like.code]),
                reverse("kpis:indicator-export", args=[revenue_like.code]),
                reverse("kpis:scorecards"), reverse("kpis:scorecard", args=["sales"]),
                reverse("kpis:scorecard-export", args=["sales"])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- exports ----------------------------------------------------------------------------------

def test_indicator_export_holds_the_values(client, revenue_like, sales, unit_staff):
    client.force_login(unit_staff)
    response = client.get(reverse("kpis:indicator-export", args=[revenue_like.code]),
                          {"department": "sales"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert re.fullmatch(r'attachment; filename="net_sales-sales-\d{8}\.xlsx"',
                        response["Content-Disposition"])
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"Indicator", "Week", "Month", "Quarter", "Year", "Measurements",
            "Corrections"} <= set(book.sheetnames)
    sheet = book["Month"]
    header = [c.value for c in sheet[1]]
    assert all(c.font.bold for c in sheet[1])
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]
    assert [r["Period"] for r in rows] == [label(Grain.MONTH, month(o)) for o in (-3, -2, -1)]
    assert rows[0]["Period start"].date() == month(-3)  # a real date
    assert [r["Value"] for r in rows] == [100, 80, pytest.approx(79.99)]
    assert [r["Band"] for r in rows] == ["On target", "Watch", "Off target"]
    assert rows[2]["Target"] == 100 and rows[2]["Red threshold"] == 80
    assert sheet.cell(row=2, column=5).data_type == "n"
    measurements = list(book["Measurements"].iter_rows(min_row=2, values_only=True))
    assert len(measurements) == 3


def test_export_keeps_formula_like_text_as_text(revenue_like, sales, author, planning_manager):
    Measurement.objects.filter(indicator=revenue_like).update(note="=HYPERLINK(\"x\")")
    book = openpyxl.load_workbook(io.BytesIO(indicator_workbook(planning_manager, revenue_like,
                                                                 sales)))
    cell = book["Measurements"]["E2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_scorecard_export(client, revenue_like, sales, unit_staff):
    client.force_login(unit_staff)
    response = client.get(reverse("kpis:scorecard-export", args=["sales"]))
    assert response["Content-Type"] == XLSX_MIME
    assert response["Content-Disposition"].startswith('attachment; filename="scorecard-sales-')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Scorecard"]
    header = [c.value for c in sheet[1]]
    assert all(c.font.bold for c in sheet[1])
    (row,) = [dict(zip(header, r, strict=True))
              for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert row["Indicator code"] == "net_sales"
    assert row["Value"] == pytest.approx(79.99) and row["Previous value"] == 80
    assert row["Target"] == 100 and row["Band"] == "Off target" and row["Trend"] == "Down"
    assert row["Period start"].date() == month(-1)
    assert book["Months"].max_row == 4


# --- scorecard --------------------------------------------------------------------------------

def test_scorecard_shows_band_trend_and_stale_flag(client, planning_department, sales, author,
                                                   unit_staff):
    fresh = make_indicator("fresh", sales)
    record(fresh, sales, author, {month(-2): 100, month(-1): 120})
    target(fresh, sales, month(-1), 110, 90)
    stale = make_indicator("stale", sales)
    record(stale, sales, author, {month(-6): 5, month(-5): 5})
    only_target = make_indicator("planned", planning_department)
    target(only_target, sales, month(0), 10, 5)
    rollups.compute()
    client.force_login(unit_staff)
    response = client.get(reverse("kpis:scorecard", args=["sales"]))
    rows = {r.indicator.code: r for r in response.context["rows"]}
    assert set(rows) == {"fresh", "stale", "planned"}
    assert rows["fresh"].band == "green" and rows["fresh"].trend == "up"
    assert rows["fresh"].stale_since is None
    assert rows["stale"].stale_since == month(-1) and rows["stale"].trend == "flat"
    assert rows["planned"].value is None and rows["planned"].target == 10
    html = response.content.decode()
    assert "↑" in html and "Up from 100 in" in html and "(better)" in html
    assert "→" in html and "Unchanged from 5" in html
    assert html.count('class="stale-flag"') == 1
    from django.utils.formats import date_format

    assert f"Stale: the period from {date_format(month(-1), 'SHORT_DATE_FORMAT')} is missing" \
        in html
    assert "On target" in html


def _indicators_with_data(count, start, sales, author):
    for n in range(start, start + count):
        indicator = make_indicator(f"bulk_{n:03d}", sales)
        record(indicator, sales, author, {month(-3): n, month(-2): n + 1, month(-1): n + 2})
        target(indicator, sales, month(-1), n, n - 1)
    rollups.compute()


def test_scorecard_query_count_does_not_grow(client, sales, author, unit_staff):
    client.force_login(unit_staff)
    url = reverse("kpis:scorecard", args=["sales"])
    client.get(url)  # warm up: content types, sessions

    _indicators_with_data(3, 0, sales, author)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["rows"]) == 3

    _indicators_with_data(27, 3, sales, author)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_scorecards_list_puts_my_departments_first(client, sales, marketing, unit_staff):
    client.force_login(unit_staff)
    response = client.get(reverse("kpis:scorecards"))
    assert [d.code for d in response.context["mine"]] == ["sales"]
    assert "marketing" in [d.code for d in response.context["others"]]
    html = response.content.decode()
    assert html.index(reverse("kpis:scorecard", args=["sales"])) < html.index(
        reverse("kpis:scorecard", args=["marketing"]))
