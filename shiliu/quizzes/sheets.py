"""Excel sheets of quizzes and responses (exports) and of a question bank imported into a draft quiz.

The question bank (``quiz_questions``) imports row by row through ``question_save``, as the question form does:
one row is one question with up to six options (选项A–F), the correct letters (正确答案, e.g. “AC”) for a
knowledge quiz or the satisfaction levels of the options (满意度, e.g. “A满意 B基本满意 C不满意”) for a
questionnaire. The quiz is named by its number (测试编号, as in the quizzes export) and must be a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import CHANGE, ensure_writable, visible_to
from shiliu.exchange.engine import Column, Report, Row, Sheet, parse_int
from shiliu.exchange.registry import register

from . import selectors, services
from .choices import QuestionKind, QuizKind, QuizStatus, Satisfaction
from .models import Quiz, Response

KIND_TEXT = {QuizKind.KNOWLEDGE: "知识测试", QuizKind.QUESTIONNAIRE: "满意度问卷"}
STATUS_TEXT = {QuizStatus.DRAFT: "草稿", QuizStatus.OPEN: "开放", QuizStatus.CLOSED: "关闭"}
QUESTION_KIND_WORDS = {"单选": QuestionKind.SINGLE, "单选题": QuestionKind.SINGLE, "single": QuestionKind.SINGLE,
                       "多选": QuestionKind.MULTIPLE, "多选题": QuestionKind.MULTIPLE,
                       "multiple": QuestionKind.MULTIPLE}  # fmt: skip
LEVEL_WORDS = {
    "满意": Satisfaction.SATISFIED,
    "基本满意": Satisfaction.BASIC,
    "不满意": Satisfaction.DISSATISFIED,
}
LETTERS = "ABCDEF"


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def _sorted(qs, filters, allowed):
    sort = (filters or {}).get("sort")
    if sort in allowed:
        return qs.order_by(sort, "-id" if sort.startswith("-") else "id")
    return qs.order_by("-id")


class ExportOnlySheet(Sheet):
    def can_import(self, user) -> bool:
        return False


@register
class QuizSheet(ExportOnlySheet):
    name = "quizzes"
    title = "知识测试与问卷"
    verbose_name = _l("Quizzes and questionnaires")
    model = Quiz
    list_url_name = "quizzes:quiz_list"
    sort_keys = ("opens_on", "-opens_on", "title", "-title", "id", "-id")
    columns = (
        Column("id", "测试编号", _l("The quiz's number (used by the question bank import)."), width=10),
        Column("title", "标题", _l("Title."), width=30),
        Column("kind", "类型", _l("Knowledge quiz or satisfaction questionnaire."), width=12),
        Column("status", "状态", _l("Draft, open or closed."), width=8),
        Column("area_code", "区划代码", _l("Division code of the area.")),
        Column("area_name", "所属区划", _l("Name of the area.")),
        Column("unit", "单位", _l("The unit running the quiz, if any."), width=30),
        Column("year", "年度", _l("Year."), width=8),
        Column("opens_on", "开始日期", _l("First day taking answers."), width=12),
        Column("closes_on", "结束日期", _l("Last day taking answers."), width=12),
        Column("pass_percent", "及格线（%）", _l("Pass mark of a knowledge quiz."), width=10),
        Column("responses", "答卷数", _l("Number of responses."), width=10),
    )

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.quiz_list(user=user, filters=filters), filters, self.sort_keys)

    def export_row(self, q: Quiz) -> list:
        return [q.pk, q.title, KIND_TEXT[q.kind], STATUS_TEXT[q.status], q.area.code, q.area.name,
                q.unit.name if q.unit else "", q.year, q.opens_on.isoformat(), q.closes_on.isoformat(),
                q.pass_percent if q.kind == QuizKind.KNOWLEDGE else "", q.response_count]  # fmt: skip


@register
class ResponseSheet(ExportOnlySheet):
    name = "quiz_responses"
    title = "答卷"
    verbose_name = _l("Quiz responses")
    model = Response
    list_url_name = "quizzes:response_list"
    sort_keys = ("submitted_at", "-submitted_at", "id", "-id")
    columns = (
        Column("id", "答卷编号", _l("The response's number."), width=10),
        Column("quiz_id", "测试编号", _l("The quiz's number."), width=10),
        Column("quiz", "测试", _l("Title of the quiz."), width=30),
        Column("kind", "类型", _l("Knowledge quiz or satisfaction questionnaire."), width=12),
        Column("submitted_at", "提交时间", _l("When the response was sent (local time)."), width=18),
        Column("correct", "答对题数", _l("Questions answered fully right."), width=10),
        Column("questions", "题数", _l("Questions in the quiz."), width=8),
        Column("passed", "是否及格", _l("Whether the response reached the pass mark."), width=10),
        Column("satisfied", "满意", _l("Satisfied answers."), width=8),
        Column("basic", "基本满意", _l("Basically satisfied answers."), width=10),
        Column("dissatisfied", "不满意", _l("Dissatisfied answers."), width=8),
    )

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.response_list(user=user, filters=filters), filters, self.sort_keys)

    def export_row(self, r: Response) -> list:
        knowledge = r.quiz.kind == QuizKind.KNOWLEDGE
        return [r.pk, r.quiz_id, r.quiz.title, KIND_TEXT[r.quiz.kind],
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
                r.correct if knowledge else "", r.questions, yes_no(r.passed) if knowledge else "",
                "" if knowledge else r.satisfied, "" if knowledge else r.basic,
                "" if knowledge else r.dissatisfied]  # fmt: skip


# ---------------------------------------------------------------- question bank import


def parse_question_kind(text: str) -> str:
    kind = QUESTION_KIND_WORDS.get(text.replace(" ", "").lower())
    if kind is None:
        raise ApplicationError(_("Enter “单选” or “多选”; got “{value}”.").format(value=text))
    return kind


def parse_letters(text: str) -> str:
    letters = re.sub(r"[\s,，、;；]", "", text).upper()
    if not letters or any(c not in LETTERS for c in letters):
        raise ApplicationError(
            _("Enter option letters A to F such as “AC”; got “{value}”.").format(value=text)
        )
    return letters


def parse_levels(text: str) -> dict[str, str]:
    """“A满意 B基本满意 C不满意” → {"A": "satisfied", ...}."""
    found = re.findall(r"([A-Fa-f])\s*[:：=]?\s*(基本满意|不满意|满意)", text)
    rest = re.sub(r"([A-Fa-f])\s*[:：=]?\s*(基本满意|不满意|满意)", "", text)
    if not found or re.sub(r"[\s,，、;；]", "", rest):
        raise ApplicationError(
            _("Enter levels such as “A满意 B基本满意 C不满意”; got “{value}”.").format(value=text)
        )
    return {letter.upper(): LEVEL_WORDS[word] for letter, word in found}


@dataclass
class QuestionPlan:
    rows: list[tuple[int, Quiz, dict]] = field(default_factory=list)


@register
class QuestionSheet(Sheet):
    name = "quiz_questions"
    title = "题库"
    verbose_name = _l("Question bank")
    model = Quiz
    list_url_name = "quizzes:quiz_list"
    columns = (
        Column("quiz_id", "测试编号", _l("Number of a draft quiz, as in the quizzes export."), required=True,
               format=_l("A number from an export."), example="1", parse=parse_int(minimum=1), width=10),
        Column("text", "题目", _l("The question."), required=True, format=_l("Text, at most 500 characters."),
               example="民族团结进步创建的主线是什么？", width=40),
        Column("kind", "类型", _l("Single or multiple choice."), required=True, format="单选 / 多选", example="单选",
               parse=parse_question_kind, width=8),
        *(Column(f"option_{c.lower()}", f"选项{c}", _l("An option; empty columns are skipped."),
                 format=_l("Text, at most 200 characters."), example="铸牢中华民族共同体意识" if c == "A" else "",
                 width=20) for c in LETTERS),
        Column("answer", "正确答案", _l("Knowledge quiz: the letters of the correct options."),
               format=_l("Letters such as AC."), example="A", parse=parse_letters, width=10),
        Column("levels", "满意度", _l("Questionnaire: the satisfaction level of rating options."),
               format="A满意 B基本满意 C不满意", example="", parse=parse_levels, width=24),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return Quiz.objects.none()

    def export_row(self, obj) -> list:  # pragma: no cover - nothing is exported
        return []

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> QuestionPlan:
        header = self.header_of
        ids = {r.values.get("quiz_id") for r in rows if r.values.get("quiz_id")}
        quizzes = {
            q.pk: q for q in visible_to(Quiz.objects.select_related("unit"), actor, CHANGE).filter(pk__in=ids)
        }
        plan, bad = QuestionPlan(), {e.row for e in report.errors}
        for row in rows:
            v = row.values
            if row.number in bad:
                continue
            quiz = quizzes.get(v.get("quiz_id"))
            if quiz is None:
                report.add(row.number, header("quiz_id"),
                           _("No quiz numbered {id} is within your scope.").format(id=v.get("quiz_id")))  # fmt: skip
                continue
            try:
                ensure_writable(actor, Quiz, area_path=quiz.area_path, unit_id=quiz.unit_id or 0)
            except NotVisible:
                report.add(row.number, header("quiz_id"), _("You may not edit quiz {id}.").format(id=quiz.pk))
                continue
            if quiz.status != QuizStatus.DRAFT:
                report.add(row.number, header("quiz_id"),
                           _("Questions can be changed only while the quiz is a draft."))  # fmt: skip
                continue
            letters = [c for c in LETTERS if v.get(f"option_{c.lower()}")]
            answer, levels = v.get("answer") or "", v.get("levels") or {}
            if quiz.kind == QuizKind.KNOWLEDGE and not answer:
                report.add(row.number, header("answer"), _("Give the letters of the correct options."))
                continue
            if quiz.kind == QuizKind.QUESTIONNAIRE and answer:
                report.add(row.number, header("answer"), _("A questionnaire has no correct answers."))
                continue
            if quiz.kind == QuizKind.KNOWLEDGE and levels:
                report.add(
                    row.number, header("levels"), _("Satisfaction levels belong to questionnaires only.")
                )
                continue
            missing = [c for c in (*answer, *levels) if c not in letters]
            if missing:
                column = "answer" if set(missing) & set(answer) else "levels"
                report.add(row.number, header(column),
                           _("The option {letter} is empty.").format(letter=missing[0]))  # fmt: skip
                continue
            options = [{"text": v.get(f"option_{c.lower()}"), "is_correct": c in answer,
                        "satisfaction": levels.get(c, "")} for c in letters]  # fmt: skip
            try:
                services.options_clean(quiz=quiz, kind=v.get("kind"), options=options)
            except ApplicationError as exc:
                column = "answer" if quiz.kind == QuizKind.KNOWLEDGE else "option_a"
                report.add(row.number, header(column), exc.message)
                continue
            report.created += 1
            plan.rows.append(
                (row.number, quiz, {"text": v.get("text"), "kind": v.get("kind"), "options": options})
            )
        return plan

    def apply(self, *, actor, plan: QuestionPlan) -> None:
        for number, quiz, data in plan.rows:
            try:
                services.question_save(actor=actor, quiz=quiz, **data)
            except (ApplicationError, NotVisible) as exc:
                message = getattr(exc, "message", None) or _("outside your scope")
                raise ApplicationError(_("Row {row}: {message}").format(row=number, message=message)) from exc
