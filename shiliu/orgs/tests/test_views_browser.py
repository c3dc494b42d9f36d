"""The flows a person clicks through, in Debian's chromium: area picker, filtering, reveal, phone-width menu.

Console errors fail the test, which also catches CSP violations (inline scripts or handlers).
"""

import pytest

from shiliu.core.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def page(browser_page):
    return browser_page(viewport=(390, 844))


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
