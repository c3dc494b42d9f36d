import pytest

from shiliu.exchange.engine import ImportRefused
from shiliu.exchange.services import import_dry_run, import_file
from shiliu.orgs.models import Unit
from shiliu.orgs.tests.factories import credit_code

from .helpers import UNIT_HEADERS, errors_at, messages, xlsx

VILLAGE_A = "990101001001"
TOWN_A = "990101001000"
VILLAGE_B = "990102001001"


def row(name, type_="企业", area=VILLAGE_A, code="", address="", contact="", phone="", member=""):
    return [name, type_, area, code, address, contact, phone, member]


def test_valid_units_are_created_with_history(tree, tmp_path):
    path = xlsx(
        tmp_path / "u.xlsx",
        UNIT_HEADERS,
        [
            row("新单位甲", code=credit_code(501), contact="王芳", phone="13800000000", member="是"),
            row("新单位乙", "学校", TOWN_A, code=credit_code(505)),
            row("新单位丙", "连队", TOWN_A),  # a type without a credit code needs none
        ],
    )
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, messages(report)
    assert report.created == 3
    unit = Unit.objects.get(name="新单位甲")
    assert unit.area == tree.village_a and unit.area_path == tree.village_a.path
    assert unit.contact_phone == "13800000000" and unit.is_member_department
    assert unit.history.count() == 1
    assert unit.history.first().history_user == tree.office_a
    assert unit.history.first().contact_phone == "13800000000"  # encrypted once, readable in both tables


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(tree, tmp_path):
    bad_code = credit_code(502)[:-1] + ("0" if credit_code(502)[-1] != "0" else "1")
    path = xlsx(
        tmp_path / "bad.xlsx",
        UNIT_HEADERS,
        [
            row("好单位", code=credit_code(503)),  # 2: fine
            row("", "企业", code=credit_code(506)),  # 3: name missing
            row("甲", "不存在的类型", code=credit_code(507)),  # 4: unknown type
            row("乙", area="990101009999", code=credit_code(508)),  # 5: unknown area
            row("丙", code=bad_code),  # 6: checksum
            row("丁", code=credit_code(503)),  # 7: duplicate credit code in file
            row("好单位", code=credit_code(509)),  # 8: duplicate name in the same area in file
            row("团结社区居委会", code=credit_code(504)),  # 9: clashes with existing unit_a (no credit code)?
            row("戊", area=VILLAGE_B, code=credit_code(510)),  # 10: out of scope for office_a
            row("己", code=credit_code(511), phone="12345"),  # 11: bad phone
            row("庚"),  # 12: an enterprise without a credit code
        ],
    )
    before = Unit.objects.count()
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert not report.ok
    found = errors_at(report)
    assert (3, "单位名称") in found
    assert (4, "单位类型") in found
    assert (5, "所属区划代码") in found
    assert (6, "统一社会信用代码") in found
    assert (7, "统一社会信用代码") in found
    assert (8, "单位名称") in found
    assert (10, "所属区划代码") in found
    assert (11, "联系电话") in found
    assert (12, "统一社会信用代码") in found
    assert (2, "单位名称") not in found and 2 not in {r for r, _c in found}
    assert all(e.sheet == "Sheet1" for e in report.errors)
    assert "checksum" in messages(report) or "校验" in messages(report)
    assert Unit.objects.count() == before


def test_duplicate_against_database(tree, tmp_path):
    Unit.objects.filter(pk=tree.unit_a.pk).update(credit_code=credit_code(600))
    path = xlsx(
        tmp_path / "dup.xlsx",
        UNIT_HEADERS,
        [
            # Same name in the same area as unit_a but another credit code.
            row("团结社区居委会", "社区", code=credit_code(601)),
            # Credit code of unit_b, which office_a cannot see.
            row("新名字", code=tree_unit_b_code(tree)),
        ],
    )
    report = import_dry_run(actor=tree.office_a, sheet="units", path=path)
    assert (2, "单位名称") in errors_at(report), messages(report)
    assert (3, "统一社会信用代码") in errors_at(report), messages(report)


def tree_unit_b_code(tree):
    code = credit_code(602)
    Unit.objects.filter(pk=tree.unit_b.pk).update(credit_code=code)
    return code


def test_rows_with_a_known_credit_code_update_and_masked_values_keep_the_record(tree, tmp_path):
    code = credit_code(610)
    Unit.objects.filter(pk=tree.unit_a.pk).update(credit_code=code)
    path = xlsx(
        tmp_path / "upd.xlsx",
        UNIT_HEADERS,
        [row("团结社区居民委员会", "社区", code=code, contact="张**", phone="138****5678", address="新地址")],
    )
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, messages(report)
    assert (report.created, report.updated) == (0, 1)
    unit = Unit.objects.get(pk=tree.unit_a.pk)
    assert unit.name == "团结社区居民委员会" and unit.address == "新地址"
    assert unit.contact_name == "张三丰" and unit.contact_phone == "13812345678"
    assert unit.history.first().history_type == "~"


def test_masked_value_for_a_new_unit_is_an_error(tree, tmp_path):
    path = xlsx(tmp_path / "m.xlsx", UNIT_HEADERS, [row("新单位", phone="138****0000")])
    report = import_dry_run(actor=tree.office_a, sheet="units", path=path)
    assert (2, "联系电话") in errors_at(report)


def test_title_rows_full_width_and_spaces_are_normalised(tree, tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [" 单位名称 ", "单位类型", "所属区划代码*", "统一社会信用代码"],
        [
            ["  全角　单位 ", " 企业", "９９０１０１００１００１", credit_code(620).replace("9", "９")],
            ["坏类型单位", "火星", "990101001001", ""],
        ],
        above=[["2024年创建单位名单"], []],
    )
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    # Row numbers are the worksheet's: title row 1, blank row 2, header row 3.
    assert errors_at(report) == {(5, "单位类型")}, messages(report)
    path = xlsx(
        tmp_path / "t2.xlsx",
        [" 单位名称 ", "单位类型", "所属区划代码*", "统一社会信用代码"],
        [["  全角　单位 ", " 企业", "９９０１０１００１００１", credit_code(620).replace("9", "９")]],
        above=[["2024年创建单位名单"], []],
    )
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, messages(report)
    unit = Unit.objects.get(credit_code=credit_code(620))
    assert unit.name == "全角 单位"
    assert unit.area == tree.village_a


def test_numbers_typed_as_numbers_are_read_as_codes(tree, tmp_path):
    path = xlsx(
        tmp_path / "n.xlsx",
        UNIT_HEADERS,
        [["数字单位", "企业", 990101001001, credit_code(630), "", "", 13800000000, ""]],
    )
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, messages(report)
    assert Unit.objects.get(name="数字单位").contact_phone == "13800000000"


def test_wrong_sheet_names_missing_headers(tree, tmp_path):
    path = xlsx(tmp_path / "w.xlsx", ["姓名", "单位类型", "电话"], [["a", "b", "c"]])
    with pytest.raises(ImportRefused) as exc:
        import_dry_run(actor=tree.office_a, sheet="units", path=path)
    assert "单位名称" in exc.value.message and "所属区划代码" in exc.value.message


def test_leader_cannot_import_and_unit_liaison_stays_in_scope(tree, tmp_path):
    path = xlsx(tmp_path / "s.xlsx", UNIT_HEADERS, [row("越权单位", area=TOWN_A, code=credit_code(640))])
    report = import_file(actor=tree.leader, sheet="units", path=path)
    assert (2, "所属区划代码") in errors_at(report)
    report = import_file(actor=tree.unit_user_a, sheet="units", path=path)
    assert (2, "所属区划代码") in errors_at(report)
    assert not Unit.objects.filter(name="越权单位").exists()


def test_a_type_with_a_credit_code_needs_one_in_new_rows_type_changes_and_not_in_legacy_rows(tree, tmp_path):
    path = xlsx(
        tmp_path / "c.xlsx",
        UNIT_HEADERS,
        [
            row("新学校", "学校", TOWN_A),  # 2: a new school without a code
            row("新连队", "连队", TOWN_A),  # 3: a military company needs none
            # 4: unit_a2 (a school, no code on record) by name: other fields may change.
            row("东关街道中心小学", "学校", TOWN_A, address="中心路8号"),
            row("团结社区居委会", "企业"),  # 5: unit_a (a community, no code) may not change type without one
        ],
    )
    report = import_dry_run(actor=tree.office_a, sheet="units", path=path)
    assert errors_at(report) == {(2, "统一社会信用代码"), (5, "统一社会信用代码")}, messages(report)
    assert "学校" in messages(report) and "企业" in messages(report)
    path = xlsx(
        tmp_path / "ok.xlsx",
        UNIT_HEADERS,
        [row("新连队", "连队", TOWN_A), row("东关街道中心小学", "学校", TOWN_A, address="中心路8号")],
    )
    report = import_file(actor=tree.office_a, sheet="units", path=path)
    assert report.ok, messages(report)
    assert (report.created, report.updated) == (1, 1)
    assert Unit.objects.get(name="新连队").credit_code == ""
    unit_a2 = Unit.objects.get(pk=tree.unit_a2.pk)
    assert (unit_a2.address, unit_a2.credit_code) == ("中心路8号", "")
