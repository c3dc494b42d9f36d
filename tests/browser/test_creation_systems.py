"""An office builds an indicator system in the browser: a category with two items, reordered, one deleted after
the confirmation page, the points fixed, published, then cloned for the next year with its item mapping."""

import pytest

from shiliu.core.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def click_and_wait(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def fill_item(page, code, title, points):
    page.fill("input[name=code]", code)
    page.fill("input[name=title]", title)
    page.fill("input[name=points]", points)
    click_and_wait(page, "form.card .card-footer button[type=submit]")


def test_build_publish_and_clone_a_system(browser_page):
    from shiliu.creation.models import IndicatorSystem
    from shiliu.orgs.tests.factories import Tree

    Tree()
    page = browser_page()
    sign_in(page, "office_a")
    page.goto(page.base_url + "/creation/systems/new/")
    page.fill("input[name=name]", "东城区社区测评体系")
    page.select_option("select[name=target_kind]", "county")
    page.fill("input[name=total_points]", "20")
    page.fill("input[name=pass_line]", "18")
    page.fill("input[name=bonus_cap]", "0")
    click_and_wait(page, "form.card .card-footer button[type=submit]")
    system = IndicatorSystem.objects.get(name="东城区社区测评体系")
    assert page.url.endswith(f"/creation/systems/{system.pk}/")

    click_and_wait(page, "[data-action=add-category]")
    fill_item(page, "A", "党的领导", "20")
    for code, title in (("A1", "领导小组"), ("A2", "年度计划"), ("A3", "多余指标")):
        click_and_wait(page, "[data-item=A] [data-action=add-child]")
        fill_item(page, code, title, "10")
    codes = page.locator("[data-indicator-tree] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.item)"
    )
    assert codes == ["A", "A1", "A2", "A3"]

    # Reorder: A2 up.
    click_and_wait(page, "[data-item=A2] button[value=up]")
    codes = page.locator("[data-indicator-tree] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.item)"
    )
    assert codes == ["A", "A2", "A1", "A3"]

    # Delete asks on a page of its own first.
    click_and_wait(page, "[data-item=A3] [data-action=delete-item]")
    assert "多余指标" in page.locator(".alert-warning").inner_text()
    click_and_wait(page, "form.card .card-footer button[type=submit]")
    assert page.locator("[data-item=A3]").count() == 0

    click_and_wait(page, "[data-action=publish]")
    click_and_wait(page, "form.card .card-footer button[type=submit]")
    assert page.locator("[data-status=published]").count() == 1
    assert page.locator("[data-action=add-child]").count() == 0

    click_and_wait(page, "[data-action=clone]")
    click_and_wait(page, "form.card .card-footer button[type=submit]")
    assert "/mapping/" in page.url
    assert page.locator("[data-mapping-table] tbody tr").count() == 3
    click_and_wait(page, "form.card .card-footer button[type=submit]")
    clone = IndicatorSystem.objects.get(cloned_from=system)
    assert page.url.endswith(f"/creation/systems/{clone.pk}/") and clone.status == "draft"
    assert not page.errors, page.errors
