"""In a real browser: the head of Sales posts the unit's weekly progress on a running company
plan and sees it on the plan page (§4.1, Plans II)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.plans.test_browser_journey import (
    DEMO_PASSWORD,
    _click_and_wait,
    _main,
    _open_plan,
    _sign_in,
)

PLAN_TITLE = "Channel partner programme"  # demo: approved, published, in execution
UNIT_HEAD = "sales.head"


@pytest.fixture
def demo_company(transactional_db, settings, tmp_path):
    # seed_demo writes the demo logins to VAR_DIR/demo-logins.txt: keep that out of var/.
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())



def test_unit_head_posts_weekly_progress_and_sees_it(page, live_server, demo_company,
                                                     http_cookies):
    from plans.models import Plan, WeeklyReport

    base = live_server.url
    page.set_default_timeout(15_000)
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500 else None)
    plan = Plan.objects.get(title=PLAN_TITLE)
    action = plan.actions.get(department__code="sales")

    _sign_in(page, base, UNIT_HEAD)
    _open_plan(page, base, PLAN_TITLE)
    progress = _main(page).locator("#progress")
    _click_and_wait(page, progress.get_by_role("link", name=re.compile(
        r"^Post weekly report for Sales")))
    form = _main(page).locator("form")
    form.get_by_label(f"Status: {action.title}").select_option("in_progress")
    form.get_by_label(f"Percent complete: {action.title}").fill("35")
    form.get_by_label(f"Progress: {action.title}").fill("Met both candidate distributors.")
    form.get_by_label("Problems").fill("Contract terms wait for legal review.")
    form.get_by_label("Help needed").fill("Legal to review two contracts this week.")
    form.get_by_label("Next week's plan").fill("Sign the first distributor.")
    _click_and_wait(page, form.get_by_role("button", name="Post report"))

    assert re.search(rf"/plans/{plan.pk}/", page.url), page.url
    section = _main(page).locator("#progress")
    expect(section).to_contain_text("Met both candidate distributors.")
    expect(section).to_contain_text("35 %")
    expect(section).to_contain_text("Contract terms wait for legal review.")
    expect(section).to_contain_text("Sign the first distributor.")
    # the monitoring burn-up is drawn by Chart.js (served locally, allowed by the CSP)
    page.wait_for_function("() => window.Chart && Chart.getChart('burnup-chart') !== undefined")
    report = WeeklyReport.objects.get(plan=plan, department__code="sales")
    assert report.author.username == UNIT_HEAD and report.lines.get().percent_complete == 35
    assert not server_errors, server_errors
