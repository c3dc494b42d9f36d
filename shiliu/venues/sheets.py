"""The Excel sheet of venues (阵地), for the exchange engine (found by its autodiscovery).

A row with a venue name already present in its area updates that venue; other rows create one. Rows are
validated with ``venue_clean`` (the form's rules) and the same scope check as the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import ensure_writable, visible_to
from shiliu.exchange.engine import Column, Report, Row, Sheet, parse_code, parse_int
from shiliu.exchange.registry import register
from shiliu.orgs.models import Area

from . import selectors, services
from .choices import VenueLevel
from .models import Venue, VenueType

FIELD_COLUMNS = {"name": "name", "venue_type": "venue_type", "area": "area_code", "latitude": "latitude",
                 "longitude": "longitude", "level": "level", "capacity": "capacity"}  # fmt: skip
LEVEL_WORDS = {"县级": "county", "区级": "county", "市级": "city", "省级": "province", "国家级": "national"}


def parse_decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(" ", ""))
    except InvalidOperation:
        raise ApplicationError(_("Enter a decimal number; got “{value}”.").format(value=text)) from None


@dataclass
class VenuePlan:
    creates: list[tuple[int, dict]] = field(default_factory=list)
    updates: list[tuple[int, Venue, dict]] = field(default_factory=list)


@register
class VenueSheet(Sheet):
    name = "venues"
    title = "阵地"
    verbose_name = _l("Venues")
    model = Venue
    list_url_name = "venues:venue_list"
    columns = (
        Column("name", "阵地名称", _l("The venue's name; unique within its area."), required=True,
               format=_l("Text, at most 120 characters."), example="东城民族团结广场", width=28),
        Column("venue_type", "阵地类型", _l("One of the platform's venue types."), required=True,
               format=_l("The name of a venue type, e.g. 教育基地, 广场."), example="广场"),
        Column("area_code", "所属区划代码", _l("Division code of the venue's area."), required=True,
               format=_l("An existing division code inside your scope."), example="990101000000", parse=parse_code,
               aliases=("区划代码",)),
        Column("area_name", "所属区划", _l("Shown in exports only; ignored on import."), importable=False),
        Column("address", "地址", _l("Address."), format=_l("Text."), example="团结路1号", width=28),
        Column("latitude", "纬度", _l("Latitude in degrees."), format=_l("From -90 to 90."), example="43.825592",
               parse=parse_decimal, width=12),
        Column("longitude", "经度", _l("Longitude in degrees."), format=_l("From -180 to 180."), example="87.616848",
               parse=parse_decimal, width=12),
        Column("level", "级别", _l("The level that named the venue."), format="县级、市级、省级、国家级", example="市级"),
        Column("opening_info", "开放信息", _l("Opening information."), format=_l("Text."), example="周二至周日 9:00-17:00"),
        Column("capacity", "容纳人数", _l("Capacity."), format=_l("A whole number."), example="500",
               parse=parse_int(minimum=0), width=10),
        Column("status", "状态", _l("Shown in exports only; ignored on import."), importable=False, width=10),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        qs = selectors.venue_list(user=user, filters=filters)
        sort = (filters or {}).get("sort")
        return qs.order_by("-name", "-id") if sort == "-name" else qs.order_by("name", "id")

    def export_row(self, v: Venue) -> list:
        return [v.name, v.venue_type.name, v.area.code, v.area.name, v.address,
                v.latitude, v.longitude, v.get_level_display(), v.opening_info, v.capacity, v.get_status_display()]  # fmt: skip

    def level_of(self, text: str) -> str | None:
        word = (text or "").replace(" ", "")
        word = LEVEL_WORDS.get(word) or LEVEL_WORDS.get(word + "级") or word.lower()
        labels = {str(label).lower(): value for value, label in VenueLevel.choices}
        return word if word in VenueLevel.values else labels.get(word)

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> VenuePlan:
        header = self.header_of
        codes = {r.values.get("area_code") for r in rows if r.values.get("area_code")}
        areas = {a.code: a for a in visible_to(Area.objects.filter(code__in=codes), actor)}
        types = {}
        for t in VenueType.objects.filter(is_active=True):
            types[t.name] = t
            types.setdefault(t.code, t)
        existing = {
            (v.area_id, v.name): v
            for v in Venue.objects.filter(
                area__in=areas.values(), name__in={r.values.get("name") for r in rows}
            )
        }
        bad = {e.row for e in report.errors}
        seen: dict[tuple, int] = {}
        plan = VenuePlan()
        for row in rows:
            if row.number in bad:
                continue
            v = row.values
            area = areas.get(v.get("area_code"))
            if area is None:
                report.add(row.number, header("area_code"),
                           _("No area in your scope has the division code {code}.").format(code=v.get("area_code")))  # fmt: skip
                continue
            venue_type = types.get((v.get("venue_type") or "").replace(" ", ""))
            if venue_type is None:
                report.add(row.number, header("venue_type"),
                           _("Unknown venue type “{value}”; use one of: {types}.").format(
                               value=v.get("venue_type"), types="、".join(t.name for t in VenueType.objects.filter(is_active=True))))  # fmt: skip
                continue
            level = self.level_of(v.get("level")) if v.get("level") else VenueLevel.COUNTY
            if level is None:
                report.add(row.number, header("level"), _("Use 县级, 市级, 省级 or 国家级."))
                continue
            key = (area.pk, v.get("name"))
            if key in seen:
                report.add(row.number, header("name"),
                           _("This venue appears more than once; first on row {row}.").format(row=seen[key]))  # fmt: skip
                continue
            seen[key] = row.number
            current = existing.get(key)
            data = {"name": v.get("name"), "venue_type": venue_type, "area": area, "address": v.get("address"),
                    "latitude": v.get("latitude"), "longitude": v.get("longitude"), "level": level,
                    "opening_info": v.get("opening_info"), "capacity": v.get("capacity")}  # fmt: skip
            try:
                if current is not None:
                    ensure_writable(actor, Venue, area_path=current.area_path)
                ensure_writable(actor, Venue, area_path=area.path)
                cleaned = services.venue_clean(data=data, instance=current)
            except NotVisible:
                report.add(row.number, header("area_code"), _("You cannot record venues in this area."))
                continue
            except ApplicationError as exc:
                report.add(row.number, header(FIELD_COLUMNS.get(exc.field or "", "name")), exc.message)
                continue
            if current is None:
                plan.creates.append((row.number, cleaned))
                report.created += 1
            elif any(getattr(current, f) != cleaned[f] for f in services.VENUE_FIELDS):
                plan.updates.append((row.number, current, cleaned))
                report.updated += 1
            else:
                report.unchanged += 1
        return plan

    def apply(self, *, actor, plan: VenuePlan) -> None:
        steps = [(n, None, d) for n, d in plan.creates] + plan.updates
        for number, venue, data in steps:
            try:
                if venue is None:
                    services.venue_create(actor=actor, **data)
                else:
                    services.venue_update(actor=actor, venue=venue, **data)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=number, message=exc.message)
                ) from exc
