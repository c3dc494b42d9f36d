"""Survey-rate items read the platform's quizzes first: the policy-awareness rate of the unit's (or the area's)
knowledge quizzes in the year, or the satisfaction rate of questionnaires; entered survey evidence only when no
quiz was taken; quizzes link as evidence records through scope."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from shiliu.core.errors import NotVisible
from shiliu.creation import services
from shiliu.creation.evidence import suggest
from shiliu.creation.selectors import evidence_search
from shiliu.quizzes.models import Response
from shiliu.quizzes.tests.factories import answer, knowledge_quiz, questionnaire

from .factories import make_batch, make_candidate, make_system

pytestmark = pytest.mark.django_db
IN_2025 = timezone.make_aware(datetime.datetime(2025, 6, 1, 10, 0))


@pytest.fixture
def world(tree):
    system = make_system()
    candidate = make_candidate(tree.unit_user_a, make_batch(tree.county_a), unit=tree.unit_a)
    return tree, system, candidate


def took(quiz, picks_list, when=IN_2025):
    responses = [answer(quiz, *picks) for picks in picks_list]
    Response.objects.filter(pk__in=[r.pk for r in responses]).update(submitted_at=when)
    return responses


def test_awareness_rate_comes_from_the_units_knowledge_quizzes_of_the_year(world):
    tree, system, candidate = world
    b1 = system.indicators.get(code="B1")
    quiz = knowledge_quiz(tree.office_a, unit=tree.unit_a)
    right, wrong = ([0], [0, 2]), ([1], [1])
    took(quiz, [right, right, right, wrong])  # 3 of 4 pass
    took(quiz, [wrong], when=IN_2025.replace(year=2024))  # other year
    other = knowledge_quiz(tree.office_b, unit=tree.unit_b)
    took(other, [wrong, wrong])  # other unit
    s = suggest(user=tree.unit_user_a, indicator=b1, candidate=candidate)
    assert s.value == D("75.00") and s.points == 15  # linear from 60 % (0) to 90 % (30)
    assert s.figure.key == "awareness_rate" and s.figure.records.count() == 4
    assert {r.quiz_id for r in s.figure.records} == {quiz.pk}
    assert s.figure.breakdown["numerator"].value == 3 and s.figure.breakdown["denominator"].value == 4
    assert "/quizzes/" in s.figure.url and f"unit={tree.unit_a.pk}" in s.figure.url
    # Entered survey evidence does not override the platform's own responses.
    row = candidate.assessments.get(kind="self").item_scores.get(indicator=b1)
    services.evidence_add(actor=tree.unit_user_a, item_score=row, kind="survey", rate=95, sample_size=100)
    assert suggest(user=tree.unit_user_a, indicator=b1, candidate=candidate).value == D("75.00")


def test_satisfaction_items_read_questionnaires(world):
    tree, system, candidate = world
    b1 = system.indicators.get(code="B1")
    b1.source_params = {"rate": "satisfaction"}
    b1.save()
    quiz = questionnaire(tree.office_a, unit=tree.unit_a)
    # satisfied, basic, dissatisfied, "don't know" (not a rating): 2 of 3 ratings positive
    took(quiz, [([0], [0]), ([1], [1]), ([2], [2]), ([3], [0])])
    s = suggest(user=tree.unit_user_a, indicator=b1, candidate=candidate)
    assert s.value == D("66.67") and s.figure.key == "satisfaction_rate"
    assert s.figure.breakdown["denominator"].value == 3


def test_without_quiz_responses_the_entered_survey_counts(world):
    tree, system, candidate = world
    b1 = system.indicators.get(code="B1")
    knowledge_quiz(tree.office_a, unit=tree.unit_a)  # open, nobody took it
    s = suggest(user=tree.unit_user_a, indicator=b1, candidate=candidate)
    assert s.points is None and not s.available and "quiz" in s.basis
    row = candidate.assessments.get(kind="self").item_scores.get(indicator=b1)
    ev = services.evidence_add(
        actor=tree.unit_user_a, item_score=row, kind="survey", rate=75, sample_size=200
    )
    s = suggest(user=tree.unit_user_a, indicator=b1, candidate=candidate)
    assert s.value == 75 and list(s.figure.records) == [ev]


def test_a_quiz_links_as_evidence_through_scope(world):
    tree, system, candidate = world
    mine = knowledge_quiz(tree.office_a, unit=tree.unit_a, year=2025)
    knowledge_quiz(tree.office_b, unit=tree.unit_b, year=2025)
    rows = evidence_search(user=tree.unit_user_a, source="quiz", candidate=candidate)
    assert [r["id"] for r in rows] == [mine.pk] and rows[0]["content_type"] == "quizzes.quiz"
    assert rows[0]["url"].endswith(f"/quizzes/{mine.pk}/")
    row = candidate.assessments.get(kind="self").item_scores.get(indicator__code="B1")
    ev = services.evidence_link(
        actor=tree.unit_user_a, item_score=row, kind="survey", content_type="quizzes.quiz", object_id=mine.pk
    )
    assert ev.object_id == mine.pk
    foreign = knowledge_quiz(tree.office_b, unit=tree.unit_b, year=2025)
    with pytest.raises(NotVisible):  # a foreign record is "not found" through scope
        services.evidence_link(
            actor=tree.unit_user_a, item_score=row, kind="survey", content_type="quizzes.quiz",
            object_id=foreign.pk,
        )  # fmt: skip


def test_batch_quiz_rates_equal_the_single_ones(world):
    """The background gap lists (measure_many) give units and areas the same quiz rates as their gap list page."""
    from shiliu.creation.evidence import measure, measure_many
    from shiliu.creation.services.common import SYSTEM

    tree, _system, _candidate = world
    right, wrong = ([0], [0, 2]), ([1], [1])
    took(knowledge_quiz(tree.office_a, unit=tree.unit_a), [right, wrong, right])
    took(knowledge_quiz(tree.office_a, area=tree.village_a), [right])
    took(knowledge_quiz(tree.office_b, area=tree.county_b), [wrong])
    took(knowledge_quiz(tree.office_b, unit=tree.unit_b), [wrong], when=IN_2025.replace(year=2024))
    units = [
        (u.pk, u.area_id, u.area_path, u.unit_type.code) for u in (tree.unit_a, tree.unit_b, tree.unit_a2)
    ]
    areas = [tree.city, tree.county_a, tree.county_b, tree.village_a, tree.town_b]
    many = measure_many(user=SYSTEM, source="survey_rate", params={}, year=2025, units=units,
                        areas=[(a.pk, a.path) for a in areas])  # fmt: skip
    assert many == {
        f"u{tree.unit_a.pk}": D("66.67"),
        f"a{tree.city.pk}": D("60.00"),  # 3 of 5
        f"a{tree.county_a.pk}": D("75.00"),
        f"a{tree.county_b.pk}": D("0.00"),
        f"a{tree.village_a.pk}": D("75.00"),
    }  # units and areas without responses in the year have no rate at all
    for area in areas:
        single = measure(user=SYSTEM, source="survey_rate", params={}, unit=None, area=area, year=2025)
        value = single[0] if isinstance(single, tuple) else None
        assert many.get(f"a{area.pk}") == value, area.name
    single = measure(user=SYSTEM, source="survey_rate", params={}, unit=tree.unit_a, area=None, year=2025)
    assert single[0] == many[f"u{tree.unit_a.pk}"]
