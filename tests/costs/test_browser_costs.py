"""In a real browser: the head of Sales records an actual that crosses the marketing budget's
warning threshold, sees the warning and the request to explain the variance, and explains it."""

import re

from playwright.sync_api import Page, expect

from tests.browser import sign_in
from tests.costs import builders


def _label(text):
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator("main").get_by_role("button", name=name, exact=True).click()


def test_an_actual_crossing_the_threshold_shows_the_warning_and_asks_why(
        transactional_db, page, live_server, http_cookies, author, reviewer, marketing, sales,
        unit_staff, chair, committee_member, planning_manager, unit_head):
    plan = builders.running(author, reviewer, marketing, sales, unit_staff, chair,
                            committee_member, planning_manager, unit_head)
    base = live_server.url
    sign_in(page, base, unit_head.username)

    page.goto(f"{base}/costs/plans/{plan.pk}/")
    with page.expect_navigation(wait_until="load"):
        page.locator("main").get_by_role("link", name="Record a cost").click()
    main = page.locator("main")
    main.get_by_label(_label("Category")).select_option(label="Marketing expense")
    main.get_by_label(_label("Department")).select_option(label="Sales")
    main.get_by_label(_label("Date")).fill("2027-03-04")
    main.get_by_label(_label("Amount")).fill("1100.00")
    main.get_by_label(_label("Reference number")).fill("INV-2027-031")
    _submit(page, "Save")

    expect(page.locator(".message-warning").first).to_contain_text(
        "Warning: Marketing expense has used 1100.00 of a budget of 1200.00")
    expect(page.locator("#accounting .cost-status-warning")).to_have_text("Warning")
    requests = page.locator("#explanation-requests")
    expect(requests).to_contain_text("March 2027")  # the month as the reader's language writes it
    with page.expect_navigation(wait_until="load"):
        requests.get_by_role("link", name="Explain this variance").click()
    page.locator("main").get_by_label(_label("Explanation")).fill(
        "The spring trade fair was booked early.")
    _submit(page, "Save")
    expect(page.locator("#explanations")).to_contain_text("The spring trade fair")
    expect(page.locator("#explanation-requests")).to_have_count(0)
