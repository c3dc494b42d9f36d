"""Demo indicator systems: a community system and a county system with OUR OWN weights (DOMAIN.md, "Indicator
systems"), clearly marked as demo data and not official. Titles are data in the platform's working language, like
unit type names; offices clone them for a year and adjust.

``demo_systems_ensure(*, year, publish=True)`` creates (once) and publishes both; ``seed_demo`` and benchmarks
call it. Items with a record source get suggested scores from activities, publicity, pairing, honours, request
statistics and survey evidence.
"""

from __future__ import annotations

from django.db import transaction

from .choices import SystemStatus, TargetKind, VetoKind
from .models import IndicatorSystem

DEMO_NOTE = "演示数据：权重与评分规则为本平台自拟，仅供演示，不是官方测评标准。"
COMMUNITY_NAME = "民族团结进步示范社区测评体系（演示）"
COUNTY_NAME = "民族团结进步示范县（市、区）测评体系（演示）"

E = {
    "doc": "document",
    "photo": "photo",
    "ledger": "ledger",
    "survey": "survey",
    "fig": "figure",
    "site": "site_visit",
}


def _ev(*keys):
    return [E[k] for k in keys]


# (code, title, points, [items]); item = (code, title, points, rule_kind, rule_params, evidence, method, source,
# source_params, hint)
COMMUNITY = [
    (
        "1",
        "组织领导",
        15,
        [
            (
                "1.1",
                "成立创建领导小组，制定年度工作计划",
                5,
                "all_or_nothing",
                {},
                _ev("doc"),
                "materials",
                "",
                {},
                "领导小组成立文件、年度计划",
            ),
            (
                "1.2",
                "创建工作列入议事日程，每年专题研究不少于2次",
                5,
                "deduct_per_missing",
                {"required": 2, "deduct": 2.5},
                _ev("doc"),
                "materials",
                "",
                {},
                "会议纪要（每缺1次扣2.5分）",
            ),
            (
                "1.3",
                "有专人负责，有工作经费保障",
                5,
                "all_or_nothing",
                {},
                _ev("doc"),
                "report",
                "",
                {},
                "人员分工文件、经费安排",
            ),
        ],
    ),
    (
        "2",
        "宣传教育",
        20,
        [
            (
                "2.1",
                "每年开展民族团结进步主题活动不少于4次",
                8,
                "deduct_per_missing",
                {"required": 4, "deduct": 2},
                _ev("ledger", "photo"),
                "materials",
                "activities",
                {},
                "活动台账（平台活动记录自动计入，每缺1次扣2分）",
            ),
            (
                "2.2",
                "有固定宣传阵地（宣传栏、展板）",
                6,
                "all_or_nothing",
                {"min": 1},
                _ev("ledger", "photo"),
                "site_check",
                "publicity",
                {"kind": "board"},
                "平台宣传台账中的展板记录",
            ),
            (
                "2.3",
                "居民对党的民族政策知晓率达到90%以上",
                6,
                "rate_threshold",
                {"threshold": 90, "partial_from": 60},
                _ev("survey"),
                "survey",
                "survey_rate",
                {},
                "问卷调查结果（样本量、知晓率）及调查报告；暂无答题模块",
            ),
        ],
    ),
    (
        "3",
        "交往交流交融",
        20,
        [
            (
                "3.1",
                "开展嵌入式服务，促进各族群众共居共学共事共乐",
                8,
                "manual",
                {},
                _ev("doc", "photo", "site"),
                "site_check",
                "",
                {},
                "嵌入式服务项目材料、实地查看",
            ),
            (
                "3.2",
                "组织各族群众共度节日",
                6,
                "bands",
                {"bands": [[1, 3], [2, 6]]},
                _ev("ledger", "photo"),
                "materials",
                "activities",
                {"activity_type": "festival"},
                "节庆活动台账（1次3分，2次以上6分）",
            ),
            (
                "3.3",
                "结对共建覆盖",
                6,
                "all_or_nothing",
                {"min": 1},
                _ev("ledger"),
                "materials",
                "pairing_coverage",
                {},
                "平台结对帮扶记录",
            ),
        ],
    ),
    (
        "4",
        "服务保障",
        15,
        [
            (
                "4.1",
                "为流动人口提供就业、就学、就医帮助",
                8,
                "manual",
                {},
                _ev("doc", "ledger"),
                "materials",
                "",
                {},
                "服务台账",
            ),
            (
                "4.2",
                "群众诉求办结满意率达到90%以上",
                7,
                "rate_threshold",
                {"threshold": 90, "partial": "per_point", "deduct_per_point": 0.5},
                _ev("fig"),
                "materials",
                "request_satisfaction",
                {},
                "平台诉求统计（满意率）",
            ),
        ],
    ),
    (
        "5",
        "治理与风险防范",
        20,
        [
            (
                "5.1",
                "每月开展矛盾纠纷排查",
                8,
                "deduct_per_missing",
                {"required": 12, "deduct": 1},
                _ev("ledger"),
                "materials",
                "",
                {},
                "排查台账（每缺1个月扣1分）",
            ),
            (
                "5.2",
                "网格事件按时办结",
                6,
                "rate_threshold",
                {"threshold": 95, "partial_from": 70},
                _ev("fig"),
                "materials",
                "request_closure",
                {},
                "平台诉求统计（按时办结率）",
            ),
            (
                "5.3",
                "有涉民族因素突发事件应急预案",
                6,
                "all_or_nothing",
                {},
                _ev("doc"),
                "knowledge",
                "",
                {},
                "应急预案文本",
            ),
        ],
    ),
    (
        "6",
        "创新发展",
        10,
        [
            (
                "6.1",
                "形成创建特色品牌项目",
                5,
                "manual",
                {},
                _ev("doc", "photo"),
                "report",
                "",
                {},
                "品牌项目材料",
            ),
            ("6.2", "经验做法被上级推广", 5, "manual", {}, _ev("doc"), "materials", "", {}, "上级推广文件"),
        ],
    ),
]
COMMUNITY_BONUS = ("9", "加分项", 5, [
    ("9.1", "获得上级表彰", 5, "bands", {"bands": [[1, 3], [2, 5]]}, _ev("doc"), "materials", "honours", {},
     "表彰文件（平台表彰记录自动计入）"),
])  # fmt: skip

COUNTY = [
    (
        "1",
        "坚持党的领导",
        15,
        [
            (
                "1.1",
                "建立创建工作领导体制和责任制",
                5,
                "all_or_nothing",
                {},
                _ev("doc"),
                "materials",
                "",
                {},
                "文件",
            ),
            (
                "1.2",
                "党委常委会每年专题研究不少于2次",
                5,
                "deduct_per_missing",
                {"required": 2, "deduct": 2.5},
                _ev("doc"),
                "materials",
                "",
                {},
                "会议纪要",
            ),
            (
                "1.3",
                "创建经费列入财政预算",
                5,
                "all_or_nothing",
                {},
                _ev("doc"),
                "materials",
                "",
                {},
                "预算文件",
            ),
        ],
    ),
    (
        "2",
        "构筑中华民族共有精神家园",
        20,
        [
            (
                "2.1",
                "全年开展主题教育活动不少于12次",
                8,
                "deduct_per_missing",
                {"required": 12, "deduct": 1},
                _ev("ledger"),
                "materials",
                "activities",
                {},
                "平台活动记录",
            ),
            (
                "2.2",
                "媒体宣传报道",
                6,
                "bands",
                {"bands": [[10, 3], [20, 6]]},
                _ev("ledger"),
                "materials",
                "publicity",
                {},
                "平台宣传台账",
            ),
            (
                "2.3",
                "群众政策知晓率达到90%以上",
                6,
                "rate_threshold",
                {"threshold": 90, "partial_from": 60},
                _ev("survey"),
                "survey",
                "survey_rate",
                {},
                "问卷调查结果及报告；暂无答题模块",
            ),
        ],
    ),
    (
        "3",
        "推动各民族共同走向现代化",
        15,
        [
            (
                "3.1",
                "结对帮扶项目",
                8,
                "bands",
                {"bands": [[5, 4], [10, 8]]},
                _ev("ledger"),
                "materials",
                "pairing_projects",
                {},
                "平台结对项目记录",
            ),
            ("3.2", "民族地区发展规划落实", 7, "manual", {}, _ev("doc"), "report", "", {}, "规划及落实材料"),
        ],
    ),
    (
        "4",
        "促进各民族交往交流交融",
        15,
        [
            ("4.1", "建设互嵌式社区", 8, "manual", {}, _ev("doc", "site"), "site_check", "", {}, "实地查看"),
            (
                "4.2",
                "共庆节日活动",
                7,
                "bands",
                {"bands": [[3, 4], [6, 7]]},
                _ev("ledger"),
                "materials",
                "activities",
                {"activity_type": "festival"},
                "平台节庆活动记录",
            ),
        ],
    ),
    (
        "5",
        "依法治理民族事务",
        15,
        [
            (
                "5.1",
                "群众诉求满意率达到90%以上",
                7,
                "rate_threshold",
                {"threshold": 90, "partial": "per_point", "deduct_per_point": 0.5},
                _ev("fig"),
                "materials",
                "request_satisfaction",
                {},
                "平台诉求统计",
            ),
            (
                "5.2",
                "开展法治宣传教育",
                8,
                "bands",
                {"bands": [[4, 4], [8, 8]]},
                _ev("ledger"),
                "materials",
                "activities",
                {"activity_type": "legal_education"},
                "平台法治宣传活动记录",
            ),
        ],
    ),
    (
        "6",
        "防范化解民族领域风险隐患",
        10,
        [
            (
                "6.1",
                "定期排查矛盾纠纷",
                5,
                "deduct_per_missing",
                {"required": 4, "deduct": 1.25},
                _ev("ledger"),
                "materials",
                "",
                {},
                "季度排查台账",
            ),
            (
                "6.2",
                "制定应急预案并演练",
                5,
                "all_or_nothing",
                {},
                _ev("doc", "photo"),
                "knowledge",
                "",
                {},
                "预案及演练材料",
            ),
        ],
    ),
    (
        "7",
        "创新创建工作",
        10,
        [
            ("7.1", "特色品牌", 5, "manual", {}, _ev("doc"), "report", "", {}, "品牌材料"),
            ("7.2", "经验被上级推广", 5, "manual", {}, _ev("doc"), "materials", "", {}, "推广文件"),
        ],
    ),
]
COUNTY_BONUS = ("9", "加分项", 5, [
    ("9.1", "获得上级表彰", 5, "bands", {"bands": [[1, 3], [3, 5]]}, _ev("doc"), "materials", "honours", {},
     "平台表彰记录"),
])  # fmt: skip

VETO = [
    ("V1", VetoKind.MASS_INCIDENT, "发生涉民族因素的群体性事件"),
    ("V2", VetoKind.LEADERSHIP_BREACH, "领导班子成员发生严重违纪违法问题"),
    ("V3", VetoKind.FALSIFIED, "申报材料弄虚作假"),
    ("V4", VetoKind.PUBLIC_OPINION, "发生造成重大负面影响的舆情事件"),
]


def _build(actor, system, categories, bonus):
    from .services.systems import item_create, veto_item_create

    for sort, (code, title, points, items) in enumerate([*categories, bonus], start=1):
        is_bonus = code == bonus[0]
        category = item_create(actor=actor, system=system, code=code, title=title, points=points,
                               is_bonus=is_bonus, sort=sort * 10)  # fmt: skip
        for n, (icode, ititle, ipoints, rule, params, evidence, method, source, sparams, hint) in enumerate(
            items, 1
        ):
            item_create(
                actor=actor, system=system, parent=category, code=icode, title=ititle, points=ipoints,
                rule_kind=rule, rule_params=params, evidence_kinds=evidence, method=method, source=source,
                source_params=sparams, evidence_hint=hint, is_bonus=is_bonus, sort=sort * 10 + n,
            )  # fmt: skip
    for n, (code, kind, title) in enumerate(VETO, 1):
        veto_item_create(actor=actor, system=system, code=code, kind=kind, title=title, sort=n)


@transaction.atomic
def demo_system_ensure(*, name: str, target_kind: str, unit_type=None, year: int, categories, bonus,
                       publish: bool = True, actor=None) -> IndicatorSystem:  # fmt: skip
    from .services.common import SYSTEM
    from .services.systems import system_create, system_publish

    actor = actor or SYSTEM
    system = IndicatorSystem.objects.filter(name=name, year=year, is_demo=True).order_by("version").first()
    if system is None:
        system = system_create(
            actor=actor, name=name, target_kind=target_kind, unit_type=unit_type, year=year, total_points=100,
            pass_line=90, bonus_cap=5, note=DEMO_NOTE, is_demo=True,
        )  # fmt: skip
        _build(actor, system, categories, bonus)
    if publish and system.status == SystemStatus.DRAFT:
        system_publish(actor=actor, system=system)
        system.refresh_from_db()
    return system


def demo_systems_ensure(
    *, year: int, publish: bool = True, actor=None
) -> tuple[IndicatorSystem, IndicatorSystem]:
    """The demo community system (for units of type ``community``) and the demo county system, created once per
    year and published. Idempotent."""
    from shiliu.orgs.models import UnitType
    from shiliu.orgs.services import unit_types_ensure_defaults

    unit_types_ensure_defaults()
    community = demo_system_ensure(
        name=COMMUNITY_NAME, target_kind=TargetKind.UNIT, unit_type=UnitType.objects.get(code="community"),
        year=year, categories=COMMUNITY, bonus=COMMUNITY_BONUS, publish=publish, actor=actor,
    )  # fmt: skip
    county = demo_system_ensure(
        name=COUNTY_NAME, target_kind=TargetKind.COUNTY, year=year, categories=COUNTY, bonus=COUNTY_BONUS,
        publish=publish, actor=actor,
    )  # fmt: skip
    return community, county
