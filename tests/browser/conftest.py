"""Browser tests: Playwright for Python driving Debian's chromium against a live server.

`npx playwright install` cannot download here, so the browser is the system's
(/usr/bin/chromium, installed by `make system-packages`; CHROMIUM overrides the path).
Every page the browser loads is watched: a request to any host but the live server fails
the test, because the product must work in an intranet with no internet.
Each test leaves a screenshot in test-artifacts/screenshots/ (not committed).
"""
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
# from it unless told that this thread is a plain test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The live server runs report reads on the "replica" test mirror (chamber.db_router).
            item.add_marker(pytest.mark.django_db(transaction=True, databases=["default", "replica"]))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: run `make system-packages` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-default-apps"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) at desktop size, failing on outside requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    own_host = urlsplit(live_server.url).netloc
    outside = []

    def guard(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own_host:
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert outside == [], f"pages asked for outside resources: {outside}"


@pytest.fixture
def log_in():
    """`log_in(page, username)` through the real log-in form."""

    def do(page, username, password=PASSWORD, next_path="/"):
        page.goto(f"{page.base_url}/accounts/login/?next={next_path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("#main form button[type=submit]")
        page.wait_for_load_state()

    return do
