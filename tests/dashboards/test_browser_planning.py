"""In a real browser: a planning specialist moves a plan through the pipeline from the planning
department dashboard's board — submits it for internal review (choosing the reviewers on the
short form, then back to the board); Marketing's head gives the review on the plan's review
form; then the planner submits it to the committee with the card's button — and sees the card
change columns each time. Only the starting draft is made outside the browser."""

import re

from playwright.sync_api import Page, expect

from plans.models import Plan
from tests.browser import screenshot_path, sign_in
from tests.plans import builders

TITLE = "Spring campaign plan"


def _navigate(page: Page, target) -> None:
    with page.expect_navigation(wait_until="load"):
        target.click()


def _exactly(text: str) -> re.Pattern:
    """A label's whole text, with or without Django's label suffix (":")."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def _column(page: Page, state: str):
    return page.locator(f"#pipeline-{state}")


def test_a_planner_moves_a_plan_through_the_pipeline_from_the_board(
        transactional_db, page, live_server, http_cookies, author, reviewer, marketing, sales,
        unit_staff, committee, chair, committee_member):
    plan = builders.drafting(author, title=TITLE)
    builders.complete_draft(plan, author, sales, unit_staff)
    base = live_server.url
    sign_in(page, base, author.username)
    page.goto(f"{base}/dashboards/planning/")
    expect(page.locator("h1")).to_contain_text("Planning department dashboard")
    card = page.locator(f"#plan-card-{plan.pk}")
    expect(_column(page, "drafting").locator(f"#plan-card-{plan.pk}")).to_be_visible()
    expect(_column(page, "drafting").locator(".pipeline-count")).to_have_text("1")
    expect(card).to_contain_text("0 days in this state")

    # 1. submit for internal review: the short form, then straight back to the board
    _navigate(page, card.get_by_role("link", name=re.compile("^Submit for internal review")))
    page.locator("main").get_by_label("Marketing").check()
    _navigate(page, page.locator("main").get_by_role("button", name="Save", exact=True))
    assert page.url.startswith(f"{base}/dashboards/planning/"), page.url
    expect(page.locator(".message-success")).to_contain_text(
        "Done: Submit for internal review. The plan is now “Internal review”.")
    expect(_column(page, "internal_review").locator(f"#plan-card-{plan.pk}")).to_be_visible()
    expect(_column(page, "drafting").locator(f"#plan-card-{plan.pk}")).to_have_count(0)
    expect(_column(page, "drafting").locator(".pipeline-count")).to_have_text("0")

    # 2. sending it to the committee too early is refused on the board, with the reason
    _navigate(page, page.locator(f"#plan-card-{plan.pk}").get_by_role(
        "button", name=re.compile("^Submit to the committee")))
    expect(page.locator(".message-error")).to_contain_text("Reviews still pending: Marketing.")
    expect(_column(page, "internal_review").locator(f"#plan-card-{plan.pk}")).to_be_visible()

    # Marketing's head gives the review in the browser: the plan's page, then its review form
    _navigate(page, page.locator("header").get_by_role("button", name="Sign out"))
    sign_in(page, base, reviewer.username)
    page.goto(f"{base}/")
    _navigate(page, page.locator("nav.mainnav").get_by_role("link", name="Plans", exact=True))
    _navigate(page, page.locator("main").get_by_role("link", name=TITLE, exact=True))
    _navigate(page, page.locator("main").get_by_role("link", name=re.compile(r"^Review for ")))
    form = page.locator("main form")
    for aspect in ("feasibility", "rationality", "innovation", "risk"):
        form.locator(f"#id_{aspect}").get_by_label(_exactly("4")).check()
    form.get_by_label("On feasibility").fill("Achievable with the budget.")
    form.locator("#id_verdict").get_by_label(_exactly("Approve")).check()
    _navigate(page, form.get_by_role("button", name="Record the review", exact=True))
    expect(page.locator("main .messages")).to_contain_text("review is recorded")
    _navigate(page, page.locator("header").get_by_role("button", name="Sign out"))

    # 3. back on the board, its button now sends the plan to the committee
    sign_in(page, base, author.username)
    page.goto(f"{base}/dashboards/planning/")
    _navigate(page, page.locator(f"#plan-card-{plan.pk}").get_by_role(
        "button", name=re.compile("^Submit to the committee")))
    expect(page.locator(".message-success")).to_contain_text(
        "The plan is now “Committee approval”.")
    expect(_column(page, "committee_approval").locator(f"#plan-card-{plan.pk}")).to_be_visible()
    expect(_column(page, "internal_review").locator(f"#plan-card-{plan.pk}")).to_have_count(0)
    # the author may do nothing more with it: the committee votes now
    expect(page.locator(f"#plan-card-{plan.pk} .transitions")).to_have_count(0)
    assert Plan.objects.get(pk=plan.pk).state == "committee_approval"

    # the pipeline chart is drawn from the same counts as its table
    expect(page.locator("#pipeline-table tbody td").nth(3)).to_have_text("1")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('pipeline-chart'))")
    counts = page.evaluate(
        "() => Chart.getChart(document.getElementById('pipeline-chart')).data.datasets[0].data")
    assert counts[3] == 1 and sum(counts) == 1
    page.screenshot(path=screenshot_path("planning-dashboard"), full_page=True)
