"""Excel: indicator items export and import into a draft system (through item_create); candidate and title
exports hold the scope."""

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.creation import services
from shiliu.creation.demo_systems import demo_systems_ensure
from shiliu.creation.models import Indicator
from shiliu.exchange.services import import_file
from shiliu.exchange.tests.helpers import errors_at, messages, xlsx

from .factories import make_batch, make_candidate, make_system, title_for

pytestmark = pytest.mark.django_db
HEADERS = ["指标体系", "年度", "编号", "上级编号", "指标内容", "分值", "评分规则", "规则参数", "佐证类型", "考核方式",
           "数据来源", "加分项"]  # fmt: skip


def export_text(user, sheet, params=None) -> str:
    from tests.test_scope_matrix import xlsx_text

    client = Client()
    client.force_login(user)
    response = client.get(reverse("exchange:export", args=[sheet]), params or {})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return xlsx_text(content)


def test_indicator_export_of_a_demo_system(tree):
    community, county = demo_systems_ensure(year=2026)
    text = export_text(tree.office_a, "indicators", {"system": community.pk})
    assert "每年开展民族团结进步主题活动不少于4次" in text and '"required": 4' in text
    assert "共庆节日活动" not in text  # the county system's item


def test_indicator_import_into_a_draft_system(tree, tmp_path):
    system = services.system_create(actor=tree.admin, name="导入体系", target_kind="county", year=2026,
                                    total_points=20, pass_line=18, bonus_cap=0)  # fmt: skip
    rows = [
        ["导入体系", 2026, "1", "", "党的领导", 20, "", "", "", "", "", "否"],
        ["导入体系", 2026, "1.1", "1", "专题研究", 10, "缺项扣分", '{"required": 2, "deduct": 5}', "文件", "查阅资料", "", "否"],
        ["导入体系", 2026, "1.2", "1", "主题活动", 10, "分档", '{"bands": [[2, 5], [4, 10]]}', "台账记录、照片", "",
         "activities", "否"],
    ]  # fmt: skip
    report = import_file(actor=tree.admin, sheet="indicators", path=xlsx(tmp_path / "ok.xlsx", HEADERS, rows))
    assert report.ok, messages(report)
    item = Indicator.objects.get(system=system, code="1.2")
    assert (
        item.parent.code == "1" and item.rule_kind == "bands" and item.evidence_kinds == ["ledger", "photo"]
    )
    assert item.source == "activities" and item.level == "item"
    services.system_publish(actor=tree.admin, system=system)
    bad = [
        ["没有的体系", 2026, "9", "", "x", 1, "", "", "", "", "", "否"],  # 2: system
        ["导入体系", 2026, "2", "", "x", 1, "", "", "", "", "", "否"],  # 3: published, not a draft
    ]
    report = import_file(actor=tree.admin, sheet="indicators", path=xlsx(tmp_path / "bad.xlsx", HEADERS, bad))
    assert errors_at(report) == {(2, "指标体系"), (3, "指标体系")}, messages(report)


def test_indicator_import_reports_rule_problems(tree, tmp_path):
    services.system_create(actor=tree.admin, name="导入体系", target_kind="county", year=2026)
    rows = [
        ["导入体系", 2026, "1", "", "类", 100, "", "", "", "", "", "否"],
        ["导入体系", 2026, "1.1", "9", "x", 5, "", "", "", "", "", "否"],  # 3: parent
        ["导入体系", 2026, "1.2", "1", "x", 5, "分档", '{"bands": [[1, 9]]}', "", "", "", "否"],  # 4: params
        ["导入体系", 2026, "1.3", "1", "x", 5, "猜", "", "", "", "", "否"],  # 5: rule
        ["导入体系", 2026, "1.4", "1", "x", 5, "", "", "录像", "", "", "否"],  # 6: evidence
        ["导入体系", 2026, "1", "", "重复", 5, "", "", "", "", "", "否"],  # 7: code
    ]
    report = import_file(
        actor=tree.admin, sheet="indicators", path=xlsx(tmp_path / "bad.xlsx", HEADERS, rows)
    )
    assert errors_at(report) == {
        (3, "上级编号"),
        (4, "规则参数"),
        (5, "评分规则"),
        (6, "佐证类型"),
        (7, "编号"),
    }, messages(report)
    assert not Indicator.objects.exists()


def test_candidate_and_title_exports_hold_the_scope(tree):
    make_system()
    make_candidate(tree.unit_user_a, make_batch(tree.county_a), unit=tree.unit_a)
    make_candidate(tree.office_b, make_batch(tree.county_b), unit=tree.unit_b)
    title_for(tree.office_b, unit=tree.unit_b)
    text = export_text(tree.office_a, "creation_candidates")
    assert "团结社区居委会" in text and "和睦村村委会" not in text
    assert "和睦村村委会" in export_text(tree.city_office, "creation_candidates")
    assert "和睦村村委会" in export_text(tree.office_b, "creation_titles")
    assert "和睦村村委会" not in export_text(tree.office_a, "creation_titles")
