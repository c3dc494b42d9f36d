"""The quizzes JSON API through HTTP (the site's /api/ mount): scoped lists and details, anonymous responses,
the figures (the same numbers and drill-down lists as the web pages) and a quiz's results."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from shiliu.accounts.models import ApiToken
from shiliu.quizzes import selectors
from shiliu.quizzes.models import Response

from .factories import answer, knowledge_quiz, options_of, questionnaire

pytestmark = pytest.mark.django_db

RESPONSE_FIELDS = {"id", "quiz", "submitted_at", "correct", "questions", "passed", "satisfied", "basic",
                   "dissatisfied"}  # fmt: skip


def as_user(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-row-id="(\d+)"', response.content.decode())]


@pytest.fixture
def quizzes(tree):
    tree.k_a = knowledge_quiz(tree.office_a, area=tree.village_a)
    tree.q_b = questionnaire(tree.office_b, area=tree.village_b)
    tree.k_unit = knowledge_quiz(tree.office_a, unit=tree.unit_a, title="居委会知识测试")
    tree.r_pass = answer(tree.k_a, [0], [0, 2])
    tree.r_fail = answer(tree.k_a, [1], [1])
    tree.r_b = answer(tree.q_b, [0], [1])
    answer(tree.k_unit, [0], [0, 2])
    return tree


# ---------------------------------------------------------------- quizzes


def test_quiz_list_is_scoped_for_each_role_and_needs_auth(quizzes):
    t = quizzes
    assert sorted(ids(as_user(t.office_a).get("/api/quizzes"))) == sorted([t.k_a.pk, t.k_unit.pk])
    assert ids(as_user(t.office_b).get("/api/quizzes")) == [t.q_b.pk]
    assert ids(as_user(t.unit_user_a).get("/api/quizzes")) == [t.k_unit.pk]
    assert sorted(ids(as_user(t.leader).get("/api/quizzes"))) == sorted([t.k_a.pk, t.q_b.pk, t.k_unit.pk])
    assert ids(as_user(t.nobody).get("/api/quizzes")) == []
    assert Client().get("/api/quizzes").status_code == 401

    session = Client()
    session.force_login(t.office_b)
    assert ids(session.get("/api/quizzes")) == [t.q_b.pk]


def test_quiz_list_row_filters_and_counts(quizzes):
    t = quizzes
    client = as_user(t.city_office)

    body = client.get("/api/quizzes", {"q": "居委会"}).json()
    assert body["count"] == 1
    [row] = body["items"]
    assert row["id"] == t.k_unit.pk and row["unit"] == {"id": t.unit_a.pk, "name": t.unit_a.name}
    assert row["response_count"] == 1 and row["status"] == "open" and row["kind"] == "knowledge"
    assert ids(client.get("/api/quizzes", {"kind": "questionnaire"})) == [t.q_b.pk]
    assert sorted(ids(client.get("/api/quizzes", {"area": t.county_a.pk}))) == sorted([t.k_a.pk, t.k_unit.pk])
    assert ids(client.get("/api/quizzes", {"unit": t.unit_a.pk})) == [t.k_unit.pk]
    assert ids(client.get("/api/quizzes", {"status": "draft"})) == []
    assert client.get("/api/quizzes", {"year": t.k_a.year}).json()["count"] == 3
    later = timezone.localdate() + datetime.timedelta(days=100)
    assert ids(client.get("/api/quizzes", {"date_from": later.isoformat()})) == []
    assert client.get("/api/quizzes", {"kind": "nonsense"}).status_code == 422


def test_quiz_list_sorts_and_pages(quizzes):
    client = as_user(quizzes.city_office)
    full = ids(client.get("/api/quizzes", {"sort": "title", "limit": 200}))
    assert len(full) == 3

    seen, cursor = [], None
    while True:
        body = client.get(
            "/api/quizzes", {"sort": "title", "limit": 2, **({"cursor": cursor} if cursor else {})}
        )
        seen += ids(body)
        cursor = body.json()["next_cursor"]
        if not cursor:
            break
    assert seen == full

    refused = client.get("/api/quizzes", {"sort": "token"})
    assert refused.status_code == 400 and refused.json()["field"] == "sort"
    assert client.get("/api/quizzes", {"cursor": "garbage"}).json()["field"] == "cursor"
    first = client.get("/api/quizzes", {"sort": "title", "limit": 1}).json()
    assert client.get("/api/quizzes", {"sort": "-id", "cursor": first["next_cursor"]}).status_code == 400


def test_quiz_detail_has_questions_options_and_correct_flags(quizzes):
    t = quizzes
    response = as_user(t.office_a).get(f"/api/quizzes/{t.k_a.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == t.k_a.title and body["response_count"] == 2
    assert body["public_url"] == f"/q/{t.k_a.token}/"
    first, second = body["questions"]
    assert first["kind"] == "single" and second["kind"] == "multiple"
    assert [o["is_correct"] for o in first["options"]] == [True, False, False]
    assert [o["is_correct"] for o in second["options"]] == [True, False, True]
    assert [o["id"] for o in first["options"]] == options_of(t.k_a)[0]

    rating = as_user(t.office_b).get(f"/api/quizzes/{t.q_b.pk}").json()["questions"][0]["options"]
    assert [o["satisfaction"] for o in rating] == ["satisfied", "basic", "dissatisfied", ""]


def test_quiz_detail_is_404_for_foreign_and_missing(quizzes):
    t = quizzes
    assert as_user(t.office_b).get(f"/api/quizzes/{t.k_a.pk}").status_code == 404
    assert as_user(t.unit_user_a).get(f"/api/quizzes/{t.k_a.pk}").status_code == 404
    assert as_user(t.unit_user_a).get(f"/api/quizzes/{t.k_unit.pk}").status_code == 200
    assert as_user(t.leader).get(f"/api/quizzes/{t.k_a.pk}").status_code == 200
    assert as_user(t.office_a).get("/api/quizzes/999999").status_code == 404
    assert as_user(t.office_b).get(f"/api/quizzes/{t.k_a.pk}/results").status_code == 404


# ---------------------------------------------------------------- responses


def test_responses_are_anonymous_counts_and_scoped(quizzes):
    t = quizzes
    client = as_user(t.office_a)

    body = client.get("/api/quiz-responses", {"quiz": t.k_a.pk}).json()

    assert body["count"] == 2
    for row in body["items"]:
        assert set(row) == RESPONSE_FIELDS
        assert row["quiz"] == {"id": t.k_a.pk, "title": t.k_a.title}
    passed = client.get("/api/quiz-responses", {"quiz": t.k_a.pk, "passed": True}).json()["items"]
    assert [(r["id"], r["correct"], r["questions"]) for r in passed] == [(t.r_pass.pk, 2, 2)]
    assert ids(client.get("/api/quiz-responses", {"quiz": t.k_a.pk, "passed": False})) == [t.r_fail.pk]
    assert t.r_b.pk not in ids(client.get("/api/quiz-responses"))
    assert ids(as_user(t.office_b).get("/api/quiz-responses", {"rating": "positive"})) == [t.r_b.pk]
    assert ids(as_user(t.office_b).get("/api/quiz-responses", {"rating": "dissatisfied"})) == []
    option = options_of(t.k_a)[0][1]
    assert ids(client.get("/api/quiz-responses", {"option": option})) == [t.r_fail.pk]
    assert client.get("/api/quiz-responses", {"rating": "nonsense"}).status_code == 422
    assert client.get("/api/quiz-responses", {"sort": "passed"}).status_code == 400


def test_responses_sort_and_page(quizzes):
    client = as_user(quizzes.city_office)
    expected = list(Response.objects.order_by("submitted_at", "id").values_list("pk", flat=True))

    first = client.get("/api/quiz-responses", {"sort": "submitted_at", "limit": 3}).json()
    second = client.get(
        "/api/quiz-responses", {"sort": "submitted_at", "limit": 3, "cursor": first["next_cursor"]}
    ).json()

    assert [r["id"] for r in first["items"] + second["items"]] == expected
    assert first["count"] == 4 and second["next_cursor"] is None


# ---------------------------------------------------------------- figures and results


def _web_ids(session, url) -> set[int]:
    response = session.get(url)
    assert response.status_code == 200, url
    return set(row_ids(response))


@pytest.mark.parametrize("username", ["office_a", "city_office", "unit_a"])
def test_figures_equal_the_home_panel_and_link_to_their_records(quizzes, username):
    user = getattr(quizzes, {"unit_a": "unit_user_a"}.get(username, username))
    session = Client(headers={"Accept-Language": "en"})
    session.force_login(user)

    response = as_user(user).get("/api/quizzes/figures")

    assert response.status_code == 200
    body = {f["key"]: f for f in response.json()}
    expected = selectors.quiz_figures(user=user)
    assert list(body) == list(expected) == ["quizzes", "responses", "awareness_rate", "satisfaction_rate"]
    for key, figure in expected.items():
        value = figure.value if figure.value is None or isinstance(figure.value, int) else float(figure.value)
        assert body[key]["value"] == value, key
        assert body[key]["url"] == figure.url
    assert _web_ids(session, body["quizzes"]["url"]) == set(
        expected["quizzes"].records.values_list("pk", flat=True)
    )
    assert _web_ids(session, body["responses"]["url"]) == set(
        expected["responses"].records.values_list("pk", flat=True)
    )
    assert body["responses"]["value"] == len(_web_ids(session, body["responses"]["url"]))
    assert "formula" in body["awareness_rate"]["breakdown"]


def test_figures_for_an_area_and_period(quizzes):
    t = quizzes
    client = as_user(t.city_office)
    today = timezone.localdate()

    body = {f["key"]: f for f in client.get("/api/quizzes/figures", {"area": t.county_a.pk}).json()}
    assert body["quizzes"]["value"] == 2 and body["responses"]["value"] == 3
    assert body["awareness_rate"]["value"] == pytest.approx(66.67)
    assert body["awareness_rate"]["breakdown"]["numerator"] == 2
    assert body["awareness_rate"]["breakdown"]["denominator"] == 3
    assert body["satisfaction_rate"]["value"] is None

    params = {"area": t.county_b.pk, "start": today.isoformat(), "end": today.isoformat()}
    period = {f["key"]: f for f in client.get("/api/quizzes/figures", params).json()}
    expected = selectors.quiz_figures(user=t.city_office, area=t.county_b, start=today, end=today)
    assert period["responses"]["value"] == expected["responses"].value == 1
    assert period["satisfaction_rate"]["value"] == 100.0
    assert period["responses"]["url"] == expected["responses"].url
    assert f"date_from={today.isoformat()}" in period["responses"]["url"]

    unit = {f["key"]: f for f in client.get("/api/quizzes/figures", {"unit": t.unit_a.pk}).json()}
    assert unit["quizzes"]["value"] == 1 and unit["responses"]["value"] == 1


def test_figures_refuse_a_foreign_area_and_a_reversed_period(quizzes):
    t = quizzes
    client = as_user(t.office_a)

    foreign = client.get("/api/quizzes/figures", {"area": t.county_b.pk})
    assert foreign.status_code == 400 and foreign.json()["field"] == "area"
    assert client.get("/api/quizzes/figures", {"unit": t.unit_b.pk}).json()["field"] == "unit"
    reversed_period = client.get("/api/quizzes/figures", {"start": "2026-05-02", "end": "2026-05-01"})
    assert reversed_period.status_code == 400 and reversed_period.json()["field"] == "start"
    assert Client().get("/api/quizzes/figures").status_code == 401


def test_results_count_each_option_and_link_to_its_responses(quizzes):
    t = quizzes
    session = Client(headers={"Accept-Language": "en"})
    session.force_login(t.office_a)

    response = as_user(t.office_a).get(f"/api/quizzes/{t.k_a.pk}/results")

    assert response.status_code == 200
    body = response.json()
    assert body["quiz"] == {"id": t.k_a.pk, "title": t.k_a.title}
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["responses"]["value"] == 2 and figures["awareness_rate"]["value"] == 50.0
    first, second = body["questions"]
    assert [o["count"] for o in first["options"]] == [1, 1, 0] and first["answered"] == 2
    assert [o["count"] for o in second["options"]] == [1, 1, 1] and second["answered"] == 3
    assert [o["is_correct"] for o in first["options"]] == [True, False, False]
    assert _web_ids(session, first["options"][1]["url"]) == {t.r_fail.pk}
    expected = selectors.quiz_results(user=t.office_a, quiz=t.k_a)
    assert [f["value"] for f in body["figures"]] == [
        None if f.value is None else float(f.value) for f in expected["figures"].values()
    ]
