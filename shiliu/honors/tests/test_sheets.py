"""Excel export and import of model candidates through the shared exchange engine."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shiliu.exchange.services import import_file
from shiliu.honors.choices import CandidateStage
from shiliu.honors.models import CandidateTransition, ModelCandidate

from .factories import advance, make_candidate

HEADERS = ["编号", "类别", "姓名或名称", "所在单位", "区划代码", "主要事迹", "发现日期"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def workbook(path, rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.title = "先进典型"
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


def test_import_creates_candidates_at_the_first_stage(tree, tmp_path):
    path = workbook(tmp_path / "a.xlsx", [
        [None, "个人", "马兰", "团结社区居委会", "990101001001", "调解邻里纠纷", "2025-04-01"],
        [None, "集体", "团结社区志愿服务队", None, "990101001001", "常年志愿服务", None],
    ])  # fmt: skip
    report = import_file(actor=tree.office_a, sheet="model_candidates", path=path)
    assert report.ok, report.errors
    assert report.created == 2
    ma = ModelCandidate.objects.get(name="马兰")
    assert ma.unit_id == tree.unit_a.pk and ma.stage == CandidateStage.DISCOVERED
    assert CandidateTransition.objects.count() == 2


def test_import_reports_errors_by_row_and_column_and_writes_nothing(tree, tmp_path):
    path = workbook(tmp_path / "bad.xlsx", [
        [None, "个人", "马兰", "团结社区居委会", "990101001001", "调解邻里纠纷", "2025-04-01"],
        [None, "团体", "张三", "团结社区居委会", "990101001001", "事迹", None],
        [None, "个人", "李四", None, "990101001001", "事迹", None],
        [None, "个人", "赵五", "和睦村村委会", "990102001001", "事迹", None],
        [None, "个人", "钱六", "不存在的单位", "990101001001", "事迹", None],
        [None, "集体", "某队", None, "123456789012", "事迹", None],
        [9999, "集体", "某队", None, "990101001001", "事迹", None],
        [None, "个人", "孙七", "团结社区居委会", "990101001001", None, "2025-13-01"],
    ])  # fmt: skip
    report = import_file(actor=tree.office_a, sheet="model_candidates", path=path)
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "类别"),
        (4, "所在单位"),
        (5, "区划代码"),
        (6, "所在单位"),
        (7, "区划代码"),
        (8, "编号"),
        (9, "主要事迹"),
        (9, "发现日期"),
    }, [(e.row, e.column, e.message) for e in report.errors]
    assert not ModelCandidate.objects.exists()


def test_export_is_scoped_and_reimports_unchanged_then_updates(client, tree, tmp_path):
    wang = advance(tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.COMMENDED)
    make_candidate(tree.office_b, unit=tree.unit_b, name="李明")
    wb = export(client, "office_a", "model_candidates")
    ws = wb.active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(values) == 1 and values[0][0] == wang.pk and values[0][2] == "王芳"
    assert "民族团结进步模范个人" in values[0][9]
    path = tmp_path / "same.xlsx"
    wb.save(path)
    report = import_file(actor=tree.office_a, sheet="model_candidates", path=path)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 1)
    ws["G2"] = "补充后的事迹"
    wb.save(path)
    report = import_file(actor=tree.office_a, sheet="model_candidates", path=path)
    assert report.ok and report.updated == 1
    wang.refresh_from_db()
    assert wang.deeds == "补充后的事迹" and wang.stage == CandidateStage.COMMENDED
    # Another office cannot update it through the number.
    report = import_file(actor=tree.office_b, sheet="model_candidates", path=path)
    assert not report.ok and report.errors[0].column == "编号"


def test_export_follows_the_list_filters(client, tree):
    make_candidate(tree.office_a, unit=tree.unit_a, name="王芳")
    make_candidate(tree.office_a, area=tree.village_a, name="服务队")
    wb = export(client, "city_office", "model_candidates", kind="collective")
    assert [r[2] for r in wb.active.iter_rows(min_row=2, values_only=True)] == ["服务队"]


def test_honours_export_and_no_import(client, tree):
    advance(tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.COMMENDED)
    rows = list(export(client, "office_a", "honours").active.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "王芳" and rows[0][5] == "民族团结进步模范个人"
    assert list(export(client, "office_b", "honours").active.iter_rows(min_row=2, values_only=True)) == []
    assert client.get(reverse("exchange:import", args=["honours"])).status_code == 403


def test_import_page_and_template(client, tree):
    assert client.login(username="office_a", password="Test-Passw0rd!")
    assert client.get(reverse("exchange:import", args=["model_candidates"])).status_code == 200
    response = client.get(reverse("exchange:template", args=["model_candidates"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "姓名或名称" in [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
