"""JSON endpoints of venues (read through the selectors, hence the scope engine).

Read-only: the scoped list and detail of venues and the list of visitor counts (counts only, no people).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from shiliu.api.pagination import list_page
from shiliu.api.params import query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, PageParams

from . import selectors
from .choices import VenueLevel, VenueStatus

router = Router(tags=["venues"])

VENUE_SORTS = ("name", "-name", "-id", "id")
VISIT_SORTS = ("-period_start", "period_start", "visitors", "-visitors", "-id", "id")


# ---------------------------------------------------------------- helpers


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class CodeRef(Schema):
    code: str
    name: str


class VenueOut(Schema):
    id: int
    name: str
    venue_type: CodeRef
    area: Ref
    address: str
    level: VenueLevel
    status: VenueStatus
    capacity: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class VenueDetailOut(VenueOut):
    latitude: Decimal | None
    longitude: Decimal | None
    opening_info: str


class VenuePage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[VenueOut]


class VenueFilters(Schema):
    q: str | None = Field(None, description="Words of the name or the address.")
    area: int | None = Field(None, description="Only venues in this area and below.")
    venue_type: str | None = Field(None, description="A venue type code.")
    level: VenueLevel | None = None
    status: VenueStatus | None = None


class VisitOut(Schema):
    id: int
    venue: Ref
    period_start: datetime.date
    period_end: datetime.date
    visitors: int
    note: str
    created_at: datetime.datetime


class VisitPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[VisitOut]


class VisitFilters(Schema):
    q: str | None = Field(None, description="Words of the venue's name.")
    area: int | None = Field(None, description="Only venues in this area and below.")
    venue: int | None = Field(None, description="One venue (id).")
    venue_type: str | None = Field(None, description="A venue type code.")
    date_from: datetime.date | None = Field(None, description="Counts whose period ends on or after.")
    date_to: datetime.date | None = Field(None, description="Counts whose period starts on or before.")


# ---------------------------------------------------------------- venues


@router.get("/venues", response={200: VenuePage, **LIST_ERRORS})
def venue_list(request, filters: Query[VenueFilters], page: Query[PageParams]):
    qs = selectors.venue_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, VENUE_SORTS)


@router.get("/venues/{int:venue_id}", response={200: VenueDetailOut, **READ_ERRORS})
def venue_detail(request, venue_id: int):
    return selectors.venue_get(user=request.auth, pk=venue_id)


# ---------------------------------------------------------------- visitor counts


@router.get("/venue-visits", response={200: VisitPage, **LIST_ERRORS})
def visit_list(request, filters: Query[VisitFilters], page: Query[PageParams]):
    qs = selectors.visit_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, VISIT_SORTS)
