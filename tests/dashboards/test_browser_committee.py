"""In a real browser: a committee member opens the committee dashboard, votes "approve" with a
comment from the approval inbox, and the row changes in place (htmx) without a page reload."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from committee.models import Decision, Vote
from meetings.models import Meeting
from plans import services as plan_services
from tests.browser import screenshot_path, sign_in
from tests.plans import builders
from tests.risks import builders as risks


def test_a_member_votes_from_the_inbox_without_a_page_reload(
        transactional_db, page, live_server, http_cookies, author, reviewer, marketing, sales,
        unit_staff, chair, committee_member):
    plan = builders.in_review(author, [marketing], sales, unit_staff, title="Growth plan")
    plan = builders.approve_reviews(plan, {marketing.pk: reviewer})
    plan = plan_services.plan_submit_to_committee(plan=plan, actor=author)
    decision = Decision.objects.about(plan).get(state="open")
    risks.assessed(reviewer, marketing, likelihood=5, impact=4, title="Key distributor leaves")
    start = timezone.now() + dt.timedelta(days=3)
    Meeting.objects.create(kind="monthly", slot="dashboard-journey", title="Monthly summary",
                           starts_at=start, ends_at=start + dt.timedelta(hours=2), chair=chair)

    base = live_server.url
    sign_in(page, base, committee_member.username)

    page.goto(f"{base}/dashboards/committee/")
    row = page.locator(f"#inbox-row-{decision.pk}")
    expect(row).to_contain_text("Growth plan (r1)")
    expect(row).to_contain_text("Plan approval")
    expect(page.locator("#panel-cost-variance")).to_be_visible()
    expect(page.locator("#panel-top-risks")).to_contain_text("Key distributor leaves")
    expect(page.locator("#panel-next-meetings")).to_contain_text("Monthly summary")
    # a marker that a full page load would wipe out
    page.evaluate("window.__noReload = 'still here'")

    row.get_by_label("Approve").check()
    row.get_by_label("Comment").fill("Well argued, go ahead.")
    with page.expect_response(lambda r: f"/decisions/{decision.pk}/vote/" in r.url
                              and r.request.method == "POST") as answer:
        row.get_by_role("button", name="Cast vote").click()
    assert answer.value.status == 200

    expect(page.locator(f"#inbox-row-{decision.pk}")).to_contain_text(
        "Your vote is recorded: Approve.")
    expect(page.locator(f"#inbox-row-{decision.pk}")).to_contain_text("Well argued, go ahead.")
    expect(page.locator(f"#inbox-row-{decision.pk} form")).to_have_count(0)
    assert page.evaluate("window.__noReload") == "still here"
    assert page.url == f"{base}/dashboards/committee/"

    vote = Vote.objects.get(decision=decision, voter=committee_member)
    assert (vote.choice, vote.comment) == ("approve", "Well argued, go ahead.")
    page.screenshot(path=screenshot_path("committee-dashboard"), full_page=True)
