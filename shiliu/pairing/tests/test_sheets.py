"""Excel export and import of pairings and projects through the shared exchange engine."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shiliu.exchange.services import import_file
from shiliu.pairing.choices import ProjectStatus
from shiliu.pairing.models import Pairing, PairingProject
from shiliu.pairing.sheets import status_path

from .factories import D, make_pairing, make_project

PAIRING_HEADERS = ["帮扶单位", "结对村（社区）区划代码", "开始日期", "结束日期", "帮扶目标"]
PROJECT_HEADERS = ["结对编号", "项目名称", "开始日期", "项目金额（元）", "项目状态", "受益人数", "完成日期"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def workbook(path, headers, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def errors(report):
    return {(e.row, e.column) for e in report.errors}


def test_import_pairings_creates_and_reports_row_errors(tree, tmp_path):
    path = workbook(tmp_path / "p.xlsx", PAIRING_HEADERS, [
        ["石榴市教育局", "990101001001", "2025-01-01", "2026-12-31", "产业帮扶"],
        [tree.dept.name, "990102001001", "2025/02/01", "2025年12月31日", ""],
    ])  # fmt: skip
    report = import_file(actor=tree.city_office, sheet="pairings", path=path)
    assert report.ok, report.errors
    assert Pairing.objects.count() == 2
    assert Pairing.objects.get(village=tree.village_b).end == D(2025, 12, 31)

    bad = workbook(tmp_path / "bad.xlsx", PAIRING_HEADERS, [
        ["石榴市教育局", "990101001001", "2027-01-01", "2026-12-31", ""],  # end before start
        ["不存在的单位", "990101001001", "2027-01-01", "2027-12-31", ""],  # unknown unit
        ["石榴市教育局", "990101001000", "2027-01-01", "2027-12-31", ""],  # a township, not a village
        ["石榴市教育局", "990101001001", "明天", "2027-12-31", ""],  # not a date
        ["团结社区居委会", "990102001001", "2027-01-01", "2027-12-31", ""],  # village outside the unit's area
        ["石榴市教育局", "990101001001", "2028-01-01", "2028-12-31", ""],  # fine, but the file fails as a whole
    ])  # fmt: skip
    report = import_file(actor=tree.city_office, sheet="pairings", path=bad)
    assert errors(report) == {
        (2, "结束日期"), (3, "帮扶单位"), (4, "结对村（社区）区划代码"), (5, "开始日期"), (6, "结对村（社区）区划代码"),
    }  # fmt: skip
    assert Pairing.objects.count() == 2


def test_import_pairings_refuses_rows_outside_scope(tree, tmp_path):
    path = workbook(
        tmp_path / "p.xlsx", PAIRING_HEADERS, [["和睦村村委会", "990102001001", "2025-01-01", "2025-12-31"]]
    )
    report = import_file(actor=tree.office_a, sheet="pairings", path=path)
    assert errors(report) == {(2, "帮扶单位")}  # the unit is not even visible to county A
    assert not Pairing.objects.exists()


def test_import_projects_with_status_moves(tree, tmp_path):
    pairing = make_pairing(tree.dept, tree.village_a)
    make_project(pairing, name="旧项目", status="in_progress")
    path = workbook(tmp_path / "j.xlsx", PROJECT_HEADERS, [
        [pairing.pk, "新项目", "2025-03-01", "12000.5", "", 30, None],
        [pairing.pk, "已完项目", "2025-03-01", "800", "已完成", 12, "2025-09-30"],
        [pairing.pk, "旧项目", "2025-05-01", "6000", "已完成", 10, "2025-10-01"],
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_projects", path=path)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 1)
    projects = {p.name: p for p in PairingProject.objects.all()}
    assert projects["新项目"].status == ProjectStatus.PLANNED and projects["新项目"].amount == Decimal(
        "12000.50"
    )
    assert projects["已完项目"].status == ProjectStatus.COMPLETED
    assert projects["旧项目"].completed_on == D(2025, 10, 1) and projects["旧项目"].amount == Decimal("6000")

    other = make_pairing(tree.unit_a2, tree.village_a)
    bad = workbook(tmp_path / "bad.xlsx", PROJECT_HEADERS, [
        [pairing.pk, "旧项目", "2025-05-01", "6000", "实施中", 10, None],  # completed cannot go back
        [pairing.pk, "缺日期", "2025-03-01", "1", "已完成", 1, None],  # completed without a date
        [other.pk, "别人的", "2025-03-01", "1", "", 1, None],  # another unit's pairing
        [pairing.pk, "超期", "2030-03-01", "1", "", 1, None],  # outside the pairing period
        [pairing.pk, "金额", "2025-03-01", "很多", "", 1, None],  # not an amount
        [999999, "无此结对", "2025-03-01", "1", "", 1, None],
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_projects", path=bad)
    assert errors(report) == {
        (2, "项目状态"), (3, "完成日期"), (4, "结对编号"), (5, "开始日期"), (6, "项目金额（元）"), (7, "结对编号"),
    }  # fmt: skip
    assert PairingProject.objects.count() == 3


def test_status_paths():
    assert status_path("planned", "completed") == ["in_progress", "completed"]
    assert status_path("planned", "planned") == []
    assert status_path("completed", "in_progress") is None


def test_export_round_trips_unchanged(client, tree, tmp_path):
    make_pairing(tree.dept, tree.village_a, goals="目标")
    project = make_project(make_pairing(tree.unit_a2, tree.village_a), status="in_progress")
    client.login(username="city_office", password="Test-Passw0rd!")
    for sheet in ("pairings", "pairing_projects"):
        response = client.get(reverse("exchange:export", args=[sheet]))
        assert response.status_code == 200
        path = tmp_path / f"{sheet}.xlsx"
        path.write_bytes(b"".join(response.streaming_content))
        report = import_file(actor=tree.city_office, sheet=sheet, path=path)
        assert report.ok and report.unchanged == report.rows > 0, report.errors
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert "实施中" in [c.value for c in book.active[2]]
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS


def test_visit_and_fund_sheets_export_only(client, tree):
    client.login(username="city_office", password="Test-Passw0rd!")
    for sheet in ("pairing_visits", "pairing_funds"):
        assert client.get(reverse("exchange:export", args=[sheet])).status_code == 200
        assert client.get(reverse("exchange:import", args=[sheet])).status_code == 403
    assert client.get(reverse("exchange:import", args=["pairings"])).status_code == 200
    assert client.get(reverse("exchange:template", args=["pairing_projects"])).status_code == 200


def test_import_resolves_a_shared_unit_name_by_the_village(tree, tmp_path):
    from shiliu.orgs.tests.factories import make_unit

    twin = make_unit(tree.town_b, tree.unit_a2.name, "school")
    path = workbook(tmp_path / "p.xlsx", PAIRING_HEADERS, [
        [tree.unit_a2.name, tree.village_a.code, "2025-01-01", "2025-12-31"],
        [tree.unit_a2.name, tree.village_b.code, "2025-01-01", "2025-12-31"],
    ])  # fmt: skip
    report = import_file(actor=tree.city_office, sheet="pairings", path=path)
    assert report.ok, report.errors
    assert set(Pairing.objects.values_list("unit_id", "village_id")) == {
        (tree.unit_a2.pk, tree.village_a.pk), (twin.pk, tree.village_b.pk),
    }  # fmt: skip
