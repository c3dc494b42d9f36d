"""Excel exports of quizzes and responses, and the question bank import into a draft quiz."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shiliu.exchange.services import import_file
from shiliu.quizzes.models import Option, Question

from .factories import answer, knowledge_quiz, make_quiz, questionnaire

HEADERS = ["测试编号", "题目", "类型", "选项A", "选项B", "选项C", "选项D", "正确答案", "满意度"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def workbook(path, rows, headers=HEADERS, title="题库"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def export(client, username, sheet, **params):
    assert client.login(username=username, password="Test-Passw0rd!")
    response = client.get(reverse("exchange:export", args=[sheet]), params)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(wb):
    return list(wb.active.iter_rows(min_row=2, values_only=True))


def test_quizzes_export_is_scoped(client, tree):
    mine = knowledge_quiz(tree.office_a, area=tree.village_a)
    questionnaire(tree.office_b, area=tree.village_b)
    answer(mine, [0], [0, 2])
    rows = rows_of(export(client, "office_a", "quizzes"))
    assert len(rows) == 1
    assert rows[0][:4] == (mine.pk, mine.title, "知识测试", "开放") and rows[0][-1] == 1


def test_responses_export_has_counts_and_follows_filters(client, tree):
    quiz = knowledge_quiz(tree.office_a, area=tree.village_a)
    survey = questionnaire(tree.office_a, area=tree.village_a)
    answer(quiz, [0], [0, 2])
    answer(quiz, [1], [0])
    answer(survey, [2], [0])
    rows = rows_of(export(client, "office_a", "quiz_responses", kind="knowledge"))
    assert sorted((r[5], r[6], r[7]) for r in rows) == [(0, 2, "否"), (2, 2, "是")]
    survey_rows = rows_of(export(client, "office_a", "quiz_responses", quiz=survey.pk))
    assert [(r[8], r[9], r[10]) for r in survey_rows] == [(0, 0, 1)]
    assert rows_of(export(client, "office_b", "quiz_responses")) == []


def test_question_bank_import_into_a_draft_quiz(tree, tmp_path):
    quiz = make_quiz(tree.office_a, area=tree.county_a)
    path = workbook(tmp_path / "bank.xlsx", [
        [quiz.pk, "民族团结进步创建的主线是什么？", "单选", "铸牢中华民族共同体意识", "经济建设", None, None, "A", None],
        [quiz.pk, "“三交”指哪些？", "多选", "交往", "交易", "交流", "交融", "ACD", None],
    ])  # fmt: skip
    report = import_file(actor=tree.office_a, sheet="quiz_questions", path=path)
    assert report.ok, report.errors
    assert report.created == 2
    second = Question.objects.get(quiz=quiz, text="“三交”指哪些？")
    assert second.kind == "multiple"
    assert list(second.options.filter(is_correct=True).values_list("text", flat=True)) == [
        "交往",
        "交流",
        "交融",
    ]


def test_question_bank_import_for_a_questionnaire(tree, tmp_path):
    quiz = make_quiz(tree.office_a, area=tree.county_a, kind="questionnaire")
    path = workbook(tmp_path / "bank.xlsx", [
        [quiz.pk, "您满意吗？", "单选", "满意", "基本满意", "不满意", "不了解", None, "A满意 B基本满意 C不满意"],
    ])  # fmt: skip
    report = import_file(actor=tree.office_a, sheet="quiz_questions", path=path)
    assert report.ok, report.errors
    levels = list(
        Option.objects.filter(question__quiz=quiz).order_by("sort").values_list("satisfaction", flat=True)
    )
    assert levels == ["satisfied", "basic", "dissatisfied", ""]


def test_question_bank_import_errors_name_row_and_column_and_write_nothing(tree, tmp_path):
    draft = make_quiz(tree.office_a, area=tree.county_a)
    opened = knowledge_quiz(tree.office_a, area=tree.county_a)
    foreign = make_quiz(tree.office_b, area=tree.county_b)
    path = workbook(tmp_path / "bad.xlsx", [
        [draft.pk, "好题目", "单选", "甲", "乙", None, None, "A", None],  # row 2 fine
        [draft.pk, "题目", "判断", "甲", "乙", None, None, "A", None],  # row 3 bad kind
        [draft.pk, "题目", "单选", "甲", "乙", None, None, "AB", None],  # row 4 two correct for single
        [draft.pk, "题目", "单选", "甲", "乙", None, None, "D", None],  # row 5 option D empty
        [opened.pk, "题目", "单选", "甲", "乙", None, None, "A", None],  # row 6 not a draft
        [foreign.pk, "题目", "单选", "甲", "乙", None, None, "A", None],  # row 7 foreign
        [draft.pk, "题目", "单选", "甲", "乙", None, None, "Z", None],  # row 8 bad letters
        [draft.pk, "题目", "单选", "甲", "乙", None, None, None, None],  # row 9 no answer
    ])  # fmt: skip
    report = import_file(actor=tree.office_a, sheet="quiz_questions", path=path)
    assert not report.ok
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "类型"), (4, "正确答案"), (5, "正确答案"), (6, "测试编号"), (7, "测试编号"), (8, "正确答案"),
        (9, "正确答案"),
    }, [(e.row, e.column, e.message) for e in report.errors]  # fmt: skip
    assert not Question.objects.filter(quiz=draft).exists()
