"""The flows a person clicks through, in Debian's chromium: area picker, filtering, reveal, phone-width menu.

Console errors fail the test, which also catches CSP violations (inline scripts or handlers).
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("SHILIU_CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(live_server):
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        context.set_default_timeout(15000)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.base_url = live_server.url
        yield page
        browser.close()


def sign_in(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Test-Passw0rd!")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_pick_area_filter_units_and_reveal_a_phone(page):
    from shiliu.core.models import PersonalDataAccess
    from shiliu.orgs.tests.factories import Tree

    tree = Tree()
    sign_in(page, "city_office")
    page.goto(page.base_url + "/orgs/units/")
    assert page.locator("[data-row-id]").count() == 4

    page.click("[data-area-toggle]")
    page.click("[data-area-expand]")
    page.click("[data-area-pick][data-label=东城区]")
    assert page.input_value("input[name=area]") == str(tree.county_a.pk)
    assert page.locator(".area-picker-panel").is_hidden()
    page.click("form.list-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-row-id]").count() == 2
    assert "13812345678" not in page.content()

    page.click("text=团结社区居委会")
    page.wait_for_load_state("networkidle")
    page.locator("[data-reveal] button").nth(1).click()
    page.wait_for_selector("[data-revealed]")
    assert "13812345678" in page.locator("[data-revealed]").inner_text()
    assert PersonalDataAccess.objects.filter(user=tree.city_office, field="contact_phone").count() == 1

    # At phone width the menu is collapsed behind the toggler.
    assert page.locator("#sidebar-menu").is_hidden()
    page.click(".navbar-toggler")
    page.wait_for_selector("#sidebar-menu a[href='/orgs/units/']", state="visible")
    assert not page.errors, page.errors
