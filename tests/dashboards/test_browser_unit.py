"""In a real browser: the head of Sales opens the business-unit desk, posts this week's
progress on a running plan from the pre-filled form, reports an indicator value that is due,
and sees both confirmed on the desk."""

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import Page, expect

from kpis.models import Indicator, Measurement
from plans.models import WeeklyReport
from tests.browser import screenshot_path
from tests.costs import builders
from tests.factories import PASSWORD


def _submit(page: Page, locator) -> None:
    with page.expect_navigation(wait_until="load"):
        locator.click()


def test_unit_head_posts_progress_and_reports_a_value_from_the_desk(
        transactional_db, page, live_server, http_cookies, author, reviewer, marketing, sales,
        unit_staff, chair, committee_member, planning_manager, unit_head):
    plan = builders.running(author, reviewer, marketing, sales, unit_staff, chair,
                            committee_member, planning_manager, unit_head)
    action = plan.actions.get(department=sales)
    Indicator.objects.create(code="orders", name_en="Orders", name_zh="订单", unit="CNY",
                             owner_department=sales, visibility="all", frequency="monthly")
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(f"{r.status} {r.url}")
            if r.status >= 500 else None)
    page.set_default_timeout(15_000)
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("Username").fill(unit_head.username)
    form.get_by_label("Password").fill(PASSWORD)
    _submit(page, form.get_by_role("button", name="Sign in"))

    page.goto(f"{base}/dashboards/unit/")
    expect(page.locator("h1")).to_contain_text("Business-unit desk · Sales")

    weekly = page.locator("#panel-weekly-progress")
    report = weekly.get_by_role("form", name=f"This week's progress on {plan.title}")
    expect(report.get_by_label(f"Percent complete: {action.title}")).to_have_value("0")
    report.get_by_label(f"Status: {action.title}").select_option("in_progress")
    report.get_by_label(f"Percent complete: {action.title}").fill("45")
    report.get_by_label(f"Progress: {action.title}").fill("Two distributors shortlisted.")
    report.get_by_label("Progress this week").fill("Shortlist agreed with the channel team.")
    report.get_by_label("Next week's plan").fill("Sign the first distributor.")
    _submit(page, report.get_by_role("button", name="Post this week's report"))

    expect(page).to_have_url(re.compile(r"/dashboards/unit/\?unit=sales"))
    expect(page.locator(".message-success").first).to_contain_text(
        f"Your weekly report on “{plan.title}” is posted")
    expect(weekly.locator(".weekly-status")).to_contain_text("Posted")
    expect(weekly).to_contain_text("Shortlist agreed with the channel team.")

    indicators = page.locator("#panel-indicators-to-report")
    row = indicators.locator("#indicator-orders")
    expect(row).to_contain_text("Overdue since")
    due = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    row.get_by_label(f"Value for {due}").fill("1280.5")
    row.get_by_label("Note").fill("From the ERP export")
    _submit(page, row.get_by_role("button", name="Report"))

    expect(page.locator(".message-success").first).to_contain_text(
        "Value 1280.5 recorded for “Orders”.")
    row = page.locator("#panel-indicators-to-report #indicator-orders")
    expect(row).to_contain_text("1280.5")
    expect(row).to_contain_text(due)
    expect(row).to_contain_text("Due on")
    page.screenshot(path=screenshot_path("unit-desk"), full_page=True)

    stored = WeeklyReport.objects.get(plan=plan, department=sales)
    assert stored.lines.get().percent_complete == 45
    assert Measurement.objects.get(indicator__code="orders").value == Decimal("1280.5")
    assert server_errors == []
