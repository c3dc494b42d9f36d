"""Excel export and import of pairings and projects through the shared exchange engine."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shiliu.exchange.services import import_file
from shiliu.pairing.choices import FundSource, ProjectStatus
from shiliu.pairing.models import Pairing, PairingFund, PairingOutcome, PairingProject, PairingVisit
from shiliu.pairing.sheets import status_path

from .factories import D, make_fund, make_outcome, make_pairing, make_project, make_visit

PAIRING_HEADERS = ["帮扶单位", "结对村（社区）区划代码", "开始日期", "结束日期", "帮扶目标"]
VISIT_HEADERS = ["编号", "结对编号", "走访日期", "走访人数", "开展活动", "备注"]
FUND_HEADERS = ["编号", "结对编号", "日期", "金额（元）", "资金来源", "用途"]
OUTCOME_HEADERS = ["编号", "结对编号", "日期", "安排就业人数", "解决问题数", "成效描述"]
RECORD_DATE = {"pairing_visits": "visited_on", "pairing_funds": "paid_on", "pairing_outcomes": "reported_on"}
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


def test_record_sheets_offer_import_and_templates(client, tree):
    client.login(username="city_office", password="Test-Passw0rd!")
    for sheet in ("pairing_visits", "pairing_funds", "pairing_outcomes"):
        assert client.get(reverse("exchange:export", args=[sheet])).status_code == 200
        assert client.get(reverse("exchange:import", args=[sheet])).status_code == 200
        response = client.get(reverse("exchange:template", args=[sheet]))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert "结对编号" in [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
        documented = {
            row[0]: row[1] for row in book["填写说明"].iter_rows(min_row=5, max_col=2, values_only=True)
        }
        assert (
            documented["结对编号"] and documented["编号"]
        )  # every column explained on the instructions sheet
    assert client.get(reverse("exchange:import", args=["pairings"])).status_code == 200
    assert client.get(reverse("exchange:template", args=["pairing_projects"])).status_code == 200
    client.login(username="leader", password="Test-Passw0rd!")
    assert client.get(reverse("exchange:import", args=["pairing_visits"])).status_code == 403


def test_import_visits_creates_updates_and_is_idempotent(tree, tmp_path):
    pairing = make_pairing(tree.dept, tree.village_a)
    visit = make_visit(pairing)
    path = workbook(tmp_path / "v.xlsx", VISIT_HEADERS, [
        [None, pairing.pk, "2025-04-01", 4, "入户走访", "带去慰问品"],
        [None, pairing.pk, "2025/05/01", "2", "座谈", None],
        [visit.pk, pairing.pk, "2025-03-01", 5, "座谈会", None],
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_visits", path=path)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 1, 0)
    assert PairingVisit.objects.count() == 3
    visit.refresh_from_db()
    assert (visit.people, visit.activities) == (5, "座谈会")
    assert PairingVisit.history.filter(history_user=tree.dept_user).count() == 3
    report = import_file(actor=tree.dept_user, sheet="pairing_visits", path=path)
    assert report.ok and report.unchanged == 3 and PairingVisit.objects.count() == 3


def test_import_visits_reports_every_bad_row_and_writes_nothing(tree, tmp_path):
    pairing = make_pairing(tree.dept, tree.village_a)
    other = make_pairing(tree.unit_a2, tree.village_a)
    foreign_visit = make_visit(other)
    path = workbook(tmp_path / "bad.xlsx", VISIT_HEADERS, [
        [None, pairing.pk, "2025-04-01", 4, "入户走访", None],  # fine, but the file fails as a whole
        [None, pairing.pk, "2030-04-01", 4, "入户走访", None],  # outside the pairing period
        [None, pairing.pk, "2025-04-01", 0, "入户走访", None],  # nobody visited
        [None, pairing.pk, "2025-04-01", 2, None, None],  # activities missing
        [None, other.pk, "2025-04-01", 2, "座谈", None],  # another unit's pairing: outside the scope
        [foreign_visit.pk, pairing.pk, "2025-04-01", 2, "座谈", None],  # another pairing's visit
        [None, 999999, "2025-04-01", 2, "座谈", None],  # no such pairing
        [None, pairing.pk, "昨天", 2, "座谈", None],  # not a date
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_visits", path=path)
    assert errors(report) == {
        (3, "走访日期"), (4, "走访人数"), (5, "开展活动"), (6, "结对编号"), (7, "编号"), (8, "结对编号"),
        (9, "走访日期"),
    }, [(e.row, e.column, e.message) for e in report.errors]  # fmt: skip
    assert {e.sheet for e in report.errors} == {"Sheet"}
    assert PairingVisit.objects.count() == 1


def test_import_funds_through_the_fund_rules(tree, tmp_path):
    pairing = make_pairing(tree.dept, tree.village_a)
    path = workbook(tmp_path / "f.xlsx", FUND_HEADERS, [
        [None, pairing.pk, "2025-04-01", "12,000.5", "财政资金", "修缮村道"],
        [None, pairing.pk, "2025-05-01", "300元", "donation", "慰问"],
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_funds", path=path)
    assert report.ok, report.errors
    funds = {f.purpose: f for f in PairingFund.objects.all()}
    assert funds["修缮村道"].amount == Decimal("12000.50") and funds["修缮村道"].source == FundSource.FISCAL
    assert funds["慰问"].source == FundSource.DONATION

    other = make_pairing(tree.unit_a2, tree.village_a)
    bad = workbook(tmp_path / "bad.xlsx", FUND_HEADERS, [
        [None, pairing.pk, "2025-04-01", "0", "财政资金", "修缮村道"],  # zero amount
        [None, pairing.pk, "2025-04-01", "100", "彩票", "修缮村道"],  # unknown source
        [None, pairing.pk, "2024-04-01", "100", "自有资金", "修缮村道"],  # before the pairing
        [None, other.pk, "2025-04-01", "100", "自有资金", "修缮村道"],  # outside the scope
        [None, pairing.pk, "2025-06-01", "100", "自有资金", "购置设备"],  # fine
        [None, pairing.pk, "2025-06-01", "100", "自有资金", "购置设备"],  # the same payment twice
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_funds", path=bad)
    assert errors(report) == {(2, "金额（元）"), (3, "资金来源"), (4, "日期"), (5, "结对编号"), (7, "日期")}
    assert PairingFund.objects.count() == 2


def test_import_outcomes_through_the_outcome_rules(tree, tmp_path):
    pairing = make_pairing(tree.dept, tree.village_a)
    path = workbook(tmp_path / "o.xlsx", OUTCOME_HEADERS, [
        [None, pairing.pk, "2025-06-01", 3, None, "帮助3人就业"],
        [None, pairing.pk, "2025-07-01", None, 2, "解决饮水问题"],
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_outcomes", path=path)
    assert report.ok, report.errors
    assert sorted(PairingOutcome.objects.values_list("jobs_arranged", "problems_solved")) == [(0, 2), (3, 0)]

    bad = workbook(tmp_path / "bad.xlsx", OUTCOME_HEADERS, [
        [None, pairing.pk, "2025-08-01", 0, 0, "没有成效"],  # neither jobs nor problems
        [None, pairing.pk, "2025-08-01", -1, 1, "负数"],
        [None, pairing.pk, "2025-08-01", 1, 1, None],  # no description
        [None, pairing.pk, "2028-08-01", 1, 1, "期满之后"],
    ])  # fmt: skip
    report = import_file(actor=tree.dept_user, sheet="pairing_outcomes", path=bad)
    assert errors(report) == {(2, "安排就业人数"), (3, "安排就业人数"), (4, "成效描述"), (5, "日期")}
    assert PairingOutcome.objects.count() == 2


def test_record_import_refuses_rows_outside_the_county(tree, tmp_path):
    mine = make_pairing(tree.unit_a2, tree.village_a)
    theirs = make_pairing(tree.unit_b, tree.village_b)
    for sheet, headers, row in (
        ("pairing_visits", VISIT_HEADERS, ["2025-04-01", 2, "座谈", None]),
        ("pairing_funds", FUND_HEADERS, ["2025-04-01", "100", "自有资金", "修路"]),
        ("pairing_outcomes", OUTCOME_HEADERS, ["2025-04-01", 1, 0, "就业"]),
    ):
        path = workbook(tmp_path / f"{sheet}.xlsx", headers, [[None, mine.pk, *row], [None, theirs.pk, *row]])
        report = import_file(actor=tree.office_a, sheet=sheet, path=path)
        assert errors(report) == {(3, "结对编号")}, sheet
        assert str(theirs.pk) in report.errors[0].message
    assert not PairingVisit.objects.exists() and not PairingFund.objects.exists()
    assert not PairingOutcome.objects.exists()


def test_record_exports_round_trip_unchanged(client, tree, tmp_path):
    pairing = make_pairing(tree.dept, tree.village_a)
    other = make_pairing(tree.unit_a2, tree.village_a)
    make_visit(pairing, notes="备注")
    make_visit(other, activities="入户")
    make_fund(pairing, source="donation")
    make_fund(other, amount="12.50")
    make_outcome(pairing)
    make_outcome(other, jobs=0, problems=4)
    client.login(username="city_office", password="Test-Passw0rd!")
    for sheet, model in (
        ("pairing_visits", PairingVisit), ("pairing_funds", PairingFund), ("pairing_outcomes", PairingOutcome),
    ):  # fmt: skip
        response = client.get(reverse("exchange:export", args=[sheet]))
        path = tmp_path / f"{sheet}.xlsx"
        path.write_bytes(b"".join(response.streaming_content))
        report = import_file(actor=tree.city_office, sheet=sheet, path=path)
        assert report.ok and report.unchanged == report.rows == 2, (sheet, report.errors)
        assert model.objects.count() == 2
        book = load_workbook(path)
        book.active["E2"] = "2025-09-09"  # the first exported row (newest first) moves to another day
        book.save(path)
        report = import_file(actor=tree.city_office, sheet=sheet, path=path)
        assert report.ok and (report.updated, report.unchanged) == (1, 1), (sheet, report.errors)
        assert model.objects.count() == 2
        changed = model.objects.get(pk=book.active["A2"].value)
        assert getattr(changed, RECORD_DATE[sheet]) == D(2025, 9, 9)


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
