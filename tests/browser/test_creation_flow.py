"""A walk from self-assessment to naming: the unit liaison opens the candidacy, scores every item with a note,
uploads evidence and submits; the county office above reviews, recommends, records the site visit, sets the final
score, opens the public notice, approves and names; the title then appears in the title list."""

import datetime

import pytest
from django.utils import timezone

from shiliu.core.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def click_and_wait(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def submit_form(page):
    click_and_wait(page, "form.card .card-footer button[type=submit]")


def test_self_assessment_to_naming(browser_page, tmp_path, settings):
    from shiliu.creation.models import Candidate, Evidence, Title
    from shiliu.creation.tests.factories import make_batch, make_system
    from shiliu.orgs.tests.factories import Tree

    settings.MEDIA_ROOT = tmp_path
    tree = Tree()
    make_system()
    batch = make_batch(tree.county_a)
    today = timezone.localdate()

    # ---- the unit liaison
    page = browser_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "unit_a")
    page.goto(page.base_url + f"/creation/candidates/new/?batch={batch.pk}")
    submit_form(page)  # batch, area and unit are prefilled for a unit liaison
    candidate = Candidate.objects.get(unit=tree.unit_a)
    assert page.url.endswith(f"/creation/candidates/{candidate.pk}/")
    click_and_wait(page, "[data-assessment=self]")

    inputs = page.locator("input[name^=points_]")
    assert inputs.count() == 5
    for index in range(inputs.count()):
        field = inputs.nth(index)
        field.fill(field.get_attribute("max"))
    page.fill("[data-item=A1] textarea", "领导小组已成立，年度计划已印发")
    click_and_wait(page, "[data-action=save-scores]")
    assert page.locator("[data-total-score]").inner_text().strip().startswith("100")

    click_and_wait(page, "[data-item=A1] [data-action=add-evidence]")
    page.select_option("select[name=kind]", "document")
    page.fill("input[name=title]", "年度工作计划")
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("input[type=file][name=file]", str(pdf))
    click_and_wait(page, "[data-evidence-form] button[type=submit]")
    assert "年度工作计划" in page.locator("[data-item=A1]").inner_text()
    assert Evidence.objects.filter(item_score__assessment__candidate=candidate).count() == 1

    click_and_wait(page, "[data-step=submit]")
    submit_form(page)
    candidate.refresh_from_db()
    assert candidate.stage == "submitted"
    assert page.locator("[data-stage=submitted]").count() == 1

    # ---- the county office above
    office = browser_page()
    office.on("dialog", lambda dialog: dialog.accept())
    sign_in(office, "office_a")
    detail = office.base_url + f"/creation/candidates/{candidate.pk}/"
    office.goto(detail)
    click_and_wait(office, "[data-step=recommend]")
    office.fill("textarea[name=reason]", "材料齐全，同意推荐")
    submit_form(office)
    click_and_wait(office, "[data-step=start_review]")
    submit_form(office)

    click_and_wait(office, "[data-action=review]")
    scores = office.locator("input[name^=points_]")
    for index in range(scores.count()):
        field = scores.nth(index)
        field.fill(field.get_attribute("max"))
    click_and_wait(office, "button[name=submit]")
    assert office.url == detail

    click_and_wait(office, "[data-step=start_site_assessment]")
    submit_form(office)
    click_and_wait(office, "[data-step=site_visit]")
    office.fill("input[name=visit_date]", (today - datetime.timedelta(days=25)).isoformat())
    office.fill("textarea[name=team]", "县创建办评审组")
    office.select_option("select[name=method]", "unannounced")
    office.fill("textarea[name=findings]", "台账齐全，群众知晓率高")
    submit_form(office)
    assert "台账齐全" in office.locator("#site-visits").inner_text()

    click_and_wait(office, "[data-step=finalize]")
    office.fill("textarea[name=reason]", "取评审平均分")
    submit_form(office)
    assert office.locator("[data-final-score]").inner_text().strip().startswith("105")  # 100 + bonus 5

    click_and_wait(office, "[data-step=open_notice]")
    office.fill("input[name=start_date]", (today - datetime.timedelta(days=20)).isoformat())
    office.fill("input[name=end_date]", (today - datetime.timedelta(days=10)).isoformat())
    office.fill("input[name=channel]", "区政府网站")
    submit_form(office)

    click_and_wait(office, "[data-step=approve]")
    submit_form(office)
    click_and_wait(office, "[data-step=name]")
    office.fill("input[name=document_number]", "东城创〔2026〕5号")
    office.fill("input[name=named_on]", today.isoformat())
    submit_form(office)
    assert office.locator("[data-stage=named]").count() == 1
    timeline = office.locator("#timeline").inner_text()
    assert "材料齐全，同意推荐" in timeline

    title = Title.objects.get(candidate=candidate)
    office.goto(office.base_url + "/creation/titles/")
    rows = office.locator("[data-row-id]")
    assert rows.count() == 1 and "团结社区居委会" in rows.first.inner_text()
    assert "东城创〔2026〕5号" in rows.first.inner_text()
    click_and_wait(office, f"[data-row-id='{title.pk}'] a")
    assert office.locator("[data-title-status=active]").count() == 1

    # The unit liaison sees the title too, and the gap list prints as a to-do list.
    page.goto(page.base_url + "/creation/titles/")
    assert page.locator("[data-row-id]").count() == 1
    page.goto(page.base_url + f"/creation/candidates/{candidate.pk}/gaps/?print=1")
    assert page.locator("[data-gap-print]").count() == 1
    assert not page.errors, page.errors
    assert not office.errors, office.errors
