"""Demo quizzes of the demo county for ``seed_demo``: one knowledge quiz and one satisfaction questionnaire of the
demo county office, with a few hundred generated anonymous responses so that the rates are non-trivial.

Deterministic (one ``random.Random`` with a fixed seed) and idempotent (a quiz is matched on area + title; its
responses are generated only when it was created now). Everything goes through the services, as the county
office; responses through the public ``response_submit``, then spread over the past weeks of the quiz's window.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from shiliu.accounts.models import User
from shiliu.orgs.demo import DEMO_PREFIX

from .choices import QuestionKind, QuizKind, Satisfaction
from .models import Answer, Quiz, Response
from .services import question_save, quiz_create, quiz_open, response_submit

SEED = "shiliu-demo-quizzes"
SIZES = {"tiny": 40, "city": 300}
ACTOR = "demo_county_office"
S, B, D = Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.DISSATISFIED

KNOWLEDGE = ("民族团结进步政策知识测试", "了解民族团结进步创建的基本知识，共同守护石榴籽一家亲。", [
    ("新时代党的民族工作的主线是什么？", QuestionKind.SINGLE,
     [("铸牢中华民族共同体意识", True), ("加快经济发展", False), ("推进城镇化", False), ("发展旅游业", False)]),
    ("“三交”是指各民族之间的哪三个方面？", QuestionKind.MULTIPLE,
     [("交往", True), ("交易", False), ("交流", True), ("交融", True)]),
    ("每年的哪个月是许多地方的“民族团结进步宣传月”？", QuestionKind.SINGLE,
     [("9月", True), ("3月", False), ("6月", False), ("12月", False)]),
    ("我国的国家通用语言文字是什么？", QuestionKind.SINGLE,
     [("普通话和规范汉字", True), ("各地方言", False), ("英语", False)]),
    ("下列哪些做法有利于民族团结？", QuestionKind.MULTIPLE,
     [("邻里互帮互助", True), ("共同欢度传统节日", True), ("散布歧视性言论", False), ("参加志愿服务", True)]),
])  # fmt: skip
QUESTIONNAIRE = ("社区民族团结进步创建满意度问卷", "您的意见将帮助我们改进工作。问卷匿名，不收集任何个人信息。", [
    ("您对社区开展的民族团结进步宣传教育活动是否满意？", QuestionKind.SINGLE,
     [("满意", S), ("基本满意", B), ("不满意", D), ("不了解", "")]),
    ("您对社区为各族群众办实事、解难题的情况是否满意？", QuestionKind.SINGLE,
     [("满意", S), ("基本满意", B), ("不满意", D), ("不了解", "")]),
    ("您参加过社区的哪些活动？", QuestionKind.MULTIPLE,
     [("政策宣讲", ""), ("节日联谊", ""), ("志愿服务", ""), ("都没有参加过", "")]),
])  # fmt: skip


def _answers(rng: random.Random, quiz: Quiz, skill: float) -> dict[int, list[int]]:
    """A plausible set of answers: knowledge questions right with probability ``skill``; ratings skewed to
    satisfied."""
    answers = {}
    for question in quiz.questions.prefetch_related("options").order_by("sort"):
        options = list(question.options.all())
        if quiz.kind == QuizKind.KNOWLEDGE:
            right = [o.pk for o in options if o.is_correct]
            if rng.random() < skill:
                answers[question.pk] = right
            elif question.kind == QuestionKind.SINGLE:
                answers[question.pk] = [rng.choice([o.pk for o in options if not o.is_correct])]
            else:
                answers[question.pk] = right[:-1] or [options[0].pk]
        elif question.kind == QuestionKind.SINGLE:
            weights = {S: 62, B: 26, D: 7, "": 5}
            answers[question.pk] = [
                rng.choices(options, weights=[weights[o.satisfaction] for o in options])[0].pk
            ]
        else:
            picked = [o.pk for o in options[:3] if rng.random() < 0.5]
            answers[question.pk] = picked or [options[-1].pk]
    return answers


def _quiz(actor, area, kind, spec, today, *, pass_percent=60):
    title, intro, questions = spec
    existing = Quiz.objects.filter(area=area, title=title).first()
    if existing is not None:
        return existing, False
    quiz = quiz_create(actor=actor, kind=kind, title=title, intro=intro, area=area, year=today.year,
                       opens_on=today - datetime.timedelta(days=45), closes_on=today + datetime.timedelta(days=45),
                       pass_percent=pass_percent)  # fmt: skip
    for text, qkind, options in questions:
        if kind == QuizKind.KNOWLEDGE:
            rows = [{"text": t, "is_correct": flag} for t, flag in options]
        else:
            rows = [{"text": t, "satisfaction": level} for t, level in options]
        question_save(actor=actor, quiz=quiz, text=text, kind=qkind, options=rows)
    quiz_open(actor=actor, quiz=quiz)
    return quiz, True


def seed_quizzes(*, scale: str, stdout=None) -> dict[str, int]:
    """Seed the demo county's quizzes and their responses; returns the numbers of rows added."""
    if scale not in SIZES:
        return {}
    actor = User.objects.filter(username=ACTOR, is_active=True).select_related("area").first()
    if actor is None or actor.area is None:
        return {}
    area, today, rng = actor.area, timezone.localdate(), random.Random(SEED)
    added = {"quizzes": 0, "responses": 0}
    now = timezone.now()
    for kind, spec in ((QuizKind.KNOWLEDGE, KNOWLEDGE), (QuizKind.QUESTIONNAIRE, QUESTIONNAIRE)):
        quiz, created = _quiz(actor, area, kind, spec, today)
        if not created:
            continue
        added["quizzes"] += 1
        for _n in range(SIZES[scale]):
            response = response_submit(quiz=quiz, answers=_answers(rng, quiz, skill=rng.uniform(0.6, 0.97)))
            when = now - datetime.timedelta(days=rng.randrange(40), minutes=rng.randrange(24 * 60))
            Response.objects.filter(pk=response.pk).update(submitted_at=when)
            added["responses"] += 1
    if stdout is not None:
        stdout.write(f"quizzes: {added['quizzes']} quizzes and {added['responses']} responses added")
    return added


def flush_quizzes() -> None:
    """Delete the demo province's quizzes and their responses (for ``seed_demo --flush``)."""
    Answer.objects.filter(response__area_path__startswith=DEMO_PREFIX).delete()
    Response.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    Quiz.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
