"""In a real browser: sign in as a demo person, land on the home page, switch to Chinese."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext, trans_real

DEMO_PASSWORD = "demo-browser-test-password-7"
DEMO_USER = "planning.manager"


@pytest.fixture(scope="module", autouse=True)
def _compiled_translations():
    """Compile locale/*.po to .mo (only stale ones) and drop this process's cached catalogues."""
    call_command("compile_translations")
    trans_real._translations = {}
    trans_real._default = None
    yield


@pytest.fixture
def demo_company(transactional_db, settings, tmp_path):
    # seed_demo writes the demo logins to VAR_DIR/demo-logins.txt: keep that out of var/.
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())


def test_sign_in_and_switch_to_simplified_chinese(page, live_server, demo_company, http_cookies):
    with translation.override("zh-hans"):
        home_zh = gettext("Home")
        sign_out_zh = gettext("Sign out")
    assert home_zh != "Home", "no Simplified Chinese translation for 'Home' in the catalogues"

    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/")
    assert re.search(r"/accounts/login/\?next=/$", page.url), page.url

    page.fill("input[name=username]", DEMO_USER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.card button[type=submit]")

    page.wait_for_url(f"{live_server.url}/")
    nav_home = page.locator("nav.mainnav a[href='/']")
    assert nav_home.inner_text().strip() == "Home"
    assert page.locator("html").get_attribute("lang") == "en"

    page.select_option("#language-select", "zh-hans")
    with page.expect_navigation():
        page.click("form.langswitch button[type=submit]")

    assert page.url == f"{live_server.url}/"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert nav_home.inner_text().strip() == home_zh
    assert page.locator("#language-select").input_value() == "zh-hans"
    sign_out = page.locator("form[action='/accounts/logout/'] button").inner_text()
    assert sign_out.strip() == sign_out_zh

    from committee.models import User

    assert User.objects.get(username=DEMO_USER).language == "zh-hans"
