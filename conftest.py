import os
import shutil

import pytest

CHROMIUM = os.environ.get("SHILIU_CHROMIUM", "/usr/bin/chromium")
# The flags this machine kind needs: no sandbox as root, no GPU, and no background traffic to a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def tree(db):
    from shiliu.orgs.tests.factories import Tree

    return Tree()


@pytest.fixture(scope="session")
def chromium():
    """Playwright (Python) driving Debian's chromium; skipped where chromium is missing (.ci/run installs it)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls in test bodies stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh context per test; console errors (including CSP violations) are collected in ``page.errors``."""

    def open_page(viewport=(1280, 900)):
        context = chromium.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.base_url = live_server.url
        contexts.append(context)
        return page

    contexts = []
    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called outside a request (services, selectors) runs in English in every test, as after the test
    database's set-up (management commands activate en-us). Without this, LocaleMiddleware leaves the language of the
    last request (zh-Hans by default) active in the thread, and messages would depend on test order. Requests still
    pick their own language (zh-Hans by default)."""
    from django.utils import translation

    translation.activate("en-us")
    yield
    translation.activate("en-us")
