"""Demo data of demonstration creation for ``seed_demo``: the demo indicator systems (our weights, marked demo), a
county naming batch of the current year and a few community candidates at various stages (one named, with its
title), scored from their records through the services, so every candidate has its timeline.

Deterministic (units in area-path order, fixed scores) and idempotent (a candidate already in the batch is left as
it is). Systems are seeded at every scale; candidates only at the ``tiny`` and ``city`` scales.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from shiliu.accounts.models import User
from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.models import Area, Unit

from .choices import CandidateStage, CreationLevel
from .models import Batch, Candidate

SIZES = {"tiny": 4, "city": 6}
# The stage each candidate ends at, in unit order; the demo unit's own community stays in self-assessment.
STAGES = [
    CandidateStage.NAMED, CandidateStage.PUBLIC_NOTICE, CandidateStage.PRELIMINARY_REVIEW,
    CandidateStage.RETURNED, CandidateStage.SUBMITTED, CandidateStage.DRAFT,
]  # fmt: skip
ORDER = [
    CandidateStage.SUBMITTED, CandidateStage.RECOMMENDED, CandidateStage.PRELIMINARY_REVIEW,
    CandidateStage.SITE_ASSESSMENT, CandidateStage.PUBLIC_NOTICE, CandidateStage.APPROVED, CandidateStage.NAMED,
]  # fmt: skip


def _self_scores(actor, candidate, *, claim_full: bool = False) -> None:
    """Score the self-assessment: a survey result for the policy-awareness item; then either the suggestions from
    records where there are some (fixed scores by hand for the rest), or, for candidates the demo carries to
    review and naming, the unit's own claim of full points on rule items (what a unit typically claims, shown
    next to the record-based suggestion on the gap list). Bonus items are left open."""
    from . import services

    assessment = candidate.assessments.get(kind="self")
    rows = list(assessment.item_scores.select_related("indicator"))
    for row in rows:
        if row.indicator.source == "survey_rate" and not row.evidence.exists():
            services.evidence_add(
                actor=actor, item_score=row, kind="survey", sample_size=150, rate=Decimal("92.5"),
                title="2026年居民政策知晓率问卷", note="入户问卷150份（演示数据）",
            )  # fmt: skip
    services.assessment_suggest(actor=actor, assessment=assessment)
    scores = {}
    for row in assessment.item_scores.select_related("indicator"):
        if row.indicator.is_bonus:
            continue
        if row.suggested_points is not None and not claim_full:
            scores[row.indicator_id] = (row.suggested_points, "按平台记录计分")
        else:
            points = row.indicator.points if row.indicator.rule_kind != "manual" else row.indicator.points - 1
            scores[row.indicator_id] = (points, "自评")
    services.assessment_save(actor=actor, assessment=assessment, scores=scores)


def _advance(candidate, target: str, *, unit_actor, office, reviewers, today) -> None:
    from . import services

    if target == CandidateStage.DRAFT:
        _self_scores(unit_actor, candidate)
        return
    if target == CandidateStage.RETURNED:
        _self_scores(unit_actor, candidate)
        services.candidate_submit(actor=unit_actor, candidate=candidate)
        services.candidate_return(actor=office, candidate=candidate, reason="请补充矛盾纠纷排查台账（演示）")
        return
    for step in ORDER[: ORDER.index(target) + 1]:
        candidate.refresh_from_db()
        if step == CandidateStage.SUBMITTED:
            _self_scores(unit_actor, candidate, claim_full=target != CandidateStage.SUBMITTED)
            services.candidate_submit(actor=unit_actor, candidate=candidate)
        elif step == CandidateStage.RECOMMENDED:
            services.candidate_recommend(actor=office, candidate=candidate, reason="经街道审核，同意推荐")
        elif step == CandidateStage.PRELIMINARY_REVIEW:
            services.candidate_start_review(actor=office, candidate=candidate)
            own = {s.indicator_id: s.points for s in candidate.assessments.get(kind="self").item_scores.all()}
            for n, reviewer in enumerate(reviewers):
                scores = {}
                for leaf in candidate.system.indicators.filter(children__isnull=True, is_bonus=False):
                    points = own.get(leaf.pk) or Decimal(0)
                    if n and leaf.rule_kind == "manual" and points >= 1:
                        points -= Decimal("0.5")
                    reason = "" if points >= leaf.points else "佐证材料不够充分"
                    scores[leaf.pk] = (points, reason)
                services.review_save(actor=reviewer, candidate=candidate, scores=scores, submit=True)
        elif step == CandidateStage.SITE_ASSESSMENT:
            services.candidate_start_site_assessment(actor=office, candidate=candidate)
            services.site_visit_record(
                actor=office, candidate=candidate, visit_date=today - datetime.timedelta(days=25),
                team="县创建办评审组（3人）", method="unannounced", findings="台账齐全，活动开展扎实，群众知晓率高。",
            )  # fmt: skip
            services.review_finalize(
                actor=office, candidate=candidate, reason="取两位评审平均分，实地核查属实"
            )
        elif step == CandidateStage.PUBLIC_NOTICE:
            services.candidate_open_notice(
                actor=office, candidate=candidate, start_date=today - datetime.timedelta(days=20),
                end_date=today - datetime.timedelta(days=10), channel="区政府门户网站",
            )  # fmt: skip
        elif step == CandidateStage.APPROVED:
            services.candidate_approve(actor=office, candidate=candidate, reason="公示期满无异议")
        elif step == CandidateStage.NAMED:
            services.candidate_name(
                actor=office, candidate=candidate, document_number=f"东创发〔{today.year}〕1号",
                named_on=today - datetime.timedelta(days=5),
            )  # fmt: skip


def seed_creation(*, scale: str, stdout=None) -> dict[str, int]:
    from .demo_systems import demo_systems_ensure
    from .services import batch_create, candidate_create

    today = timezone.localdate()
    demo_systems_ensure(year=today.year)
    if scale not in SIZES:
        return {}
    city = Area.objects.filter(code="990100000000").first()
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_", is_active=True)}
    city_office, county_office = users.get("demo_city_office"), users.get("demo_county_office")
    if city is None or city_office is None or county_office is None or county_office.area is None:
        return {}
    county = county_office.area
    batch = (
        Batch.objects.filter(area=county, level=CreationLevel.COUNTY, year=today.year).order_by("id").first()
    )
    added = {"batches": 0, "candidates": 0}
    if batch is None:
        batch = batch_create(
            actor=county_office, area=county, level=CreationLevel.COUNTY, year=today.year,
            name=f"{today.year}年度{county.name}民族团结进步示范单位（第一批）", quota=10,
            review_deadline=today + datetime.timedelta(days=60), note="演示批次",
        )  # fmt: skip
        added["batches"] += 1
    demo_unit = users.get("demo_unit")
    communities = list(
        Unit.objects.filter(area_path__startswith=county.path, unit_type__code="community", status=UnitStatus.ACTIVE,
                            area__level=AreaLevel.VILLAGE)
        .select_related("area", "unit_type")
        .order_by("area_path", "id")[: SIZES[scale]]
    )  # fmt: skip
    own = demo_unit.unit if demo_unit is not None and demo_unit.unit_id else None
    if own is not None:
        communities = [u for u in communities if u.pk != own.pk][: SIZES[scale] - 1] + [own]
    reviewers = [county_office, city_office]
    for n, unit in enumerate(communities):
        if Candidate.objects.filter(batch=batch, unit=unit).exists():
            continue
        target = CandidateStage.DRAFT if unit == own else STAGES[n % (len(STAGES) - 1)]
        unit_actor = demo_unit if unit == own else county_office
        candidate = candidate_create(actor=unit_actor, batch=batch, unit=unit)
        _advance(
            candidate, target, unit_actor=unit_actor, office=county_office, reviewers=reviewers, today=today
        )
        added["candidates"] += 1
    if stdout is not None:
        stdout.write(f"creation: {added['candidates']} candidates")
    return added


def flush_creation() -> None:
    """Delete the demo province's creation records (for ``seed_demo --flush``, before the org tree goes): titles
    (their checks, rectifications, revocations and events cascade), candidates (assessments, scores, evidence,
    visits, notices and objections cascade), batches, veto events and snapshots. The demo systems stay: they are
    platform-wide configuration."""
    from shiliu.orgs.demo import DEMO_PREFIX

    from .models import GapSnapshot, Title, VetoEvent

    GapSnapshot.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    Title.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    Candidate.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    Batch.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    VetoEvent.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
