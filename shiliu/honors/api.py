"""JSON endpoints of honors (read through the selectors, hence the scope engine).

Read-only: the scoped model candidates (the detail with its stage changes), the honours, and the figures of
``selectors.honour_figures``, the same numbers as the web home panel. A candidate is stored with name, unit and
deeds only: there is no other personal attribute to expose.
"""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router, Schema

from shiliu.api.pagination import list_page
from shiliu.api.params import PeriodParams, check_period, query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, FigureOut, PageParams, figure_out

from . import selectors
from .choices import CandidateKind, CandidateStage, HonourLevel

router = Router(tags=["honors"])

CANDIDATE_SORTS = ("-discovered_on", "discovered_on", "name", "-name", "-id", "id")
HONOUR_SORTS = ("-decision_date", "decision_date", "-id", "id")


# ---------------------------------------------------------------- helpers


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class CandidateOut(Schema):
    id: int
    kind: CandidateKind
    name: str
    unit: Ref | None
    area: Ref
    discovered_on: datetime.date
    stage: CandidateStage
    created_at: datetime.datetime
    updated_at: datetime.datetime


class TransitionOut(Schema):
    from_stage: str = Field(description="Empty for the first record (discovery).")
    to_stage: CandidateStage
    by: str
    at: datetime.datetime
    reason: str

    @staticmethod
    def resolve_by(obj) -> str:
        return getattr(obj.actor, "full_name", "") or obj.actor.get_username()


class CandidateDetailOut(CandidateOut):
    deeds: str
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_transitions(obj) -> list:
        return list(selectors.candidate_timeline(candidate=obj))


class CandidatePage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[CandidateOut]


class PeriodFilters(Schema):
    area: int | None = Field(None, description="Only records in this area and below.")
    year: int | None = Field(None, ge=1900, le=2200)
    start: datetime.date | None = None
    end: datetime.date | None = None


class CandidateFilters(PeriodFilters):
    """``year``/``start``/``end`` apply to the date the candidate was found."""

    q: str | None = Field(None, description="Words of the name or of the unit's name.")
    kind: CandidateKind | None = None
    stage: CandidateStage | None = None
    level: HonourLevel | None = Field(None, description="Candidates holding an honour of this level.")


class CandidateRef(Schema):
    id: int
    name: str
    kind: CandidateKind


class HonourOut(Schema):
    id: int
    candidate: CandidateRef
    level: HonourLevel
    title: str
    reason: str
    deciding_body: str
    decision_date: datetime.date
    document_number: str
    created_at: datetime.datetime


class HonourPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[HonourOut]


class HonourFilters(PeriodFilters):
    """``year``/``start``/``end`` apply to the decision date."""

    q: str | None = Field(None, description="Words of the title, the candidate or the deciding body.")
    level: HonourLevel | None = None
    kind: CandidateKind | None = Field(None, description="The kind of the honoured candidate.")


# ---------------------------------------------------------------- candidates


@router.get("/model-candidates", response={200: CandidatePage, **LIST_ERRORS})
def candidate_list(request, filters: Query[CandidateFilters], page: Query[PageParams]):
    return list_page(
        selectors.candidate_list(user=request.auth, filters=query_filters(filters)), page, CANDIDATE_SORTS
    )


@router.get("/model-candidates/{int:candidate_id}", response={200: CandidateDetailOut, **READ_ERRORS})
def candidate_detail(request, candidate_id: int):
    return selectors.candidate_get(user=request.auth, pk=candidate_id)


# ---------------------------------------------------------------- honours


@router.get("/honours", response={200: HonourPage, **LIST_ERRORS})
def honour_list(request, filters: Query[HonourFilters], page: Query[PageParams]):
    return list_page(
        selectors.honour_list(user=request.auth, filters=query_filters(filters)), page, HONOUR_SORTS
    )


# ---------------------------------------------------------------- figures


@router.get("/honors/figures", response={200: list[FigureOut], **LIST_ERRORS})
def honour_figures(request, params: Query[PeriodParams]):
    """Candidates by stage and honours by level, as on the home panel; each ``url`` opens exactly their list."""
    check_period(params.start, params.end)
    figures = selectors.honour_figures(
        user=request.auth, area=params.area, start=params.start, end=params.end
    )
    return [figure_out(figure) for figure in figures.values()]
