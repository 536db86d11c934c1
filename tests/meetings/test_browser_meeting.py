"""In a real browser: the chair opens the weekly meeting, takes attendance, records a decision
and a follow-up action, ends the meeting and approves the minutes — through the pages only."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def _click_and_wait(page: Page, target) -> None:
    with page.expect_navigation(wait_until="load"):
        target.click()
    errors = page.locator("main .errorlist, main .message-error").all_inner_texts()
    assert not errors, f"{page.url}: {errors}"


def test_the_chair_runs_the_weekly_meeting_in_the_browser(page, live_server, transactional_db,
                                                          http_cookies, planning_manager,
                                                          unit_head, reviewer):
    from meetings import services
    from meetings.models import Meeting

    today = timezone.localdate()
    meeting, _ = services.schedule_weekly(today - dt.timedelta(days=today.weekday()))
    base = live_server.url
    page.set_default_timeout(15_000)
    server_errors: list[str] = []
    page.on("response", lambda r: server_errors.append(f"{r.status} {r.url}")
            if r.status >= 500 else None)
    main = page.locator("main")

    page.goto(f"{base}/accounts/login/")
    main.get_by_label("Username").fill(planning_manager.username)
    main.get_by_label("Password").fill(PASSWORD)
    _click_and_wait(page, main.get_by_role("button", name="Sign in"))

    _click_and_wait(page, page.locator("nav.mainnav").get_by_role("link", name="Meetings",
                                                                   exact=True))
    _click_and_wait(page, main.get_by_role("link", name=meeting.title, exact=True))
    _click_and_wait(page, main.get_by_role("button", name="Start the meeting"))
    expect(main.locator("dl.facts .state")).to_have_text("In progress")

    row = main.locator("#attendance tr", has_text=str(unit_head))
    row.get_by_label("Attendance").select_option("present")
    _click_and_wait(page, row.get_by_role("button", name="Set"))
    expect(main.locator("#attendance tr", has_text=str(unit_head))).to_contain_text("Present")

    _click_and_wait(page, main.get_by_role("link", name="Record a decision"))
    main.get_by_label(re.compile(r"^Decision")).fill("Hire a second forklift driver.")
    main.get_by_label(str(planning_manager), exact=True).check()
    main.get_by_label(str(unit_head), exact=True).check()
    _click_and_wait(page, main.get_by_role("button", name="Save"))
    expect(main.locator("#decisions")).to_contain_text("Hire a second forklift driver.")

    _click_and_wait(page, main.get_by_role("link", name="Add a follow-up action"))
    main.get_by_label(re.compile(r"^Action")).fill("Advertise the driver job")
    main.get_by_label(re.compile(r"^Owner")).select_option(label=str(unit_head))
    main.get_by_label(re.compile(r"^Due date")).fill((today + dt.timedelta(days=7)).isoformat())
    _click_and_wait(page, main.get_by_role("button", name="Save"))
    expect(main.locator("#follow-ups")).to_contain_text("Advertise the driver job")

    _click_and_wait(page, main.get_by_role("button", name="End the meeting, write up the "
                                                          "minutes"))
    _click_and_wait(page, main.get_by_role("button", name="Approve the minutes"))
    expect(main.locator("dl.facts .state")).to_have_text("Minutes approved")

    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.state == "minutes_approved"
    assert stored.participants.get(user=unit_head).attendance == "present"
    assert stored.decisions.get().decided_by.count() == 2
    assert stored.follow_ups.get().owner == unit_head
    assert not server_errors, server_errors
