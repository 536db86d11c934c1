"""In a real browser: the head of Sales records a risk, assesses it and sees it on the heat
map; assessing it again moves it to another cell; the cell leads to the filtered register."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

DEMO_PASSWORD = "demo-browser-risks-password-8"
TITLE = "Browser journey: warehouse lease not renewed"


@pytest.fixture
def demo_company(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())



def _go(page: Page, target) -> None:
    with page.expect_navigation(wait_until="load"):
        target.click()
    errors = page.locator("main .errorlist-box, main .error, main .message-error")
    assert not errors.all_inner_texts(), f"{page.url}: {errors.all_inner_texts()}"


def _cell(page: Page, likelihood: int, impact: int):
    return page.locator(f'#heatmap-inherent td[data-likelihood="{likelihood}"]'
                        f'[data-impact="{impact}"]')


def _count(page: Page, likelihood: int, impact: int) -> int:
    return int(_cell(page, likelihood, impact).get_attribute("data-count"))


def _assess(page: Page, likelihood: int, impact: int) -> None:
    main = page.locator("main")
    _go(page, main.get_by_role("link", name="Assess inherent risk"))
    form = main.locator("form")
    form.get_by_label("Likelihood", exact=False).first.select_option(str(likelihood))
    form.locator("select[name=impact]").select_option(str(impact))
    _go(page, form.get_by_role("button", name="Save"))


def test_assess_a_risk_and_see_it_move_on_the_heat_map(page, live_server, demo_company,
                                                       http_cookies):
    base = live_server.url
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500
            else None)
    page.goto(f"{base}/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("Username").fill("sales.head")
    form.get_by_label("Password").fill(DEMO_PASSWORD)
    _go(page, form.get_by_role("button", name="Sign in"))

    nav = page.locator("nav.mainnav")
    _go(page, nav.get_by_role("link", name="Risks", exact=True))
    _go(page, page.locator("main nav.tabs").get_by_role("link", name="Heat map"))
    before_high, before_low = _count(page, 5, 4), _count(page, 1, 2)

    _go(page, nav.get_by_role("link", name="Risks", exact=True))
    _go(page, page.locator("main").get_by_role("link", name="Record a risk"))
    form = page.locator("main form")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Category").select_option("financial")
    form.get_by_label("Owner department").select_option(label="Sales 销售部")
    _go(page, form.get_by_role("button", name="Save"))
    expect(page.locator("main h1")).to_contain_text(TITLE)
    risk_url = page.url

    _assess(page, 5, 4)
    expect(page.locator("#inherent-level")).to_contain_text("Critical")
    page.goto(f"{base}/risks/heatmap/")
    assert _count(page, 5, 4) == before_high + 1
    expect(_cell(page, 5, 4)).to_contain_text("Critical")

    page.goto(risk_url)
    _assess(page, 1, 2)
    expect(page.locator("#inherent-level")).to_contain_text("Low")
    page.goto(f"{base}/risks/heatmap/")
    assert (_count(page, 5, 4), _count(page, 1, 2)) == (before_high, before_low + 1)

    # the cell leads to the register filtered to it, with our risk among its rows
    _go(page, _cell(page, 1, 2).get_by_role("link"))
    expect(page.locator("main table")).to_contain_text(TITLE)
    expect(page.locator("#risk-count")).to_contain_text(str(before_low + 1))
    assert not errors, errors
