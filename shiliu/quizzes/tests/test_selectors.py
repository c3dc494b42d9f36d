"""Quiz selectors: lists by filter and scope, figures equal to independent counts, records equal to the list rows."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shiliu.quizzes import selectors
from shiliu.quizzes.choices import QuizKind
from shiliu.quizzes.models import Answer, Response

from .factories import answer, knowledge_quiz, questionnaire


@pytest.fixture
def data(tree):
    tree.k_a = knowledge_quiz(tree.office_a, area=tree.village_a)  # county A
    tree.q_a = questionnaire(tree.unit_user_a, unit=tree.unit_a)  # county A, unit A
    tree.k_b = knowledge_quiz(tree.office_b, area=tree.village_b)  # county B
    for picks in ([0], [0, 2]), ([0], [0, 2]), ([0], [0]), ([1], [1]):  # 2 of 4 passed
        answer(tree.k_a, *picks)
    for picks in ([0], [0]), ([1], [1]), ([2], [2]), ([3], [0, 1]), ([0], [2]):  # 4 ratings, 3 positive
        answer(tree.q_a, *picks)
    answer(tree.k_b, [0], [0, 2])
    return tree


def ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_quiz_list_filters_and_scope(data):
    city = data.city_office
    assert ids(selectors.quiz_list(user=city)) == sorted([data.k_a.pk, data.q_a.pk, data.k_b.pk])
    assert ids(selectors.quiz_list(user=data.office_a)) == sorted([data.k_a.pk, data.q_a.pk])
    assert ids(selectors.quiz_list(user=data.unit_user_a)) == [data.q_a.pk]
    assert ids(selectors.quiz_list(user=city, filters={"kind": "questionnaire"})) == [data.q_a.pk]
    assert ids(selectors.quiz_list(user=city, filters={"area": data.county_b.pk})) == [data.k_b.pk]
    assert ids(selectors.quiz_list(user=city, filters={"unit": data.unit_a.pk})) == [data.q_a.pk]
    assert ids(selectors.quiz_list(user=city, filters={"status": "closed"})) == []
    assert ids(selectors.quiz_list(user=city, filters={"status": "bogus"})) == []
    assert len(ids(selectors.quiz_list(user=city, filters={"year": data.k_a.year}))) == 3
    assert ids(selectors.quiz_list(user=city, filters={"q": "满意度"})) == [data.q_a.pk]
    assert ids(selectors.quiz_list(user=data.office_a, filters={"area": data.county_b.pk})) == []
    by_title = list(selectors.quiz_list(user=city, filters={"sort": "title"}).values_list("title", flat=True))
    assert by_title == sorted(by_title)


def test_sibling_area_sees_nothing(data):
    assert not selectors.quiz_list(user=data.office_b, filters={"kind": "questionnaire"}).exists()
    assert ids(selectors.response_list(user=data.office_b)) == ids(Response.objects.filter(quiz=data.k_b))
    figures = selectors.quiz_figures(user=data.office_b, area=data.county_a)
    assert figures["responses"].value == 0 and figures["awareness_rate"].value is None
    assert not figures["quizzes"].records.exists()


def test_response_list_filters(data):
    city = data.city_office
    assert selectors.response_list(user=city, filters={"quiz": data.k_a.pk}).count() == 4
    assert selectors.response_list(user=city, filters={"kind": "knowledge", "passed": "1"}).count() == 3
    assert (
        selectors.response_list(user=city, filters={"area": data.county_a.pk, "passed": "0"}).count() == 2 + 5
    )
    assert selectors.response_list(user=city, filters={"rating": "dissatisfied"}).count() == 1
    option = data.q_a.questions.order_by("sort").first().options.order_by("sort").first()
    assert selectors.response_list(user=city, filters={"option": option.pk}).count() == 2
    today = timezone.localdate()
    assert selectors.response_list(user=city, filters={"date_from": today, "date_to": today}).count() == 10
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert selectors.response_list(user=city, filters={"date_from": tomorrow}).count() == 0
    assert selectors.response_list(user=city, filters={"date_from": "not-a-date"}).count() == 0
    assert selectors.response_list(user=data.unit_user_a).count() == 5


def test_figures_equal_independent_counts(data):
    figures = selectors.quiz_figures(user=data.city_office)
    responses = Response.objects.all()
    knowledge = responses.filter(quiz__kind=QuizKind.KNOWLEDGE)
    assert figures["quizzes"].value == 3
    assert figures["responses"].value == responses.count() == 10
    passed, total = knowledge.filter(passed=True).count(), knowledge.count()
    assert (passed, total) == (3, 5)
    assert figures["awareness_rate"].value == Decimal("60.00")
    survey = responses.filter(quiz__kind=QuizKind.QUESTIONNAIRE)
    positive = sum(r.satisfied + r.basic for r in survey)
    ratings = sum(r.satisfied + r.basic + r.dissatisfied for r in survey)
    # independent count over the stored answers
    rated = Answer.objects.filter(response__in=survey).exclude(option__satisfaction="")
    assert ratings == rated.count() == 4
    assert positive == rated.exclude(option__satisfaction="dissatisfied").count() == 3
    assert figures["satisfaction_rate"].value == Decimal("75.00")
    breakdown = figures["satisfaction_rate"].breakdown
    assert (breakdown["numerator"].value, breakdown["denominator"].value) == (3, 4)
    assert "÷" in str(breakdown["formula"])


def test_figure_records_equal_the_list_rows_behind_their_links(data):
    client = Client()
    client.force_login(data.office_a)
    figures = selectors.quiz_figures(user=data.office_a, area=data.county_a)
    pairs = [
        figures["quizzes"],
        figures["responses"],
        figures["awareness_rate"],
        figures["satisfaction_rate"],
    ]
    for key in ("awareness_rate", "satisfaction_rate"):
        pairs += [figures[key].breakdown["numerator"], figures[key].breakdown["denominator"]]
    for figure in pairs:
        response = client.get(figure.url)
        assert response.status_code == 200, figure.key
        rows = sorted(int(pk) for pk in re.findall(r'data-row-id="(\d+)"', response.content.decode()))
        assert rows == ids(figure.records), figure.key
    assert ids(figures["awareness_rate"].records) == ids(Response.objects.filter(quiz=data.k_a))
    assert ids(figures["awareness_rate"].breakdown["numerator"].records) == ids(
        Response.objects.filter(quiz=data.k_a, passed=True)
    )


def test_figures_by_unit_and_period(data):
    figures = selectors.quiz_figures(user=data.city_office, unit=data.unit_a)
    assert figures["quizzes"].value == 1 and figures["responses"].value == 5
    assert figures["awareness_rate"].value is None
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = selectors.quiz_figures(user=data.city_office, start=tomorrow, end=tomorrow)
    assert later["responses"].value == 0 and later["satisfaction_rate"].value is None
    assert later["quizzes"].value == 3  # their dates overlap tomorrow
    Response.objects.filter(quiz=data.k_b).update(submitted_at=timezone.now() + datetime.timedelta(days=1))
    later = selectors.quiz_figures(user=data.city_office, start=tomorrow, end=tomorrow)
    assert later["responses"].value == 1 and later["awareness_rate"].value == Decimal("100.00")


def test_figure_urls_open_the_response_list(data):
    figures = selectors.quiz_figures(user=data.city_office, area=data.county_a)
    assert figures["awareness_rate"].url.startswith(reverse("quizzes:response_list"))
    assert "passed=1" in figures["awareness_rate"].breakdown["numerator"].url
