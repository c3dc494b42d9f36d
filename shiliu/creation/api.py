"""JSON endpoints of creation (read through the selectors, hence the scope engine).

Read-only: indicator systems with their item tree and veto items (configuration every signed-in user reads),
creation candidates (scoped; with their scores and timeline), a candidate's gap list (``selectors.gap_list``) and
demonstration titles. Points and scores are numbers (two decimals at most).
"""

from __future__ import annotations

import datetime
from enum import Enum, StrEnum

from ninja import Field, Query, Router, Schema

from shiliu.api.pagination import list_page
from shiliu.api.params import query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, PageParams

from . import selectors
from .choices import (
    AssessmentKind,
    AssessmentMethod,
    CandidateStage,
    CreationLevel,
    IndicatorLevel,
    SystemStatus,
    TargetKind,
    TitleStatus,
)

router = Router(tags=["creation"])

SYSTEM_SORTS = ("-year", "year", "name", "-name", "-id", "id")
CANDIDATE_SORTS = (
    "-id", "id", "year", "-year", "stage", "-stage", "self_score", "-self_score", "final_score", "-final_score",
    "stage_changed_at", "-stage_changed_at",
)  # fmt: skip
TITLE_SORTS = ("-named_on", "named_on", "valid_until", "-valid_until", "-id", "id")

StageFilter = Enum(
    "StageFilter", {"OPEN": "open", **{stage.name: stage.value for stage in CandidateStage}}, type=str
)


class Validity(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"


class Holder(StrEnum):
    UNIT = "unit"
    AREA = "area"


# ---------------------------------------------------------------- helpers


def _by(actor) -> str:
    if actor is None:
        return ""
    return getattr(actor, "full_name", "") or actor.get_username()


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class CodeRef(Schema):
    code: str
    name: str


class SystemRef(Schema):
    id: int
    name: str
    year: int
    version: int


class SystemOut(Schema):
    id: int
    name: str
    target_kind: TargetKind
    unit_type: CodeRef | None
    year: int
    version: int
    total_points: float
    pass_line: float
    bonus_cap: float
    status: SystemStatus
    is_demo: bool = Field(description="A shipped demo system: its weights are not official.")
    area: Ref | None = Field(description="The issuing office's area; none for platform-wide systems.")
    cloned_from: int | None = Field(description="The id of the system this one was cloned from.")
    published_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_cloned_from(obj) -> int | None:
        return obj.cloned_from_id


class SystemPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[SystemOut]


class SystemFilters(Schema):
    q: str | None = Field(None, description="A search in the name.")
    target_kind: TargetKind | None = None
    unit_type: str | None = Field(None, description="A unit type code.")
    year: int | None = None
    status: SystemStatus | None = None
    demo: bool | None = None


class IndicatorOut(Schema):
    """One node of the tree, depth-first in order: ``parent`` is the id of the node above (none for a category)."""

    id: int
    parent: int | None
    depth: int = Field(description="0 for a category, 1 for an item, 2 for a sub-item.")
    is_leaf: bool
    level: IndicatorLevel
    code: str
    title: str
    description: str
    points: float
    is_bonus: bool
    rule_kind: str = Field(description="The scoring rule of a scored leaf.")
    rule_params: dict
    method: AssessmentMethod
    source: str = Field(description="The record source a suggested score is computed from; empty if none.")
    source_params: dict
    evidence_kinds: list[str]
    evidence_hint: str
    sort: int

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id


class VetoItemOut(Schema):
    id: int
    code: str
    kind: str
    title: str


class SystemDetailOut(SystemOut):
    note: str
    items: list[IndicatorOut]
    veto_items: list[VetoItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return selectors.indicator_tree(system=obj)

    @staticmethod
    def resolve_veto_items(obj) -> list:
        return list(obj.veto_items.all())


class CandidateOut(Schema):
    id: int
    target_name: str = Field(description="The unit's name, or the area's for an area candidate.")
    unit: Ref | None
    area: Ref
    level: CreationLevel
    batch: Ref
    system: SystemRef
    year: int
    stage: CandidateStage
    stage_changed_at: datetime.datetime
    self_score: float | None
    final_score: float | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CandidatePage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[CandidateOut]


class CandidateFilters(Schema):
    q: str | None = Field(None, description="A search in the unit's, area's or batch's name.")
    area: int | None = Field(None, description="Only candidates in this area and below.")
    level: CreationLevel | None = None
    batch: int | None = None
    target_kind: TargetKind | None = Field(None, description="Units, or areas of a kind.")
    unit_type: str | None = Field(None, description="A unit type code.")
    stage: StageFilter | None = Field(None, description="A stage, or open (any stage with a next step).")
    year: int | None = None


class AssessmentSummary(Schema):
    id: int
    kind: str
    status: str
    reviewer: str = Field("", description="Who scored a review; empty for the self-assessment and final.")
    score: float
    bonus: float
    total: float
    is_vetoed: bool
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_reviewer(obj) -> str:
        return _by(obj.reviewer) if obj.reviewer_id else ""


class ScoresOut(Schema):
    self_score: float | None
    final_score: float | None
    final_reason: str
    self_assessment: AssessmentSummary | None
    reviews: list[AssessmentSummary]
    final: AssessmentSummary | None


class CandidateEventOut(Schema):
    action: str
    from_stage: str
    to_stage: str
    by: str
    at: datetime.datetime
    reason: str

    @staticmethod
    def resolve_by(obj) -> str:
        return _by(obj.actor)


class CandidateDetailOut(CandidateOut):
    scores: ScoresOut
    allowed_actions: list[str] = Field(description="The steps the caller may take now (in the web pages).")
    timeline: list[CandidateEventOut]


class IndicatorRef(Schema):
    id: int
    code: str
    title: str


class GapItemOut(Schema):
    indicator: IndicatorRef
    category: IndicatorRef | None
    max_points: float
    points: float = Field(description="The provisional points.")
    points_source: str = Field(description="final, self, suggested or none.")
    missing: float
    suggested_points: float | None
    measured_value: float | None
    suggestion_basis: str
    suggestion_url: str = Field(description="The web list of the records the suggestion counted.")
    needed: float | None = Field(description="The measured value that earns full points.")
    evidence_count: int
    evidence_kinds: list[str]
    action: str = Field(description="What would earn the missing points.")


class VetoEventRef(Schema):
    id: int
    kind: str
    status: str
    occurred_on: datetime.date


class VetoCheckOut(Schema):
    code: str
    title: str
    note: str


class PeersOut(Schema):
    level_count: int
    level_rank: int | None
    level_average: float | None
    level_percentile: int | None
    type_count: int
    type_rank: int | None
    type_average: float | None
    type_percentile: int | None
    computed_at: datetime.datetime | None


class GapListOut(Schema):
    candidate: int
    system: SystemRef
    basis: str = Field(description="final or self: the scores the list starts from.")
    score: float
    bonus: float
    total: float
    pass_line: float
    shortfall: float
    is_passing: bool
    veto: str = Field(description="clear, pending or triggered.")
    veto_events: list[VetoEventRef]
    veto_checks: list[VetoCheckOut]
    ladder: str | None = Field(description="Why the level applied for skips a rung, if it does.")
    items: list[GapItemOut]
    peers: PeersOut
    computed_at: datetime.datetime | None


class TitleOut(Schema):
    id: int
    name: str
    holder_name: str
    unit: Ref | None
    area: Ref
    level: CreationLevel
    batch: Ref | None
    candidate: int | None
    document_number: str
    named_on: datetime.date
    valid_until: datetime.date
    status: TitleStatus
    status_changed_at: datetime.datetime
    reverified_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_candidate(obj) -> int | None:
        return obj.candidate_id


class TitlePage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[TitleOut]


class TitleFilters(Schema):
    q: str | None = Field(
        None, description="A search in the holder's name, the title or the document number."
    )
    area: int | None = Field(None, description="Only titles in this area and below.")
    level: CreationLevel | None = None
    status: TitleStatus | None = None
    validity: Validity | None = Field(None, description="valid, expiring (within 180 days) or expired.")
    batch: int | None = None
    holder: Holder | None = Field(None, description="Titles held by units or by areas.")
    unit_type: str | None = Field(None, description="A unit type code.")


class TitleEventOut(Schema):
    from_status: str
    to_status: str
    by: str
    at: datetime.datetime
    reason: str

    @staticmethod
    def resolve_by(obj) -> str:
        return _by(obj.actor)


class TitleDetailOut(TitleOut):
    status_reason: str
    timeline: list[TitleEventOut]

    @staticmethod
    def resolve_timeline(obj) -> list:
        return list(selectors.title_timeline(title=obj))


# ---------------------------------------------------------------- indicator systems


@router.get("/indicator-systems", response={200: SystemPage, **LIST_ERRORS})
def system_list(request, filters: Query[SystemFilters], page: Query[PageParams]):
    qs = selectors.system_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, SYSTEM_SORTS)


@router.get("/indicator-systems/{int:system_id}", response={200: SystemDetailOut, **READ_ERRORS})
def system_detail(request, system_id: int):
    """The system with its item tree (points, rules, record sources, evidence) and its veto items."""
    return selectors.system_get(user=request.auth, pk=system_id)


# ---------------------------------------------------------------- candidates


@router.get("/creation-candidates", response={200: CandidatePage, **LIST_ERRORS})
def candidate_list(request, filters: Query[CandidateFilters], page: Query[PageParams]):
    qs = selectors.candidate_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, CANDIDATE_SORTS)


@router.get("/creation-candidates/{int:candidate_id}", response={200: CandidateDetailOut, **READ_ERRORS})
def candidate_detail(request, candidate_id: int):
    """The candidate with its scores (self-assessment, reviews, final) and its timeline."""
    user = request.auth
    candidate = selectors.candidate_get(user=user, pk=candidate_id)
    reviews = selectors.review_table(user=user, candidate=candidate)
    candidate.scores = {
        "self_score": candidate.self_score,
        "final_score": candidate.final_score,
        "final_reason": candidate.final_reason,
        # The candidate's own assessment, as on its web page (the candidate was fetched through scope).
        "self_assessment": candidate.assessments.filter(kind=AssessmentKind.SELF).first(),
        "reviews": reviews["reviews"],
        "final": reviews["final"],
    }
    candidate.allowed_actions = selectors.candidate_actions(user=user, candidate=candidate)
    candidate.timeline = list(selectors.candidate_timeline(candidate=candidate))
    return candidate


@router.get("/creation-candidates/{int:candidate_id}/gap-list", response={200: GapListOut, **READ_ERRORS})
def candidate_gap_list(request, candidate_id: int):
    """How far the candidate is from the pass line, item by item, and what would close the gap (差距清单)."""
    user = request.auth
    candidate = selectors.candidate_get(user=user, pk=candidate_id)
    gap = selectors.gap_list(user=user, candidate=candidate)
    return {
        "candidate": candidate.pk,
        "system": gap.system,
        "basis": gap.basis,
        "score": gap.score,
        "bonus": gap.bonus,
        "total": gap.total,
        "pass_line": gap.pass_line,
        "shortfall": gap.shortfall,
        "is_passing": gap.is_passing,
        "veto": gap.veto,
        "veto_events": gap.veto_events,
        "veto_checks": [
            {"code": c.veto_item.code, "title": c.veto_item.title, "note": c.note} for c in gap.veto_checks
        ],
        "ladder": str(gap.ladder) if gap.ladder else None,
        "items": [_gap_item(item) for item in gap.items],
        "peers": gap.peers,
        "computed_at": gap.computed_at,
    }


def _gap_item(item) -> dict:
    suggestion = item.suggestion
    figure = getattr(suggestion, "figure", None)
    return {
        "indicator": item.indicator,
        "category": item.category,
        "max_points": item.max_points,
        "points": item.points,
        "points_source": item.points_source,
        "missing": item.missing,
        "suggested_points": getattr(suggestion, "points", None),
        "measured_value": getattr(suggestion, "value", None),
        "suggestion_basis": str(getattr(suggestion, "basis", "") or ""),
        "suggestion_url": figure.url if figure is not None else "",
        "needed": item.needed,
        "evidence_count": item.evidence_count,
        "evidence_kinds": item.evidence_kinds,
        "action": str(item.action),
    }


# ---------------------------------------------------------------- titles


@router.get("/demonstration-titles", response={200: TitlePage, **LIST_ERRORS})
def title_list(request, filters: Query[TitleFilters], page: Query[PageParams]):
    qs = selectors.title_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, TITLE_SORTS)


@router.get("/demonstration-titles/{int:title_id}", response={200: TitleDetailOut, **READ_ERRORS})
def title_detail(request, title_id: int):
    return selectors.title_get(user=request.auth, pk=title_id)
