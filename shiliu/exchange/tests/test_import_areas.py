from shiliu.exchange.services import import_dry_run, import_file
from shiliu.orgs.models import Area, AreaStatistics

from .helpers import AREA_HEADERS, STAT_HEADERS, errors_at, messages, xlsx


def test_areas_may_reference_parents_later_in_the_file(tree, tmp_path):
    # Rows deliberately out of order: the village comes before its new township.
    path = xlsx(
        tmp_path / "a.xlsx",
        AREA_HEADERS,
        [
            ["990101002001", "新村", "村/社区", "990101002000", ""],
            ["990101002000", "新镇", "乡镇", "990101000000", "是"],
            ["990101002001001", "新村第一网格", "6", "990101002001", ""],
        ],
    )
    report = import_file(actor=tree.office_a, sheet="areas", path=path)
    assert report.ok, messages(report)
    assert report.created == 3
    village = Area.objects.get(code="990101002001")
    assert village.parent.code == "990101002000" and village.path == "990101002001"
    assert Area.objects.get(code="990101002001001").parent == village
    assert village.history.count() == 1


def test_area_problems_are_reported_and_nothing_written(tree, tmp_path):
    path = xlsx(
        tmp_path / "bad.xlsx",
        AREA_HEADERS,
        [
            ["990101003000", "好镇", "乡镇", "990101000000", ""],  # 2 fine
            ["99010100300", "短代码镇", "乡镇", "990101000000", ""],  # 3 bad code length
            ["990101004000", "孤儿镇", "乡镇", "990101777000", ""],  # 4 unknown parent
            ["990102005000", "错挂镇", "乡镇", "990101000000", ""],  # 5 does not extend parent
            ["990101003000", "重复镇", "乡镇", "990101000000", ""],  # 6 duplicate in file
            ["990101006000", "", "乡镇", "990101000000", ""],  # 7 name missing
            ["990101007000", "怪镇", "星球", "990101000000", ""],  # 8 unknown level
            ["990102008000", "越权镇", "乡镇", "990102000000", ""],  # 9 out of scope (county B)
            ["990101001000", "东关街道", "县", "990100000000", ""],  # 10 existing area, other level/parent
        ],
    )
    report = import_file(actor=tree.office_a, sheet="areas", path=path)
    found = errors_at(report)
    assert (3, "区划代码") in found, messages(report)
    assert (4, "上级区划代码") in found
    assert (5, "区划代码") in found and "990101" in messages(report)
    assert (6, "区划代码") in found
    assert (7, "名称") in found
    assert (8, "层级") in found
    assert (9, "区划代码") in found
    assert (10, "区划代码") in found
    assert 2 not in {row for row, _ in found}
    assert not Area.objects.filter(code="990101003000").exists()


def test_existing_areas_are_renamed(tree, tmp_path):
    path = xlsx(
        tmp_path / "r.xlsx", AREA_HEADERS, [["990101001000", "东关街道办事处", "乡镇", "990101000000", "是"]]
    )
    report = import_file(actor=tree.office_a, sheet="areas", path=path)
    assert report.ok and report.updated == 1, messages(report)
    tree.town_a.refresh_from_db()
    assert tree.town_a.name == "东关街道办事处"


def test_a_parent_row_with_errors_is_named_by_its_children(tree, tmp_path):
    path = xlsx(
        tmp_path / "p.xlsx",
        AREA_HEADERS,
        [
            ["990101009000", "", "乡镇", "990101000000", ""],
            ["990101009001", "子村", "村", "990101009000", ""],
        ],
    )
    report = import_dry_run(actor=tree.office_a, sheet="areas", path=path)
    assert (3, "上级区划代码") in errors_at(report)
    assert "2" in next(e.message for e in report.errors if e.row == 3)


def test_statistics_import_upserts_and_checks(tree, tmp_path):
    AreaStatistics.objects.create(
        area=tree.village_a, area_path=tree.village_a.path, year=2023, households=1, population=2,
        minority_population=1, ethnic_groups=1,
    )  # fmt: skip
    path = xlsx(
        tmp_path / "s.xlsx",
        STAT_HEADERS,
        [
            ["990101001001", 2023, 100, 300, 120, 5],
            ["990101001001", 2024, 110, 310, 130, 6],
        ],
    )
    report = import_file(actor=tree.office_a, sheet="area_statistics", path=path)
    assert report.ok, messages(report)
    assert (report.created, report.updated) == (1, 1)
    assert AreaStatistics.objects.get(area=tree.village_a, year=2023).population == 300
    bad = xlsx(
        tmp_path / "bad.xlsx",
        STAT_HEADERS,
        [
            ["990101001001", 2025, 100, 300, 400, 5],  # minority above population
            ["990101001001", 2025, 100, 300, 100, 5],  # duplicate area+year
            ["990102001001", 2025, 1, 1, 1, 1],  # out of scope
            ["990101001001", 2026, 1, 1, 1, 57],  # more than 56 groups
            ["990101001001", "二〇二六", 1, 1, 1, 1],  # bad year
        ],
    )
    report = import_file(actor=tree.office_a, sheet="area_statistics", path=bad)
    found = errors_at(report)
    assert {(2, "少数民族人口数"), (3, "年份"), (4, "区划代码"), (5, "民族数"), (6, "年份")} <= found, (
        messages(report)
    )
    assert not AreaStatistics.objects.filter(year__in=[2025, 2026]).exists()


def test_a_failure_while_writing_rolls_back_every_row(tree, tmp_path, monkeypatch):
    from shiliu.core.errors import ApplicationError
    from shiliu.orgs import services as org_services

    real = org_services.area_statistics_upsert
    calls = []

    def fail_second(**kwargs):
        calls.append(kwargs["year"])
        if len(calls) == 2:
            raise ApplicationError("boom", field="population")
        return real(**kwargs)

    monkeypatch.setattr(org_services, "area_statistics_upsert", fail_second)
    path = xlsx(
        tmp_path / "s.xlsx",
        STAT_HEADERS,
        [["990101001001", 2020, 1, 2, 1, 1], ["990101001001", 2021, 1, 2, 1, 1]],
    )
    report = import_file(actor=tree.office_a, sheet="area_statistics", path=path)
    assert not report.ok and "boom" in messages(report) and "3" in messages(report)
    assert not AreaStatistics.objects.exists()
