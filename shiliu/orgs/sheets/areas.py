"""The sheet of areas (区划): codes checked with validate_area_code; parents may be rows of the same file."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import ensure_writable
from shiliu.exchange.engine import (
    Column,
    Report,
    Row,
    Sheet,
    parse_bool,
    parse_code,
    parse_text,
    yes_no,
)
from shiliu.exchange.registry import register

from .. import selectors, services
from ..choices import AreaLevel
from ..models import Area
from .common import areas_by_code, chunks, out_of_scope_message, sample_change, sorted_queryset

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
                    sample_change(report, row, code, changed, self)
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
