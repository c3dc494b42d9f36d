"""Builders for creation tests. ``make_system`` builds a small published system directly (configuration);
candidates, assessments and stage changes go through the services once those exist (see ``advance``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from shiliu.creation.choices import (
    AssessmentMethod,
    CreationLevel,
    EvidenceKind,
    IndicatorLevel,
    RecordSource,
    RuleKind,
    SystemStatus,
    TargetKind,
    VetoKind,
)
from shiliu.creation.models import Batch, Indicator, IndicatorSystem, VetoItem
from shiliu.orgs.models import UnitType

YEAR = 2025


def make_system(
    *,
    name: str = "测试社区测评体系",
    target_kind: str = TargetKind.UNIT,
    unit_type_code: str | None = "community",
    year: int = YEAR,
    status: str = SystemStatus.PUBLISHED,
    pass_line: Decimal | int = 90,
    total_points: Decimal | int = 100,
    bonus_cap: Decimal | int = 5,
) -> IndicatorSystem:
    """A small system: two categories totalling 100, one item per rule kind, a bonus item and two veto items.

    Items (code: points, rule):
      A1 leading group 10 all-or-nothing (manual value) | A2 themed activities 30 deduct 5 per missing of 4,
      source activities | B1 awareness 30 rate >= 90 %, partial linear from 60 %, source survey_rate |
      B2 pairings 30 bands (1 → 15, 2 → 30), source pairing_coverage | X1 bonus 5 honours (manual bands).
    """
    unit_type = UnitType.objects.get(code=unit_type_code) if target_kind == TargetKind.UNIT else None
    system = IndicatorSystem.objects.create(
        name=name,
        target_kind=target_kind,
        unit_type=unit_type,
        year=year,
        status=status,
        pass_line=pass_line,
        total_points=total_points,
        bonus_cap=bonus_cap,
    )
    cat_a = Indicator.objects.create(
        system=system, level=IndicatorLevel.CATEGORY, code="A", title="组织领导", points=40, sort=10
    )
    cat_b = Indicator.objects.create(
        system=system, level=IndicatorLevel.CATEGORY, code="B", title="交往交流交融", points=60, sort=20
    )
    item = IndicatorLevel.ITEM
    Indicator.objects.create(
        system=system, parent=cat_a, level=item, code="A1", title="成立领导小组并制定年度计划", points=10,
        rule_kind=RuleKind.ALL_OR_NOTHING, rule_params={}, evidence_kinds=[EvidenceKind.DOCUMENT],
        method=AssessmentMethod.MATERIALS, sort=11,
    )  # fmt: skip
    Indicator.objects.create(
        system=system, parent=cat_a, level=item, code="A2", title="每年开展主题活动不少于4次", points=30,
        rule_kind=RuleKind.DEDUCT_PER_MISSING, rule_params={"required": 4, "deduct": 5},
        evidence_kinds=[EvidenceKind.LEDGER, EvidenceKind.PHOTO], method=AssessmentMethod.MATERIALS,
        source=RecordSource.ACTIVITIES, source_params={}, sort=12,
    )  # fmt: skip
    Indicator.objects.create(
        system=system, parent=cat_b, level=item, code="B1", title="居民政策知晓率不低于90%", points=30,
        rule_kind=RuleKind.RATE_THRESHOLD, rule_params={"threshold": 90, "partial_from": 60},
        evidence_kinds=[EvidenceKind.SURVEY], method=AssessmentMethod.SURVEY,
        source=RecordSource.SURVEY_RATE, sort=21,
    )  # fmt: skip
    Indicator.objects.create(
        system=system, parent=cat_b, level=item, code="B2", title="结对共建覆盖", points=30,
        rule_kind=RuleKind.BANDS, rule_params={"bands": [[1, 15], [2, 30]]},
        evidence_kinds=[EvidenceKind.LEDGER], method=AssessmentMethod.MATERIALS,
        source=RecordSource.PAIRING_COVERAGE, sort=22,
    )  # fmt: skip
    cat_x = Indicator.objects.create(
        system=system,
        level=IndicatorLevel.CATEGORY,
        code="X",
        title="加分项",
        points=5,
        is_bonus=True,
        sort=90,
    )
    Indicator.objects.create(
        system=system, parent=cat_x, level=item, code="X1", title="获上级表彰", points=5, is_bonus=True,
        rule_kind=RuleKind.BANDS, rule_params={"bands": [[1, 3], [2, 5]]},
        evidence_kinds=[EvidenceKind.DOCUMENT], method=AssessmentMethod.MATERIALS,
        source=RecordSource.HONOURS, sort=91,
    )  # fmt: skip
    VetoItem.objects.create(
        system=system, code="V1", kind=VetoKind.MASS_INCIDENT, title="发生涉民族因素群体性事件"
    )
    VetoItem.objects.create(system=system, code="V2", kind=VetoKind.FALSIFIED, title="弄虚作假")
    return system


def make_batch(area, *, level: str = CreationLevel.COUNTY, year: int = YEAR, name=None, quota=None) -> Batch:
    return Batch.objects.create(
        name=name or f"{year}年度{area.name}示范创建第一批",
        level=level,
        year=year,
        area=area,
        area_path=area.path,
        quota=quota,
        application_deadline=datetime.date(year, 6, 30),
    )
