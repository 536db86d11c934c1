"""The business-unit desk (/dashboards/unit/): the unit's action items due and overdue, this
week's progress report pre-filled and posted from the desk, the indicators the unit reports,
its risks and its budget lines — scoped to the unit, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committee.selectors import forget_roles, roles_of
from costs.panels.unit import my_budget_lines
from kpis.models import Indicator, Measurement
from kpis.panels.unit import indicators_to_report
from plans import services as plan_services
from plans.models import ActionItem, Plan, WeekLock, WeeklyReport, WeeklyReportLine
from plans.panels.unit import DUE_SOON_DAYS, action_items, weekly_progress
from risks.models import Risk
from risks.panels.unit import my_risks
from tests.costs import builders as costs
from tests.risks import builders as risks

pytestmark = pytest.mark.django_db

DESK = "/dashboards/unit/"
API = "/api/v1/me/dashboards/unit/"
PANELS = ["unit-actions", "weekly-progress", "indicators-to-report", "unit-risks",
          "unit-budget"]


def _week(day):
    return tuple(day.isocalendar()[:2])


@pytest.fixture
def plan(author, reviewer, marketing, sales, unit_staff, chair, committee_member,
         planning_manager, unit_head):
    """A company plan in monitoring: Sales answers for "Open a channel" (person: unit_staff)
    and holds a marketing budget line of 1200; Marketing gets an action item of its own."""
    plan = costs.running(author, reviewer, marketing, sales, unit_staff, chair,
                         committee_member, planning_manager, unit_head)
    ActionItem.objects.create(plan=plan, title="Marketing campaign", department=marketing,
                              person=reviewer, deadline=plan.period_start)
    from costs.models import BudgetLine

    # the approved plan is frozen: Marketing's line goes in as stored data

    BudgetLine.objects.create(plan=plan, category="administration", department=marketing,
                              description="Marketing admin", basis="history",
                              amount=Decimal("500.00"))
    return plan


@pytest.fixture
def sales_action(plan, sales):
    return plan.actions.get(department=sales)


@pytest.fixture
def indicators(sales, marketing):
    orders = Indicator.objects.create(code="orders", name_en="Orders", name_zh="订单",
                                      unit="CNY", owner_department=sales, visibility="all",
                                      frequency="monthly")
    leads = Indicator.objects.create(code="leads", name_en="Leads", name_zh="线索",
                                     unit="leads", owner_department=marketing,
                                     visibility="all", frequency="monthly")
    return orders, leads


@pytest.fixture
def matrix(db):
    return risks.ensure_matrix()


def _panels(api, user, query=""):
    body = api.as_(user).get(f"{API}{query}").json()
    return body, {p["key"]: p["data"] for p in body["panels"]}


def _request(user, query=""):
    request = RequestFactory().get(f"{DESK}{query}")
    request.user = user
    return request


# --- scope ---------------------------------------------------------------------------------

def test_the_desk_shows_the_units_own_items_only_and_falls_back_to_the_persons_unit(
        client, api, plan, sales_action, unit_head, reviewer, marketing, sales, indicators,
        matrix):
    today = timezone.localdate()
    ActionItem.objects.filter(plan=plan).update(deadline=today - dt.timedelta(days=2))
    risks.assessed(unit_head, sales, title="Distributor leaves")
    risks.assessed(reviewer, marketing, title="Campaign flops")

    client.force_login(unit_head)
    for query in ("", "?unit=marketing"):  # not the person's unit: back to Sales
        body, data = _panels(api, unit_head, query)
        assert body["scope"] == "sales"
        assert [p["key"] for p in body["panels"]] == PANELS
        assert [r["title"] for r in data["unit-actions"]["overdue"]] == ["Open a channel"]
        assert [i["code"] for i in data["indicators-to-report"]["indicators"]] == ["orders"]
        assert [r["title"] for r in data["unit-risks"]["risks"]] == ["Distributor leaves"]
        assert [(r["plan"], r["category"]) for r in data["unit-budget"]["rows"]] == [
            (plan.title, "marketing")]
        page = client.get(f"{DESK}{query}")
        html = page.content.decode()
        assert page.context["scope"] == sales
        assert "Open a channel" in html and "Marketing campaign" not in html
        assert "Campaign flops" not in html and "Marketing admin" not in html
        assert 'name="department" value="sales"' in html
        assert 'value="leads"' not in html

    # Marketing's head sees Marketing's items on the same plan, never Sales'.
    _body, theirs = _panels(api, reviewer)
    assert [r["title"] for r in theirs["unit-actions"]["overdue"]] == ["Marketing campaign"]
    assert [i["code"] for i in theirs["indicators-to-report"]["indicators"]] == ["leads"]
    assert [r["title"] for r in theirs["unit-risks"]["risks"]] == ["Campaign flops"]
    assert [r["category"] for r in theirs["unit-budget"]["rows"]] == ["administration"]


# --- 1. action items: overdue and due soon ---------------------------------------------------

def test_due_and_overdue_partition_at_the_edges(plan, sales, unit_head, unit_staff):
    today = dt.date(2027, 6, 15)
    deadlines = {
        "yesterday": today - dt.timedelta(days=1),
        "today": today,
        "last due day": today + dt.timedelta(days=DUE_SOON_DAYS),
        "one day later": today + dt.timedelta(days=DUE_SOON_DAYS + 1),
    }
    # the plan's own Sales action lies beyond the window
    ActionItem.objects.filter(plan=plan).update(deadline=today + dt.timedelta(days=100))
    for title, deadline in deadlines.items():
        ActionItem.objects.create(plan=plan, title=title, department=sales, person=unit_staff,
                                  deadline=deadline)
    ActionItem.objects.create(plan=plan, title="done long ago", department=sales,
                              person=unit_staff, deadline=today - dt.timedelta(days=9),
                              status="done", percent_complete=100)
    data = action_items(_request(unit_head), sales, today=today)
    assert [r["title"] for r in data["overdue"]] == ["yesterday"]
    assert data["overdue"][0]["days"] == 1
    assert [r["title"] for r in data["due_soon"]] == ["today", "last due day"]
    assert [r["days"] for r in data["due_soon"]] == [0, DUE_SOON_DAYS]
    assert (data["overdue_total"], data["due_soon_total"]) == (1, 2)
    row = data["due_soon"][0]
    assert row["person"] == str(unit_staff) and row["plan"] == plan.title
    assert row["status_label"] == "Not started" and row["percent_complete"] == 0
    assert row["progress_url"] == reverse("plans:action-progress",
                                          args=[plan.pk, row["id"]])


def test_action_items_of_plans_not_yet_running_are_not_listed(author, sales, unit_head,
                                                              unit_staff):
    draft = Plan.objects.create(title="Draft", level="company", period_kind="annual",
                                period_start=dt.date(2027, 1, 1), author=author,
                                state="drafting")
    ActionItem.objects.create(plan=draft, title="Not yet", department=sales, person=unit_staff,
                              deadline=dt.date(2027, 1, 2))
    data = action_items(_request(unit_head), sales, today=dt.date(2027, 1, 5))
    assert data["overdue"] == [] and data["due_soon"] == []


# --- 2. this week's progress report ----------------------------------------------------------

def _last_week_report(plan, sales, unit_head, action):
    year, week = _week(timezone.localdate() - dt.timedelta(days=7))
    return plan_services.report_create(
        plan=plan, department=sales, iso_year=year, iso_week=week, actor=unit_head,
        summary="Met two distributors.", problems="Slow contract review",
        help_needed="Legal support", next_week="Sign the first distributor",
        lines=[{"action": action, "status": "in_progress", "percent_complete": 40,
                "note": "Talks going well"}])


def test_the_progress_form_is_pre_filled_from_last_week_and_current_progress(
        client, api, plan, sales, unit_head, sales_action):
    _last_week_report(plan, sales, unit_head, sales_action)
    _body, data = _panels(api, unit_head)
    weekly = data["weekly-progress"]
    assert (weekly["iso_year"], weekly["iso_week"]) == _week(timezone.localdate())
    [item] = weekly["forms"]
    assert item["can_post"] and weekly["missing"] == [] and weekly["posted"] == []
    assert (weekly["total"], weekly["missing_total"], weekly["posted_total"]) == (1, 1, 0)
    form = item["form"]
    assert form["prefilled_from"] == "{}-W{:02d}".format(
        *_week(timezone.localdate() - dt.timedelta(days=7)))
    assert form["summary"] == "Sign the first distributor"  # last week's plan for this week
    assert (form["problems"], form["help_needed"], form["next_week"]) == (
        "Slow contract review", "Legal support", "")
    [line] = form["lines"]
    assert (line["action_id"], line["status"], line["percent_complete"], line["note"]) == (
        sales_action.pk, "in_progress", 40, "Talks going well")
    client.force_login(unit_head)
    html = client.get(DESK).content.decode()
    prefix = f"action_{sales_action.pk}"
    assert f'name="{prefix}_percent" value="40"' in html
    assert '<option value="in_progress" selected>' in html
    assert ">Sign the first distributor</textarea>" in html
    assert ">Talks going well</textarea>" in html
    # the form page behind the desk (GET) shows the very same values
    page = client.get(reverse("plans:desk-report", args=[plan.pk]), {"unit": sales.pk})
    assert page.status_code == 200
    bound = page.context["form"]
    assert bound[f"{prefix}_percent"].value() == 40
    assert bound["summary"].value() == "Sign the first distributor"


def test_without_last_weeks_report_the_form_starts_from_the_action_items(api, plan, unit_head,
                                                                        sales_action):
    ActionItem.objects.filter(pk=sales_action.pk).update(status="blocked", percent_complete=15)
    _body, data = _panels(api, unit_head)
    form = data["weekly-progress"]["forms"][0]["form"]
    assert form["prefilled_from"] is None and form["summary"] == ""
    assert (form["lines"][0]["status"], form["lines"][0]["percent_complete"]) == ("blocked", 15)


def _progress_body(plan, sales, action, **changes):
    year, week = _week(timezone.localdate())
    prefix = f"action_{action.pk}"
    return {"unit": sales.pk, "iso_year": year, "iso_week": week,
            f"{prefix}_status": "in_progress", f"{prefix}_percent": "55",
            f"{prefix}_quality": "", f"{prefix}_note": "Contract drafted",
            "summary": "First distributor signs next week.", "problems": "",
            "help_needed": "", "next_week": "Sign.", **changes}


def test_posting_progress_from_the_desk_stores_the_report_and_returns_to_the_desk(
        client, plan, sales, unit_head, sales_action):
    client.force_login(unit_head)
    answer = client.post(reverse("plans:desk-report", args=[plan.pk]),
                         _progress_body(plan, sales, sales_action))
    assert answer.status_code == 302
    assert answer["Location"] == f"{DESK}?unit=sales#panel-weekly-progress"
    report = WeeklyReport.objects.get(plan=plan, department=sales)
    assert (report.iso_year, report.iso_week) == _week(timezone.localdate())
    assert report.author == unit_head and report.summary == "First distributor signs next week."
    line = report.lines.get()
    assert (line.action_id, line.percent_complete, line.note) == (sales_action.pk, 55,
                                                                  "Contract drafted")
    sales_action.refresh_from_db()
    assert (sales_action.status, sales_action.percent_complete) == ("in_progress", 55)
    desk = client.get(answer["Location"])
    html = desk.content.decode()
    assert "is posted" in html
    weekly = next(p for p in desk.context["panels"] if p["panel"].key == "weekly-progress")[
        "data"]
    assert weekly["forms"] == [] and weekly["missing_total"] == 0
    [item] = weekly["posted"]
    assert (item["report"]["id"], item["report"]["status"]) == (report.pk, "posted")
    assert item["report"]["edit_url"] == reverse("plans:report-edit", args=[report.pk])
    # a second post for the same week is a conflict: nothing more is stored
    again = client.post(reverse("plans:desk-report", args=[plan.pk]),
                        _progress_body(plan, sales, sales_action))
    assert again.status_code == 409
    assert WeeklyReport.objects.count() == 1


@pytest.mark.parametrize(("field", "value"), [
    ("percent", "150"), ("status", "finished"), ("iso_week", "60"), ("iso_year", "year")])
def test_bad_progress_names_the_field_and_stores_nothing(client, plan, sales, unit_head,
                                                         sales_action, field, value):
    client.force_login(unit_head)
    name = field if field.startswith("iso_") else f"action_{sales_action.pk}_{field}"
    answer = client.post(reverse("plans:desk-report", args=[plan.pk]),
                         _progress_body(plan, sales, sales_action, **{name: value}))
    assert answer.status_code == 400
    assert name in answer.context["form"].errors
    assert 'class="error"' in answer.content.decode()
    assert not WeeklyReport.objects.exists() and not WeeklyReportLine.objects.exists()
    sales_action.refresh_from_db()
    assert sales_action.percent_complete == 0


def test_only_the_units_people_post_from_the_desk(client, plan, sales, reviewer, marketing,
                                                  sales_action, auditor):
    body = _progress_body(plan, sales, sales_action)
    client.force_login(reviewer)  # heads Marketing: may not post Sales' report
    assert client.post(reverse("plans:desk-report", args=[plan.pk]), body).status_code == 403
    client.force_login(auditor)  # sees every plan, reports for no unit
    assert client.post(reverse("plans:desk-report", args=[plan.pk]), body).status_code == 403
    assert not WeeklyReport.objects.exists()


def test_a_locked_week_is_said_and_a_report_posted_into_it_is_late_and_locked(
        client, plan, sales, unit_head, sales_action):
    year, week = _week(timezone.localdate())
    WeekLock.objects.create(iso_year=year, iso_week=week)
    client.force_login(unit_head)
    desk = client.get(DESK)
    assert "This week is locked" in desk.content.decode()
    answer = client.post(reverse("plans:desk-report", args=[plan.pk]),
                         _progress_body(plan, sales, sales_action))
    assert answer.status_code == 302
    report = WeeklyReport.objects.get()
    assert report.late and report.locked_at is not None
    item = next(p for p in client.get(DESK).context["panels"]
                if p["panel"].key == "weekly-progress")["data"]["posted"][0]
    assert item["report"]["status"] == "locked" and item["report"]["edit_url"] is None


def test_forms_only_for_the_most_urgent_plans_the_rest_linked_and_counted(
        client, plan, author, sales, unit_head, unit_staff, sales_action):
    from plans.panels.unit import FORMS_SHOWN, ROWS_SHOWN

    today = timezone.localdate()
    year, week = _week(today)
    ActionItem.objects.filter(pk=sales_action.pk).update(deadline=today + dt.timedelta(days=400))
    extra = []
    for i in range(20):
        other = Plan.objects.create(title=f"Running {i:02d}", level="company",
                                    period_kind="annual", period_start=dt.date(2026, 1, 1),
                                    author=author, state="monitoring")
        # later plans are more urgent: their next open deadline comes sooner
        ActionItem.objects.create(plan=other, title=f"Step {i}", department=sales,
                                  person=unit_staff, deadline=today + dt.timedelta(days=60 - i))
        extra.append(other)
    # a finished action item does not make a plan urgent
    ActionItem.objects.create(plan=extra[0], title="Done early", department=sales,
                              person=unit_staff, deadline=today - dt.timedelta(days=30),
                              status="done", percent_complete=100)
    posted = extra[15:]  # five plans have this week's report already
    for other in posted:
        WeeklyReport.objects.create(plan=other, department=sales, iso_year=year, iso_week=week,
                                    author=unit_head, summary="Fine")
    data = weekly_progress(_request(unit_head), sales)
    waiting = [*reversed(extra[:15]), plan]  # most urgent first
    assert (data["total"], data["missing_total"], data["posted_total"]) == (21, 16, 5)
    assert [i["plan"]["id"] for i in data["forms"]] == [p.pk for p in waiting[:FORMS_SHOWN]]
    assert all(i["form"]["lines"] for i in data["forms"])
    rest = waiting[FORMS_SHOWN:FORMS_SHOWN + ROWS_SHOWN]
    assert [i["plan"]["id"] for i in data["missing"]] == [p.pk for p in rest]
    assert all(i["form"] is None for i in data["missing"])
    assert data["missing"][0]["form_url"] == (
        f"{reverse('plans:desk-report', args=[rest[0].pk])}?unit=sales")
    assert data["missing_more"] == 16 - FORMS_SHOWN - ROWS_SHOWN
    assert sorted(i["plan"]["id"] for i in data["posted"]) == sorted(p.pk for p in posted)
    assert {i["report"]["status"] for i in data["posted"]} == {"posted"}

    client.force_login(unit_head)
    html = client.get(DESK).content.decode()
    assert html.count('name="summary"') == FORMS_SHOWN  # the pre-filled forms, no more
    assert html.count("/reports/desk/?unit=sales") == ROWS_SHOWN
    assert "16 of 21 running plans still await this week" in html
    # the linked form page is the same pre-filled form
    page = client.get(data["missing"][0]["form_url"])
    assert page.status_code == 200
    assert page.context["form"][f"action_{rest[0].actions.get().pk}_percent"].value() == 0


# --- 3. indicators to report -----------------------------------------------------------------

def test_indicator_due_dates_and_overdue_flag(sales, unit_head, indicators):
    orders, _leads = indicators
    today = dt.date(2027, 3, 1)  # the first day after February closed
    data = indicators_to_report(_request(unit_head), sales, today=today)
    [row] = data["indicators"]
    assert (row["overdue"], row["due_period"], row["due_on"]) == (
        True, dt.date(2027, 2, 1), dt.date(2027, 3, 1))
    assert row["last_value"] is None and row["form"]["period"] == dt.date(2027, 2, 1)
    Measurement.objects.create(indicator=orders, department=sales,
                               period_start=dt.date(2027, 2, 1), value=Decimal(42),
                               recorded_by=unit_head)
    [row] = indicators_to_report(_request(unit_head), sales, today=today)["indicators"]
    assert (row["overdue"], row["due_period"], row["due_on"]) == (
        False, dt.date(2027, 3, 1), dt.date(2027, 4, 1))
    assert (row["last_value"], row["last_period_label"]) == (Decimal(42), "2027-02")
    # on the last day of March, March is still running: not overdue
    [row] = indicators_to_report(_request(unit_head), sales,
                                 today=dt.date(2027, 3, 31))["indicators"]
    assert not row["overdue"]
    # on 1 April, March is due and missing
    [row] = indicators_to_report(_request(unit_head), sales,
                                 today=dt.date(2027, 4, 1))["indicators"]
    assert row["overdue"] and row["due_period_label"] == "2027-03"


def test_reporting_a_value_from_the_desk_stores_it_and_returns_to_the_desk(
        client, sales, unit_staff, indicators):
    orders, _leads = indicators
    client.force_login(unit_staff)
    _body = client.get(DESK)
    row = next(p for p in _body.context["panels"] if p["panel"].key == "indicators-to-report")[
        "data"]["indicators"][0]
    answer = client.post(reverse("kpis:desk-measurement"), {
        "indicator": "orders", "department": "sales",
        "period": row["form"]["period"].isoformat(), "value": "128.5", "note": "From ERP"})
    assert answer.status_code == 302
    assert answer["Location"] == f"{DESK}?unit=sales#panel-indicators-to-report"
    stored = Measurement.objects.get(indicator=orders, department=sales)
    assert (stored.value, stored.period_start, stored.recorded_by) == (
        Decimal("128.5"), row["due_period"], unit_staff)
    desk = client.get(answer["Location"])
    assert "Value 128.5 recorded for “Orders”." in desk.content.decode()
    row = next(p for p in desk.context["panels"] if p["panel"].key == "indicators-to-report")[
        "data"]["indicators"][0]
    assert row["last_value"] == Decimal("128.5") and not row["overdue"]


@pytest.mark.parametrize(("field", "body"), [
    ("value", {"value": "lots"}),
    ("period", {"period": "someday"}),
    ("indicator", {"indicator": "nonsense"}),
    ("department", {"department": "nowhere"}),
])
def test_a_bad_value_names_the_field_and_stores_nothing(client, sales, unit_head, indicators,
                                                        field, body):
    client.force_login(unit_head)
    answer = client.post(reverse("kpis:desk-measurement"), {
        "indicator": "orders", "department": "sales", "period": "2026-10-01", "value": "5",
        **body})
    assert answer.status_code == 400
    assert field in answer.context["form"].errors
    assert not Measurement.objects.exists()


def test_another_units_indicator_is_refused_from_the_desk(client, unit_head, indicators):
    client.force_login(unit_head)
    answer = client.post(reverse("kpis:desk-measurement"), {
        "indicator": "leads", "department": "marketing", "period": "2026-10-01",
        "value": "5"})
    assert answer.status_code == 400
    assert "may not supply" in answer.content.decode()
    assert not Measurement.objects.exists()


# --- 4. risks --------------------------------------------------------------------------------

def test_risks_show_level_and_overdue_reviews_first(sales, unit_head, unit_staff, matrix):
    today = timezone.localdate()
    later = risks.assessed(unit_head, sales, title="Later review", likelihood=1, impact=1)
    late = risks.assessed(unit_head, sales, title="Late review", likelihood=5, impact=5)
    risks.new_risk(unit_staff, sales, title="Not assessed")
    closed = risks.assessed(unit_head, sales, title="Closed one")
    Risk.objects.filter(pk=closed.pk).update(status="closed")
    Risk.objects.filter(pk=late.pk).update(next_review_on=today - dt.timedelta(days=3))
    Risk.objects.filter(pk=later.pk).update(next_review_on=today + dt.timedelta(days=20))
    data = my_risks(_request(unit_head), sales)
    assert [r["title"] for r in data["risks"]] == ["Late review", "Later review",
                                                   "Not assessed"]
    first, second, third = data["risks"]
    assert (first["review_overdue"], first["days_overdue"]) == (True, 3)
    assert (first["level"], first["level_label"], first["band"]) == (
        "critical", "Critical", "red")
    assert first["colour"] == matrix.colour("critical")
    assert (second["level"], second["band"], second["review_overdue"]) == ("low", "green",
                                                                           False)
    assert third["level"] is None and third["level_label"] == "Not assessed"
    assert data["overdue_count"] == 1 and data["total"] == 3


def test_risks_are_capped_with_every_overdue_review_counted(client, sales, unit_head, matrix):
    from risks.panels.unit import ROW_LIMIT

    today = timezone.localdate()
    made = [risks.new_risk(unit_head, sales, title=f"Risk {i:02d}") for i in range(ROW_LIMIT + 4)]
    for i, risk in enumerate(made):  # all overdue, the longest overdue last created
        Risk.objects.filter(pk=risk.pk).update(next_review_on=today - dt.timedelta(days=i + 1))
    data = my_risks(_request(unit_head), sales)
    assert len(data["risks"]) == ROW_LIMIT
    assert (data["total"], data["overdue_count"]) == (ROW_LIMIT + 4, ROW_LIMIT + 4)
    client.force_login(unit_head)
    html = client.get(DESK).content.decode()
    assert f"Show all {ROW_LIMIT + 4}" in html
    assert data["register_url"].replace("&", "&amp;") in html


# --- 5. budget lines -------------------------------------------------------------------------

def test_budget_lines_with_committed_actual_variance_and_status(plan, sales, unit_head,
                                                                author):
    costs.spend(plan, unit_head, sales, "700.00")
    costs.spend(plan, unit_head, sales, "400.00", kind="commitment")
    data = my_budget_lines(_request(unit_head), sales)
    [row] = data["rows"]
    assert (row["budget"], row["committed"], row["actual"], row["variance"]) == (
        Decimal("1200.00"), Decimal("400.00"), Decimal("700.00"), Decimal("-500.00"))
    assert (row["status"], row["status_label"], row["band"]) == ("warning", "Warning", "amber")
    assert row["budget_url"] == f"/costs/plans/{plan.pk}/#budget-lines"
    assert data["department_url"] == "/costs/departments/sales/"
    assert data["total"]["variance"] == Decimal("-500.00")


def test_budget_groups_in_trouble_come_first_and_the_totals_cover_every_group(
        plan, author, sales, unit_head):
    from costs.models import BudgetLine, CostEntry
    from costs.panels.unit import ROW_LIMIT

    today = timezone.localdate()
    over = []
    for i in range(ROW_LIMIT + 2):
        extra = Plan.objects.create(title=f"Extra {i:02d}", level="company",
                                    period_kind="annual", period_start=dt.date(2026, 1, 1),
                                    author=author, state="monitoring")
        BudgetLine.objects.create(plan=extra, category="marketing", department=sales,
                                  description=f"Line {i}", basis="history",
                                  amount=Decimal("100.00"))
        if i % 5 == 4:  # a few groups over budget
            CostEntry.objects.create(plan=extra, kind="actual", category="marketing",
                                     department=sales, incurred_on=today,
                                     amount=Decimal("150.00"), recorded_by=unit_head)
            over.append(extra.title)
    data = my_budget_lines(_request(unit_head), sales)
    assert len(data["rows"]) == ROW_LIMIT and data["total_rows"] == ROW_LIMIT + 3
    assert [r["plan"] for r in data["rows"][:len(over)]] == over
    assert {r["status"] for r in data["rows"][:len(over)]} == {"overrun"}
    assert data["overrun_count"] == len(over)
    assert data["total"]["budget"] == Decimal("1200.00") + 100 * (ROW_LIMIT + 2)
    assert data["total"]["actual"] == Decimal("150.00") * len(over)


# --- constant queries ------------------------------------------------------------------------

def _count(panel, user, unit):
    fresh = type(user).objects.get(pk=user.pk)
    forget_roles(fresh)
    roles_of(fresh)  # the desk's scope has loaded the person's roles already
    with CaptureQueriesContext(connection) as ctx:
        panel(_request(fresh), unit)
    return len(ctx.captured_queries)


def _grow(plan, author, sales, unit_head, unit_staff, indicators, n, start=0):
    from costs.models import BudgetLine, CostEntry

    orders, _leads = indicators
    today = timezone.localdate()
    year, week = _week(today - dt.timedelta(days=7))
    for i in range(start, start + n):
        extra = Plan.objects.create(title=f"Extra {i}", level="company", period_kind="annual",
                                    period_start=dt.date(2026, 1, 1), author=author,
                                    state="monitoring")
        for j in range(3):
            action = ActionItem.objects.create(
                plan=extra, title=f"Action {i}.{j}", department=sales, person=unit_staff,
                deadline=today + dt.timedelta(days=j * 10 - 5), critical=bool(j % 2))
        report = WeeklyReport.objects.create(plan=extra, department=sales, iso_year=year,
                                             iso_week=week, author=unit_head,
                                             next_week="More")
        WeeklyReportLine.objects.create(report=report, action=action, status="in_progress",
                                        percent_complete=10, note="Note")
        for category in ("marketing", "administration"):
            BudgetLine.objects.create(plan=extra, category=category, department=sales,
                                      description=f"{category} {i}", basis="history",
                                      amount=Decimal("100.00"))
            CostEntry.objects.create(plan=extra, kind="actual", category=category,
                                     department=sales, incurred_on=today,
                                     amount=Decimal("30.00"), recorded_by=unit_head)
        indicator = Indicator.objects.create(code=f"ind{i}", name_en=f"Ind {i}",
                                             name_zh=f"指标{i}", unit="x",
                                             owner_department=sales,
                                             frequency=["monthly", "weekly", "quarterly"][i % 3])
        Measurement.objects.create(indicator=indicator, department=sales,
                                   period_start=dt.date(2026, 1, 1), value=Decimal(i),
                                   recorded_by=unit_head)
        risk = risks.new_risk(unit_head, sales, title=f"Risk {i}")
        if i % 2:
            Risk.objects.filter(pk=risk.pk).update(next_review_on=today - dt.timedelta(i))
    Measurement.objects.update_or_create(indicator=orders, department=sales,
                                         period_start=dt.date(2026, 1, 1),
                                         defaults={"value": Decimal(1),
                                                   "recorded_by": unit_head})


@pytest.mark.parametrize("panel", [action_items, weekly_progress, indicators_to_report,
                                   my_risks, my_budget_lines],
                         ids=lambda p: p.__name__)
def test_each_panel_keeps_its_query_count_whatever_the_data_size(
        plan, author, sales, unit_head, unit_staff, indicators, matrix, panel):
    _grow(plan, author, sales, unit_head, unit_staff, indicators, 2)
    small = _count(panel, unit_head, sales)
    _grow(plan, author, sales, unit_head, unit_staff, indicators, 25, start=2)
    large = _count(panel, unit_head, sales)
    assert small == large
    assert small <= 8


# --- the API twin ----------------------------------------------------------------------------

def test_the_api_answers_what_the_page_shows(client, api, plan, sales, unit_head,
                                             sales_action, indicators):
    _last_week_report(plan, sales, unit_head, sales_action)
    body, data = _panels(api, unit_head, "?unit=sales")
    assert body["scope"] == "sales" and list(data) == PANELS
    client.force_login(unit_head)
    page = client.get(f"{DESK}?unit=sales")
    shown = {p["panel"].key: p["data"] for p in page.context["panels"]}
    weekly = data["weekly-progress"]["forms"][0]
    assert weekly["form"]["summary"] == shown["weekly-progress"]["forms"][0]["form"]["summary"]
    assert weekly["form"]["action"] == reverse("plans:desk-report", args=[plan.pk])
    indicator = data["indicators-to-report"]["indicators"][0]
    assert indicator["code"] == "orders"
    assert indicator["due_period"] == shown["indicators-to-report"]["indicators"][0][
        "due_period"].isoformat()
    assert Decimal(str(data["unit-budget"]["rows"][0]["budget"])) == Decimal("1200.00")
    for key in PANELS:
        assert f'id="panel-{key}"' in page.content.decode()
