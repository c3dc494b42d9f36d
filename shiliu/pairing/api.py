"""JSON endpoints of pairing (read through the selectors, hence the scope engine).

Read-only: the scoped pairings and the lists of their records (visits, funds, projects, outcomes, annual
assessments, rulebooks), and the figures of ``selectors.pairing_figures``, the same numbers as the web home panel.
Collective pairing only: visits are counted with the number of people, never with names.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from shiliu.api.pagination import list_page
from shiliu.api.params import PeriodParams, check_period, query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, FigureOut, PageParams, figure_out

from . import selectors
from .choices import AssessmentStatus, FundSource, Grade, PairingState, ProjectStatus

router = Router(tags=["pairing"])

PAIRING_SORTS = ("-start", "start", "end", "-end", "-id", "id")
VISIT_SORTS = ("-visited_on", "visited_on", "people", "-people", "-id", "id")
FUND_SORTS = ("-paid_on", "paid_on", "amount", "-amount", "-id", "id")
PROJECT_SORTS = ("-started_on", "started_on", "name", "-name", "amount", "-amount", "-id", "id")
OUTCOME_SORTS = ("-reported_on", "reported_on", "-id", "id")
ASSESSMENT_SORTS = ("-year", "year", "total", "-total", "-id", "id")
RULEBOOK_SORTS = ("-year", "year", "-id", "id")


# ---------------------------------------------------------------- helpers


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class PairingRef(Schema):
    id: int
    unit: Ref
    village: Ref


class PairingOut(PairingRef):
    start: datetime.date
    end: datetime.date
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PairingDetailOut(PairingOut):
    goals: str


class PairingPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[PairingOut]


class CommonFilters(Schema):
    q: str | None = Field(None, description="Words of the unit's or the village's name.")
    area: int | None = Field(None, description="Only pairings of villages in this area and below.")
    unit: int | None = Field(None, description="The pairing unit (id).")
    year: int | None = Field(None, ge=1900, le=2200)
    start: datetime.date | None = Field(None, description="The period's first day (see each list).")
    end: datetime.date | None = Field(None, description="The period's last day (see each list).")


class PairingFilters(CommonFilters):
    state: PairingState | None = Field(None, description="Where the pairing stands today.")


class RecordFilters(CommonFilters):
    pairing: int | None = Field(None, description="One pairing (id).")


class RecordOut(Schema):
    id: int
    pairing: PairingRef
    created_at: datetime.datetime
    updated_at: datetime.datetime


class VisitOut(RecordOut):
    visited_on: datetime.date
    people: int = Field(description="The number of people on the visit (never their names).")
    activities: str
    notes: str


class VisitPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[VisitOut]


class FundOut(RecordOut):
    paid_on: datetime.date
    amount: Decimal = Field(description="Yuan.")
    source: FundSource
    purpose: str


class FundPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[FundOut]


class FundFilters(RecordFilters):
    source: FundSource | None = None


class ProjectOut(RecordOut):
    name: str
    started_on: datetime.date
    amount: Decimal = Field(description="Yuan.")
    status: ProjectStatus
    beneficiaries: int
    completed_on: datetime.date | None


class ProjectPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[ProjectOut]


class ProjectFilters(RecordFilters):
    status: ProjectStatus | None = None


class OutcomeOut(RecordOut):
    reported_on: datetime.date
    jobs_arranged: int
    problems_solved: int
    description: str


class OutcomePage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[OutcomeOut]


class AssessmentOut(RecordOut):
    year: int
    total: Decimal
    grade: Grade
    status: AssessmentStatus
    assessed_on: datetime.date
    comments: str


class AssessmentPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[AssessmentOut]


class AssessmentFilters(RecordFilters):
    grade: Grade | None = None
    status: AssessmentStatus | None = None


class RulebookOut(Schema):
    id: int
    area: Ref
    year: int
    name: str
    excellent_from: int
    good_from: int
    pass_from: int


class RulebookPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[RulebookOut]


class RulebookFilters(Schema):
    q: str | None = Field(None, description="Words of the rulebook's name.")
    area: int | None = Field(None, description="Only rulebooks of this area and below.")
    year: int | None = Field(None, ge=1900, le=2200)


# ---------------------------------------------------------------- pairings


@router.get("/pairings", response={200: PairingPage, **LIST_ERRORS})
def pairing_list(request, filters: Query[PairingFilters], page: Query[PageParams]):
    """Pairings in scope; ``start``/``end``/``year`` select those active at some time in that period."""
    return list_page(
        selectors.pairing_list(user=request.auth, filters=query_filters(filters)), page, PAIRING_SORTS
    )


@router.get("/pairings/{int:pairing_id}", response={200: PairingDetailOut, **READ_ERRORS})
def pairing_detail(request, pairing_id: int):
    return selectors.pairing_get(user=request.auth, pk=pairing_id)


# ---------------------------------------------------------------- records


@router.get("/pairing-visits", response={200: VisitPage, **LIST_ERRORS})
def visit_list(request, filters: Query[RecordFilters], page: Query[PageParams]):
    """Visits in scope; ``start``/``end``/``year`` apply to the date of the visit."""
    return list_page(
        selectors.visit_list(user=request.auth, filters=query_filters(filters)), page, VISIT_SORTS
    )


@router.get("/pairing-funds", response={200: FundPage, **LIST_ERRORS})
def fund_list(request, filters: Query[FundFilters], page: Query[PageParams]):
    """Funds in scope; ``start``/``end``/``year`` apply to the date paid."""
    return list_page(selectors.fund_list(user=request.auth, filters=query_filters(filters)), page, FUND_SORTS)


@router.get("/pairing-projects", response={200: ProjectPage, **LIST_ERRORS})
def project_list(request, filters: Query[ProjectFilters], page: Query[PageParams]):
    """Projects in scope; ``start``/``end``/``year`` apply to the project's start date."""
    return list_page(
        selectors.project_list(user=request.auth, filters=query_filters(filters)), page, PROJECT_SORTS
    )


@router.get("/pairing-outcomes", response={200: OutcomePage, **LIST_ERRORS})
def outcome_list(request, filters: Query[RecordFilters], page: Query[PageParams]):
    """Outcomes in scope; ``start``/``end``/``year`` apply to the date reported."""
    return list_page(
        selectors.outcome_list(user=request.auth, filters=query_filters(filters)), page, OUTCOME_SORTS
    )


@router.get("/pairing-assessments", response={200: AssessmentPage, **LIST_ERRORS})
def assessment_list(request, filters: Query[AssessmentFilters], page: Query[PageParams]):
    """Annual assessments in scope; ``start``/``end`` select the assessment years they span."""
    qs = selectors.assessment_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, ASSESSMENT_SORTS)


@router.get("/pairing-rulebooks", response={200: RulebookPage, **LIST_ERRORS})
def rulebook_list(request, filters: Query[RulebookFilters], page: Query[PageParams]):
    return list_page(
        selectors.rulebook_list(user=request.auth, filters=query_filters(filters)), page, RULEBOOK_SORTS
    )


# ---------------------------------------------------------------- figures


@router.get("/pairing/figures", response={200: list[FigureOut], **LIST_ERRORS})
def pairing_figures(request, params: Query[PeriodParams]):
    """The pairing figures of the home panel; each ``url`` opens the web list of exactly the records counted."""
    check_period(params.start, params.end)
    figures = selectors.pairing_figures(
        user=request.auth, area=params.area, start=params.start, end=params.end
    )
    return [figure_out(figure) for figure in figures.values()]
