"""In Debian's chromium: a unit liaison records an activity with a photo; the county office sees it and opens the
photo; the sibling county's office sees nothing. Console errors fail the test (this also catches CSP violations)."""

import pytest

from shiliu.core.testing import sign_in

from .factories import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_liaison_records_an_activity_with_a_photo_seen_by_its_county_only(browser_page, settings, tmp_path):
    from shiliu.activities.models import Activity
    from shiliu.activities.services import activity_types_ensure_defaults
    from shiliu.core.attachments import attachments_of
    from shiliu.orgs.tests.factories import Tree

    settings.MEDIA_ROOT = tmp_path
    activity_types_ensure_defaults()
    Tree()

    liaison = browser_page()
    sign_in(liaison, "unit_a")
    liaison.goto(liaison.base_url + "/activities/")
    liaison.click("[data-action=create]")
    liaison.wait_for_load_state("networkidle")
    liaison.fill("input[name=title]", "石榴籽家园中秋联欢")
    liaison.select_option("select[name=activity_type]", label="节庆活动")
    liaison.fill("input[name=start_date]", "2026-09-25")
    liaison.fill("input[name=participants]", "120")
    liaison.set_input_files(
        "input[name=photo]",
        files=[{"name": "合影.png", "mimeType": "image/png", "buffer": png_bytes(32, 24)}],
    )
    liaison.click("form.card button[type=submit]")
    liaison.wait_for_load_state("networkidle")
    activity = Activity.objects.get(title="石榴籽家园中秋联欢")
    assert liaison.url.endswith(f"/activities/{activity.pk}/")
    assert attachments_of(activity).count() == 1
    assert liaison.locator("[data-attachment]").count() == 1
    assert not liaison.errors, liaison.errors

    office = browser_page()
    sign_in(office, "office_a")
    office.goto(office.base_url + "/activities/")
    office.click("text=石榴籽家园中秋联欢")
    office.wait_for_load_state("networkidle")
    thumb_width = office.locator("[data-attachment] img").evaluate("img => img.naturalWidth")
    assert thumb_width == 32
    office.locator("[data-attachment] a[data-attachment-link]").last.click()
    office.wait_for_load_state("load")
    assert office.evaluate("document.contentType") == "image/png"
    assert not office.errors, office.errors

    sibling = browser_page()
    sign_in(sibling, "office_b")
    sibling.goto(sibling.base_url + "/activities/")
    assert "石榴籽家园中秋联欢" not in sibling.content()
    assert sibling.locator("[data-row-id]").count() == 0
    response = sibling.goto(sibling.base_url + f"/activities/{activity.pk}/")
    assert response.status == 404
    photo = attachments_of(activity).get()
    assert sibling.goto(sibling.base_url + f"/attachments/{photo.pk}/").status == 404
