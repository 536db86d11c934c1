"""In a real browser: three peers answer the 360-degree questionnaire (one through the link
without an account); the department head sees the peers' results only once the third answer
has arrived."""

from decimal import Decimal as D

from playwright.sync_api import Page, expect

from tests.browser import sign_in


def _answer(page: Page, url: str, rating: str, comment: str) -> None:
    page.goto(url)
    main = page.locator("main")
    for group in main.locator("fieldset, div.field").all():
        radios = group.get_by_role("radio")
        if radios.count():
            group.get_by_role("radio", name=rating, exact=True).check()
    main.get_by_label("Comment (optional)").fill(comment)
    with page.expect_navigation(wait_until="load"):
        main.get_by_role("button", name="Send my feedback").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Thank you")


def test_the_head_sees_peer_feedback_once_the_third_answer_arrives(
        page, live_server, transactional_db, http_cookies, author, unit_head, reviewer, sales):
    import datetime as dt

    from kpis import evaluation_services as ev
    from kpis.evaluation import CycleKind

    template = ev.template_save(actor=author, department=sales)
    ev.item_add(actor=author, template=template, kind="qualitative", title="Quality",
                weight=D(100))
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=dt.date(2026, 10, 1))
    evaluation = cycle.evaluations.get()
    base = live_server.url
    page.set_default_timeout(15_000)
    links = [ev.feedback_request(evaluation=evaluation, actor=author, group="peer",
                                 external_email=f"peer{n}@example.com") for n in range(3)]

    _answer(page, f"{base}/kpis/feedback/{links[0].token}/", "4", "Reliable partner.")
    _answer(page, f"{base}/kpis/feedback/{links[1].token}/", "5", "Quick answers.")

    sign_in(page, base, unit_head.username)
    page.goto(f"{base}{evaluation.get_absolute_url()}")
    peers = page.locator("#feedback tr", has_text="Peers")
    expect(peers).to_contain_text("Hidden until three answers")
    expect(page.locator("#feedback")).not_to_contain_text("Reliable partner.")

    context = page.context.browser.new_context()
    other = context.new_page()
    other.set_default_timeout(15_000)
    _answer(other, f"{base}/kpis/feedback/{links[2].token}/", "3", "Meetings run long.")
    context.close()

    page.reload()
    peers = page.locator("#feedback tr", has_text="Peers")
    expect(peers).to_contain_text("Delivers on agreed goals: 4.00")
    expect(peers).to_contain_text("Reliable partner.")
    expect(peers).to_contain_text("Meetings run long.")
