"""A person's walk through the foundation: sign in, walk the tree, filter units, export Excel, read it back."""

import io

import openpyxl
import pytest

from shiliu.core.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_walk_tree_filter_units_export_and_read_back(browser_page):
    from shiliu.orgs.tests.factories import Tree

    tree = Tree()
    page = browser_page()
    sign_in(page, "city_office")
    assert "/accounts/login" not in page.url

    # Walk the tree from the city down to a village through the children tables and breadcrumbs.
    page.goto(page.base_url + f"/orgs/tree/?area={tree.city.pk}")
    children = page.locator("[data-area-children] tbody tr")
    assert children.count() == 2
    page.locator(f"[data-area-children] a[href='/orgs/tree/?area={tree.county_a.pk}']").click()
    page.wait_for_load_state("networkidle")
    page.locator(f"[data-area-children] a[href='/orgs/tree/?area={tree.town_a.pk}']").click()
    page.wait_for_load_state("networkidle")
    assert "团结社区" in page.locator("[data-area-children]").inner_text()
    crumbs = page.locator("ol.breadcrumb").last.inner_text()
    assert "石榴市" in crumbs and "东城区" in crumbs

    # Units of this township's subtree, then narrowed by type.
    page.goto(page.base_url + f"/orgs/units/?area={tree.county_a.pk}")
    assert page.locator("[data-row-id]").count() == 2
    page.select_option("select[name=unit_type]", "community")
    page.click("form.list-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("[data-row-id]")
    assert rows.count() == 1
    assert "团结社区居委会" in rows.first.inner_text()
    assert "13812345678" not in page.content()

    # Export what is on screen and read the file back.
    with page.expect_download() as download_info:
        page.click("[data-action=export]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True)
    sheet = workbook.worksheets[0]
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    flat = "\n".join(" ".join(str(c) for c in row if c is not None) for row in values)
    assert "团结社区居委会" in flat
    assert "东关街道中心小学" not in flat and "和睦村村委会" not in flat
    assert "13812345678" not in flat and "138****5678" in flat
    assert not page.errors, page.errors
