"""Quiz services: creation and scope, status transitions, question validation, response scoring."""

import datetime

import pytest
from django.utils import timezone

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.quizzes import services
from shiliu.quizzes.choices import QuestionKind, QuizKind, QuizStatus, Satisfaction
from shiliu.quizzes.models import Answer, Quiz, Response

from .factories import answer, knowledge_quiz, make_quiz, options_of, questionnaire


def test_create_makes_a_draft_with_a_unique_url_safe_token(tree):
    a = make_quiz(tree.office_a, area=tree.village_a)
    b = make_quiz(tree.office_a, area=tree.village_a)
    assert a.status == QuizStatus.DRAFT and a.area_path == tree.village_a.path
    assert a.token != b.token and len(a.token) >= 20
    assert all(c.isalnum() or c in "-_" for c in a.token)
    assert a.created_by == tree.office_a and a.history.count() == 1


def test_create_for_a_unit_takes_the_units_area(tree):
    quiz = make_quiz(tree.unit_user_a, unit=tree.unit_a)
    assert quiz.area == tree.unit_a.area and quiz.unit == tree.unit_a


def test_create_outside_scope_is_refused_like_a_missing_area(tree):
    with pytest.raises(NotVisible):
        make_quiz(tree.office_a, area=tree.village_b)
    with pytest.raises(NotVisible):
        make_quiz(tree.unit_user_a, unit=tree.unit_b)
    with pytest.raises(NotVisible):
        make_quiz(tree.leader, area=tree.city)  # read-only role
    assert not Quiz.objects.exists()


def test_create_validates_dates_and_pass_mark(tree):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as exc:
        make_quiz(
            tree.office_a, area=tree.county_a, opens_on=today, closes_on=today - datetime.timedelta(days=1)
        )
    assert exc.value.field == "closes_on"
    with pytest.raises(ApplicationError) as exc:
        make_quiz(tree.office_a, area=tree.county_a, pass_percent=0)
    assert exc.value.field == "pass_percent"
    with pytest.raises(ApplicationError) as exc:
        make_quiz(tree.office_a, area=tree.county_a, title="  ")
    assert exc.value.field == "title"


def test_transitions_follow_the_table(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a, open_it=False)
    with pytest.raises(ApplicationError) as exc:
        services.quiz_close(actor=tree.office_a, quiz=quiz)
    assert exc.value.code == "illegal_transition"
    with pytest.raises(ApplicationError):
        services.quiz_reopen(actor=tree.office_a, quiz=quiz)
    services.quiz_open(actor=tree.office_a, quiz=quiz)
    assert Quiz.objects.get(pk=quiz.pk).status == QuizStatus.OPEN
    with pytest.raises(ApplicationError):
        services.quiz_open(actor=tree.office_a, quiz=quiz)
    services.quiz_close(actor=tree.office_a, quiz=quiz, reason="活动结束")
    assert Quiz.objects.get(pk=quiz.pk).status == QuizStatus.CLOSED
    services.quiz_reopen(actor=tree.office_a, quiz=quiz)
    assert Quiz.objects.get(pk=quiz.pk).status == QuizStatus.OPEN
    assert quiz.history.filter(history_change_reason="活动结束").exists()


def test_transition_by_a_foreign_office_is_not_visible(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a, open_it=False)
    with pytest.raises(NotVisible):
        services.quiz_open(actor=tree.office_b, quiz=quiz)


def test_open_refuses_an_empty_or_incomplete_quiz(tree):
    quiz = make_quiz(tree.office_a, area=tree.county_a)
    with pytest.raises(ApplicationError) as exc:
        services.quiz_open(actor=tree.office_a, quiz=quiz)
    assert exc.value.code == "not_ready"
    survey = make_quiz(tree.office_a, area=tree.county_a, kind=QuizKind.QUESTIONNAIRE)
    services.question_save(actor=tree.office_a, quiz=survey, text="您参加过哪些活动？", kind=QuestionKind.MULTIPLE,
                           options=[{"text": "宣讲"}, {"text": "联谊"}])  # fmt: skip
    with pytest.raises(ApplicationError) as exc:
        services.quiz_open(actor=tree.office_a, quiz=survey)
    assert "satisfaction" in exc.value.message


def test_open_refuses_a_quiz_whose_closing_date_has_passed(tree):
    past = timezone.localdate() - datetime.timedelta(days=10)
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a, open_it=False, opens_on=past - datetime.timedelta(days=5),
                          closes_on=past)  # fmt: skip
    with pytest.raises(ApplicationError) as exc:
        services.quiz_open(actor=tree.office_a, quiz=quiz)
    assert exc.value.field == "closes_on"


@pytest.mark.parametrize(
    "kind, options, message",
    [
        (QuestionKind.SINGLE, [{"text": "甲", "is_correct": True}], "two options"),
        (QuestionKind.SINGLE, [{"text": "甲"}, {"text": "乙"}], "at least one option"),
        (QuestionKind.SINGLE, [{"text": "甲", "is_correct": True}, {"text": "乙", "is_correct": True}], "exactly one"),
        (QuestionKind.SINGLE, [{"text": "甲", "is_correct": True}, {"text": "甲"}], "twice"),
        (QuestionKind.SINGLE, [{"text": "甲", "is_correct": True}, {"text": "乙", "satisfaction": "satisfied"}],
         "questionnaires only"),
    ],
)  # fmt: skip
def test_knowledge_question_validation(tree, kind, options, message):
    quiz = make_quiz(tree.office_a, area=tree.county_a)
    with pytest.raises(ApplicationError) as exc:
        services.question_save(actor=tree.office_a, quiz=quiz, text="题目", kind=kind, options=options)
    assert message in exc.value.message and exc.value.field == "options"


def test_questionnaire_has_no_correct_answers(tree):
    quiz = make_quiz(tree.office_a, area=tree.county_a, kind=QuizKind.QUESTIONNAIRE)
    with pytest.raises(ApplicationError):
        services.question_save(actor=tree.office_a, quiz=quiz, text="题目", kind=QuestionKind.SINGLE,
                               options=[{"text": "满意", "is_correct": True}, {"text": "不满意"}])  # fmt: skip


def test_questions_change_only_in_draft(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a)
    question = quiz.questions.first()
    with pytest.raises(ApplicationError):
        services.question_save(actor=tree.office_a, quiz=quiz, question=question, text="新题目",
                               kind=QuestionKind.SINGLE, options=[{"text": "甲", "is_correct": True}, {"text": "乙"}])  # fmt: skip
    with pytest.raises(ApplicationError):
        services.question_delete(actor=tree.office_a, question=question)
    with pytest.raises(ApplicationError) as exc:
        services.quiz_update(actor=tree.office_a, quiz=quiz, pass_percent=80)
    assert exc.value.field == "pass_percent"
    services.quiz_update(actor=tree.office_a, quiz=quiz, title="新标题")  # other fields stay editable
    assert Quiz.objects.get(pk=quiz.pk).title == "新标题"


def test_question_edit_replaces_options_and_delete_removes(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a, open_it=False)
    question = quiz.questions.order_by("sort").first()
    services.question_save(actor=tree.office_a, quiz=quiz, question=question, text="改后的题目", kind=QuestionKind.SINGLE,
                           options=[{"text": "对", "is_correct": True}, {"text": "错"}, {"text": ""}])  # fmt: skip
    assert list(question.options.values_list("text", flat=True)) == ["对", "错"]
    services.question_delete(actor=tree.office_a, question=question)
    assert quiz.questions.count() == 1


def test_scoring_single_and_multiple_choice(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a)  # Q1 single A; Q2 multiple A+C
    full = answer(quiz, [0], [0, 2])
    assert (full.correct, full.questions, full.passed) == (2, 2, True)
    partial = answer(quiz, [0], [0])  # Q2 only partly right: not fully right
    assert (partial.correct, partial.passed) == (1, False)  # 50% < 60%
    extra = answer(quiz, [1], [0, 1, 2])  # a wrong extra option spoils Q2
    assert (extra.correct, extra.passed) == (0, False)
    assert Answer.objects.filter(response=full).count() == 3
    assert full.area_path == quiz.area_path


def test_pass_mark_edge_is_inclusive(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a, pass_percent=50)
    assert answer(quiz, [0], [1]).passed  # 1 of 2 = 50% ≥ 50%
    strict = knowledge_quiz(tree.office_a, area=tree.county_a, pass_percent=51)
    assert not answer(strict, [0], [1]).passed


def test_questionnaire_counts_rating_answers(tree):
    quiz = questionnaire(tree.office_a, area=tree.county_a)
    r = answer(quiz, [1], [0, 2])
    assert (r.satisfied, r.basic, r.dissatisfied, r.passed) == (0, 1, 0, False)
    dont_know = answer(quiz, [3], [1])
    assert dont_know.rating_answers == 0


def test_response_validation(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a)
    q1, q2 = quiz.questions.order_by("sort")
    ids = options_of(quiz)
    cases = [
        ({q1.pk: [ids[0][0]]}, f"q{q2.pk}"),  # question 2 unanswered
        ({q1.pk: [ids[0][0], ids[0][1]], q2.pk: [ids[1][0]]}, f"q{q1.pk}"),  # two answers to a single choice
        ({q1.pk: [ids[1][0]], q2.pk: [ids[1][0]]}, f"q{q1.pk}"),  # an option of another question
        ({q1.pk: [ids[0][0]], q2.pk: [ids[1][0]], 999999: [1]}, "answers"),  # unknown question
    ]
    for answers, field in cases:
        with pytest.raises(ApplicationError) as exc:
            services.response_submit(quiz=quiz, answers=answers)
        assert exc.value.field == field
    assert not Response.objects.exists()


def test_closed_draft_and_out_of_window_quizzes_take_no_answers(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a)
    services.quiz_close(actor=tree.office_a, quiz=quiz)
    with pytest.raises(ApplicationError) as exc:
        answer(quiz, [0], [0, 2])
    assert exc.value.code == "closed"
    draft = knowledge_quiz(tree.office_a, area=tree.county_a, open_it=False)
    with pytest.raises(ApplicationError):
        answer(draft, [0], [0, 2])
    later = knowledge_quiz(tree.office_a, area=tree.county_a,
                           opens_on=timezone.localdate() + datetime.timedelta(days=1),
                           closes_on=timezone.localdate() + datetime.timedelta(days=9))  # fmt: skip
    with pytest.raises(ApplicationError):
        answer(later, [0], [0, 2])
    assert not Response.objects.exists()


def test_response_stores_no_personal_data():
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {"id", "quiz", "area_path", "submitted_at", "correct", "questions", "passed", "satisfied",
                      "basic", "dissatisfied", "answers", "created_at", "updated_at"}  # fmt: skip


def test_moving_a_quiz_to_another_area_moves_its_responses(tree):
    quiz = questionnaire(tree.city_office, area=tree.county_a)
    answer(quiz, [0], [0])
    services.quiz_update(actor=tree.city_office, quiz=quiz, area=tree.county_b)
    assert set(Response.objects.values_list("area_path", flat=True)) == {tree.county_b.path}


def test_satisfaction_choice_values(tree):
    assert set(Satisfaction.values) == {"satisfied", "basic", "dissatisfied"}


def test_kind_changes_only_without_questions(tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.county_a, open_it=False)
    with pytest.raises(ApplicationError) as exc:
        services.quiz_update(actor=tree.office_a, quiz=quiz, kind=QuizKind.QUESTIONNAIRE)
    assert exc.value.field == "kind"
    empty = make_quiz(tree.office_a, area=tree.county_a)
    services.quiz_update(actor=tree.office_a, quiz=empty, kind=QuizKind.QUESTIONNAIRE)
    assert Quiz.objects.get(pk=empty.pk).kind == QuizKind.QUESTIONNAIRE
