"""Builders for quizzes tests, through the services (so statuses, tokens and scoring are real)."""

import datetime

from django.utils import timezone

from shiliu.quizzes import services
from shiliu.quizzes.choices import QuestionKind, QuizKind, Satisfaction


def window():
    today = timezone.localdate()
    return today - datetime.timedelta(days=5), today + datetime.timedelta(days=25)


def make_quiz(actor, *, kind=QuizKind.KNOWLEDGE, area=None, unit=None, title=None, pass_percent=60, **extra):
    opens_on, closes_on = window()
    return services.quiz_create(
        actor=actor, kind=kind, title=title or ("政策知识测试" if kind == QuizKind.KNOWLEDGE else "满意度问卷"),
        area=area, unit=unit, opens_on=extra.pop("opens_on", opens_on),
        closes_on=extra.pop("closes_on", closes_on), pass_percent=pass_percent, **extra,
    )  # fmt: skip


def knowledge_quiz(actor, *, area=None, unit=None, open_it=True, **extra):
    """Two questions: Q1 single (A right), Q2 multiple (A and C right)."""
    quiz = make_quiz(actor, area=area, unit=unit, **extra)
    services.question_save(actor=actor, quiz=quiz, text="民族团结进步创建的主线是什么？", kind=QuestionKind.SINGLE,
                           options=[{"text": "铸牢中华民族共同体意识", "is_correct": True},
                                    {"text": "经济建设"}, {"text": "城市建设"}])  # fmt: skip
    services.question_save(actor=actor, quiz=quiz, text="“三交”指哪些？", kind=QuestionKind.MULTIPLE,
                           options=[{"text": "交往", "is_correct": True}, {"text": "交易"},
                                    {"text": "交流", "is_correct": True}])  # fmt: skip
    if open_it:
        services.quiz_open(actor=actor, quiz=quiz)
    quiz.refresh_from_db()
    return quiz


def questionnaire(actor, *, area=None, unit=None, open_it=True, **extra):
    """Q1 a rating question (satisfied / basic / dissatisfied / don't know), Q2 multiple, not a rating."""
    quiz = make_quiz(actor, kind=QuizKind.QUESTIONNAIRE, area=area, unit=unit, **extra)
    services.question_save(actor=actor, quiz=quiz, text="您对社区民族团结工作满意吗？", kind=QuestionKind.SINGLE,
                           options=[{"text": "满意", "satisfaction": Satisfaction.SATISFIED},
                                    {"text": "基本满意", "satisfaction": Satisfaction.BASIC},
                                    {"text": "不满意", "satisfaction": Satisfaction.DISSATISFIED},
                                    {"text": "不了解"}])  # fmt: skip
    services.question_save(actor=actor, quiz=quiz, text="您参加过哪些活动？", kind=QuestionKind.MULTIPLE,
                           options=[{"text": "宣讲"}, {"text": "联谊"}, {"text": "志愿服务"}])  # fmt: skip
    if open_it:
        services.quiz_open(actor=actor, quiz=quiz)
    quiz.refresh_from_db()
    return quiz


def options_of(quiz):
    """[[option ids of question 1], [option ids of question 2], ...] in order."""
    return [
        list(q.options.order_by("sort").values_list("pk", flat=True)) for q in quiz.questions.order_by("sort")
    ]


def answer(quiz, *picks):
    """Submit a response picking options by index per question: answer(quiz, [0], [0, 2])."""
    ids = options_of(quiz)
    questions = list(quiz.questions.order_by("sort").values_list("pk", flat=True))
    return services.response_submit(
        quiz=quiz,
        answers={
            qid: [ids[n][i] for i in pick]
            for n, (qid, pick) in enumerate(zip(questions, picks, strict=False))
        },
    )
