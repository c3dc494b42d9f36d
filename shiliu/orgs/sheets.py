"""Excel sheets of areas, units and area statistics, for the exchange engine.

Imports validate with the same functions the forms use (``validate_area_code``, ``unit_clean``, scope's
``ensure_writable``) against sets prefetched in a few queries, then write in bulk with history.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from shiliu.core import crypto
from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.privacy import MASKERS
from shiliu.core.scope import ensure_writable, scope_of
from shiliu.core.validators import credit_code_check_char, normalize_text
from shiliu.exchange.engine import (
    Column,
    Report,
    Row,
    Sheet,
    parse_bool,
    parse_code,
    parse_int,
    parse_text,
    yes_no,
)
from shiliu.exchange.registry import register

from . import selectors, services
from .choices import AreaLevel
from .models import Area, AreaStatistics, Unit, UnitType

CHUNK = 5000  # parameters per IN (...) query; SQLite allows 32,766


def chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def areas_by_code(codes: Iterable[str]) -> dict[str, Area]:
    found: dict[str, Area] = {}
    for part in chunks({c for c in codes if c}):
        found.update({a.code: a for a in Area.objects.filter(code__in=part)})
    return found


def scope_label(actor) -> str:
    scope = scope_of(actor)
    area = getattr(actor, "area", None)
    if scope.unrestricted or area is None:
        return ""
    return f"{area.name}（{area.code}）"


def out_of_scope_message(actor, code: str) -> str:
    return _("The area {code} is outside your scope; you can only import records within {scope}.").format(
        code=code, scope=scope_label(actor) or _("your own area")
    )


def sorted_queryset(qs, filters, allowed: Iterable[str]):
    sort = (filters or {}).get("sort")
    if sort in allowed:
        return qs.order_by(sort, "-id" if sort.startswith("-") else "id")
    return qs


# ---------------------------------------------------------------- areas

LEVEL_WORDS = {
    "省": 1, "省级": 1, "自治区": 1, "直辖市": 1,
    "市": 2, "地级": 2, "地级市": 2, "州": 2, "地区": 2, "盟": 2, "市级": 2,
    "县": 3, "区": 3, "县级": 3, "旗": 3, "县区": 3, "县/区": 3, "县(区)": 3, "县（区）": 3,
    "乡": 4, "镇": 4, "街道": 4, "乡镇": 4, "乡镇/街道": 4, "乡镇街道": 4,
    "村": 5, "社区": 5, "村/社区": 5, "村社区": 5, "村居": 5,
    "网格": 6,
}  # fmt: skip


def parse_level(text: str) -> int:
    word = text.replace(" ", "")
    if word.isdigit() and 1 <= int(word) <= 6:
        return int(word)
    if word in LEVEL_WORDS:
        return LEVEL_WORDS[word]
    labels = {str(level.label).replace(" ", "").lower(): level.value for level in AreaLevel}
    with translation.override("en"):
        labels |= {str(level.label).replace(" ", "").lower(): level.value for level in AreaLevel}
    if word.lower() in labels:
        return labels[word.lower()]
    raise ApplicationError(
        _("Unknown level “{value}”; use 1–6 or one of: 省, 市, 县, 乡镇, 村/社区, 网格.").format(value=text)
    )


@dataclass
class AreaPlan:
    creates: list[Area] = field(default_factory=list)
    updates: list[Area] = field(default_factory=list)


@register
class AreaSheet(Sheet):
    name = "areas"
    title = "区划"
    verbose_name = _l("Areas")
    model = Area
    list_url_name = "orgs:area_list"
    sort_keys = ("code", "-code", "name", "-name", "path", "-path")
    columns = (
        Column(
            "code", "区划代码", _l("The national statistical division code of the area."), required=True,
            format=_l("12 digits (15 for grids): significant digits of the level, then zeros."),
            example="990101002000", parse=parse_code, aliases=("代码", "行政区划代码"),
        ),
        Column(
            "name", "名称", _l("The area's name."), required=True, format=_l("Text, at most 100 characters."),
            example="新华街道", parse=parse_text(100), aliases=("区划名称",),
        ),
        Column(
            "level", "层级", _l("The level of the area."), required=True,
            format=_l("1–6, or 省, 市, 县, 乡镇, 村/社区, 网格."), example="乡镇", parse=parse_level, width=12,
        ),
        Column(
            "parent_code", "上级区划代码",
            _l("Code of the parent area: an existing area or one on another row of this file."),
            format=_l("Empty only for a province; the code must extend the parent's code."),
            example="990101000000", parse=parse_code, aliases=("上级代码",),
        ),
        Column("parent_name", "上级区划名称", _l("Shown in exports only; ignored on import."), importable=False),
        Column(
            "is_active", "是否启用", _l("Whether the area is in use."), format=_l("是 or 否; empty means 是."),
            example="是", parse=parse_bool, width=10,
        ),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return sorted_queryset(selectors.area_list(user=user, filters=filters), filters, self.sort_keys)

    def export_row(self, area: Area) -> list:
        parent = area.parent
        return [
            area.code,
            area.name,
            str(AreaLevel(area.level).label),
            parent.code if parent else "",
            parent.name if parent else "",
            yes_no(area.is_active),
        ]

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> AreaPlan:
        header = self.header_of
        wanted = {r.values.get("code") for r in rows} | {r.values.get("parent_code") for r in rows}
        in_db = areas_by_code(wanted)
        plan = AreaPlan()
        known: dict[str, Area] = {}  # code -> area (saved or planned) that later rows may use as parent
        seen: dict[str, int] = {}  # code -> first row number
        failed: dict[str, int] = {}  # code -> row number of a row that had errors
        planned_paths: dict[str, int] = {}
        valid: list[tuple[Row, Area]] = []
        bad_rows = {e.row for e in report.errors}
        for row in sorted(rows, key=lambda r: (r.values.get("level") or 99, r.number)):
            v = row.values
            code, name, level = v.get("code"), v.get("name"), v.get("level")
            if code and code in seen:
                report.add(
                    row.number, header("code"),
                    _("The code {code} appears more than once; first on row {row}.").format(code=code, row=seen[code]),
                )  # fmt: skip
                continue
            if code:
                seen[code] = row.number
            if not (code and name and level) or row.number in bad_rows:
                failed[code or ""] = row.number
                continue
            parent = None
            parent_code = v.get("parent_code")
            if parent_code:
                parent = known.get(parent_code) or in_db.get(parent_code)
                if parent is None:
                    if parent_code in failed:
                        message = _(
                            "The parent area {code} on row {row} has errors; correct that row first."
                        ).format(code=parent_code, row=failed[parent_code])
                    else:
                        message = _(
                            "The parent area {code} does not exist: it is neither in the system nor on a row of a "
                            "higher level in this file."
                        ).format(code=parent_code)
                    report.add(row.number, header("parent_code"), message)
                    failed[code] = row.number
                    continue
            is_active = v.get("is_active")
            existing = in_db.get(code)
            if existing is not None:
                if existing.level != level or existing.parent_id != (parent.pk if parent else None):
                    report.add(
                        row.number, header("code"),
                        _(
                            "The area {code} already exists with another level or parent; an import cannot move "
                            "areas or change their level (use “Move” on the area's page)."
                        ).format(code=code),
                    )  # fmt: skip
                    failed[code] = row.number
                    continue
                try:
                    ensure_writable(actor, Area, area_path=existing.path)
                except NotVisible:
                    report.add(row.number, header("code"), out_of_scope_message(actor, code))
                    failed[code] = row.number
                    continue
                known[code] = existing
                changed = []
                if existing.name != name:
                    changed.append(("name", existing.name, name))
                if is_active is not None and existing.is_active != is_active:
                    changed.append(("is_active", yes_no(existing.is_active), yes_no(is_active)))
                if changed:
                    existing.name = name
                    if is_active is not None:
                        existing.is_active = is_active
                    plan.updates.append(existing)
                    report.updated += 1
                    _sample_change(report, row, code, changed, self)
                else:
                    report.unchanged += 1
                continue
            try:
                code = services.validate_area_code(code=code, level=level, parent=parent)
            except ApplicationError as exc:
                column = {"parent": "parent_code", "level": "level"}.get(exc.field or "", "code")
                report.add(row.number, header(column), exc.message)
                failed[code] = row.number
                continue
            path = services._path_for(code, level)
            try:
                ensure_writable(actor, Area, area_path=path)
            except NotVisible:
                report.add(row.number, header("code"), out_of_scope_message(actor, code))
                failed[code] = row.number
                continue
            if path in planned_paths:
                report.add(
                    row.number, header("code"),
                    _("The code {code} denotes the same area as row {row}.").format(code=code, row=planned_paths[path]),
                )  # fmt: skip
                failed[code] = row.number
                continue
            planned_paths[path] = row.number
            area = Area(
                code=code, name=name, level=level, parent=parent, path=path,
                is_active=True if is_active is None else is_active,
            )  # fmt: skip
            known[code] = area
            valid.append((row, area))
        # Paths taken by existing areas under other codes (rare, but the column is unique).
        taken = set()
        for part in chunks(planned_paths):
            taken.update(Area.objects.filter(path__in=part).values_list("path", flat=True))
        for row, area in valid:
            if area.path in taken:
                report.add(
                    row.number, header("code"),
                    _("An area with code {code} already exists.").format(code=area.code),
                )  # fmt: skip
                continue
            plan.creates.append(area)
            report.created += 1
        return plan

    def apply(self, *, actor, plan: AreaPlan) -> None:
        by_level: dict[int, list[Area]] = {}
        for area in plan.creates:
            by_level.setdefault(area.level, []).append(area)
        for level in sorted(by_level):
            # Parents planned at a higher level were saved by the previous pass and now have ids.
            bulk_create_with_history(by_level[level], Area, batch_size=1000, default_user=actor)
        if plan.updates:
            now = timezone.now()
            for area in plan.updates:
                area.updated_at = now
            bulk_update_with_history(
                plan.updates, Area, ["name", "is_active", "updated_at"], batch_size=1000, default_user=actor
            )


CHANGE_SAMPLE = 200


def _sample_change(report: Report, row: Row, label: str, changed: list[tuple], sheet: Sheet) -> None:
    if len(report.changes) >= CHANGE_SAMPLE:
        return
    report.changes.append(
        {
            "row": row.number,
            "record": label,
            "fields": [
                {"column": sheet.header_of(key), "old": str(old or ""), "new": str(new or "")}
                for key, old, new in changed
            ],
        }
    )


# ---------------------------------------------------------------- units


def _example_credit_code() -> str:
    body = "91990101MA7HXK3Q0"
    return body + credit_code_check_char(body)


UNIT_FIELD_COLUMN = {"name": "name", "unit_type": "unit_type", "area": "area_code", "credit_code": "credit_code",
                     "address": "address", "contact_name": "contact_name", "contact_phone": "contact_phone",
                     "is_member_department": "is_member_department"}  # fmt: skip
OPTIONAL_UNIT_FIELDS = ("credit_code", "address", "contact_name", "contact_phone", "is_member_department")


@dataclass
class UnitPlan:
    creates: list[Unit] = field(default_factory=list)
    updates: list[Unit] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)


def _type_key(text: str) -> str:
    return normalize_text(text).replace(" ", "").lower()


@register
class UnitSheet(Sheet):
    name = "units"
    title = "单位"
    verbose_name = _l("Units")
    model = Unit
    list_url_name = "orgs:unit_list"
    sort_keys = ("name", "-name", "id", "-id", "credit_code", "-credit_code")
    columns = (
        Column(
            "name", "单位名称", _l("The unit's full name; unique within its area."), required=True,
            format=_l("Text, at most 120 characters."), example="团结社区居民委员会", width=30,
        ),
        Column(
            "unit_type", "单位类型", _l("The kind of unit, as named in the platform's unit types."), required=True,
            format=_l("The name or code of a unit type, e.g. 企业, 学校, 社区."), example="社区", aliases=("类型",),
        ),
        Column(
            "area_code", "所属区划代码", _l("Division code of the area the unit belongs to."), required=True,
            format=_l("An existing division code inside your scope (12 digits, 15 for grids)."),
            example="990101001001", parse=parse_code, aliases=("区划代码",),
        ),
        Column("area_name", "所属区划", _l("Shown in exports only; ignored on import."), importable=False),
        Column(
            "credit_code", "统一社会信用代码",
            _l("The unit's unified social credit code; rows with a known code update that unit."),
            format=_l("18 characters with a valid check character (GB 32100)."), example=_example_credit_code(),
            aliases=("信用代码",), width=22,
        ),
        Column("address", "地址", _l("Postal address."), format=_l("Text, at most 200 characters."),
               example="团结路1号", width=30),
        Column("contact_name", "联系人", _l("Contact person."), format=_l("Text."), example="王芳"),
        Column(
            "contact_phone", "联系电话", _l("Contact phone."),
            format=_l("A mobile number (11 digits) or a landline such as 0991-1234567."), example="13800000000",
        ),
        Column(
            "is_member_department", "是否成员单位", _l("Member department of the leading group."),
            format=_l("是 or 否; empty means 否."), example="否", parse=parse_bool, width=12,
        ),
        Column("status", "状态", _l("Shown in exports only; ignored on import."), importable=False, width=10),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return sorted_queryset(selectors.unit_list(user=user, filters=filters), filters, self.sort_keys)

    def export_row(self, unit: Unit) -> list:
        mask = {f: MASKERS[kind] for f, kind in Unit.personal_fields.items()}
        return [
            unit.name,
            unit.unit_type.name,
            unit.area.code,
            unit.area.name,
            unit.credit_code,
            unit.address,
            mask["contact_name"](unit.contact_name),
            mask["contact_phone"](unit.contact_phone),
            yes_no(unit.is_member_department),
            unit.get_status_display(),
        ]

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> UnitPlan:
        header = self.header_of
        types: dict[str, UnitType] = {}
        type_by_id = {t.pk: t for t in UnitType.objects.all()}
        for unit_type in type_by_id.values():
            types[_type_key(unit_type.name)] = unit_type
            types.setdefault(_type_key(unit_type.code), unit_type)
        areas = areas_by_code(r.values.get("area_code") for r in rows)
        credit_of = {
            r.number: normalize_text(r.values.get("credit_code")).replace(" ", "").upper() for r in rows
        }
        by_credit: dict[str, Unit] = {}
        for part in chunks({c for c in credit_of.values() if c}):
            by_credit.update({u.credit_code: u for u in Unit.objects.filter(credit_code__in=part)})
        by_name: dict[tuple[int, str], int] = {}
        for part in chunks({a.pk for a in areas.values()}):
            by_name.update(
                {
                    (a, n): pk
                    for pk, a, n in Unit.objects.filter(area_id__in=part).values_list("pk", "area_id", "name")
                }
            )
        loaded = {u.pk: u for u in by_credit.values()}
        missing = {by_name[(areas[r.values["area_code"]].pk, r.values["name"])] for r in rows
                   if r.values.get("area_code") in areas and (areas[r.values["area_code"]].pk, r.values.get("name")) in by_name}  # fmt: skip
        for part in chunks(missing - loaded.keys()):
            loaded.update({u.pk: u for u in Unit.objects.filter(pk__in=part)})
        type_names = "、".join(t.name for t in type_by_id.values() if t.is_active)

        plan = UnitPlan()
        seen_credit: dict[str, int] = {}
        seen_name: dict[tuple[str, str], int] = {}
        seen_target: dict[int, int] = {}
        rows_with_cell_errors = {e.row for e in report.errors}
        for done, row in enumerate(rows, start=1):
            if progress and done % 1000 == 0:
                progress(done)
            v = row.values
            name, area_code = v.get("name"), v.get("area_code")
            credit = credit_of[row.number]
            bad = row.number in rows_with_cell_errors
            unit_type = None
            if v.get("unit_type"):
                unit_type = types.get(_type_key(v["unit_type"]))
                if unit_type is None or not unit_type.is_active:
                    report.add(
                        row.number, header("unit_type"),
                        _("Unknown unit type “{value}”; use one of: {types}.").format(value=v["unit_type"], types=type_names),
                    )  # fmt: skip
                    bad = True
            area = areas.get(area_code) if area_code else None
            if area_code and area is None:
                report.add(
                    row.number,
                    header("area_code"),
                    _("No area has the division code {code}.").format(code=area_code),
                )
                bad = True
            if credit:
                if credit in seen_credit:
                    report.add(
                        row.number, header("credit_code"),
                        _("The credit code {code} appears more than once; first on row {row}.").format(code=credit, row=seen_credit[credit]),
                    )  # fmt: skip
                    bad = True
                else:
                    seen_credit[credit] = row.number
            if name and area_code:
                key = (area_code, name)
                if key in seen_name:
                    report.add(
                        row.number, header("name"),
                        _("The unit {name} in area {code} appears more than once; first on row {row}.").format(
                            name=name, code=area_code, row=seen_name[key]
                        ),
                    )  # fmt: skip
                    bad = True
                else:
                    seen_name[key] = row.number
            if bad or not (name and unit_type and area):
                continue
            # Which existing unit this row is: by credit code, else by name within the area.
            existing = by_credit.get(credit) if credit else None
            named_pk = by_name.get((area.pk, name))
            if existing is None and named_pk is not None:
                existing = loaded[named_pk]
                if credit and existing.credit_code and existing.credit_code != credit:
                    report.add(
                        row.number, header("name"),
                        _("A unit named {name} already exists in {area} with another credit code ({code}).").format(
                            name=name, area=area.name, code=existing.credit_code
                        ),
                    )  # fmt: skip
                    continue
            elif existing is not None and named_pk is not None and named_pk != existing.pk:
                report.add(
                    row.number,
                    header("name"),
                    _("A unit named {name} already exists in {area}.").format(name=name, area=area.name),
                )
                continue
            if existing is not None:
                if existing.pk in seen_target:
                    report.add(
                        row.number, header("credit_code") if credit else header("name"),
                        _("This row and row {row} refer to the same existing unit.").format(row=seen_target[existing.pk]),
                    )  # fmt: skip
                    continue
                seen_target[existing.pk] = row.number
            data = {
                "name": name,
                "unit_type": unit_type,
                "area": area,
                "credit_code": credit,
                "address": v.get("address") or "",
                "contact_name": v.get("contact_name") or "",
                "contact_phone": v.get("contact_phone") or "",
                "is_member_department": bool(v.get("is_member_department")),
            }
            masked_error = False
            for key in ("contact_name", "contact_phone"):
                value = data[key]
                if "*" not in value:
                    continue
                current = getattr(existing, key) if existing else ""
                if existing is not None and value == MASKERS[Unit.personal_fields[key]](current):
                    data[key] = current  # a masked export re-imported: keep the value on record
                else:
                    report.add(
                        row.number, header(key),
                        _("This value is masked (contains *); enter it in full or leave the cell empty."),
                    )  # fmt: skip
                    masked_error = True
            if masked_error:
                continue
            if existing is not None:
                # Empty optional cells keep what is on record.
                for key in OPTIONAL_UNIT_FIELDS:
                    if v.get(key) in (None, ""):
                        data[key] = getattr(existing, key)
            try:
                cleaned = services.unit_clean(data=data, instance=existing, check_unique=False)
            except ApplicationError as exc:
                report.add(row.number, header(UNIT_FIELD_COLUMN.get(exc.field or "", "name")), exc.message)
                continue
            try:
                if existing is not None:
                    ensure_writable(actor, Unit, area_path=existing.area_path, unit_id=existing.pk)
                ensure_writable(actor, Unit, area_path=area.path, unit_id=existing.pk if existing else None)
            except NotVisible:
                if existing is not None and existing.area_path != area.path:
                    report.add(
                        row.number,
                        header("credit_code"),
                        _("Another unit already has the credit code {code}.").format(code=credit),
                    )
                else:
                    report.add(row.number, header("area_code"), out_of_scope_message(actor, area.code))
                continue
            if existing is None:
                if credit and credit in by_credit:
                    report.add(
                        row.number, header("credit_code"),
                        _("Another unit already has the credit code {code}.").format(code=credit),
                    )  # fmt: skip
                    continue
                unit = Unit(**cleaned, area_path=area.path)
                unit._history_user = actor
                plan.creates.append(unit)
                report.created += 1
                continue
            changed = []
            for key in services.UNIT_FIELDS:
                attname = key + "_id" if key in ("unit_type", "area") else key
                old = getattr(existing, attname)
                new = cleaned[key].pk if key in ("unit_type", "area") else cleaned[key]
                if old != new:
                    changed.append(key)
            if not changed:
                report.unchanged += 1
                continue
            shown = []
            for key in changed:
                old, new = (
                    (getattr(existing, key) if key not in ("unit_type", "area") else None),
                    cleaned[key],
                )
                if key in Unit.personal_fields:
                    masker = MASKERS[Unit.personal_fields[key]]
                    old, new = masker(old), masker(new)
                elif key == "area":
                    old, new = existing.area_path, new.code
                elif key == "unit_type":
                    old, new = type_by_id[existing.unit_type_id].name, new.name
                elif key == "is_member_department":
                    old, new = yes_no(old), yes_no(new)
                shown.append((UNIT_FIELD_COLUMN[key], old, new))
                setattr(existing, key, cleaned[key])
            if "area" in changed:
                existing.area_path = area.path
                plan.update_fields.add("area_path")
            plan.update_fields.update(changed)
            plan.updates.append(existing)
            report.updated += 1
            _sample_change(report, row, existing.credit_code or existing.name, shown, self)
        return plan

    def apply(self, *, actor, plan: UnitPlan) -> None:
        with _encrypted_once(plan.creates + plan.updates):
            if plan.creates:
                bulk_create_with_history(plan.creates, Unit, batch_size=1000, default_user=actor)
            if plan.updates:
                now = timezone.now()
                for unit in plan.updates:
                    unit.updated_at = now
                fields = sorted(plan.update_fields | {"updated_at"})
                bulk_update_with_history(plan.updates, Unit, fields, batch_size=500, default_user=actor)


@contextmanager
def _encrypted_once(units: list[Unit]):
    """Encrypt personal fields once for both the unit row and its history row (the field passes ciphertext
    through unchanged); encryption is the largest single cost of a bulk import. Plain values are restored."""
    plain = []
    for unit in units:
        for name in Unit.personal_fields:
            value = getattr(unit, name)
            if value and not value.startswith(crypto.PREFIX):
                plain.append((unit, name, value))
                setattr(unit, name, crypto.encrypt(value))
    try:
        yield
    finally:
        for unit, name, value in plain:
            setattr(unit, name, value)


# ---------------------------------------------------------------- area statistics


@dataclass
class StatisticsPlan:
    rows: list[dict] = field(default_factory=list)


STAT_FIELDS = ("households", "population", "minority_population", "ethnic_groups")


@register
class AreaStatisticsSheet(Sheet):
    name = "area_statistics"
    title = "区划统计"
    verbose_name = _l("Area statistics")
    model = AreaStatistics
    list_url_name = "orgs:stats_list"
    sort_keys = ("year", "-year")
    columns = (
        Column(
            "area_code", "区划代码", _l("Division code of the area the figures describe."), required=True,
            format=_l("An existing division code inside your scope."), example="990101001001", parse=parse_code,
        ),
        Column("area_name", "区划名称", _l("Shown in exports only; ignored on import."), importable=False),
        Column("year", "年份", _l("The year of the figures."), required=True, format=_l("A year such as 2024."),
               example="2024", parse=parse_int(minimum=1949, maximum=2100), width=10),
        Column("households", "户数", _l("Number of households."), required=True, format=_l("A whole number."),
               example="1200", parse=parse_int(minimum=0)),
        Column("population", "人口数", _l("Population."), required=True, format=_l("A whole number."),
               example="3600", parse=parse_int(minimum=0), aliases=("人口",)),
        Column(
            "minority_population", "少数民族人口数", _l("Population of ethnic minorities (an aggregate only)."),
            required=True, format=_l("A whole number, not above the population."), example="1500",
            parse=parse_int(minimum=0), aliases=("少数民族人口",), width=20,
        ),
        Column(
            "ethnic_groups", "民族数", _l("Number of ethnic groups present."), required=True,
            format=_l("A whole number from 0 to 56."), example="12", parse=parse_int(minimum=0, maximum=56),
            aliases=("民族成分数",),
        ),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return sorted_queryset(
            selectors.area_statistics_list(user=user, filters=filters), filters, self.sort_keys
        )

    def export_row(self, stats: AreaStatistics) -> list:
        return [stats.area.code, stats.area.name, stats.year, stats.households, stats.population,
                stats.minority_population, stats.ethnic_groups]  # fmt: skip

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> StatisticsPlan:
        header = self.header_of
        areas = areas_by_code(r.values.get("area_code") for r in rows)
        existing: dict[tuple[int, int], AreaStatistics] = {}
        years = {r.values.get("year") for r in rows if r.values.get("year")}
        for part in chunks({a.pk for a in areas.values()}):
            for stats in AreaStatistics.objects.filter(area_id__in=part, year__in=years):
                existing[(stats.area_id, stats.year)] = stats
        plan = StatisticsPlan()
        seen: dict[tuple[str, int], int] = {}
        bad_rows = {e.row for e in report.errors}
        for row in rows:
            v = row.values
            code, year = v.get("area_code"), v.get("year")
            area = areas.get(code) if code else None
            if code and area is None:
                report.add(
                    row.number,
                    header("area_code"),
                    _("No area has the division code {code}.").format(code=code),
                )
                continue
            if code and year:
                if (code, year) in seen:
                    report.add(
                        row.number, header("year"),
                        _("The figures of {code} for {year} appear more than once; first on row {row}.").format(
                            code=code, year=year, row=seen[(code, year)]
                        ),
                    )  # fmt: skip
                    continue
                seen[(code, year)] = row.number
            if row.number in bad_rows or area is None or any(v.get(f) is None for f in STAT_FIELDS):
                continue
            try:
                ensure_writable(actor, AreaStatistics, area_path=area.path)
            except NotVisible:
                report.add(row.number, header("area_code"), out_of_scope_message(actor, code))
                continue
            if v["minority_population"] > v["population"]:
                report.add(
                    row.number, header("minority_population"),
                    _("The minority population cannot exceed the population."),
                )  # fmt: skip
                continue
            values = {f: v[f] for f in STAT_FIELDS}
            current = existing.get((area.pk, year))
            if current is None:
                report.created += 1
            elif all(getattr(current, f) == values[f] for f in STAT_FIELDS):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
                changed = [
                    (f, getattr(current, f), values[f])
                    for f in STAT_FIELDS
                    if getattr(current, f) != values[f]
                ]
                _sample_change(report, row, f"{code} {year}", changed, self)
            plan.rows.append({"area": area, "year": year, **values, "_row": row.number})
        return plan

    def apply(self, *, actor, plan: StatisticsPlan) -> None:
        # Area statistics are few (areas x years): each row goes through the same service as the form.
        for item in plan.rows:
            values = {k: v for k, v in item.items() if k != "_row"}
            try:
                services.area_statistics_upsert(actor=actor, **values)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=item["_row"], message=exc.message), field=exc.field
                ) from exc
