"""JSON endpoints for areas, area statistics, unit types and units.

Each endpoint parses input, fetches through the selectors (and so the scope engine), calls one service and
returns a schema; the rules live in ``selectors`` and ``services``, shared with the web views.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Router, Schema, Status

from shiliu.api.pagination import list_page
from shiliu.api.params import query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, PageParams
from shiliu.core.errors import ApplicationError
from shiliu.core.privacy import mask_name, mask_phone
from shiliu.core.scope import CHANGE, role_may

from . import selectors, services
from .choices import AreaLevel, UnitStatus
from .models import Area, AreaStatistics, Unit, UnitType

router = Router(tags=["orgs"])

AREA_SORTS = ("code", "-code", "name", "-name", "level", "-level", "id", "-id")
UNIT_SORTS = ("-id", "id", "name", "-name")
STATISTICS_SORTS = ("-year", "year", "area_path", "-area_path", "id", "-id")


# ---------------------------------------------------------------- helpers


def _require_role(user, model) -> None:
    """Read-only roles get a 403 for any write, before any lookup, so the answer reveals nothing."""
    if not role_may(user, model, CHANGE):
        raise PermissionDenied


def _area_ref(user, pk: int | None, *, field: str) -> Area | None:
    """An area named in a request body, through scope; a foreign area reads as an invalid choice."""
    if pk is None:
        return None
    try:
        return selectors.area_get(user=user, pk=pk)
    except Http404:
        raise ApplicationError(_("Choose a valid area."), field=field) from None


def _unit_type_ref(code: str | None) -> UnitType | None:
    if code is None:
        return None
    unit_type = selectors.unit_type_list().filter(code=code).first()
    if unit_type is None:
        raise ApplicationError(_("Choose a valid unit type."), field="unit_type")
    return unit_type


# ---------------------------------------------------------------- schemas


class AreaRef(ModelSchema):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "level"]


class AreaOut(ModelSchema):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "parent", "is_active", "created_at", "updated_at"]


class AreaPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[AreaOut]


class AreaFilters(Schema):
    q: str | None = None
    level: AreaLevel | None = None
    parent: int | None = Field(None, description="Only direct children of this area.")
    area: int | None = Field(None, description="Only this area and everything below it.")
    active: bool | None = None


class AreaCreateIn(Schema):
    name: str
    code: str
    level: AreaLevel
    parent: int | None = None


class AreaUpdateIn(Schema):
    name: str | None = None
    is_active: bool | None = None


class AreaMoveIn(Schema):
    parent: int
    code: str = Field(description="The area's new division code under the new parent.")


class StatisticsOut(ModelSchema):
    area: AreaRef

    class Meta:
        model = AreaStatistics
        fields = [
            "id",
            "year",
            "households",
            "population",
            "minority_population",
            "ethnic_groups",
            "updated_at",
        ]


class StatisticsPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[StatisticsOut]


class StatisticsFilters(Schema):
    area: int | None = None
    year: int | None = None


class StatisticsIn(Schema):
    area: int
    year: int = Field(ge=1900, le=2200)
    households: int = Field(ge=0)
    population: int = Field(ge=0)
    minority_population: int = Field(ge=0)
    ethnic_groups: int = Field(ge=0, le=32767)


class UnitTypeOut(ModelSchema):
    class Meta:
        model = UnitType
        fields = ["id", "code", "name", "requires_credit_code"]


class UnitOut(Schema):
    """A unit; contact name and phone are always masked (there is no clear-text endpoint)."""

    id: int
    name: str
    unit_type: UnitTypeOut
    area: AreaRef
    credit_code: str
    address: str
    contact_name: str
    contact_phone: str
    is_member_department: bool
    status: UnitStatus
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_contact_name(obj) -> str:
        return mask_name(obj.contact_name)

    @staticmethod
    def resolve_contact_phone(obj) -> str:
        return mask_phone(obj.contact_phone)


class UnitPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[UnitOut]


class UnitFilters(Schema):
    q: str | None = None
    area: int | None = Field(None, description="Only units in this area and below.")
    unit_type: str | None = Field(None, description="A unit type code.")
    status: UnitStatus | None = None
    member: bool | None = Field(None, description="Member departments of the leading group.")


class UnitIn(Schema):
    name: str
    unit_type: str = Field(description="A unit type code.")
    area: int
    credit_code: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    is_member_department: bool = False


class UnitPatchIn(Schema):
    name: str | None = None
    unit_type: str | None = None
    area: int | None = None
    credit_code: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    is_member_department: bool | None = None


class ArchiveIn(Schema):
    reason: str = Field("", max_length=200)


# ---------------------------------------------------------------- areas


@router.get("/areas", response={200: AreaPage, **LIST_ERRORS})
def area_list(request, filters: Query[AreaFilters], page: Query[PageParams]):
    qs = selectors.area_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, AREA_SORTS)


@router.get("/areas/{int:area_id}", response={200: AreaOut, **READ_ERRORS})
def area_detail(request, area_id: int):
    return selectors.area_get(user=request.auth, pk=area_id)


@router.post("/areas", response={201: AreaOut, **WRITE_ERRORS})
def area_create(request, payload: AreaCreateIn):
    user = request.auth
    _require_role(user, Area)
    parent = _area_ref(user, payload.parent, field="parent")
    area = services.area_create(
        actor=user, name=payload.name, code=payload.code, level=payload.level, parent=parent
    )
    return Status(201, area)


@router.patch("/areas/{int:area_id}", response={200: AreaOut, **WRITE_ERRORS})
def area_update(request, area_id: int, payload: AreaUpdateIn):
    user = request.auth
    _require_role(user, Area)
    area = selectors.area_get(user=user, pk=area_id, action=CHANGE)
    name = area.name if payload.name is None else payload.name
    return services.area_update(actor=user, area=area, name=name, is_active=payload.is_active)


@router.post("/areas/{int:area_id}/move", response={200: AreaOut, **WRITE_ERRORS})
def area_move(request, area_id: int, payload: AreaMoveIn):
    user = request.auth
    _require_role(user, Area)
    area = selectors.area_get(user=user, pk=area_id, action=CHANGE)
    new_parent = _area_ref(user, payload.parent, field="parent")
    return services.area_move(actor=user, area=area, new_parent=new_parent, new_code=payload.code)


# ---------------------------------------------------------------- area statistics


@router.get("/area-statistics", response={200: StatisticsPage, **LIST_ERRORS})
def area_statistics_list(request, filters: Query[StatisticsFilters], page: Query[PageParams]):
    qs = selectors.area_statistics_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, STATISTICS_SORTS)


@router.put("/area-statistics", response={200: StatisticsOut, **WRITE_ERRORS})
def area_statistics_upsert(request, payload: StatisticsIn):
    """Create or replace the figures of one area for one year."""
    user = request.auth
    _require_role(user, AreaStatistics)
    area = _area_ref(user, payload.area, field="area")
    data = payload.dict(exclude={"area"})
    return services.area_statistics_upsert(actor=user, area=area, **data)


# ---------------------------------------------------------------- unit types


@router.get("/unit-types", response={200: list[UnitTypeOut], **READ_ERRORS})
def unit_type_list(request):
    return selectors.unit_type_list()


# ---------------------------------------------------------------- units


@router.get("/units", response={200: UnitPage, **LIST_ERRORS})
def unit_list(request, filters: Query[UnitFilters], page: Query[PageParams]):
    qs = selectors.unit_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, UNIT_SORTS)


@router.get("/units/{int:unit_id}", response={200: UnitOut, **READ_ERRORS})
def unit_detail(request, unit_id: int):
    return selectors.unit_get(user=request.auth, pk=unit_id)


@router.post("/units", response={201: UnitOut, **WRITE_ERRORS})
def unit_create(request, payload: UnitIn):
    user = request.auth
    _require_role(user, Unit)
    data = payload.dict()
    data["area"] = _area_ref(user, payload.area, field="area")
    data["unit_type"] = _unit_type_ref(payload.unit_type)
    unit = services.unit_create(actor=user, **data)
    return Status(201, selectors.unit_get(user=user, pk=unit.pk))


@router.patch("/units/{int:unit_id}", response={200: UnitOut, **WRITE_ERRORS})
def unit_update(request, unit_id: int, payload: UnitPatchIn):
    user = request.auth
    _require_role(user, Unit)
    unit = selectors.unit_get(user=user, pk=unit_id, action=CHANGE)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "area" in data:
        data["area"] = _area_ref(user, data["area"], field="area")
    if "unit_type" in data:
        data["unit_type"] = _unit_type_ref(data["unit_type"])
    services.unit_update(actor=user, unit=unit, **data)
    return selectors.unit_get(user=user, pk=unit.pk)


@router.post("/units/{int:unit_id}/archive", response={200: UnitOut, **WRITE_ERRORS})
def unit_archive(request, unit_id: int, payload: ArchiveIn | None = None):
    user = request.auth
    _require_role(user, Unit)
    unit = selectors.unit_get(user=user, pk=unit_id, action=CHANGE)
    return services.unit_archive(actor=user, unit=unit, reason=payload.reason if payload else "")


@router.post("/units/{int:unit_id}/restore", response={200: UnitOut, **WRITE_ERRORS})
def unit_restore(request, unit_id: int):
    user = request.auth
    _require_role(user, Unit)
    unit = selectors.unit_get(user=user, pk=unit_id, action=CHANGE)
    return services.unit_restore(actor=user, unit=unit)
