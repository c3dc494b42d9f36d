"""JSON endpoints of activities (read through the selectors, hence the scope engine).

Read-only: the scoped lists and details of activities and publicity (with attachment metadata and the scoped
download URL) and the ledger figures of ``selectors.activity_figures``, the same numbers as the web home panel.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from ninja import Field, Query, Router, Schema

from shiliu.api.pagination import list_page
from shiliu.api.params import PeriodParams, check_period, query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, FigureOut, PageParams, figure_out
from shiliu.core.attachments import attachments_of

from . import selectors
from .choices import PublicityKind

router = Router(tags=["activities"])

ACTIVITY_SORTS = (
    "-start_date",
    "start_date",
    "title",
    "-title",
    "participants",
    "-participants",
    "-id",
    "id",
)
PUBLICITY_SORTS = ("-start_date", "start_date", "title", "-title", "reach", "-reach", "-id", "id")


# ---------------------------------------------------------------- helpers


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class CodeRef(Schema):
    code: str
    name: str


class AttachmentOut(Schema):
    id: int
    name: str = Field(alias="original_name")
    type: str = Field(alias="mime_type")
    size: int
    url: str = Field("", description="The scoped download (the owner must stay visible to the caller).")
    created_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("core:attachment", args=[obj.pk])


class ActivityOut(Schema):
    id: int
    title: str
    activity_type: CodeRef
    area: Ref
    unit: Ref | None
    entry_type: CodeRef | None = Field(description="The unit's type when recorded; null for an area office.")
    start_date: datetime.date
    end_date: datetime.date
    organisers: str
    participants: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ActivityDetailOut(ActivityOut):
    venue: Ref | None
    audience: str
    summary: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(attachments_of(obj))


class ActivityPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[ActivityOut]


class PeriodFilters(Schema):
    q: str | None = None
    area: int | None = Field(None, description="Only records in this area and below.")
    unit: int | None = Field(None, description="The unit (id) that recorded them.")
    campaign: int | None = Field(None, description="A campaign (id): records overlapping its dates.")
    date_from: datetime.date | None = Field(None, description="Records whose period ends on or after.")
    date_to: datetime.date | None = Field(None, description="Records whose period starts on or before.")


class ActivityFilters(PeriodFilters):
    activity_type: str | None = Field(None, description="An activity type code.")
    entry_type: str | None = Field(None, description="A unit type code, or `none` for area offices.")
    venue: int | None = Field(None, description="The venue (id) where it took place.")


class PublicityOut(Schema):
    id: int
    title: str
    kind: PublicityKind
    area: Ref
    unit: Ref | None
    start_date: datetime.date
    end_date: datetime.date
    outlet: str
    reach: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PublicityDetailOut(PublicityOut):
    summary: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(attachments_of(obj))


class PublicityPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[PublicityOut]


class PublicityFilters(PeriodFilters):
    kind: PublicityKind | None = None


class FigureParams(PeriodParams):
    campaign: int | None = Field(None, description="A campaign (id): records overlapping its dates.")


# ---------------------------------------------------------------- activities


@router.get("/activities", response={200: ActivityPage, **LIST_ERRORS})
def activity_list(request, filters: Query[ActivityFilters], page: Query[PageParams]):
    qs = selectors.activity_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, ACTIVITY_SORTS)


@router.get("/activities/figures", response={200: list[FigureOut], **LIST_ERRORS})
def activity_figures(request, params: Query[FigureParams]):
    """The ledger figures of the home panel; each ``url`` opens the web list of exactly the records counted."""
    check_period(params.start, params.end)
    figures = selectors.activity_figures(
        user=request.auth, area=params.area, start=params.start, end=params.end, campaign=params.campaign
    )
    return [figure_out(figure) for figure in figures.values()]


@router.get("/activities/{int:activity_id}", response={200: ActivityDetailOut, **READ_ERRORS})
def activity_detail(request, activity_id: int):
    return selectors.activity_get(user=request.auth, pk=activity_id)


# ---------------------------------------------------------------- publicity


@router.get("/publicity", response={200: PublicityPage, **LIST_ERRORS})
def publicity_list(request, filters: Query[PublicityFilters], page: Query[PageParams]):
    qs = selectors.publicity_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, PUBLICITY_SORTS)


@router.get("/publicity/{int:item_id}", response={200: PublicityDetailOut, **READ_ERRORS})
def publicity_detail(request, item_id: int):
    return selectors.publicity_get(user=request.auth, pk=item_id)
