"""The sheet of units (创建单位): unit_clean on every row, uniqueness against prefetched sets, bulk writes."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from shiliu.core import crypto
from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.privacy import MASKERS
from shiliu.core.scope import ensure_writable
from shiliu.core.validators import credit_code_check_char, normalize_text
from shiliu.exchange.engine import (
    Column,
    Report,
    Row,
    Sheet,
    parse_bool,
    parse_code,
    yes_no,
)
from shiliu.exchange.registry import register

from .. import selectors, services
from ..models import Unit, UnitType
from .common import areas_by_code, chunks, out_of_scope_message, sample_change, sorted_queryset

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
            sample_change(report, row, existing.credit_code or existing.name, shown, self)
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
