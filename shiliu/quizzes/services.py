"""Writes of quizzes, their questions and the residents' responses.

Staff writes check scope first and re-read after; status changes follow ``TRANSITIONS`` only and are recorded in
the quiz's history (who, when, why). Questions change only while the quiz is a draft, so every response is
scored against the questions it was given. ``response_submit`` is public (no actor) and stores no personal data.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable, reread_or_rollback
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area, Unit

from .choices import DEFAULT_PASS_PERCENT, TRANSITIONS, QuestionKind, QuizKind, QuizStatus, Satisfaction
from .models import Answer, Option, Question, Quiz, Response

TITLE_MAX = 150
QUESTION_MAX = 500
OPTION_MAX = 200
OPTIONS_MAX = 10
QUIZ_FIELDS = ("kind", "title", "intro", "year", "opens_on", "closes_on", "pass_percent", "area", "unit")
# Fields that change how responses are scored: fixed once the quiz has been opened.
SCORING_FIELDS = ("kind", "pass_percent")


def _unit_id(unit: Unit | None) -> int:
    # A quiz without a unit is never the one unit a liaison is bound to: 0 stands for "no unit".
    return unit.pk if unit is not None else 0


def _ensure_quiz_writable(actor, quiz: Quiz) -> None:
    ensure_writable(actor, Quiz, area_path=quiz.area_path, unit_id=_unit_id(quiz.unit))


def new_token() -> str:
    """A random, URL-safe public link code (about 128 bits)."""
    return secrets.token_urlsafe(16)


def quiz_clean(*, data: dict) -> dict:
    """Normalise and validate quiz data; shared by the forms and the services. Raises ApplicationError."""
    try:
        kind = QuizKind(data.get("kind"))
    except ValueError:
        raise ApplicationError(_("Choose a knowledge quiz or a questionnaire."), field="kind") from None
    title = normalize_text(data.get("title"))
    if not title:
        raise ApplicationError(_("The title is required."), field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(
            _("The title can have at most {n} characters.").format(n=TITLE_MAX), field="title"
        )
    unit = data.get("unit")
    if unit is not None and not isinstance(unit, Unit):
        raise ApplicationError(_("Choose a valid unit."), field="unit")
    area = unit.area if unit is not None else data.get("area")
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the area that runs the quiz."), field="area")
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if not isinstance(opens_on, datetime.date):
        raise ApplicationError(_("Enter the opening date."), field="opens_on")
    if not isinstance(closes_on, datetime.date):
        raise ApplicationError(_("Enter the closing date."), field="closes_on")
    if closes_on < opens_on:
        raise ApplicationError(_("The closing date cannot precede the opening date."), field="closes_on")
    year = data.get("year") or opens_on.year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a valid year."), field="year") from None
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("Enter a valid year."), field="year")
    pass_percent = data.get("pass_percent")
    if kind == QuizKind.KNOWLEDGE:
        try:
            pass_percent = int(pass_percent if pass_percent not in (None, "") else DEFAULT_PASS_PERCENT)
        except (TypeError, ValueError):
            raise ApplicationError(
                _("Enter the pass mark as a whole number."), field="pass_percent"
            ) from None
        if not 1 <= pass_percent <= 100:
            raise ApplicationError(_("The pass mark lies between 1 and 100 percent."), field="pass_percent")
    else:
        pass_percent = DEFAULT_PASS_PERCENT
    return {"kind": kind, "title": title, "intro": (data.get("intro") or "").strip(), "year": year,
            "opens_on": opens_on, "closes_on": closes_on, "pass_percent": pass_percent, "area": area,
            "unit": unit}  # fmt: skip


@transaction.atomic
def quiz_create(
    *, actor, kind: str, title: str, opens_on: datetime.date, closes_on: datetime.date, area: Area | None = None,
    unit: Unit | None = None, intro: str = "", year: int | None = None, pass_percent: int | None = None,
) -> Quiz:  # fmt: skip
    """A new quiz in draft, with its public link code."""
    target = unit.area if isinstance(unit, Unit) else area
    # Scope before validation, so that a foreign unit or area answers like a missing one.
    if isinstance(target, Area):
        ensure_writable(actor, Quiz, area_path=target.path, unit_id=_unit_id(unit))
    cleaned = quiz_clean(
        data={"kind": kind, "title": title, "intro": intro, "year": year, "opens_on": opens_on,
              "closes_on": closes_on, "pass_percent": pass_percent, "area": area, "unit": unit}
    )  # fmt: skip
    ensure_writable(actor, Quiz, area_path=cleaned["area"].path, unit_id=_unit_id(cleaned["unit"]))
    quiz = Quiz(**cleaned, area_path=cleaned["area"].path, status=QuizStatus.DRAFT, token=new_token(),
                created_by=actor)  # fmt: skip
    quiz._history_user = actor
    quiz.save()
    reread_or_rollback(actor, quiz)
    return quiz


@transaction.atomic
def quiz_update(*, actor, quiz: Quiz, **data) -> Quiz:
    """Change what is recorded about a quiz (never its status); kind and pass mark only while a draft."""
    if "status" in data:
        raise ApplicationError(_("The status changes only through its own actions."), field="status")
    unknown = set(data) - set(QUIZ_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _ensure_quiz_writable(actor, quiz)
    merged = {field: getattr(quiz, field) for field in QUIZ_FIELDS} | data
    cleaned = quiz_clean(data=merged)
    ensure_writable(actor, Quiz, area_path=cleaned["area"].path, unit_id=_unit_id(cleaned["unit"]))
    changed = [f for f in QUIZ_FIELDS if getattr(quiz, f) != cleaned[f]]
    if not quiz.is_draft:
        for field in SCORING_FIELDS:
            if field in changed:
                raise ApplicationError(
                    _("The kind and the pass mark can be changed only while the quiz is a draft."),
                    field=field,
                )
    if "kind" in changed and quiz.questions.exists():
        raise ApplicationError(_("Remove the questions before changing the kind of the quiz."), field="kind")
    for field in changed:
        setattr(quiz, field, cleaned[field])
    if quiz.area_path != cleaned["area"].path:
        quiz.area_path = cleaned["area"].path
        changed.append("area_path")
        Response.objects.filter(quiz=quiz).update(area_path=quiz.area_path)
    if changed:
        quiz._history_user = actor
        quiz.save(update_fields=[*changed, "updated_at"])
    reread_or_rollback(actor, quiz)
    return quiz


# ---------------------------------------------------------------- questions


def _ensure_draft(quiz: Quiz) -> None:
    if quiz.status != QuizStatus.DRAFT:
        raise ApplicationError(
            _("Questions can be changed only while the quiz is a draft."), code="illegal_transition"
        )


def options_clean(*, quiz: Quiz, kind: str, options: Iterable[Mapping]) -> list[dict]:
    """Options of one question: text, and a correct mark (knowledge) or a satisfaction level (questionnaire)."""
    cleaned, seen = [], set()
    for option in options:
        text = normalize_text(option.get("text"))
        if not text:
            continue
        if len(text) > OPTION_MAX:
            raise ApplicationError(
                _("An option can have at most {n} characters.").format(n=OPTION_MAX), field="options"
            )
        if text in seen:
            raise ApplicationError(_("The option “{text}” appears twice.").format(text=text), field="options")
        seen.add(text)
        satisfaction = option.get("satisfaction") or ""
        if satisfaction and satisfaction not in Satisfaction.values:
            raise ApplicationError(_("Choose a valid satisfaction level."), field="options")
        is_correct = bool(option.get("is_correct"))
        if quiz.kind == QuizKind.KNOWLEDGE and satisfaction:
            raise ApplicationError(_("Satisfaction levels belong to questionnaires only."), field="options")
        if quiz.kind == QuizKind.QUESTIONNAIRE and is_correct:
            raise ApplicationError(_("A questionnaire has no correct answers."), field="options")
        cleaned.append({"text": text, "is_correct": is_correct, "satisfaction": satisfaction})
    if len(cleaned) < 2:
        raise ApplicationError(_("A question needs at least two options."), field="options")
    if len(cleaned) > OPTIONS_MAX:
        raise ApplicationError(
            _("A question can have at most {n} options.").format(n=OPTIONS_MAX), field="options"
        )
    if quiz.kind == QuizKind.KNOWLEDGE:
        n_correct = sum(o["is_correct"] for o in cleaned)
        if n_correct == 0:
            raise ApplicationError(_("Mark at least one option as correct."), field="options")
        if kind == QuestionKind.SINGLE and n_correct != 1:
            raise ApplicationError(
                _("A single-choice question has exactly one correct option."), field="options"
            )
    return cleaned


@transaction.atomic
def question_save(
    *, actor, quiz: Quiz, text: str, kind: str, options: Iterable[Mapping], question: Question | None = None,
    sort: int | None = None,
) -> Question:  # fmt: skip
    """Create a question (``question`` None) or replace one, with all its options, in a draft quiz."""
    _ensure_quiz_writable(actor, quiz)
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    _ensure_draft(quiz)
    if question is not None and question.quiz_id != quiz.pk:
        raise ApplicationError(_("The question belongs to another quiz."))
    text = normalize_text(text)
    if not text:
        raise ApplicationError(_("Enter the question."), field="text")
    if len(text) > QUESTION_MAX:
        raise ApplicationError(
            _("The question can have at most {n} characters.").format(n=QUESTION_MAX), field="text"
        )
    try:
        kind = QuestionKind(kind)
    except ValueError:
        raise ApplicationError(_("Choose single or multiple choice."), field="kind") from None
    cleaned = options_clean(quiz=quiz, kind=kind, options=options)
    if question is None:
        if sort is None:
            sort = (quiz.questions.aggregate(m=Max("sort"))["m"] or 0) + 1
        question = Question.objects.create(quiz=quiz, sort=sort, text=text, kind=kind)
    else:
        question.text, question.kind = text, kind
        fields = ["text", "kind"]
        if sort is not None:
            question.sort = sort
            fields.append("sort")
        question.save(update_fields=fields)
        question.options.all().delete()
    Option.objects.bulk_create(
        [Option(question=question, sort=n, **option) for n, option in enumerate(cleaned, start=1)]
    )
    quiz._history_user = actor
    quiz._change_reason = _("Question saved")
    quiz.save(update_fields=["updated_at"])
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    quiz = question.quiz
    _ensure_quiz_writable(actor, quiz)
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    _ensure_draft(quiz)
    question.delete()
    quiz._history_user = actor
    quiz._change_reason = _("Question deleted")
    quiz.save(update_fields=["updated_at"])


# ---------------------------------------------------------------- status


def quiz_problems(quiz: Quiz) -> list[str]:
    """What stops the quiz from opening (empty when it may open)."""
    questions = list(quiz.questions.prefetch_related("options"))
    problems = []
    if not questions:
        return [_("Add at least one question.")]
    if quiz.kind == QuizKind.KNOWLEDGE:
        for n, question in enumerate(questions, start=1):
            options = list(question.options.all())
            n_correct = sum(o.is_correct for o in options)
            if len(options) < 2:
                problems.append(_("Question {n} needs at least two options.").format(n=n))
            if n_correct == 0:
                problems.append(_("Question {n} has no correct option.").format(n=n))
            elif question.kind == QuestionKind.SINGLE and n_correct != 1:
                problems.append(
                    _("Question {n} is single choice but has several correct options.").format(n=n)
                )
    elif not any(o.satisfaction for q in questions for o in q.options.all()):
        problems.append(_("At least one question needs options with satisfaction levels."))
    return problems


def _transition(*, actor, quiz: Quiz, to_status: str, reason: str = "") -> Quiz:
    _ensure_quiz_writable(actor, quiz)
    # Lock and re-read the status: two people acting at once must not both move it.
    current = Quiz.objects.select_for_update().get(pk=quiz.pk)
    if to_status not in TRANSITIONS.get(current.status, frozenset()):
        raise ApplicationError(
            _("A quiz with the status “{current}” cannot become “{target}”.").format(
                current=QuizStatus(current.status).label, target=QuizStatus(to_status).label
            ),
            code="illegal_transition",
        )
    if to_status == QuizStatus.OPEN:
        problems = quiz_problems(current)
        if problems:
            raise ApplicationError(" ".join(str(p) for p in problems), code="not_ready")
        if current.closes_on < timezone.localdate():
            raise ApplicationError(
                _("The closing date has passed; change it before opening the quiz."), field="closes_on"
            )
    quiz.status = to_status
    quiz._history_user = actor
    quiz._change_reason = normalize_text(reason)[:100]
    quiz.save(update_fields=["status", "updated_at"])
    reread_or_rollback(actor, quiz)
    return quiz


@transaction.atomic
def quiz_open(*, actor, quiz: Quiz, reason: str = "") -> Quiz:
    """草稿 → 开放: the public link starts taking responses (within the dates)."""
    return _transition(actor=actor, quiz=quiz, to_status=QuizStatus.OPEN, reason=reason)


@transaction.atomic
def quiz_close(*, actor, quiz: Quiz, reason: str = "") -> Quiz:
    """开放 → 关闭: no more responses."""
    return _transition(actor=actor, quiz=quiz, to_status=QuizStatus.CLOSED, reason=reason)


@transaction.atomic
def quiz_reopen(*, actor, quiz: Quiz, reason: str = "") -> Quiz:
    """关闭 → 开放 again (questions stay fixed)."""
    if quiz.status != QuizStatus.CLOSED:
        raise ApplicationError(_("Only a closed quiz can be reopened."), code="illegal_transition")
    return _transition(actor=actor, quiz=quiz, to_status=QuizStatus.OPEN, reason=reason)


# ---------------------------------------------------------------- responses (public)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def response_submit(*, quiz: Quiz, answers: Mapping) -> Response:
    """Score and store one anonymous response. ``answers`` maps question ids to lists of option ids."""
    quiz = Quiz.objects.get(pk=quiz.pk)
    if not quiz.accepts_responses():
        raise ApplicationError(_("This quiz is not taking answers at the moment."), code="closed")
    questions = list(quiz.questions.prefetch_related("options"))
    chosen: dict[int, list[int]] = {}
    for key, values in (answers or {}).items():
        qid = _as_int(key)
        if qid is None:
            raise ApplicationError(_("An answer names an unknown question."), field="answers")
        if isinstance(values, str | int):
            values = [values]
        ids = [_as_int(v) for v in values or []]
        if None in ids:
            raise ApplicationError(_("An answer names an unknown option."), field="answers")
        chosen[qid] = list(dict.fromkeys(ids))
    known = {q.pk for q in questions}
    if set(chosen) - known:
        raise ApplicationError(_("An answer names an unknown question."), field="answers")
    response = Response(quiz=quiz, area_path=quiz.area_path, submitted_at=timezone.now(),
                        questions=len(questions))  # fmt: skip
    rows = []
    for n, question in enumerate(questions, start=1):
        picked = chosen.get(question.pk) or []
        field = f"q{question.pk}"
        if not picked:
            raise ApplicationError(_("Answer question {n}.").format(n=n), field=field)
        options = {o.pk: o for o in question.options.all()}
        if any(pk not in options for pk in picked):
            raise ApplicationError(_("An option of question {n} is not one of its options.").format(n=n),
                                   field=field)  # fmt: skip
        if question.kind == QuestionKind.SINGLE and len(picked) != 1:
            raise ApplicationError(_("Question {n} takes exactly one answer.").format(n=n), field=field)
        if quiz.kind == QuizKind.KNOWLEDGE:
            right = {pk for pk, o in options.items() if o.is_correct}
            if set(picked) == right:
                response.correct += 1
        else:
            for pk in picked:
                level = options[pk].satisfaction
                if level:
                    setattr(response, level, getattr(response, level) + 1)
        rows.extend(Answer(question=question, option_id=pk) for pk in picked)
    if quiz.kind == QuizKind.KNOWLEDGE:
        response.passed = response.correct * 100 >= quiz.pass_percent * response.questions
    response.save()
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response
