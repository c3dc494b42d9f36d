"""Quiz pages through HTTP: lists, detail, forms, status changes, responses, and the public take/done pages with
their spam checks."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shiliu.quizzes.choices import QuizStatus
from shiliu.quizzes.models import Question, Quiz, Response
from shiliu.service_requests.views import guard

from .factories import answer, knowledge_quiz, options_of, questionnaire

PASSWORD = "Test-Passw0rd!"


@pytest.fixture(autouse=True)
def fast_forms(settings):
    settings.REQUESTS_PUBLIC_MIN_FILL_SECONDS = 0
    cache.clear()


def client_for(username, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=username, password=PASSWORD)
    return client


def row_ids(response):
    return [int(pk) for pk in re.findall(r'data-row-id="(\d+)"', response.content.decode())]


@pytest.fixture
def quizzes(tree):
    tree.k_a = knowledge_quiz(tree.office_a, area=tree.village_a)
    tree.q_b = questionnaire(tree.office_b, area=tree.village_b)
    answer(tree.k_a, [0], [0, 2])
    answer(tree.q_b, [0], [1])
    return tree


def test_lists_show_the_scope(quizzes):
    office_a = client_for("office_a")
    assert row_ids(office_a.get(reverse("quizzes:quiz_list"))) == [quizzes.k_a.pk]
    assert sorted(row_ids(client_for("city_office").get(reverse("quizzes:quiz_list")))) == sorted(
        [quizzes.k_a.pk, quizzes.q_b.pk]
    )
    assert row_ids(office_a.get(reverse("quizzes:response_list"))) == list(
        Response.objects.filter(quiz=quizzes.k_a).values_list("pk", flat=True)
    )
    assert Client().get(reverse("quizzes:quiz_list")).status_code == 302  # sign-in required


def test_detail_shows_questions_rates_formulas_and_public_link(quizzes):
    response = client_for("office_a").get(reverse("quizzes:quiz_detail", args=[quizzes.k_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert quizzes.k_a.token in body and "data-public-url" in body
    assert 'data-figure="awareness_rate"' in body and 'data-formula="awareness"' in body
    assert body.count("data-option-count") == 6
    assert 'data-action="close"' in body


def test_foreign_quiz_and_response_give_404(quizzes):
    office_a = client_for("office_a")
    assert office_a.get(reverse("quizzes:quiz_detail", args=[quizzes.q_b.pk])).status_code == 404
    assert office_a.get(reverse("quizzes:quiz_edit", args=[quizzes.q_b.pk])).status_code == 404
    assert office_a.post(reverse("quizzes:quiz_close", args=[quizzes.q_b.pk])).status_code == 404
    foreign = Response.objects.get(quiz=quizzes.q_b)
    assert office_a.get(reverse("quizzes:response_detail", args=[foreign.pk])).status_code == 404
    question = quizzes.q_b.questions.first()
    assert office_a.get(reverse("quizzes:question_edit", args=[question.pk])).status_code == 404
    own = Response.objects.get(quiz=quizzes.k_a)
    assert office_a.get(reverse("quizzes:response_detail", args=[own.pk])).status_code == 200


def test_create_add_questions_and_open_through_the_pages(tree):
    client = client_for("office_a")
    response = client.post(reverse("quizzes:quiz_create"), {
        "kind": "knowledge", "title": "石榴籽知识测试", "intro": "", "area": tree.county_a.pk, "unit_name": "",
        "year": 2026, "opens_on": "2026-01-01", "closes_on": "2099-12-31", "pass_percent": 80,
    })  # fmt: skip
    quiz = Quiz.objects.get(title="石榴籽知识测试")
    assert response.status_code == 302 and quiz.status == QuizStatus.DRAFT and quiz.pass_percent == 80
    url = reverse("quizzes:question_create", args=[quiz.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"text": "题目", "kind": "single", "option_1_text": "甲", "option_2_text": "乙"})
    assert bad.status_code == 200 and "data-form-errors" in bad.content.decode()
    assert not Question.objects.filter(quiz=quiz).exists()
    ok = client.post(url, {"text": "题目", "kind": "single", "option_1_text": "甲", "option_1_correct": "on",
                           "option_2_text": "乙"})  # fmt: skip
    assert ok.status_code == 302
    question = Question.objects.get(quiz=quiz)
    edit = client.get(reverse("quizzes:question_edit", args=[question.pk]))
    assert edit.status_code == 200 and 'value="甲"' in edit.content.decode()
    confirm = client.get(reverse("quizzes:quiz_open", args=[quiz.pk]))
    assert confirm.status_code == 200
    assert client.post(reverse("quizzes:quiz_open", args=[quiz.pk])).status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).status == QuizStatus.OPEN
    # once open, the question pages refuse with the service's message
    refused = client.post(reverse("quizzes:question_delete", args=[question.pk]))
    assert refused.status_code == 200 and Question.objects.filter(pk=question.pk).exists()


def test_edit_quiz(quizzes):
    client = client_for("office_a")
    url = reverse("quizzes:quiz_edit", args=[quizzes.k_a.pk])
    assert client.get(url).status_code == 200
    data = {"kind": "knowledge", "title": "改名后的测试", "intro": "说明", "area": quizzes.village_a.pk,
            "unit_name": "", "year": quizzes.k_a.year, "opens_on": quizzes.k_a.opens_on.isoformat(),
            "closes_on": quizzes.k_a.closes_on.isoformat(), "pass_percent": 60}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert Quiz.objects.get(pk=quizzes.k_a.pk).title == "改名后的测试"


def test_leader_reads_but_cannot_create(quizzes):
    leader = client_for("leader")
    assert leader.get(reverse("quizzes:quiz_detail", args=[quizzes.k_a.pk])).status_code == 200
    assert leader.get(reverse("quizzes:quiz_create")).status_code == 403


# ---------------------------------------------------------------- public pages


def take_data(quiz, picks, **extra):
    ids = options_of(quiz)
    data = {"started": guard.render_token(), "website": ""}
    for n, question in enumerate(quiz.questions.order_by("sort")):
        data[f"q{question.pk}"] = [ids[n][i] for i in picks[n]]
    return data | extra


def test_public_take_and_done_without_login(quizzes):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = reverse("quizzes:public_take", args=[quizzes.k_a.token])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="website"' in body and 'name="started"' in body and "viewport" in body
    assert "<script>" not in body and " onclick=" not in body
    before = Response.objects.count()
    sent = client.post(url, take_data(quizzes.k_a, [[0], [0]]))
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "quizzes:public_done", args=[quizzes.k_a.token]
    )
    assert Response.objects.count() == before + 1
    done = client.get(sent["Location"])
    assert done.status_code == 200
    body = done.content.decode()
    assert 'data-passed="0"' in body and body.count("data-correct") == 3  # right answers shown


def test_public_done_without_a_submission_goes_back_to_the_form(quizzes):
    done = Client().get(reverse("quizzes:public_done", args=[quizzes.k_a.token]))
    assert done.status_code == 302


def test_public_questionnaire_thanks(quizzes):
    client = Client()
    url = reverse("quizzes:public_take", args=[quizzes.q_b.token])
    sent = client.post(url, take_data(quizzes.q_b, [[1], [0, 2]]))
    assert sent.status_code == 302
    assert "data-thanks" in client.get(sent["Location"]).content.decode()
    assert Response.objects.filter(quiz=quizzes.q_b, basic=1).exists()


def test_public_missing_answer_shows_the_error_on_the_question(quizzes):
    url = reverse("quizzes:public_take", args=[quizzes.k_a.token])
    data = take_data(quizzes.k_a, [[0], [0]])
    second = quizzes.k_a.questions.order_by("sort")[1]
    del data[f"q{second.pk}"]
    response = Client().post(url, data)
    assert response.status_code == 400
    assert f'data-error-for="q{second.pk}"' in response.content.decode()


def test_public_unavailable_pages(quizzes):
    from shiliu.quizzes import services

    services.quiz_close(actor=quizzes.office_a, quiz=quizzes.k_a)
    client = Client()
    closed = client.get(reverse("quizzes:public_take", args=[quizzes.k_a.token]))
    assert closed.status_code == 200 and "data-quiz-unavailable" in closed.content.decode()
    before = Response.objects.count()
    posted = client.post(
        reverse("quizzes:public_take", args=[quizzes.k_a.token]), take_data(quizzes.k_a, [[0], [0]])
    )
    assert "data-quiz-unavailable" in posted.content.decode() and Response.objects.count() == before
    assert client.get(reverse("quizzes:public_take", args=["no-such-token"])).status_code == 404


def test_public_honeypot(quizzes):
    url = reverse("quizzes:public_take", args=[quizzes.k_a.token])
    before = Response.objects.count()
    response = Client().post(url, take_data(quizzes.k_a, [[0], [0, 2]], website="http://spam.example"))
    assert response.status_code == 400 and Response.objects.count() == before


def test_public_too_fast_and_forged_timestamp(quizzes, settings):
    url = reverse("quizzes:public_take", args=[quizzes.k_a.token])
    before = Response.objects.count()
    assert Client().post(url, take_data(quizzes.k_a, [[0], [0, 2]], started="forged")).status_code == 400
    settings.REQUESTS_PUBLIC_MIN_FILL_SECONDS = 60
    assert Client().post(url, take_data(quizzes.k_a, [[0], [0, 2]])).status_code == 400
    assert Response.objects.count() == before


def test_public_same_form_twice_is_counted_once(quizzes):
    url = reverse("quizzes:public_take", args=[quizzes.k_a.token])
    data = take_data(quizzes.k_a, [[0], [0, 2]])
    before = Response.objects.count()
    assert Client().post(url, data).status_code == 302
    assert Client().post(url, data).status_code == 400
    assert Response.objects.count() == before + 1


def test_public_rate_limit(quizzes, settings):
    settings.QUIZZES_PUBLIC_RATE_LIMIT = 2
    settings.REQUESTS_PUBLIC_RATE_LIMIT = 1  # the request form's own, tighter limit does not apply here
    url = reverse("quizzes:public_take", args=[quizzes.k_a.token])
    client = Client()
    codes = [client.post(url, take_data(quizzes.k_a, [[0], [0, 2]])).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_home_panel_and_navigation(quizzes):
    body = client_for("office_a").get(reverse("core:home")).content.decode()
    assert 'id="quiz-figures"' in body and 'data-figure="awareness_rate"' in body
    assert reverse("quizzes:quiz_list") in body


def test_question_delete_in_draft_through_the_page(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a, open_it=False)
    question, other = quiz.questions.order_by("sort")
    client = client_for("office_a")
    assert client.get(reverse("quizzes:question_delete", args=[question.pk])).status_code == 200
    assert client.post(reverse("quizzes:question_delete", args=[question.pk])).status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert client_for("office_b").get(reverse("quizzes:question_delete", args=[other.pk])).status_code == 404


def test_response_detail_shows_the_chosen_options(quizzes):
    response = Response.objects.get(quiz=quizzes.k_a)
    body = client_for("office_a").get(reverse("quizzes:response_detail", args=[response.pk])).content.decode()
    assert body.count("data-chosen") == 3 and "data-correct>2 / 2<" in body


def test_pages_in_english(quizzes):
    client = client_for("office_a", language="en")
    body = client.get(reverse("quizzes:quiz_detail", args=[quizzes.k_a.pk])).content.decode()
    assert "Policy-awareness rate" in body and "Public link" in body
    public = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("quizzes:public_take", args=[quizzes.k_a.token]))
    assert "Send my answers" in public.content.decode()


def test_new_questionnaire_question_starts_with_the_rating_options(tree):
    quiz = questionnaire(tree.office_a, area=tree.county_a, open_it=False)
    form = client_for("office_a").get(reverse("quizzes:question_create", args=[quiz.pk])).context["form"]
    assert [form.initial.get(f"option_{n}_satisfaction") for n in (1, 2, 3)] == [
        "satisfied",
        "basic",
        "dissatisfied",
    ]
