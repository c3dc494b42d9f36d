"""The demo seeder: a knowledge quiz and a questionnaire with responses, idempotent, and flushable."""

from shiliu.accounts.models import User
from shiliu.core.roles import Role
from shiliu.quizzes.demo import flush_quizzes, seed_quizzes
from shiliu.quizzes.models import Quiz, Response
from shiliu.quizzes.selectors import quiz_figures


def test_seed_is_idempotent_and_gives_non_trivial_rates(tree):
    User.objects.create_user(
        username="demo_county_office", password="x", role=Role.OFFICE, area=tree.county_a
    )
    added = seed_quizzes(scale="tiny")
    assert added == {"quizzes": 2, "responses": 80}
    assert seed_quizzes(scale="tiny") == {"quizzes": 0, "responses": 0}
    figures = quiz_figures(user=tree.office_a)
    assert 0 < figures["awareness_rate"].value < 100
    assert 0 < figures["satisfaction_rate"].value < 100
    flush_quizzes()  # the test tree lies in the demo prefix 99
    assert not Quiz.objects.exists() and not Response.objects.exists()
