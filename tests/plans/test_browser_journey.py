"""In a real browser: one company plan from a blank form to execution (Plans I, §3).

planning.spec1 creates the plan, fills the needs analysis, a SMART goal, the four strategies
and an action item and sends it to Sales and Finance for internal review; both heads approve
it; the author submits it to the committee; three committee members approve it and the vote
closes by itself, which starts execution. Everything is done through the pages only.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

DEMO_PASSWORD = "demo-browser-journey-password-3"
AUTHOR = "planning.spec1"
REVIEWERS = ("sales.head", "finance.head")
# Committee members other than the author: 3 approvals of 5 eligible settle a simple majority
# with a 50 % quorum, so the vote closes by itself after the third.
VOTERS = ("chair", "planning.manager", "product.head")
PLAN_TITLE = "Browser journey: company operating plan"


@pytest.fixture
def demo_company(transactional_db, settings, tmp_path):
    # seed_demo writes the demo logins to VAR_DIR/demo-logins.txt: keep that out of var/.
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())



# --- helpers ---------------------------------------------------------------------------------

def _exactly(text: str) -> re.Pattern:
    """A label's whole text, with or without Django's label suffix (":")."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def _main(page: Page) -> Locator:
    return page.locator("main")


def _form_errors(page: Page) -> list[str]:
    return [t.strip() for t in
            _main(page).locator(".errorlist-box, .error, .message-error").all_inner_texts()]


def _click_and_wait(page: Page, target: Locator) -> None:
    """Click something that submits a form or follows a link; wait for the new page and make
    sure it reports no form errors."""
    with page.expect_navigation(wait_until="load"):
        target.click()
    errors = _form_errors(page)
    assert not errors, f"{page.url}: {errors}"


def _save(page: Page, name: str = "Save") -> None:
    _click_and_wait(page, _main(page).get_by_role("button", name=name, exact=True))


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = _main(page).locator("form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(DEMO_PASSWORD)
    _click_and_wait(page, form.get_by_role("button", name="Sign in"))
    expect(page.locator("header .whoami")).to_be_visible()


def _sign_out(page: Page) -> None:
    _click_and_wait(page, page.locator("header").get_by_role("button", name="Sign out"))
    assert "/accounts/login/" in page.url, page.url


def _open_plan(page: Page, base: str, title: str) -> None:
    """From the home page, through the main navigation and the plan list."""
    page.goto(f"{base}/")
    _click_and_wait(page, page.locator("nav.mainnav").get_by_role("link", name="Plans", exact=True))
    _click_and_wait(page, _main(page).get_by_role("link", name=title, exact=True))
    expect(_main(page).get_by_role("heading", level=1)).to_contain_text(title)


def _expect_state(page: Page, label: str) -> None:
    expect(_main(page).locator("h1 .state")).to_have_text(label)


def _next_step(page: Page, label: str) -> Locator:
    return _main(page).locator("section[aria-labelledby=next-steps]").get_by_role(
        "link", name=label, exact=True)


# --- the journey -----------------------------------------------------------------------------

def test_company_plan_from_needs_analysis_to_execution(page, live_server, demo_company,
                                                       http_cookies):
    from committee.models import Department, User
    from plans.models import Plan

    base = live_server.url
    page.set_default_timeout(15_000)
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(f"{r.status} {r.request.method} {r.url}")
            if r.status >= 500 else None)

    sales = Department.objects.get(code="sales")
    finance = Department.objects.get(code="finance")
    sales_head = User.objects.get(username="sales.head")
    period_start = dt.date(dt.date.today().year + 1, 1, 1)
    deadline = period_start + dt.timedelta(days=180)

    # 1. planning.spec1 creates a company plan ------------------------------------------------
    _sign_in(page, base, AUTHOR)
    _click_and_wait(page, page.locator("nav.mainnav").get_by_role("link", name="Plans", exact=True))
    _click_and_wait(page, _main(page).get_by_role("link", name="New plan"))
    form = _main(page).locator("form")
    form.get_by_label("Title").fill(PLAN_TITLE)
    form.get_by_label("Level").select_option("company")
    form.get_by_label(_exactly("Period")).select_option("annual")
    form.get_by_label("Period start").fill(period_start.isoformat())
    form.get_by_label("Summary").fill("Grow revenue in the mid-market through online channels.")
    _save(page)
    match = re.search(r"/plans/(\d+)/$", page.url)
    assert match, page.url
    plan = Plan.objects.get(pk=int(match.group(1)))
    assert plan.title == PLAN_TITLE and plan.author.username == AUTHOR
    _expect_state(page, "Needs analysis")

    # needs analysis: the market environment
    _click_and_wait(page, _main(page).get_by_role("link", name="Edit market environment"))
    form = _main(page).locator("form")
    form.get_by_label("Macro-economic data").fill("GDP growth 4.8 %; confidence index up.")
    form.get_by_label("Industry policy and regulation").fill("New consumer-protection rules.")
    form.get_by_label(_exactly("Market size")).fill("18500")
    form.get_by_label("Market size unit").fill("million CNY / year")
    form.get_by_label("Market growth rate (%)").fill("7.5")
    form.get_by_label("Market trends").fill("Mid-market customers move online.")
    form.get_by_label("Lessons from history").fill("Set weekly checkpoints for campaigns.")
    _save(page)
    analysis = _main(page).locator("#analysis")
    expect(analysis).to_contain_text("GDP growth 4.8 %")
    expect(analysis).to_contain_text("18500")

    # a SMART goal
    _click_and_wait(page, _main(page).get_by_role("link", name="Add goal"))
    form = _main(page).locator("form")
    form.get_by_label(_exactly("Goal")).fill("Grow mid-market revenue")
    form.get_by_label("Measure").fill("Revenue")
    form.get_by_label("Unit").fill("million CNY")
    form.get_by_label("Baseline").fill("120")
    form.get_by_label("Target").fill("150")
    form.get_by_label("Direction").select_option("higher")
    form.get_by_label("Deadline").fill(deadline.isoformat())
    _save(page)
    expect(_main(page).locator("#goals")).to_contain_text("Grow mid-market revenue")

    # needs analysis done → drafting
    _click_and_wait(page, _next_step(page, "Finish needs analysis, start drafting"))
    _main(page).get_by_label("Note").fill("Market environment and goal agreed.")
    _save(page)
    _expect_state(page, "Drafting")

    # the four strategies
    _click_and_wait(page, _main(page).get_by_role("link", name="Edit strategies"))
    form = _main(page).locator("form")
    form.get_by_label("Product strategy").fill("A mid-market edition with onboarding.")
    form.get_by_label("Price strategy").fill("Subscription pricing 5 % under Huaxin Tech.")
    form.get_by_label("Channel strategy").fill("Online shop plus two regional partners.")
    form.get_by_label("Promotion strategy").fill("Quarterly webinars and search advertising.")
    _save(page)
    expect(_main(page).locator("#strategies")).to_contain_text("Quarterly webinars")

    # an action item, owned by the sales head
    _click_and_wait(page, _main(page).get_by_role("link", name="Add action"))
    form = _main(page).locator("form")
    form.get_by_label(_exactly("Action")).fill("Launch the online shop")
    form.get_by_label("Responsible department").select_option(label=sales.name)
    form.get_by_label("Responsible person").select_option(label=str(sales_head))
    form.get_by_label("Deadline").fill(deadline.isoformat())
    form.get_by_label("Steps").fill("Choose a platform; migrate the catalogue; go live.")
    form.get_by_label("Resource needs").fill("Two developers for three months; 300k CNY.")
    form.get_by_label("Expected result").fill("20 % of mid-market revenue online.")
    form.get_by_label("Grow mid-market revenue").check()
    _save(page)
    actions = _main(page).locator("#actions")
    expect(actions).to_contain_text("Launch the online shop")
    expect(actions).to_contain_text(str(sales_head))

    # the cost budget, drafted with the plan (internal review needs it)
    page.goto(f"{base}/costs/plans/{plan.pk}/lines/new/")
    form = _main(page).locator("form")
    form.get_by_label("Category").select_option("marketing")
    form.get_by_label("Department").select_option(label=sales.name)
    form.get_by_label("Description").fill("Online shop platform and advertising")
    form.get_by_label("Basis of the estimate").select_option("market_price")
    form.get_by_label(_exactly("Amount")).fill("300000.00")
    _save(page)
    expect(_main(page).locator("#budget-lines")).to_contain_text("Online shop platform")
    page.goto(f"{base}/plans/{plan.pk}/")

    # drafting → internal review by Sales and Finance
    _click_and_wait(page, _next_step(page, "Submit for internal review"))
    form = _main(page).locator("form")
    form.get_by_label(_exactly(sales.name)).check()
    form.get_by_label(_exactly(finance.name)).check()
    form.get_by_label("Note to the reviewers").fill("Please check feasibility and budget.")
    _save(page)
    _expect_state(page, "Internal review")
    plan.refresh_from_db()
    assert (plan.state, plan.revision) == ("internal_review", 1)
    assert set(plan.reviews.values_list("department__code", flat=True)) == {"sales", "finance"}
    _sign_out(page)

    # 2. the heads of Sales and Finance approve ------------------------------------------------
    for username in REVIEWERS:
        _sign_in(page, base, username)
        _open_plan(page, base, PLAN_TITLE)
        _click_and_wait(page, _main(page).get_by_role("link", name=re.compile(r"^Review for ")))
        form = _main(page).locator("form")
        for aspect, score in (("feasibility", "4"), ("rationality", "5"),
                              ("innovation", "3"), ("risk", "4")):
            form.locator(f"#id_{aspect}").get_by_label(_exactly(score)).check()
        form.get_by_label("On feasibility").fill(f"{username}: achievable with the budget.")
        form.get_by_label("On risk").fill("Platform migration risk is handled.")
        form.locator("#id_verdict").get_by_label(_exactly("Approve")).check()
        _save(page, "Record the review")
        expect(_main(page).locator(".messages")).to_contain_text("review is recorded")
        _sign_out(page)
    assert set(plan.reviews.values_list("state", "verdict")) == {("done", "approve")}

    # 3. the author submits it to the committee ------------------------------------------------
    _sign_in(page, base, AUTHOR)
    _open_plan(page, base, PLAN_TITLE)
    _click_and_wait(page, _next_step(page, "Submit to the committee"))
    _main(page).get_by_label("Note").fill("Both reviews approve.")
    _save(page)
    _expect_state(page, "Committee approval")
    decision_section = _main(page).locator("#decision")
    expect(decision_section).to_contain_text("on revision 1")
    # the author has a conflict of interest: no vote form for them
    expect(decision_section.locator("#vote-form")).to_have_count(0)
    _sign_out(page)

    # 4. committee members vote until the vote closes by itself --------------------------------
    for number, username in enumerate(VOTERS, start=1):
        _sign_in(page, base, username)
        _open_plan(page, base, PLAN_TITLE)
        vote_form = _main(page).locator("#decision #vote-form")
        expect(vote_form).to_be_visible()
        vote_form.get_by_label(_exactly("Approve")).check()
        vote_form.get_by_label("Comment").fill(f"{username}: well argued, approve.")
        _click_and_wait(page, vote_form.get_by_role("button", name="Cast vote"))
        expect(_main(page).locator(".messages")).to_contain_text("Your vote is recorded")
        expect(_main(page).locator("#decision")).to_contain_text(f"Approve {number} ")
        if number < len(VOTERS):
            _expect_state(page, "Committee approval")
            _sign_out(page)

    # 5. the plan is in execution, on screen and in the database -------------------------------
    page.reload()
    _expect_state(page, "Execution")
    main = _main(page)
    expect(main).to_contain_text("approved revision 1 (frozen)")
    expect(main.locator("#decision")).to_contain_text("Approved")
    expect(main.locator("#decision #vote-form")).to_have_count(0)
    plan.refresh_from_db()
    assert plan.state == "execution"
    assert plan.approved_revision == 1

    history = main.locator("#history")
    for line in ("created the plan",
                 "started drafting · Needs analysis → Drafting",
                 "submitted for internal review · Drafting → Internal review",
                 "submitted to the committee · Internal review → Committee approval",
                 "approved (committee) · Committee approval → Execution"):
        expect(history).to_contain_text(line)
    expect(history.locator("li", has_text="recorded a review")).to_have_count(2)

    assert not server_errors, server_errors
