"""Browser-test fixtures (Playwright with Debian's Chromium).

Registered from ``tests/conftest.py`` (``pytest_plugins``). Playwright's own browser download is
not used: every launch goes to the system Chromium. Where that executable is missing the browser
tests skip with a reason on a newcomer's machine and fail in CI (OPSPLAN_REQUIRE_SERVICES=1).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("OPSPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# pytest-playwright's fixtures that start a browser: a test using any of them is a browser test.
BROWSER_FIXTURES = frozenset({"page", "context", "new_context", "browser", "launch_browser"})


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _require_chromium() -> None:
    if not chromium_available():
        from tests.conftest import require_service  # lazily: conftest imports this module

        require_service(f"Chromium at {CHROMIUM}")


def pytest_configure(config):
    # pytest-playwright 0.10 defines its session-scoped ``base_url`` fixture as an instance
    # method, which pytest 9 reports as deprecated on every browser test; not ours to fix.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods are deprecated"
        ":pytest.PytestRemovedIn10Warning",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test that drives a browser ``browser`` (so ``-m "not browser"`` works)."""
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _browser_marker_needs_chromium(request):
    """A test marked ``browser`` that starts no browser itself still needs Chromium present."""
    if request.node.get_closest_marker("browser") is not None:
        _require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at the system Chromium.

    Session-scoped fixtures are set up before function-scoped ones, so the Chromium check lives
    here too: the skip (or CI failure) is raised once and repeated for every browser test.
    """
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*CHROMIUM_ARGS, *browser_type_launch_args.get("args", [])],
    }


ARTEFACTS = Path(os.environ.get("OPSPLAN_ARTEFACTS",
                                Path(__file__).resolve().parent.parent / "test-results"))


def screenshot_path(name: str) -> str:
    """Where a browser test saves a screenshot kept as a run artefact (test-results/ by
    default, or OPSPLAN_ARTEFACTS; .ci/run checks the dashboards' screenshots are there)."""
    folder = ARTEFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{name}.png")


@pytest.fixture
def http_cookies(settings):
    """Cookies are Secure when DEBUG is off (as in tests) and live_server speaks plain http:
    browser tests that sign in use this so the session and CSRF cookies come back. (Chromium
    keeps Secure cookies for http://localhost, other browsers and hosts need not; both
    settings are read per response, so the override reaches the live server thread.)"""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def sign_in(page, base: str, username: str) -> None:
    """Sign in through the login form, as a person would."""
    from tests.factories import PASSWORD

    page.goto(f"{base}/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        form.get_by_role("button", name="Sign in").click()
