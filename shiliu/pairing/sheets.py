"""Excel sheets of pairing assistance for the exchange engine: pairings, projects, visits, funds and outcomes, each
imported and exported. Imports validate each row with the same ``*_clean`` functions and scope checks the forms' services
use, then write through those services (pairings and projects are few, so one service call per row)."""

from __future__ import annotations

import datetime
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import CHANGE, ensure_writable, visible_to
from shiliu.core.validators import normalize_text
from shiliu.exchange.engine import Column, Report, Row, Sheet, parse_code, parse_int, parse_text
from shiliu.exchange.registry import register
from shiliu.orgs.models import Unit
from shiliu.orgs.sheets.common import areas_by_code, out_of_scope_message

from . import selectors, services
from .choices import PROJECT_TRANSITIONS, FundSource, ProjectStatus
from .models import Pairing, PairingFund, PairingOutcome, PairingProject, PairingVisit

DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")

# Literal Chinese status words of the file format (as headers are), plus the codes.
STATUS_WORDS = {
    "计划": ProjectStatus.PLANNED, "计划中": ProjectStatus.PLANNED, "未开始": ProjectStatus.PLANNED,
    "实施中": ProjectStatus.IN_PROGRESS, "进行中": ProjectStatus.IN_PROGRESS, "在建": ProjectStatus.IN_PROGRESS,
    "已完成": ProjectStatus.COMPLETED, "完成": ProjectStatus.COMPLETED, "已竣工": ProjectStatus.COMPLETED,
    "已取消": ProjectStatus.CANCELLED, "取消": ProjectStatus.CANCELLED,
    **{s.value: s for s in ProjectStatus},
}  # fmt: skip
STATUS_NAMES = {
    ProjectStatus.PLANNED: "计划中",
    ProjectStatus.IN_PROGRESS: "实施中",
    ProjectStatus.COMPLETED: "已完成",
    ProjectStatus.CANCELLED: "已取消",
}
SOURCE_NAMES = {FundSource.OWN: "自有资金", FundSource.FISCAL: "财政资金", FundSource.DONATION: "社会捐赠",
                FundSource.OTHER: "其他"}  # fmt: skip


def parse_date(text: str) -> datetime.date:
    match = DATE_PATTERN.match(text.replace(" ", ""))
    try:
        if match:
            return datetime.date(*(int(g) for g in match.groups()))
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(
            _("Enter a date such as 2025-03-01; got “{value}”.").format(value=text)
        ) from None


def parse_amount(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "").replace(" ", "").removesuffix("元"))
    except InvalidOperation:
        raise ApplicationError(_("Enter an amount in yuan; got “{value}”.").format(value=text)) from None


def parse_status(text: str) -> str:
    status = STATUS_WORDS.get(text.replace(" ", ""))
    if status is None:
        raise ApplicationError(
            _("Unknown status “{value}”; use one of: {names}.").format(
                value=text, names="、".join(STATUS_NAMES.values())
            )
        )
    return status


def _day(value) -> str:
    return value.isoformat() if value else ""


def _sorted(qs, filters, sort_keys):
    sort = (filters or {}).get("sort")
    return (
        qs.order_by(sort, "-id" if sort.startswith("-") else "id")
        if sort in sort_keys
        else qs.order_by("-id")
    )


def _field_column(sheet: Sheet, field_name: str | None, default: str) -> str:
    keys = {c.key for c in sheet.columns}
    field_name = {"village": "village_code"}.get(field_name, field_name)
    return sheet.header_of(field_name if field_name in keys else default)


# ---------------------------------------------------------------- pairings


@dataclass
class PairingPlan:
    rows: list[dict] = field(default_factory=list)


@register
class PairingSheet(Sheet):
    name = "pairings"
    title = "结对帮扶"
    verbose_name = _l("Pairings")
    model = Pairing
    list_url_name = "pairing:pairing_list"
    sort_keys = ("start", "-start", "end", "-end", "id", "-id")
    columns = (
        Column("id", "结对编号", _l("Shown in exports only; projects name their pairing by this number."),
               importable=False, width=10),
        Column("unit", "帮扶单位", _l("The pairing unit: its unified social credit code or its full name."),
               required=True, format=_l("A unit within your scope."), example="石榴市教育局", width=28),
        Column("village_code", "结对村（社区）区划代码", _l("Division code of the paired village or community."),
               required=True, format=_l("12 digits of a village or community inside the unit's area."),
               example="990101001001", parse=parse_code, aliases=("区划代码",), width=22),
        Column("village_name", "结对村（社区）", _l("Shown in exports only; ignored on import."), importable=False),
        Column("start", "开始日期", _l("First day of the pairing."), required=True, format=_l("A date such as 2025-01-01."),
               example="2025-01-01", parse=parse_date, width=12),
        Column("end", "结束日期", _l("Last day of the pairing."), required=True,
               format=_l("A date not before the start date."), example="2027-12-31", parse=parse_date, width=12),
        Column("goals", "帮扶目标", _l("What the pairing sets out to do."), format=_l("Text."),
               example="发展庭院经济，帮助就业", parse=parse_text(2000), width=40),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.pairing_list(user=user, filters=filters), filters, self.sort_keys)

    def export_row(self, p: Pairing) -> list:
        return [p.pk, p.unit.name, p.village.code, p.village.name, _day(p.start), _day(p.end), p.goals]

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> PairingPlan:
        header = self.header_of
        units = visible_to(Unit.objects.select_related("area"), actor)
        wanted = {normalize_text(r.values.get("unit")) for r in rows if r.values.get("unit")}
        by_code = {u.credit_code: u for u in units.filter(credit_code__in={w.upper() for w in wanted})}
        by_name: dict[str, list[Unit]] = {}
        for unit in units.filter(name__in=wanted):
            by_name.setdefault(unit.name, []).append(unit)
        villages = areas_by_code(r.values.get("village_code") for r in rows)
        existing = {
            (p.unit_id, p.village_id, p.start): p
            for p in Pairing.objects.filter(village__in=list(villages.values()))
        }
        plan, seen, bad_rows = PairingPlan(), {}, {e.row for e in report.errors}
        for row in rows:
            v = row.values
            if row.number in bad_rows or not v.get("unit") or not v.get("village_code"):
                continue
            village = villages.get(v["village_code"])
            if village is None:
                report.add(row.number, header("village_code"),
                           _("No area has the division code {code}.").format(code=v["village_code"]))  # fmt: skip
                continue
            key = normalize_text(v["unit"])
            unit = by_code.get(key.upper())
            if unit is None:
                # As in the form: a name counts among the units whose area covers the village.
                named = by_name.get(key, [])
                covering = [u for u in named if village.path.startswith(u.area_path)]
                if len(covering) > 1:
                    report.add(row.number, header("unit"),
                               _("Several units are named {name}; give the credit code instead.").format(name=key))  # fmt: skip
                    continue
                unit = covering[0] if covering else (named[0] if len(named) == 1 else None)
            if unit is None:
                report.add(row.number, header("unit"),
                           _("No unit within your scope is named or coded “{value}”.").format(value=key))  # fmt: skip
                continue
            current = existing.get((unit.pk, village.pk, v.get("start")))
            data = {"unit": unit, "village": village, "start": v.get("start"), "end": v.get("end"),
                    "goals": v.get("goals") or ""}  # fmt: skip
            try:
                ensure_writable(actor, Pairing, area_path=village.path, unit_id=unit.pk)
            except NotVisible:
                report.add(row.number, header("village_code"), out_of_scope_message(actor, village.code))
                continue
            try:
                services.pairing_clean(data=data, instance=current, check_unique=False)
            except ApplicationError as exc:
                report.add(row.number, _field_column(self, exc.field, "unit"), exc.message)
                continue
            identity = (unit.pk, village.pk, data["start"])
            if identity in seen:
                report.add(row.number, header("start"),
                           _("This pairing appears more than once; first on row {row}.").format(row=seen[identity]))  # fmt: skip
                continue
            seen[identity] = row.number
            if current is None:
                report.created += 1
            elif (current.end, current.goals) == (data["end"], data["goals"]):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            plan.rows.append({"row": row.number, "current": current, "data": data})
        return plan

    def apply(self, *, actor, plan: PairingPlan) -> None:
        for item in plan.rows:
            try:
                if item["current"] is None:
                    services.pairing_create(actor=actor, **item["data"])
                else:
                    data = {k: item["data"][k] for k in ("end", "goals")}
                    services.pairing_update(actor=actor, pairing=item["current"], **data)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=item["row"], message=exc.message), field=exc.field
                ) from exc


# ---------------------------------------------------------------- projects


def status_path(source: str, target: str) -> list[str] | None:
    """The transitions leading from ``source`` to ``target`` (empty when equal), or None when there is none."""
    queue, seen = deque([(source, [])]), {source}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for nxt in PROJECT_TRANSITIONS[ProjectStatus(state)]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*path, nxt]))
    return None


@dataclass
class ProjectPlan:
    rows: list[dict] = field(default_factory=list)


@register
class ProjectSheet(Sheet):
    name = "pairing_projects"
    title = "帮扶项目"
    verbose_name = _l("Pairing projects")
    model = PairingProject
    list_url_name = "pairing:project_list"
    sort_keys = ("started_on", "-started_on", "name", "-name", "amount", "-amount", "id", "-id")
    columns = (
        Column("pairing", "结对编号", _l("Number of the pairing, as in the pairings export."), required=True,
               format=_l("A whole number."), example="1", parse=parse_int(minimum=1), width=10),
        Column("unit", "帮扶单位", _l("Shown in exports only; ignored on import."), importable=False, width=28),
        Column("village", "结对村（社区）", _l("Shown in exports only; ignored on import."), importable=False),
        Column("name", "项目名称", _l("Name of the project; unique within its pairing."), required=True,
               format=_l("Text, at most 120 characters."), example="村文化广场建设", parse=parse_text(120), width=28),
        Column("started_on", "开始日期", _l("Start of the project, within the pairing period."), required=True,
               format=_l("A date such as 2025-01-01."), example="2025-03-01", parse=parse_date, width=12),
        Column("amount", "项目金额（元）", _l("Amount in yuan."), required=True, format=_l("A number such as 12000.50."),
               example="50000", parse=parse_amount, aliases=("金额",)),
        Column("status", "项目状态", _l("Status; empty means planned. Moves only forward: planned, in progress, "
                                       "completed, or cancelled."), format="计划中、实施中、已完成、已取消",
               example="实施中", parse=parse_status, width=12),
        Column("beneficiaries", "受益人数", _l("Number of people who benefit."), format=_l("A whole number."),
               example="120", parse=parse_int(minimum=0)),
        Column("completed_on", "完成日期", _l("Required when the project is completed."),
               format=_l("A date such as 2025-01-01."), example="", parse=parse_date, width=12),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.project_list(user=user, filters=filters), filters, self.sort_keys)

    def export_row(self, p: PairingProject) -> list:
        return [p.pairing_id, p.pairing.unit.name, p.pairing.village.name, p.name, _day(p.started_on), p.amount,
                STATUS_NAMES[ProjectStatus(p.status)], p.beneficiaries, _day(p.completed_on)]  # fmt: skip

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> ProjectPlan:
        header = self.header_of
        ids = {r.values.get("pairing") for r in rows if r.values.get("pairing")}
        pairings = {p.pk: p for p in visible_to(Pairing.objects.filter(pk__in=ids), actor)}
        existing = {(p.pairing_id, p.name): p for p in PairingProject.objects.filter(pairing_id__in=pairings)}
        plan, seen, bad_rows = ProjectPlan(), {}, {e.row for e in report.errors}
        for row in rows:
            v = row.values
            if row.number in bad_rows or not v.get("pairing") or not v.get("name"):
                continue
            pairing = pairings.get(v["pairing"])
            if pairing is None:
                report.add(row.number, header("pairing"),
                           _("No pairing numbered {n} is within your scope.").format(n=v["pairing"]))  # fmt: skip
                continue
            try:
                ensure_writable(actor, PairingProject, area_path=pairing.area_path, unit_id=pairing.unit_id)
            except NotVisible:
                report.add(row.number, header("pairing"),
                           _("You cannot record projects for pairing {n}.").format(n=pairing.pk))  # fmt: skip
                continue
            name = normalize_text(v["name"])
            if (pairing.pk, name) in seen:
                report.add(row.number, header("name"),
                           _("This project appears more than once; first on row {row}.").format(row=seen[(pairing.pk, name)]))  # fmt: skip
                continue
            seen[(pairing.pk, name)] = row.number
            current = existing.get((pairing.pk, name))
            data = {"name": name, "started_on": v.get("started_on"), "amount": v.get("amount"),
                    "beneficiaries": v.get("beneficiaries") or 0}  # fmt: skip
            try:
                services.project_clean(pairing=pairing, data=data, instance=current)
            except ApplicationError as exc:
                report.add(row.number, _field_column(self, exc.field, "name"), exc.message)
                continue
            source = current.status if current else ProjectStatus.PLANNED
            target = v.get("status") or source
            steps = status_path(source, target)
            if steps is None:
                report.add(row.number, header("status"),
                           _("A project that is {current} cannot become {target}.").format(
                               current=ProjectStatus(source).label, target=ProjectStatus(target).label))  # fmt: skip
                continue
            completed_on = v.get("completed_on")
            if ProjectStatus.COMPLETED in steps:
                if completed_on is None:
                    report.add(
                        row.number,
                        header("completed_on"),
                        _("A completed project needs its completion date."),
                    )
                    continue
                if completed_on < data["started_on"]:
                    report.add(row.number, header("completed_on"),
                               _("The completion date cannot be before the project's start."))  # fmt: skip
                    continue
            if current is not None and current.status == ProjectStatus.CANCELLED:
                report.add(row.number, header("name"), _("A cancelled project can no longer be changed."))
                continue
            if current is None:
                report.created += 1
            elif not steps and all(
                getattr(current, k) == data[k] for k in ("started_on", "amount", "beneficiaries")
            ):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            plan.rows.append({"row": row.number, "pairing": pairing, "current": current, "data": data,
                              "steps": steps, "completed_on": completed_on})  # fmt: skip
        return plan

    def apply(self, *, actor, plan: ProjectPlan) -> None:
        for item in plan.rows:
            try:
                if item["current"] is None:
                    project = services.project_create(actor=actor, pairing=item["pairing"], **item["data"])
                else:
                    data = {k: v for k, v in item["data"].items() if k != "name"}
                    project = services.project_update(actor=actor, project=item["current"], **data)
                for step in item["steps"]:
                    project = services.project_transition(
                        actor=actor, project=project, to=step, completed_on=item["completed_on"]
                    )
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=item["row"], message=exc.message), field=exc.field
                ) from exc


# ---------------------------------------------------------------- visits, funds and outcomes

SOURCE_WORDS = {**{name: source for source, name in SOURCE_NAMES.items()}, "自有": FundSource.OWN,
                "财政": FundSource.FISCAL, "捐赠": FundSource.DONATION, **{s.value: s for s in FundSource}}  # fmt: skip


def parse_source(text: str) -> str:
    source = SOURCE_WORDS.get(text.replace(" ", "").lower())
    if source is None:
        raise ApplicationError(
            _("Unknown source “{value}”; use one of: {names}.").format(
                value=text, names="、".join(SOURCE_NAMES.values())
            )
        )
    return source


def _record_id_column(what) -> Column:
    return Column(
        "id", "编号", what, format=_l("A number from an export."), parse=parse_int(minimum=1), width=10
    )


def _pairing_columns() -> tuple[Column, ...]:
    return (
        Column("pairing", "结对编号", _l("Number of the pairing, as in the pairings export."), required=True,
               format=_l("A whole number."), example="1", parse=parse_int(minimum=1), width=10),
        Column("unit", "帮扶单位", _l("Shown in exports only; ignored on import."), importable=False, width=28),
        Column("village", "结对村（社区）", _l("Shown in exports only; ignored on import."), importable=False),
    )  # fmt: skip


@dataclass
class RecordPlan:
    rows: list[dict] = field(default_factory=list)


class RecordSheet(Sheet):
    """A record under a pairing (visit, fund, outcome), named by its pairing's 结对编号.

    A row with a 编号 from an export updates that record; a row without one records a new one, unless the pairing
    already holds an identical record (then the row is unchanged, so importing the same file twice adds nothing).
    Each row is checked with the same ``<record>_clean`` and scope check as the form, and written through the
    form's ``<record>_create`` / ``<record>_update`` service.
    """

    fields: tuple[str, ...] = ()  # the record's own fields, in column order after the pairing columns
    first_field = ""  # the column an error without a field of its own points at
    clean: Callable[..., dict]  # the form's ``<record>_clean``, and its create and update services
    create: Callable[..., object]
    update: Callable[..., object]
    instance_arg = ""  # the update service's keyword for the record: ``visit``, ``fund``, ``outcome``

    def record_values(self, record) -> list:
        return [getattr(record, f) for f in self.fields]

    def export_row(self, r) -> list:
        return [r.pk, r.pairing_id, r.pairing.unit.name, r.pairing.village.name, *self.export_values(r)]

    def export_values(self, r) -> list:
        return [_day(v) if isinstance(v, datetime.date) else v for v in self.record_values(r)]

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> RecordPlan:
        header, model = self.header_of, self.model
        ids = {r.values.get("pairing") for r in rows if r.values.get("pairing")}
        pairings = {p.pk: p for p in visible_to(Pairing.objects.filter(pk__in=ids), actor)}
        record_ids = {r.values.get("id") for r in rows if r.values.get("id")}
        existing = {r.pk: r for r in visible_to(model.objects.filter(pk__in=record_ids), actor, CHANGE)}
        identical: dict[tuple, int] = {}
        for record in model.objects.filter(pairing_id__in=pairings).order_by("id"):
            identical.setdefault((record.pairing_id, *self.record_values(record)), record.pk)
        plan, seen_ids, seen_rows = RecordPlan(), {}, {}
        bad_rows = {e.row for e in report.errors}
        for row in rows:
            v = row.values
            if row.number in bad_rows or not v.get("pairing"):
                continue
            pairing = pairings.get(v["pairing"])
            if pairing is None:
                report.add(row.number, header("pairing"),
                           _("No pairing numbered {n} is within your scope.").format(n=v["pairing"]))  # fmt: skip
                continue
            try:
                ensure_writable(actor, model, area_path=pairing.area_path, unit_id=pairing.unit_id)
            except NotVisible:
                report.add(row.number, header("pairing"),
                           _("You cannot record entries for pairing {n}.").format(n=pairing.pk))  # fmt: skip
                continue
            current = None
            if v.get("id"):
                current = existing.get(v["id"])
                if current is None or current.pairing_id != pairing.pk:
                    report.add(row.number, header("id"),
                               _("No record numbered {id} of pairing {n} is within your scope.").format(
                                   id=v["id"], n=pairing.pk))  # fmt: skip
                    continue
                if v["id"] in seen_ids:
                    report.add(row.number, header("id"),
                               _("The number {id} appears more than once; first on row {row}.").format(
                                   id=v["id"], row=seen_ids[v["id"]]))  # fmt: skip
                    continue
                seen_ids[v["id"]] = row.number
            data = {f: v.get(f) for f in self.fields}
            try:
                cleaned = self.clean(pairing=pairing, data=data)
            except ApplicationError as exc:
                report.add(row.number, _field_column(self, exc.field, self.first_field), exc.message)
                continue
            key = (pairing.pk, *(cleaned[f] for f in self.fields))
            if current is None and key in seen_rows:
                report.add(row.number, header(self.first_field),
                           _("This record appears more than once; first on row {row}.").format(row=seen_rows[key]))  # fmt: skip
                continue
            seen_rows.setdefault(key, row.number)
            same = key in identical if current is None else tuple(self.record_values(current)) == key[1:]
            if same:
                report.unchanged += 1
                continue
            if current is None:
                report.created += 1
            else:
                report.updated += 1
            plan.rows.append({"row": row.number, "pairing": pairing, "current": current, "data": cleaned})
        return plan

    def apply(self, *, actor, plan: RecordPlan) -> None:
        for item in plan.rows:
            try:
                if item["current"] is None:
                    self.create(actor=actor, pairing=item["pairing"], **item["data"])
                else:
                    self.update(actor=actor, **{self.instance_arg: item["current"]}, **item["data"])
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=item["row"], message=exc.message), field=exc.field
                ) from exc


@register
class VisitSheet(RecordSheet):
    name = "pairing_visits"
    title = "走访记录"
    verbose_name = _l("Pairing visits")
    model = PairingVisit
    list_url_name = "pairing:visit_list"
    sort_keys = ("visited_on", "-visited_on", "people", "-people", "id", "-id")
    fields = ("visited_on", "people", "activities", "notes")
    first_field = "visited_on"
    clean = staticmethod(services.visit_clean)
    create = staticmethod(services.visit_create)
    update = staticmethod(services.visit_update)
    instance_arg = "visit"
    columns = (
        _record_id_column(_l("Leave empty for a new visit; keep the exported number to update one.")),
        *_pairing_columns(),
        Column("visited_on", "走访日期", _l("Date of the visit, within the pairing period."), required=True,
               format=_l("A date such as 2025-01-01."), example="2025-03-01", parse=parse_date, width=12),
        Column("people", "走访人数", _l("Number of people who visited."), required=True,
               format=_l("A whole number, at least 1."), example="3", parse=parse_int(minimum=1)),
        Column("activities", "开展活动", _l("What was done during the visit."), required=True,
               format=_l("Text, at most 300 characters."), example="入户走访、座谈", parse=parse_text(300), width=30),
        Column("notes", "备注", _l("Notes."), format=_l("Text."), example="", parse=parse_text(2000), width=30),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.visit_list(user=user, filters=filters), filters, self.sort_keys)


@register
class FundSheet(RecordSheet):
    name = "pairing_funds"
    title = "帮扶资金"
    verbose_name = _l("Pairing funds")
    model = PairingFund
    list_url_name = "pairing:fund_list"
    sort_keys = ("paid_on", "-paid_on", "amount", "-amount", "id", "-id")
    fields = ("paid_on", "amount", "source", "purpose")
    first_field = "paid_on"
    clean = staticmethod(services.fund_clean)
    create = staticmethod(services.fund_create)
    update = staticmethod(services.fund_update)
    instance_arg = "fund"
    columns = (
        _record_id_column(_l("Leave empty for a new payment; keep the exported number to update one.")),
        *_pairing_columns(),
        Column("paid_on", "日期", _l("Date of the payment, within the pairing period."), required=True,
               format=_l("A date such as 2025-01-01."), example="2025-04-01", parse=parse_date, width=12),
        Column("amount", "金额（元）", _l("Amount in yuan, greater than zero."), required=True,
               format=_l("A number such as 12000.50."), example="10000", parse=parse_amount, aliases=("金额",)),
        Column("source", "资金来源", _l("Where the money came from."), required=True,
               format="、".join(SOURCE_NAMES.values()), example="自有资金", parse=parse_source),
        Column("purpose", "用途", _l("What the money was used for."), required=True,
               format=_l("Text, at most 300 characters."), example="修缮村道", parse=parse_text(300), width=30),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.fund_list(user=user, filters=filters), filters, self.sort_keys)

    def export_values(self, f: PairingFund) -> list:
        return [_day(f.paid_on), f.amount, SOURCE_NAMES[FundSource(f.source)], f.purpose]


@register
class OutcomeSheet(RecordSheet):
    name = "pairing_outcomes"
    title = "帮扶成效"
    verbose_name = _l("Pairing outcomes")
    model = PairingOutcome
    list_url_name = "pairing:outcome_list"
    sort_keys = ("reported_on", "-reported_on", "id", "-id")
    fields = ("reported_on", "jobs_arranged", "problems_solved", "description")
    first_field = "reported_on"
    clean = staticmethod(services.outcome_clean)
    create = staticmethod(services.outcome_create)
    update = staticmethod(services.outcome_update)
    instance_arg = "outcome"
    columns = (
        _record_id_column(_l("Leave empty for a new outcome; keep the exported number to update one.")),
        *_pairing_columns(),
        Column("reported_on", "日期", _l("Date of the outcome, within the pairing period."), required=True,
               format=_l("A date such as 2025-01-01."), example="2025-06-01", parse=parse_date, width=12),
        Column("jobs_arranged", "安排就业人数", _l("Jobs arranged; this or problems solved must be above zero."),
               format=_l("A whole number."), example="2", parse=parse_int(minimum=0)),
        Column("problems_solved", "解决问题数", _l("Problems solved; this or jobs arranged must be above zero."),
               format=_l("A whole number."), example="1", parse=parse_int(minimum=0)),
        Column("description", "成效描述", _l("A description of the outcome."), required=True, format=_l("Text."),
               example="帮助5户村民就近就业", parse=parse_text(2000), width=40),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.outcome_list(user=user, filters=filters), filters, self.sort_keys)


__all__ = ["FundSheet", "OutcomeSheet", "PairingSheet", "ProjectSheet", "VisitSheet"]
