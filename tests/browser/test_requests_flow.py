"""In Debian's chromium: a resident submits a request through the public form; the office accepts and dispatches
it; the department signs for it, handles it and replies; the office verifies and closes it; the resident rates
it on the public rate page. And the grid worker's day list at phone width (375 px). Console errors fail the test
(this also catches CSP violations)."""

import pytest

from shiliu.core.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_action(page, slug):
    page.eval_on_selector(f"details[data-action-form={slug}]", "d => { d.open = true; }")


def submit_action(page, slug, fill=None):
    open_action(page, slug)
    form = page.locator(f"details[data-action-form={slug}] form")
    for name, value in (fill or {}).items():
        field = form.locator(f"[name='{slug}-{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    form.locator("[data-submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").count() == 1, page.content()[:3000]


def test_resident_submits_departments_handle_resident_rates(browser_page, settings, tmp_path):
    from shiliu.orgs.tests.factories import Tree
    from shiliu.service_requests.defaults import defaults_ensure
    from shiliu.service_requests.models import ServiceRequest

    settings.MEDIA_ROOT = tmp_path
    settings.REQUESTS_PUBLIC_MIN_FILL_SECONDS = 1
    defaults_ensure()
    tree = Tree()

    # The resident, without an account.
    resident = browser_page(viewport=(390, 844))
    resident.goto(resident.base_url + "/requests/public/new/")
    assert resident.locator("#sidebar-menu").count() == 0
    resident.select_option("select[name=category]", label="基础设施")
    # The place, level by level (the single province and city are taken on the way down).
    picker = "[data-area-picker] select[data-depth='{}']"
    resident.select_option(picker.format(2), label="东城区")
    resident.select_option(picker.format(4), label="团结社区")
    assert resident.input_value("input[name=area]") == str(tree.village_a.pk)
    resident.select_option(picker.format(5), label="团结社区第一网格")
    assert resident.input_value("input[name=area]") == str(tree.grid_a.pk)
    resident.fill("textarea[name=description]", "团结社区东门的路灯坏了一个多月，晚上出行很不安全。")
    resident.fill("input[name=requester_name]", "马小红")
    resident.fill("input[name=requester_phone]", "13700001111")
    resident.wait_for_timeout(1200)  # the minimum fill time
    resident.click("[data-submit=public]")
    resident.wait_for_load_state("networkidle")
    ticket = resident.locator("[data-ticket]").inner_text().strip()
    code = resident.locator("[data-rating-code]").inner_text().strip()
    request = ServiceRequest.objects.get(ticket=ticket)
    assert request.channel == "web" and len(code) == 6

    # The office accepts and dispatches to the education bureau.
    office = browser_page()
    sign_in(office, "office_a")
    office.goto(office.base_url + "/requests/")
    assert "13700001111" not in office.content()
    office.click(f"text={ticket}")
    office.wait_for_load_state("networkidle")
    assert "马小红" not in office.content()
    submit_action(office, "accept", {"note": "已受理，转教育局"})
    submit_action(office, "dispatch", {"department": tree.dept.pk, "note": "请办理"})
    request.refresh_from_db()
    assert request.status == "dispatched"

    # The department signs for it, handles it and replies.
    dept = browser_page()
    sign_in(dept, "dept")
    dept.goto(dept.base_url + f"/requests/{request.pk}/")
    submit_action(dept, "sign")
    submit_action(dept, "start")
    submit_action(dept, "reply", {"result": "resolved", "note": "路灯已更换，恢复照明。"})
    request.refresh_from_db()
    assert request.status == "replied"

    # The office verifies and closes.
    office.goto(office.base_url + f"/requests/{request.pk}/")
    submit_action(office, "verify", {"note": "电话回访核实"})
    submit_action(office, "close")
    timeline = office.locator("#timeline").inner_text()
    for word in ("已受理，转教育局", "路灯已更换"):
        assert word in timeline

    # The resident follows the ticket and rates the result once.
    resident.goto(resident.base_url + "/requests/public/lookup/?ticket=" + ticket)
    status = resident.locator("[data-public-status]").inner_text()
    assert "路灯已更换" in status and "dept" not in status and "office_a" not in status
    resident.click("[data-action=rate]")
    resident.wait_for_load_state("networkidle")
    resident.fill("input[name=rating_code]", code)
    resident.check("input[name=rating][value=satisfied]")
    resident.click("[data-submit=rate]")
    resident.wait_for_load_state("networkidle")
    request.refresh_from_db()
    assert request.rating == "satisfied"
    assert resident.locator("[data-action=rate]").count() == 0
    for page in (resident, office, dept):
        assert not page.errors, page.errors


def test_grid_worker_day_list_at_phone_width(browser_page, settings, tmp_path):
    from django.utils import timezone

    from shiliu.orgs.tests.factories import Tree
    from shiliu.service_requests.tests.factories import make_assignment, make_visit

    settings.MEDIA_ROOT = tmp_path
    tree = Tree()
    make_assignment(tree.grid_user, tree.grid_a)
    make_visit(
        tree.grid_user, tree.grid_a, visited_on=timezone.localdate(), households=9, notes="走访9户，一切正常"
    )
    page = browser_page(viewport=(375, 812))
    sign_in(page, "grid_a")
    page.goto(page.base_url + "/requests/visits/day/")
    assert page.locator("[data-day-visit]").count() == 1
    assert "走访9户" in page.locator("[data-day-visits]").inner_text()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, width
    # Recording the next visit works at that width too.
    page.click("[data-action=record-visit]")
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=grid]", str(tree.grid_a.pk))
    page.fill("input[name=households]", "6")
    page.click("form[data-visit-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-households]").inner_text().strip() == "6"
    wide = page.evaluate(
        "() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 376)"
        ".map(e => e.tagName + '.' + e.className + '#' + (e.name || '')).slice(0, 8)"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, wide
    assert not page.errors, page.errors


def test_ranking_chart_and_intake_page_run_under_the_csp(browser_page, settings, tmp_path):
    import datetime

    from django.utils import timezone

    from shiliu.orgs.tests.factories import Tree
    from shiliu.service_requests.models import RankingSettings
    from shiliu.service_requests.tests.factories import make_department, make_request, make_routing_rule

    settings.MEDIA_ROOT = tmp_path
    tree = Tree()
    other = make_department(tree.city, "石榴市人社局")
    now = timezone.now()
    for n, lead in enumerate([tree.dept, tree.dept, other]):
        make_request(
            tree.grid_a, status="closed", lead=lead, submitted_at=now - datetime.timedelta(days=2 + n)
        )
    RankingSettings.objects.create(area=tree.county_a, area_path=tree.county_a.path, min_requests=1)
    make_routing_rule("employment", tree.county_a, tree.dept)
    page = browser_page()
    sign_in(page, "office_a")
    page.goto(page.base_url + "/requests/ranking/")
    page.wait_for_selector("#ranking-chart svg")
    assert page.locator("[data-ranking-table] tbody tr").count() == 2
    assert page.locator("[data-formula]").count() == 4
    # The intake page: the routing hint is fetched by requests.js when the category changes.
    page.goto(page.base_url + "/requests/new/")
    page.eval_on_selector("input[name=area]", f"e => {{ e.value = '{tree.grid_a.pk}'; }}")
    page.select_option("select[name=category]", label="就业")
    page.wait_for_selector(f"[data-routing-suggestion='{tree.dept.pk}']")
    assert not page.errors, page.errors
