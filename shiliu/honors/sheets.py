"""Excel sheets of model candidates (先进典型) and honours (表彰), for the exchange engine.

Candidates import row by row through the same services as the forms (they are few: hundreds per area and
year); a row with a known 编号 updates that candidate, a row without one records a new one at the first stage.
Stages are never set by import: they change only through their own services. Honours import as further honours
of candidates already commended (named by the candidate's 编号), through ``honour_add`` as in the form.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import CHANGE, ensure_writable, visible_to
from shiliu.exchange.engine import Column, Report, Row, Sheet, parse_code, parse_int
from shiliu.exchange.registry import register
from shiliu.orgs.models import Area, Unit

from . import selectors, services
from .choices import CandidateKind, CandidateStage, HonourLevel
from .models import Honour, ModelCandidate

KIND_WORDS = {"个人": CandidateKind.INDIVIDUAL, "集体": CandidateKind.COLLECTIVE,
              "individual": CandidateKind.INDIVIDUAL, "collective": CandidateKind.COLLECTIVE}  # fmt: skip
KIND_TEXT = {CandidateKind.INDIVIDUAL: "个人", CandidateKind.COLLECTIVE: "集体"}
LEVEL_TEXT = {HonourLevel.COUNTY: "县级", HonourLevel.CITY: "市级", HonourLevel.PROVINCE: "省级",
              HonourLevel.NATIONAL: "国家级"}  # fmt: skip


def parse_kind(text: str) -> str:
    kind = KIND_WORDS.get(text.strip().lower())
    if kind is None:
        raise ApplicationError(_("Enter “个人” or “集体”; got “{value}”.").format(value=text))
    return kind


def parse_date(text: str) -> datetime.date:
    value = text.strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise ApplicationError(
            _("Enter a date such as 2025-06-30; got “{value}”.").format(value=text)
        ) from None


def _sorted(qs, filters, allowed):
    sort = (filters or {}).get("sort")
    if sort in allowed:
        return qs.order_by(sort, "-id" if sort.startswith("-") else "id")
    return qs.order_by("-id")


@dataclass
class CandidatePlan:
    rows: list[tuple[int, ModelCandidate | None, dict]] = field(default_factory=list)


@register
class CandidateSheet(Sheet):
    name = "model_candidates"
    title = "先进典型"
    verbose_name = _l("Model candidates")
    model = ModelCandidate
    list_url_name = "honors:candidate_list"
    sort_keys = ("name", "-name", "id", "-id", "discovered_on", "-discovered_on")
    columns = (
        Column("id", "编号", _l("Leave empty for a new candidate; keep the exported number to update one."),
               format=_l("A number from an export."), parse=parse_int(minimum=1), width=10),
        Column("kind", "类别", _l("Individual or collective."), required=True, format=_l("个人 or 集体."),
               example="个人", parse=parse_kind, width=8),
        Column("name", "姓名或名称", _l("The person's name only, or the collective's name."), required=True,
               format=_l("Text, at most 100 characters."), example="王芳", aliases=("姓名", "名称"), width=20),
        Column("unit_name", "所在单位", _l("The unit the person or collective belongs to."),
               format=_l("The full name of a unit in the area below; required for an individual."),
               example="团结社区居民委员会", aliases=("单位",), width=30),
        Column("area_code", "区划代码", _l("Division code of the unit's area, or of the collective."),
               required=True, format=_l("An existing division code inside your scope."),
               example="990101001001", parse=parse_code, aliases=("所属区划代码",)),
        Column("area_name", "所属区划", _l("Shown in exports only; ignored on import."), importable=False),
        Column("deeds", "主要事迹", _l("A description of the deeds."), required=True, format=_l("Text."),
               example="十年如一日帮助邻里……", aliases=("事迹",), width=50),
        Column("discovered_on", "发现日期", _l("When the candidate was found; empty means today."),
               format=_l("A date such as 2025-06-30."), example="2025-06-30", parse=parse_date, width=12),
        Column("stage", "阶段", _l("Shown in exports only; ignored on import."), importable=False, width=10),
        Column("honours", "荣誉", _l("Shown in exports only; ignored on import."), importable=False, width=40),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        qs = selectors.candidate_list(user=user, filters=filters).prefetch_related("honours")
        return _sorted(qs, filters, self.sort_keys)

    def export_row(self, c: ModelCandidate) -> list:
        honours = "；".join(
            f"{h.decision_date:%Y-%m-%d} {h.get_level_display()} {h.title}" for h in c.honours.all()
        )
        return [c.pk, KIND_TEXT[c.kind], c.name, c.unit.name if c.unit else "", c.area.code, c.area.name,
                c.deeds, c.discovered_on.isoformat(), c.get_stage_display(), honours]  # fmt: skip

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> CandidatePlan:
        header = self.header_of
        codes = {r.values.get("area_code") for r in rows if r.values.get("area_code")}
        areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
        ids = {r.values.get("id") for r in rows if r.values.get("id")}
        existing = {
            c.pk: c for c in visible_to(ModelCandidate.objects.select_related("unit", "area"), actor, CHANGE)
            .filter(pk__in=ids)
        }  # fmt: skip
        names = {r.values.get("unit_name") for r in rows if r.values.get("unit_name")}
        units = {
            (u.area_id, u.name): u
            for u in Unit.objects.select_related("area").filter(area__in=areas.values(), name__in=names)
        }
        plan = CandidatePlan()
        bad_rows = {e.row for e in report.errors}
        seen_ids: dict[int, int] = {}
        for row in rows:
            v = row.values
            if row.number in bad_rows:
                continue
            candidate = None
            if v.get("id"):
                candidate = existing.get(v["id"])
                if candidate is None:
                    report.add(row.number, header("id"),
                               _("No candidate numbered {id} is within your scope.").format(id=v["id"]))  # fmt: skip
                    continue
                if v["id"] in seen_ids:
                    report.add(row.number, header("id"),
                               _("The number {id} appears more than once; first on row {row}.").format(
                                   id=v["id"], row=seen_ids[v["id"]]))  # fmt: skip
                    continue
                seen_ids[v["id"]] = row.number
            area = areas.get(v.get("area_code"))
            if area is None:
                report.add(row.number, header("area_code"),
                           _("No area has the division code {code}.").format(code=v.get("area_code")))  # fmt: skip
                continue
            unit = None
            if v.get("unit_name"):
                unit = units.get((area.pk, v["unit_name"]))
                if unit is None:
                    report.add(row.number, header("unit_name"),
                               _("No unit named {name} in the area {code}.").format(name=v["unit_name"], code=area.code))  # fmt: skip
                    continue
            data = {"kind": v.get("kind"), "name": v.get("name"), "unit": unit, "area": area,
                    "deeds": v.get("deeds"), "discovered_on": v.get("discovered_on")}  # fmt: skip
            try:
                cleaned = services.candidate_clean(data=data)
            except ApplicationError as exc:
                column = {"unit": "unit_name", "area": "area_code"}.get(exc.field or "", exc.field or "name")
                report.add(row.number, header(column if column in {c.key for c in self.columns} else "name"),
                           exc.message)  # fmt: skip
                continue
            try:
                ensure_writable(actor, ModelCandidate, area_path=cleaned["area"].path,
                                unit_id=unit.pk if unit else 0)  # fmt: skip
            except NotVisible:
                report.add(row.number, header("area_code"),
                           _("The area {code} or its unit is outside your scope.").format(code=area.code))  # fmt: skip
                continue
            if candidate is None:
                report.created += 1
            elif all(getattr(candidate, k) == cleaned[k] for k in services.CANDIDATE_FIELDS):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            plan.rows.append((row.number, candidate, cleaned))
        return plan

    def apply(self, *, actor, plan: CandidatePlan) -> None:
        for number, candidate, data in plan.rows:
            try:
                if candidate is None:
                    services.candidate_create(actor=actor, **data)
                else:
                    services.candidate_update(actor=actor, candidate=candidate, **data)
            except (ApplicationError, NotVisible) as exc:
                message = getattr(exc, "message", None) or _("outside your scope")
                raise ApplicationError(_("Row {row}: {message}").format(row=number, message=message)) from exc


LEVEL_WORDS = {"县级": HonourLevel.COUNTY, "县": HonourLevel.COUNTY, "市级": HonourLevel.CITY, "市": HonourLevel.CITY,
               "省级": HonourLevel.PROVINCE, "省": HonourLevel.PROVINCE, "国家级": HonourLevel.NATIONAL,
               "国家": HonourLevel.NATIONAL, **{level.value: level for level in HonourLevel}}  # fmt: skip


def parse_level(text: str) -> str:
    word = text.replace(" ", "").lower()
    level = LEVEL_WORDS.get(word) or next(
        (level for level in HonourLevel if str(level.label).replace(" ", "").lower() == word), None
    )
    if level is None:
        raise ApplicationError(
            _("Enter “县级”, “市级”, “省级” or “国家级”; got “{value}”.").format(value=text)
        )
    return level


@dataclass
class HonourPlan:
    rows: list[tuple[int, ModelCandidate, dict]] = field(default_factory=list)


HONOUR_FIELDS = ("level", "title", "reason", "deciding_body", "decision_date", "document_number")


@register
class HonourSheet(Sheet):
    """Honours of commended candidates. A row adds a further honour to a candidate already commended, through the
    same ``honour_add`` service as the form; a row identical to an honour on record is unchanged. Import never
    moves a candidate's stage (the first honour comes with 表彰 in the workflow) and never changes a recorded
    honour."""

    name = "honours"
    title = "表彰"
    verbose_name = _l("Honours")
    model = Honour
    list_url_name = "honors:honour_list"
    sort_keys = ("decision_date", "-decision_date", "id", "-id")
    columns = (
        Column("candidate_id", "先进典型编号", _l("Number of the commended candidate, as in the candidates export."),
               required=True, format=_l("A number from an export; the candidate must be commended already."),
               example="1", parse=parse_int(minimum=1), aliases=("编号",), width=12),
        Column("candidate", "先进典型", _l("Shown in exports only; ignored on import."), importable=False, width=20),
        Column("kind", "类别", _l("Shown in exports only; ignored on import."), importable=False, width=8),
        Column("unit_name", "所在单位", _l("Shown in exports only; ignored on import."), importable=False, width=30),
        Column("area_code", "区划代码", _l("Shown in exports only; ignored on import."), importable=False),
        Column("level", "表彰级别", _l("County, city, province or national."), required=True,
               format="县级、市级、省级、国家级", example="市级", parse=parse_level, width=10),
        Column("title", "荣誉称号", _l("Title of the honour."), required=True,
               format=_l("Text, at most 150 characters."), example="民族团结进步模范个人", width=30),
        Column("reason", "表彰理由", _l("Reason for the honour."), required=True, format=_l("Text."),
               example="长期促进各民族交往交流交融", width=40),
        Column("deciding_body", "决定机关", _l("The body that decided."), required=True,
               format=_l("Text, at most 150 characters."), example="石榴市人民政府", width=24),
        Column("decision_date", "决定日期", _l("Date of the decision; not in the future, not before the discovery."),
               required=True, format=_l("A date such as 2025-06-30."), example="2025-09-01", parse=parse_date,
               width=12),
        Column("document_number", "文号", _l("Number of the decision document."), format=_l("Text."),
               example="石政发〔2025〕12号", width=20),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return _sorted(selectors.honour_list(user=user, filters=filters), filters, self.sort_keys)

    def export_row(self, h: Honour) -> list:
        c = h.candidate
        return [c.pk, c.name, KIND_TEXT[c.kind], c.unit.name if c.unit else "", c.area.code,
                LEVEL_TEXT[HonourLevel(h.level)], h.title, h.reason, h.deciding_body, h.decision_date.isoformat(),
                h.document_number]  # fmt: skip

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> HonourPlan:
        header = self.header_of
        ids = {r.values.get("candidate_id") for r in rows if r.values.get("candidate_id")}
        candidates = {
            c.pk: c
            for c in visible_to(ModelCandidate.objects.select_related("unit"), actor).filter(pk__in=ids)
        }
        recorded = {
            tuple(getattr(h, f) for f in ("candidate_id", *HONOUR_FIELDS))
            for h in Honour.objects.filter(candidate_id__in=candidates)
        }
        plan, seen, bad_rows = HonourPlan(), {}, {e.row for e in report.errors}
        for row in rows:
            v = row.values
            if row.number in bad_rows or not v.get("candidate_id"):
                continue
            candidate = candidates.get(v["candidate_id"])
            if candidate is None:
                report.add(row.number, header("candidate_id"),
                           _("No candidate numbered {id} is within your scope.").format(id=v["candidate_id"]))  # fmt: skip
                continue
            try:
                ensure_writable(actor, Honour, area_path=candidate.area_path,
                                unit_id=candidate.unit_id or 0)  # fmt: skip
            except NotVisible:
                report.add(row.number, header("candidate_id"),
                           _("You cannot record honours for candidate {id}.").format(id=candidate.pk))  # fmt: skip
                continue
            if candidate.stage != CandidateStage.COMMENDED:
                report.add(row.number, header("candidate_id"),
                           _("Only a commended candidate can receive a further honour."))  # fmt: skip
                continue
            try:
                cleaned = services.honour_clean(data={f: v.get(f) for f in HONOUR_FIELDS})
            except ApplicationError as exc:
                report.add(
                    row.number, header(exc.field if exc.field in HONOUR_FIELDS else "title"), exc.message
                )
                continue
            if cleaned["decision_date"] < candidate.discovered_on:
                report.add(row.number, header("decision_date"),
                           _("The decision cannot precede the candidate's discovery."))  # fmt: skip
                continue
            key = (candidate.pk, *(cleaned[f] for f in HONOUR_FIELDS))
            if key in seen:
                report.add(row.number, header("title"),
                           _("This honour appears more than once; first on row {row}.").format(row=seen[key]))  # fmt: skip
                continue
            seen[key] = row.number
            if key in recorded:
                report.unchanged += 1
                continue
            report.created += 1
            plan.rows.append((row.number, candidate, cleaned))
        return plan

    def apply(self, *, actor, plan: HonourPlan) -> None:
        for number, candidate, data in plan.rows:
            try:
                services.honour_add(actor=actor, candidate=candidate, **data)
            except (ApplicationError, NotVisible) as exc:
                message = getattr(exc, "message", None) or _("outside your scope")
                raise ApplicationError(_("Row {row}: {message}").format(row=number, message=message)) from exc
