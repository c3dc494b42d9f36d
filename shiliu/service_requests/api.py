"""JSON endpoints for service requests: the scoped list and detail (requester masked), each workflow step as a
POST calling its service, and the department ranking.

Mounted by the API root (``api.add_router("/", service_requests_router)``). Every read goes through the
selectors (and so the scope engine), every write through one service; the services check who may act and from
which state. A refusal for the caller's role is a 403, a refusal for the request's state or the input a 400.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from shiliu.api.pagination import list_page
from shiliu.api.params import check_period, query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageParams
from shiliu.core.errors import ApplicationError
from shiliu.core.privacy import mask_name, mask_phone
from shiliu.core.scope import CHANGE, role_may
from shiliu.orgs.models import Area, Unit

from . import selectors, services
from .choices import Channel, Priority, RateKind, Rating, RequestStatus, Result
from .models import RequestExtension, ServiceRequest

router = Router(tags=["service requests"])

REQUEST_SORTS = ("-submitted_at", "submitted_at", "-id", "id", "next_due", "-next_due")


# ---------------------------------------------------------------- helpers


def _filters(params: Schema) -> dict[str, str]:
    return query_filters(params, false_as="")


def _call(service, **kwargs):
    """Run a service; its refusal of the caller's role becomes a 403 (state and input refusals stay 400)."""
    try:
        return service(**kwargs)
    except ApplicationError as error:
        if error.code == "forbidden":
            raise PermissionDenied from error
        raise


def _request(user, pk: int, action: str = CHANGE) -> ServiceRequest:
    """The request to act on, through scope. Read-only roles get a 403 before any lookup (it reveals nothing)."""
    if not role_may(user, ServiceRequest, CHANGE):
        raise PermissionDenied
    return selectors.request_get(user=user, pk=pk, action=action)


def _department(pk: int | None, *, field: str) -> Unit | None:
    """A department named in a body; the service checks that it is an active member department covering the area."""
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise ApplicationError(_("Choose a member department."), field=field)
    return unit


def _detail(user, pk: int) -> ServiceRequest:
    return selectors.request_get(user=user, pk=pk)


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class CategoryRef(Schema):
    code: str
    name: str


class RequestOut(Schema):
    """A request; the requester's name and phone are always masked (reveal is a logged action of the web UI)."""

    id: int
    ticket: str
    status: RequestStatus
    channel: Channel
    priority: Priority
    category: CategoryRef
    area: Ref
    lead_department: Ref | None
    description: str
    requester_name: str
    requester_phone: str
    involves_ethnic_factors: bool
    is_supervised: bool
    is_paused: bool
    submitted_at: datetime.datetime
    next_step: str
    next_due: datetime.datetime | None
    closed_at: datetime.datetime | None
    result: str
    rating: str

    @staticmethod
    def resolve_requester_name(obj) -> str:
        return mask_name(obj.requester_name)

    @staticmethod
    def resolve_requester_phone(obj) -> str:
        return mask_phone(obj.requester_phone)


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    by: str
    department: Ref | None
    note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_by(obj) -> str:
        if obj.actor_id:
            return getattr(obj.actor, "full_name", "") or obj.actor.get_username()
        return obj.actor_label


class RequestDetailOut(RequestOut):
    address: str
    assisting_departments: list[Ref]
    accept_due: datetime.datetime | None
    sign_due: datetime.datetime | None
    reply_due: datetime.datetime | None
    verify_due: datetime.datetime | None
    accepted_at: datetime.datetime | None
    dispatched_at: datetime.datetime | None
    signed_at: datetime.datetime | None
    replied_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    result_reason: str
    reply_note: str
    allowed_actions: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_assisting_departments(obj) -> list:
        return list(obj.assisting_departments.all())

    @staticmethod
    def resolve_events(obj) -> list:
        return list(selectors.request_timeline(request=obj))

    @staticmethod
    def resolve_allowed_actions(obj, context) -> list[str]:
        return selectors.request_actions(user=context["request"].auth, request=obj)


class RequestPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[RequestOut]


class RequestFilters(Schema):
    q: str | None = Field(None, description="A ticket, or words of the description.")
    area: int | None = Field(None, description="Only requests in this area and below.")
    category: str | None = Field(None, description="A category code.")
    status: RequestStatus | None = None
    priority: Priority | None = None
    channel: Channel | None = None
    department: int | None = Field(None, description="The lead department (unit id).")
    ethnic: bool | None = Field(None, description="Only requests involving ethnic factors.")
    overdue: bool | None = Field(None, description="Only requests past the deadline of their current step.")
    date_from: datetime.date | None = Field(None, description="Submitted on or after.")
    date_to: datetime.date | None = Field(None, description="Submitted on or before.")


class RequestIn(Schema):
    channel: Channel = Channel.PHONE
    category: str = Field(description="A category code.")
    area: int = Field(description="The grid or area of the request.")
    description: str
    priority: Priority = Priority.NORMAL
    requester_name: str = ""
    requester_phone: str = ""
    address: str = ""


class CreatedOut(RequestDetailOut):
    rating_code: str = Field(
        description="The resident's secret rating code; shown once, only its hash is kept."
    )

    @staticmethod
    def resolve_rating_code(obj) -> str:
        return getattr(obj, "rating_code_plain", "")


class NoteIn(Schema):
    note: str = ""


class RequiredNoteIn(Schema):
    note: str = Field(min_length=1)


class ReasonIn(Schema):
    reason: str = Field(min_length=1)


class RejectIn(Schema):
    reason: str = Field(min_length=1)
    duplicate_of: int | None = Field(None, description="The id of the request this one duplicates.")


class DispatchIn(Schema):
    department: int
    assisting: list[int] = []
    note: str = ""


class TransferIn(Schema):
    department: int
    note: str = Field(min_length=1)


class ExtensionRequestIn(Schema):
    until: datetime.date
    reason: str = Field(min_length=1)


class ExtensionDecideIn(Schema):
    approve: bool
    note: str = ""


class ExtensionOut(Schema):
    id: int
    status: str
    requested_until: datetime.datetime
    reason: str
    decision_note: str


class ReplyIn(Schema):
    result: Result
    note: str = Field(min_length=1)
    reason: str = Field("", description="Required unless the result is resolved.")


class FlagEthnicIn(Schema):
    is_ethnic: bool
    reason: str = Field(min_length=1)


class RateIn(Schema):
    rating: Rating
    comment: str = ""


class RankingRow(Schema):
    rank: int | None = Field(description="None for departments below the minimum number of requests.")
    department: Ref
    requests: int
    response_rate: float | None = Field(description="A fraction 0..1; None without a denominator.")
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    score: float | None = Field(description="The weighted mean of the rates, in percent.")
    ranked: bool


class RankingOut(Schema):
    area: Ref | None
    start: datetime.date
    end: datetime.date
    min_requests: int
    weights: dict[str, int]
    formulas: dict[str, str]
    rows: list[RankingRow]


# ---------------------------------------------------------------- reads


@router.get("/requests", response={200: RequestPage, **LIST_ERRORS})
def request_list(request, filters: Query[RequestFilters], page: Query[PageParams]):
    qs = selectors.request_list(user=request.auth, filters=_filters(filters))
    return list_page(qs, page, REQUEST_SORTS)


@router.get("/requests/{int:request_id}", response={200: RequestDetailOut, **READ_ERRORS})
def request_detail(request, request_id: int):
    return _detail(request.auth, request_id)


# ---------------------------------------------------------------- intake


@router.post("/requests", response={201: CreatedOut, **WRITE_ERRORS})
def request_create(request, payload: RequestIn):
    """Record a request taken by phone, at the counter or by a grid worker (the office or a grid worker)."""
    user = request.auth
    if not role_may(user, ServiceRequest, CHANGE):
        raise PermissionDenied
    area = selectors_area(user, payload.area)
    created = _call(
        services.request_submit,
        actor=user,
        channel=payload.channel,
        category=payload.category,
        area=area,
        description=payload.description,
        priority=payload.priority,
        requester_name=payload.requester_name,
        requester_phone=payload.requester_phone,
        address=payload.address,
    )
    detail = _detail(user, created.pk)
    detail.rating_code_plain = getattr(created, "rating_code_plain", "")
    return Status(201, detail)


def selectors_area(user, pk: int) -> Area:
    """The area named in a body, through scope; a foreign area reads as an invalid choice."""
    from shiliu.orgs.selectors import area_get

    try:
        return area_get(user=user, pk=pk)
    except Http404:
        raise ApplicationError(_("Choose the grid or area."), field="area") from None


# ---------------------------------------------------------------- transitions


def _step(request, request_id: int, service, **kwargs):
    user = request.auth
    target = _request(user, request_id)
    _call(service, actor=user, request=target, **kwargs)
    return _detail(user, request_id)


@router.post("/requests/{int:request_id}/accept", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_accept(request, request_id: int, payload: NoteIn | None = None):
    return _step(request, request_id, services.request_accept, note=payload.note if payload else "")


@router.post("/requests/{int:request_id}/reject", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_reject(request, request_id: int, payload: RejectIn):
    duplicate = None
    if payload.duplicate_of is not None:
        try:
            duplicate = selectors.request_get(user=request.auth, pk=payload.duplicate_of)
        except Http404:
            raise ApplicationError(_("Choose a request you can see."), field="duplicate_of") from None
    return _step(request, request_id, services.request_reject, reason=payload.reason, duplicate_of=duplicate)


@router.post("/requests/{int:request_id}/dispatch", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_dispatch(request, request_id: int, payload: DispatchIn):
    assisting = [_department(pk, field="assisting") for pk in payload.assisting]
    return _step(
        request, request_id, services.request_dispatch,
        department=_department(payload.department, field="department"), assisting=assisting, note=payload.note,
    )  # fmt: skip


@router.post("/requests/{int:request_id}/transfer", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_transfer(request, request_id: int, payload: TransferIn):
    return _step(
        request, request_id, services.request_transfer,
        department=_department(payload.department, field="department"), note=payload.note,
    )  # fmt: skip


@router.post("/requests/{int:request_id}/sign", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_sign(request, request_id: int, payload: NoteIn | None = None):
    return _step(request, request_id, services.request_sign, note=payload.note if payload else "")


@router.post("/requests/{int:request_id}/return", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_return(request, request_id: int, payload: ReasonIn):
    return _step(request, request_id, services.request_return, reason=payload.reason)


@router.post("/requests/{int:request_id}/start", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_start(request, request_id: int, payload: NoteIn | None = None):
    return _step(request, request_id, services.request_start, note=payload.note if payload else "")


@router.post("/requests/{int:request_id}/extensions", response={201: ExtensionOut, **WRITE_ERRORS})
def request_extension_request(request, request_id: int, payload: ExtensionRequestIn):
    user = request.auth
    target = _request(user, request_id)
    extension = _call(
        services.request_extension_request,
        actor=user,
        request=target,
        until=payload.until,
        reason=payload.reason,
    )
    return Status(201, extension)


@router.post(
    "/requests/{int:request_id}/extensions/{int:extension_id}/decide",
    response={200: ExtensionOut, **WRITE_ERRORS},
)
def request_extension_decide(request, request_id: int, extension_id: int, payload: ExtensionDecideIn):
    user = request.auth
    target = _request(user, request_id)
    extension = RequestExtension.objects.filter(pk=extension_id, request=target).first()
    if extension is None:
        raise Http404
    return _call(
        services.request_extension_decide, actor=user, extension=extension, approve=payload.approve,
        note=payload.note,
    )  # fmt: skip


@router.post("/requests/{int:request_id}/reply", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_reply(request, request_id: int, payload: ReplyIn):
    return _step(
        request,
        request_id,
        services.request_reply,
        result=payload.result,
        note=payload.note,
        reason=payload.reason,
    )


@router.post("/requests/{int:request_id}/verify", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_verify(request, request_id: int, payload: NoteIn | None = None):
    return _step(request, request_id, services.request_verify, note=payload.note if payload else "")


@router.post("/requests/{int:request_id}/send-back", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_send_back(request, request_id: int, payload: RequiredNoteIn):
    return _step(request, request_id, services.request_send_back, note=payload.note)


@router.post("/requests/{int:request_id}/close", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_close(request, request_id: int, payload: NoteIn | None = None):
    return _step(request, request_id, services.request_close, note=payload.note if payload else "")


@router.post("/requests/{int:request_id}/rate", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_rate_callback(request, request_id: int, payload: RateIn):
    """Record the rating the resident gave on the office's callback (回访)."""
    return _step(
        request, request_id, services.request_rate_callback, rating=payload.rating, comment=payload.comment
    )


@router.post("/requests/{int:request_id}/pause", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_pause(request, request_id: int, payload: ReasonIn):
    return _step(request, request_id, services.request_pause, reason=payload.reason)


@router.post("/requests/{int:request_id}/resume", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_resume(request, request_id: int, payload: NoteIn | None = None):
    return _step(request, request_id, services.request_resume, note=payload.note if payload else "")


@router.post("/requests/{int:request_id}/supervise", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_supervise(request, request_id: int, payload: RequiredNoteIn):
    return _step(request, request_id, services.request_supervise, note=payload.note)


@router.post("/requests/{int:request_id}/flag-ethnic", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_flag_ethnic(request, request_id: int, payload: FlagEthnicIn):
    return _step(
        request, request_id, services.request_flag_ethnic, is_ethnic=payload.is_ethnic, reason=payload.reason
    )


@router.post("/requests/{int:request_id}/notes", response={200: RequestDetailOut, **WRITE_ERRORS})
def request_note(request, request_id: int, payload: RequiredNoteIn):
    return _step(request, request_id, services.request_note, note=payload.note)


# ---------------------------------------------------------------- ranking


class RankingParams(Schema):
    area: int | None = Field(
        None, description="The area whose departments are ranked (default: the caller's)."
    )
    year: int | None = Field(None, ge=2000, le=2100, description="A calendar year (instead of start/end).")
    start: datetime.date | None = None
    end: datetime.date | None = None


@router.get("/requests/ranking", response={200: RankingOut, **LIST_ERRORS})
def department_ranking(request, params: Query[RankingParams]):
    """Departments ranked on response, on-time, resolution and satisfaction rates with the area's weights."""
    user = request.auth
    # Without an area: the caller's own (the selector reads it from the scope).
    area = selectors_area(user, params.area) if params.area else None
    if params.year:
        start, end = datetime.date(params.year, 1, 1), datetime.date(params.year, 12, 31)
    else:
        today = timezone.localdate()
        start, end = params.start or today.replace(month=1, day=1), params.end or today
    check_period(start, end)
    ranking = selectors.department_ranking(user=user, area=area, start=start, end=end)
    return {
        "area": area or getattr(user, "area", None),
        "start": start,
        "end": end,
        "min_requests": ranking.min_requests,
        "weights": ranking.weights,
        "formulas": {str(kind): str(text) for kind, text in ranking.formulas.items()},
        "rows": [_ranking_row(row, ranked=True) for row in ranking.rows]
        + [_ranking_row(row, ranked=False) for row in ranking.hidden_rows],
    }


def _ranking_row(row, *, ranked: bool) -> dict:
    return {
        "rank": row.rank if ranked else None,
        "department": row.department,
        "requests": row.request_count,
        **{f"{kind}_rate": row.figures[f"{kind}_rate"].value for kind in RateKind},
        "score": row.score,
        "ranked": ranked,
    }
