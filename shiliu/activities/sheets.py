"""Excel sheets of activities and publicity, for the exchange engine (found by its autodiscovery).

Each imported row becomes a new record through the same validation as the form (``activity_clean`` /
``publicity_clean``) and the same scope checks; the commit then calls the create service row by row.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import visible_to
from shiliu.exchange.engine import Column, Report, Row, Sheet, parse_code, parse_int
from shiliu.exchange.registry import register
from shiliu.orgs.models import Area, Unit
from shiliu.venues.models import Venue

from . import selectors, services
from .choices import PublicityKind
from .models import Activity, ActivityType, PublicityItem

DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_day(text: str) -> datetime.date:
    """2026-09-01, 2026/9/1, 2026.9.1 or 2026年9月1日 (Excel dates arrive as ISO text)."""
    match = DATE_RE.match(text.strip().split("T")[0].split(" ")[0])
    try:
        if not match:
            raise ValueError
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ApplicationError(
            _("Enter a date such as 2026-09-01; got “{value}”.").format(value=text)
        ) from None


def _key(text: str) -> str:
    return (text or "").replace(" ", "").lower()


def _sorted(qs, filters, keys: dict[str, str]):
    sort = (filters or {}).get("sort") or ""
    lookup = keys.get(sort.lstrip("-"))
    if lookup:
        sign = "-" if sort.startswith("-") else ""
        return qs.order_by(sign + lookup, sign + "id")
    return qs.order_by("-start_date", "-id")


@dataclass
class CreatePlan:
    rows: list[tuple[int, dict]] = field(default_factory=list)


class LedgerSheet(Sheet):
    """Shared reading of the owner (unit by name within its area, or the area office) and the period."""

    clean = None  # the service's clean function
    field_columns: dict[str, str] = {}

    def resolve_owner(self, *, actor, row: Row, report: Report, areas: dict, units: dict) -> dict | None:
        v = row.values
        area = areas.get(v.get("area_code"))
        if v.get("area_code") and area is None:
            report.add(row.number, self.header_of("area_code"),
                       _("No area in your scope has the division code {code}.").format(code=v["area_code"]))  # fmt: skip
            return None
        unit = None
        if v.get("unit_name"):
            unit = units.get((area.pk if area else None, v["unit_name"]))
            if unit is None:
                report.add(row.number, self.header_of("unit_name"),
                           _("No unit named {name} in your scope lies in the area {code}.").format(
                               name=v["unit_name"], code=v.get("area_code") or "—"))  # fmt: skip
                return None
        return {"area": area, "unit": unit}

    def prefetch(self, *, actor, rows: list[Row]) -> tuple[dict, dict]:
        codes = {r.values.get("area_code") for r in rows if r.values.get("area_code")}
        areas = {a.code: a for a in visible_to(Area.objects.filter(code__in=codes), actor)}
        names = {r.values.get("unit_name") for r in rows if r.values.get("unit_name")}
        units = {
            (u.area_id, u.name): u
            for u in visible_to(Unit.objects.filter(name__in=names), actor).select_related(
                "area", "unit_type"
            )
        }
        return areas, units

    def check(self, *, actor, row: Row, report: Report, data: dict) -> dict | None:
        try:
            cleaned = type(self).clean(actor=actor, data=data)
            services._check_scope(actor, self.model, cleaned["area"], cleaned["unit"])
        except ApplicationError as exc:
            column = self.field_columns.get(exc.field or "", "title")
            report.add(row.number, self.header_of(column), exc.message)
            return None
        except NotVisible:
            report.add(row.number, self.header_of("area_code"),
                       _("This record would lie outside what you may record."))  # fmt: skip
            return None
        return cleaned


@register
class ActivitySheet(LedgerSheet):
    name = "activities"
    title = "活动台账"
    verbose_name = _l("Activities")
    model = Activity
    list_url_name = "activities:activity_list"
    clean = staticmethod(services.activity_clean)
    field_columns = {"title": "title", "activity_type": "activity_type", "area": "area_code", "unit": "unit_name",
                     "start_date": "start_date", "end_date": "end_date", "venue": "venue",
                     "participants": "participants"}  # fmt: skip
    columns = (
        Column("title", "活动名称", _l("The activity's title."), required=True, format=_l("Text, at most 200 characters."),
               example="石榴籽家园民族团结宣讲", aliases=("活动标题",), width=30),
        Column("activity_type", "活动类型", _l("One of the platform's activity types."), required=True,
               format=_l("The name of an activity type, e.g. 宣讲, 节庆活动."), example="宣讲"),
        Column("area_code", "所属区划代码", _l("Division code of the unit's area, or of the office's area."),
               required=True, format=_l("An existing division code inside your scope."), example="990101001001",
               parse=parse_code, aliases=("区划代码",)),
        Column("area_name", "所属区划", _l("Shown in exports only; ignored on import."), importable=False),
        Column("unit_name", "单位名称", _l("The unit that held the activity; empty for the office's own."),
               format=_l("The name of a unit in that area."), example="团结社区居民委员会", width=26),
        Column("entry_type", "单位类型", _l("Shown in exports only; ignored on import."), importable=False),
        Column("start_date", "开始日期", _l("First day."), required=True, format=_l("A date such as 2026-09-01."),
               example="2026-09-01", parse=parse_day, width=12),
        Column("end_date", "结束日期", _l("Last day; empty for a single day."), format=_l("A date such as 2026-09-01."),
               example="2026-09-01", parse=parse_day, width=12),
        Column("venue", "活动阵地", _l("The venue, if any."), format=_l("The name of a venue in your scope."),
               example="东城民族团结广场"),
        Column("organisers", "组织单位", _l("Organisers."), format=_l("Text."), example="东关街道"),
        Column("participants", "参与人数", _l("Number of participants."), format=_l("A whole number."),
               example="40", parse=parse_int(minimum=0), width=10),
        Column("audience", "参与群体", _l("Audience groups."), format=_l("Text."), example="辖区居民"),
        Column("summary", "活动简介", _l("Summary."), format=_l("Text."), example="", width=40),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        qs = selectors.activity_list(user=user, filters=filters).select_related("venue")
        return _sorted(qs, filters, {"start": "start_date", "title": "title", "participants": "participants",
                                     "created": "id"})  # fmt: skip

    def export_row(self, a: Activity) -> list:
        return [a.title, a.activity_type.name, a.area.code, a.area.name, a.unit.name if a.unit_id else "",
                a.entry_type.name if a.entry_type_id else "", a.start_date, a.end_date,
                a.venue.name if a.venue_id else "", a.organisers, a.participants, a.audience, a.summary]  # fmt: skip

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> CreatePlan:
        areas, units = self.prefetch(actor=actor, rows=rows)
        types = {}
        for t in ActivityType.objects.filter(is_active=True):
            types[_key(t.name)] = t
            types.setdefault(_key(t.code), t)
        names = {r.values.get("venue") for r in rows if r.values.get("venue")}
        venues: dict[str, list] = {}
        for venue in visible_to(Venue.objects.filter(name__in=names), actor):
            venues.setdefault(venue.name, []).append(venue)
        bad = {e.row for e in report.errors}
        plan = CreatePlan()
        for row in rows:
            if row.number in bad:
                continue
            v = row.values
            owner = self.resolve_owner(actor=actor, row=row, report=report, areas=areas, units=units)
            if owner is None:
                continue
            activity_type = types.get(_key(v.get("activity_type") or ""))
            if activity_type is None:
                report.add(row.number, self.header_of("activity_type"),
                           _("Unknown activity type “{value}”; use one of: {types}.").format(
                               value=v.get("activity_type"), types="、".join(t.name for t in types.values())))  # fmt: skip
                continue
            venue = None
            if v.get("venue"):
                found = venues.get(v["venue"], [])
                if len(found) != 1:
                    report.add(row.number, self.header_of("venue"),
                               _("No single venue named {name} lies in your scope.").format(name=v["venue"]))  # fmt: skip
                    continue
                venue = found[0]
            data = {**owner, "title": v.get("title"), "activity_type": activity_type, "start_date": v.get("start_date"),
                    "end_date": v.get("end_date"), "venue": venue, "organisers": v.get("organisers"),
                    "participants": v.get("participants") or 0, "audience": v.get("audience"),
                    "summary": v.get("summary")}  # fmt: skip
            if self.check(actor=actor, row=row, report=report, data=data) is None:
                continue
            plan.rows.append((row.number, data))
            report.created += 1
        return plan

    def apply(self, *, actor, plan: CreatePlan) -> None:
        for number, data in plan.rows:
            try:
                services.activity_create(actor=actor, **data)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=number, message=exc.message)
                ) from exc


@register
class PublicitySheet(LedgerSheet):
    name = "publicity"
    title = "宣传台账"
    verbose_name = _l("Publicity")
    model = PublicityItem
    list_url_name = "activities:publicity_list"
    clean = staticmethod(services.publicity_clean)
    field_columns = {"title": "title", "kind": "kind", "area": "area_code", "unit": "unit_name",
                     "start_date": "start_date", "end_date": "end_date", "reach": "reach"}  # fmt: skip
    columns = (
        Column("title", "宣传内容", _l("What was published."), required=True, format=_l("Text, at most 200 characters."),
               example="民族团结进步宣传月横幅", aliases=("标题",), width=30),
        Column("kind", "宣传形式", _l("Banner, display board, LED screen slot, media report or online post."),
               required=True, format="横幅、展板、电子屏、媒体报道、网络发布", example="横幅"),
        Column("area_code", "所属区划代码", _l("Division code of the unit's area, or of the office's area."),
               required=True, format=_l("An existing division code inside your scope."), example="990101001001",
               parse=parse_code, aliases=("区划代码",)),
        Column("area_name", "所属区划", _l("Shown in exports only; ignored on import."), importable=False),
        Column("unit_name", "单位名称", _l("The unit responsible; empty for the office's own."),
               format=_l("The name of a unit in that area."), example="团结社区居民委员会", width=26),
        Column("start_date", "开始日期", _l("First day."), required=True, format=_l("A date such as 2026-09-01."),
               example="2026-09-01", parse=parse_day, width=12),
        Column("end_date", "结束日期", _l("Last day; empty for a single day."), format=_l("A date such as 2026-09-01."),
               example="2026-09-30", parse=parse_day, width=12),
        Column("outlet", "发布渠道", _l("Where it appeared."), format=_l("Text."), example="团结广场"),
        Column("reach", "覆盖人次", _l("Views or copies."), format=_l("A whole number."), example="500",
               parse=parse_int(minimum=0), aliases=("阅读量",), width=10),
        Column("summary", "说明", _l("Summary."), format=_l("Text."), example="", width=40),
    )  # fmt: skip

    KIND_WORDS = {"横幅": "banner", "展板": "board", "电子屏": "led", "led": "led", "媒体报道": "media",
                  "网络发布": "online", "网络": "online"}  # fmt: skip

    def export_queryset(self, *, user, filters):
        qs = selectors.publicity_list(user=user, filters=filters)
        return _sorted(
            qs, filters, {"start": "start_date", "title": "title", "reach": "reach", "created": "id"}
        )

    def export_row(self, p: PublicityItem) -> list:
        return [p.title, p.get_kind_display(), p.area.code, p.area.name, p.unit.name if p.unit_id else "",
                p.start_date, p.end_date, p.outlet, p.reach, p.summary]  # fmt: skip

    def kind_of(self, text: str) -> str | None:
        word = _key(text)
        if word in self.KIND_WORDS:
            return self.KIND_WORDS[word]
        for value, label in PublicityKind.choices:
            if word in (value, _key(str(label))):
                return value
        return None

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> CreatePlan:
        areas, units = self.prefetch(actor=actor, rows=rows)
        bad = {e.row for e in report.errors}
        plan = CreatePlan()
        for row in rows:
            if row.number in bad:
                continue
            v = row.values
            owner = self.resolve_owner(actor=actor, row=row, report=report, areas=areas, units=units)
            if owner is None:
                continue
            kind = self.kind_of(v.get("kind") or "")
            if kind is None:
                report.add(row.number, self.header_of("kind"),
                           _("Unknown kind “{value}”; use 横幅, 展板, 电子屏, 媒体报道 or 网络发布.").format(value=v.get("kind")))  # fmt: skip
                continue
            data = {**owner, "title": v.get("title"), "kind": kind, "start_date": v.get("start_date"),
                    "end_date": v.get("end_date"), "outlet": v.get("outlet"), "reach": v.get("reach") or 0,
                    "summary": v.get("summary")}  # fmt: skip
            if self.check(actor=actor, row=row, report=report, data=data) is None:
                continue
            plan.rows.append((row.number, data))
            report.created += 1
        return plan

    def apply(self, *, actor, plan: CreatePlan) -> None:
        for number, data in plan.rows:
            try:
                services.publicity_create(actor=actor, **data)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=number, message=exc.message)
                ) from exc
