"""In a real browser: an auditor opens the audit trail from the navigation, filters the
history by action and dates, sees only the matching rows, and exports them to CSV."""

import csv
import datetime as dt
import io
import re
from unittest import mock

from django.utils import timezone
from playwright.sync_api import Page, expect

from opsplan.audit import record
from tests.browser import screenshot_path, sign_in
from tests.plans import builders


def _label(text):
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def _on(day, **kwargs):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(11, 30)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return record(**kwargs)


def test_an_auditor_filters_the_history_and_exports_it(
        transactional_db, page: Page, live_server, http_cookies, auditor, author, chair,
        committee_member):
    plan = builders.new_plan(author, title="Coastal expansion")
    _on(dt.date(2026, 5, 4), actor=chair, action="committee.vote.cast", subject=plan,
        data={"choice": "approve"})
    _on(dt.date(2026, 5, 6), actor=committee_member, action="committee.vote.cast",
        subject=plan, data={"choice": "reject"})
    _on(dt.date(2026, 6, 1), actor=chair, action="committee.vote.cast", subject=plan,
        data={"choice": "abstain"})
    _on(dt.date(2026, 5, 5), actor=chair, action="committee.decision.close", subject=plan)

    base = live_server.url
    sign_in(page, base, auditor.username)

    with page.expect_navigation(wait_until="load"):
        page.get_by_role("navigation", name="Main navigation").get_by_role(
            "link", name="Audit trail").click()
    expect(page.locator("h1")).to_have_text("Audit trail")
    main = page.locator("main")
    main.get_by_label(_label("Action taken")).fill("committee.vote")
    main.get_by_label(_label("From")).fill("2026-05-01")
    main.get_by_label(_label("Until")).fill("2026-05-31")
    with page.expect_navigation(wait_until="load"):
        main.get_by_role("button", name="Filter", exact=True).click()

    rows = page.locator("#audit-events tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#event-count")).to_have_text("2 events")
    expect(rows.nth(0)).to_contain_text("2026-05-06")
    expect(rows.nth(1)).to_contain_text("2026-05-04")
    for index in range(2):
        expect(rows.nth(index)).to_contain_text("committee.vote.cast")
        expect(rows.nth(index)).to_contain_text("Coastal expansion")
    expect(page.locator("#audit-events")).not_to_contain_text("committee.decision.close")
    expect(page.locator("#audit-events")).not_to_contain_text("abstain")
    page.screenshot(path=screenshot_path("audit-trail"), full_page=True)

    with page.expect_download() as download_info:
        main.get_by_role("link", name="Export to CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("audit-trail-")
    with open(download.path(), encoding="utf-8-sig") as exported_file:
        text = exported_file.read()
    exported = list(csv.reader(io.StringIO(text)))
    assert [row[2] for row in exported[1:]] == ["committee.vote.cast", "committee.vote.cast"]
    assert [row[0][:10] for row in exported[1:]] == ["2026-05-06", "2026-05-04"]
