"""Excel export and import of model candidates through the shared exchange engine."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shiliu.exchange.services import import_file
from shiliu.honors.choices import CandidateStage
from shiliu.honors.models import CandidateTransition, Honour, ModelCandidate

from .factories import advance, make_candidate

HONOUR_HEADERS = ["先进典型编号", "表彰级别", "荣誉称号", "表彰理由", "决定机关", "决定日期", "文号"]
HEADERS = ["编号", "类别", "姓名或名称", "所在单位", "区划代码", "主要事迹", "发现日期"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def workbook(path, rows, headers=HEADERS, title="先进典型"):
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


def test_honours_export_and_import_page(client, tree):
    wang = advance(tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.COMMENDED)
    rows = list(export(client, "office_a", "honours").active.iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == (wang.pk, "王芳") and rows[0][5:7] == ("市级", "民族团结进步模范个人")
    assert list(export(client, "office_b", "honours").active.iter_rows(min_row=2, values_only=True)) == []
    assert client.get(reverse("exchange:import", args=["honours"])).status_code == 200
    response = client.get(reverse("exchange:template", args=["honours"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    documented = {r[0]: r[1] for r in wb["填写说明"].iter_rows(min_row=5, max_col=2, values_only=True)}
    assert documented["先进典型编号"]


def test_import_honours_adds_further_honours_without_moving_stages(tree, tmp_path):
    wang = advance(tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.COMMENDED)
    path = workbook(tmp_path / "h.xlsx", [
        [wang.pk, "省级", "民族团结进步模范个人", "再获表彰", "示范省人民政府", "2025-10-01", "示政发〔2025〕3号"],
        [wang.pk, "national", "全国模范", "事迹突出", "国务院", "2025/11/01", None],
    ], headers=HONOUR_HEADERS, title="表彰")  # fmt: skip
    transitions = CandidateTransition.objects.count()
    report = import_file(actor=tree.office_a, sheet="honours", path=path)
    assert report.ok, report.errors
    assert report.created == 2
    assert sorted(Honour.objects.values_list("level", flat=True)) == ["city", "national", "province"]
    wang.refresh_from_db()
    assert wang.stage == CandidateStage.COMMENDED and CandidateTransition.objects.count() == transitions
    report = import_file(actor=tree.office_a, sheet="honours", path=path)
    assert report.ok and report.unchanged == 2 and Honour.objects.count() == 3


def test_import_honours_reports_errors_and_writes_nothing(tree, tmp_path):
    wang = advance(tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.COMMENDED)
    open_one = make_candidate(tree.office_a, unit=tree.unit_a, name="马兰")
    theirs = advance(
        tree.office_b, make_candidate(tree.office_b, unit=tree.unit_b, name="李明"), CandidateStage.COMMENDED
    )
    path = workbook(tmp_path / "bad.xlsx", [
        [wang.pk, "省级", "模范", "理由", "示范省人民政府", "2025-10-01", None],  # fine, but the file fails
        [open_one.pk, "市级", "模范", "理由", "石榴市人民政府", "2025-10-01", None],  # not commended: no stage move
        [theirs.pk, "市级", "模范", "理由", "石榴市人民政府", "2025-10-01", None],  # outside the scope
        [wang.pk, "乡级", "模范", "理由", "石榴市人民政府", "2025-10-01", None],  # unknown level
        [wang.pk, "市级", "模范", None, "石榴市人民政府", "2025-10-01", None],  # reason missing
        [wang.pk, "市级", "模范", "理由", "石榴市人民政府", "2099-10-01", None],  # in the future
        [wang.pk, "市级", "模范", "理由", "石榴市人民政府", "2024-10-01", None],  # before the discovery
        [9999, "市级", "模范", "理由", "石榴市人民政府", "2025-10-01", None],
    ], headers=HONOUR_HEADERS, title="表彰")  # fmt: skip
    report = import_file(actor=tree.office_a, sheet="honours", path=path)
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "先进典型编号"), (4, "先进典型编号"), (5, "表彰级别"), (6, "表彰理由"), (7, "决定日期"), (8, "决定日期"),
        (9, "先进典型编号"),
    }, [(e.row, e.column, e.message) for e in report.errors]  # fmt: skip
    assert {e.sheet for e in report.errors} == {"表彰"}
    assert str(theirs.pk) in next(e.message for e in report.errors if e.row == 4)
    assert Honour.objects.count() == 2
    open_one.refresh_from_db()
    assert open_one.stage == CandidateStage.DISCOVERED


def test_honours_export_round_trips_unchanged(client, tree, tmp_path):
    advance(tree.office_a, make_candidate(tree.office_a, unit=tree.unit_a), CandidateStage.COMMENDED)
    advance(
        tree.office_a,
        make_candidate(tree.office_a, area=tree.village_a, name="服务队"),
        CandidateStage.COMMENDED,
    )
    wb = export(client, "office_a", "honours")
    path = tmp_path / "honours.xlsx"
    wb.save(path)
    report = import_file(actor=tree.office_a, sheet="honours", path=path)
    assert report.ok and report.unchanged == report.rows == 2, report.errors
    wb.active["F2"] = "省级"
    wb.save(path)
    report = import_file(actor=tree.office_a, sheet="honours", path=path)
    assert report.ok and (report.created, report.unchanged) == (1, 1), report.errors
    assert Honour.objects.count() == 3


def test_import_page_and_template(client, tree):
    assert client.login(username="office_a", password="Test-Passw0rd!")
    assert client.get(reverse("exchange:import", args=["model_candidates"])).status_code == 200
    response = client.get(reverse("exchange:template", args=["model_candidates"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "姓名或名称" in [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
