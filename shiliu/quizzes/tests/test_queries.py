"""Query counts of the list, detail and public pages do not grow with the number of rows, questions or responses."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import answer, knowledge_quiz, questionnaire


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def client(tree):
    client = Client()
    client.force_login(tree.office_a)
    return client


def test_list_pages_do_not_grow_with_rows(tree, client):
    quiz = knowledge_quiz(tree.office_a, area=tree.village_a)
    answer(quiz, [0], [0, 2])
    urls = [reverse("quizzes:quiz_list"), reverse("quizzes:response_list")]
    before = [count_queries(client, url) for url in urls]
    for _ in range(3):
        more = questionnaire(tree.office_a, area=tree.village_a)
        answer(more, [0], [1])
        answer(quiz, [1], [0])
    assert [count_queries(client, url) for url in urls] == before


def test_detail_and_public_pages_do_not_grow_with_questions_or_responses(tree, client):
    small = knowledge_quiz(tree.office_a, area=tree.village_a)
    big = knowledge_quiz(tree.office_a, area=tree.village_a, open_it=False)
    from shiliu.quizzes import services

    for n in range(5):
        services.question_save(actor=tree.office_a, quiz=big, text=f"第{n}题", kind="single",
                               options=[{"text": "对", "is_correct": True}, {"text": "错"}])  # fmt: skip
    services.quiz_open(actor=tree.office_a, quiz=big)
    for _ in range(3):
        answer(big, [0], [0, 2], [0], [0], [0], [0], [0])
    answer(small, [0], [0, 2])
    public = Client()
    assert count_queries(client, reverse("quizzes:quiz_detail", args=[big.pk])) == count_queries(
        client, reverse("quizzes:quiz_detail", args=[small.pk])
    )
    assert count_queries(public, reverse("quizzes:public_take", args=[big.token])) == count_queries(
        public, reverse("quizzes:public_take", args=[small.token])
    )
