"""In Debian's chromium at phone width (390 px): a resident takes a knowledge quiz through its public link and sees
the score with the right answers; then the office sees the response on the quiz page. Console errors fail the test
(this also catches CSP violations)."""

import pytest

from shiliu.core.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_resident_takes_a_quiz_at_phone_width(browser_page, settings):
    from shiliu.orgs.tests.factories import Tree

    from .factories import knowledge_quiz

    settings.REQUESTS_PUBLIC_MIN_FILL_SECONDS = 1
    tree = Tree()
    quiz = knowledge_quiz(tree.office_a, area=tree.village_a)

    resident = browser_page(viewport=(390, 844))
    resident.goto(resident.base_url + f"/q/{quiz.token}/")
    assert resident.locator("#sidebar-menu").count() == 0
    width = resident.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width  # no sideways scrolling on a phone
    first, second = quiz.questions.order_by("sort")
    resident.check(f"[data-question='{first.pk}'] label:has-text('铸牢中华民族共同体意识') input")
    resident.check(f"[data-question='{second.pk}'] label:has-text('交往') input")
    resident.check(f"[data-question='{second.pk}'] label:has-text('交流') input")
    resident.wait_for_timeout(1200)  # the minimum fill time
    resident.click("[data-submit=public]")
    resident.wait_for_load_state("networkidle")
    assert resident.locator("[data-passed='1']").count() == 1, resident.content()[:2000]
    assert resident.locator("[data-correct]").count() == 3
    assert resident.errors == []

    office = browser_page()
    sign_in(office, "office_a")
    office.goto(office.base_url + f"/quizzes/{quiz.pk}/")
    assert office.locator("[data-figure='awareness_rate']").inner_text().strip() == "100.00%"
    assert office.errors == []
