"""Builders for creation tests. ``make_system`` and ``make_batch`` build configuration directly; candidates,
scores and stage changes go through the services (``make_candidate``, ``score_self``, ``advance``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

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
    )


def make_candidate(actor, batch, *, unit=None, area=None):
    from shiliu.creation import services

    return services.candidate_create(actor=actor, batch=batch, unit=unit, area=area)


def score_self(actor, candidate, *, points: dict | None = None, default="max"):
    """Score every item of the self-assessment (``default="max"``: full points) and return the assessment."""
    from shiliu.creation import services

    assessment = candidate.assessments.get(kind="self")
    rows = assessment.item_scores.select_related("indicator")
    scores = {}
    for row in rows:
        code = row.indicator.code
        if points and code in points:
            scores[row.indicator_id] = (points[code], "")
        elif default == "max":
            scores[row.indicator_id] = (row.indicator.points, "")
        elif default is not None:
            scores[row.indicator_id] = (default, "")
    return services.assessment_save(actor=actor, assessment=assessment, scores=scores)


def title_for(office, *, unit=None, area=None, level=CreationLevel.COUNTY, named_on=None):
    from shiliu.creation import services

    return services.title_record(
        actor=office, unit=unit, area=area, level=level, document_number="示范〔2024〕1号",
        named_on=named_on or timezone.localdate() - datetime.timedelta(days=400),
    )  # fmt: skip


STAGES_IN_ORDER = [
    "submitted", "recommended", "preliminary_review", "site_assessment", "public_notice", "approved", "named",
]  # fmt: skip


def advance(candidate, stage: str, *, unit_actor, office, reviewers=(), objection: bool = False):
    """Move a candidate along the happy path up to ``stage`` through the services.

    ``unit_actor`` scores and submits the self-assessment (full points); ``office`` (an office of the batch's area
    or above) takes every later step; ``reviewers`` (default: ``office``) submit full scores. The public notice
    runs from 20 to 10 days ago so that approval is possible today.
    """
    from shiliu.creation import services

    today = timezone.localdate()
    reviewers = list(reviewers) or [office]
    for step in STAGES_IN_ORDER[: STAGES_IN_ORDER.index(stage) + 1]:
        candidate.refresh_from_db()
        if candidate.stage == step:
            continue
        if step == "submitted":
            score_self(unit_actor, candidate)
            services.candidate_submit(actor=unit_actor, candidate=candidate)
        elif step == "recommended":
            services.candidate_recommend(actor=office, candidate=candidate, reason="推荐")
        elif step == "preliminary_review":
            services.candidate_start_review(actor=office, candidate=candidate)
            for reviewer in reviewers:
                rows = candidate.system.indicators.filter(children__isnull=True)
                services.review_save(
                    actor=reviewer,
                    candidate=candidate,
                    scores={r.pk: (r.points, "") for r in rows},
                    submit=True,
                )
        elif step == "site_assessment":
            services.candidate_start_site_assessment(actor=office, candidate=candidate)
            services.site_visit_record(
                actor=office, candidate=candidate, visit_date=today - datetime.timedelta(days=25), team="评审组",
                method="unannounced", findings="台账齐全",
            )  # fmt: skip
            services.review_finalize(actor=office, candidate=candidate, reason="取评审平均分")
        elif step == "public_notice":
            services.candidate_open_notice(
                actor=office, candidate=candidate, start_date=today - datetime.timedelta(days=20),
                end_date=today - datetime.timedelta(days=10), channel="政府网站",
            )  # fmt: skip
            if objection:
                services.objection_record(
                    actor=office, candidate=candidate, received_on=today - datetime.timedelta(days=15),
                    content="反映台账不实",
                )  # fmt: skip
        elif step == "approved":
            services.candidate_approve(actor=office, candidate=candidate)
        elif step == "named":
            services.candidate_name(
                actor=office, candidate=candidate, document_number="示范〔2026〕8号", named_on=today
            )
    candidate.refresh_from_db()
    return candidate
