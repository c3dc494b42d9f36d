"""Excel sheets of demonstration creation, for the exchange engine (found by its autodiscovery).

- ``indicators``: the items of indicator systems. Export any system (filter ``system``) or the systems' list;
  import adds items to an existing DRAFT system named by its name and year on each row, through ``item_create``
  (parents first: a row's parent code must be a category/item already in the system or earlier in the file).
- ``creation_candidates``: candidates by level, batch, type, stage (export only; candidates apply in the UI).
- ``creation_titles``: named units and areas with their validity (export only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.exchange.engine import Column, Report, Row, Sheet, parse_bool, parse_int, yes_no
from shiliu.exchange.registry import register

from . import selectors, services
from .choices import AssessmentMethod, EvidenceKind, IndicatorLevel, RecordSource, RuleKind, SystemStatus
from .models import Candidate, Indicator, IndicatorSystem, Title


def _label_map(choices) -> dict[str, str]:
    """Value and (translated and source) label → value, spaces removed."""
    out = {}
    for value, label in choices.choices:
        out[value.lower()] = value
        out[str(label).replace(" ", "").lower()] = value
    return out


def _lookup(choices, text: str | None) -> str | None:
    if not text:
        return None
    return _label_map(choices).get(str(text).replace(" ", "").lower())


def _params_text(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def _parse_json(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        raise ApplicationError(_("Enter the parameters as JSON, e.g. {example}.").format(
            example='{"required": 4, "deduct": 2}')) from None  # fmt: skip
    if not isinstance(value, dict):
        raise ApplicationError(_("Enter the parameters as a JSON object."))
    return value


@dataclass
class ItemPlan:
    rows: list[tuple[int, IndicatorSystem, str, dict]] = field(default_factory=list)


@register
class IndicatorSheet(Sheet):
    name = "indicators"
    title = "测评指标"
    verbose_name = _l("Indicator items")
    model = IndicatorSystem
    list_url_name = "creation:system_list"
    columns = (
        Column("system", "指标体系", _l("Name of an existing draft indicator system."), required=True,
               format=_l("Text."), example="民族团结进步示范社区测评体系", width=30),
        Column("year", "年度", _l("The system's year."), required=True, format=_l("A year such as 2026."),
               example="2026", parse=parse_int(minimum=2000), width=8),
        Column("code", "编号", _l("The item's code, unique in the system."), required=True, format=_l("Text."),
               example="2.1", width=8),
        Column("parent", "上级编号", _l("Code of the category or item above; empty for a category."),
               format=_l("Text."), example="2", width=8),
        Column("level", "层级", _l("Shown in exports only; ignored on import."), importable=False),
        Column("title", "指标内容", _l("The item's text."), required=True, format=_l("Text, at most 200 characters."),
               example="每年开展主题活动不少于4次", width=40),
        Column("points", "分值", _l("Points of the item (of a category: the sum of its items)."), required=True,
               format=_l("A number."), example="8", width=8),
        Column("rule_kind", "评分规则", _l("All or nothing, bands, deduct per missing occurrence, rate against a threshold or scored by hand."),
               format="全有全无、分档、缺项扣分、比率达标、人工评分", example="缺项扣分"),
        Column("rule_params", "规则参数", _l("The rule's parameters as JSON."), format='{"required": 4, "deduct": 2}',
               example='{"required": 4, "deduct": 2}', width=30),
        Column("evidence_kinds", "佐证类型", _l("Evidence expected, separated by 、."), format="文件、照片、台账记录、调查结果、系统数据、实地查看",
               example="台账记录、照片"),
        Column("method", "考核方式", _l("How the item is assessed."), format="听取汇报、查阅资料、实地查看、应知应会、问卷调查",
               example="查阅资料"),
        Column("source", "数据来源", _l("Platform records a suggested score is computed from (optional)."),
               format=_l("A record source, e.g. activities."), example="activities"),
        Column("source_params", "来源参数", _l("The source's parameters as JSON (optional)."),
               format='{"activity_type": "festival"}', example=""),
        Column("is_bonus", "加分项", _l("Whether the item is a bonus item."), format="是 / 否", example="否",
               parse=parse_bool, width=8),
        Column("evidence_hint", "得分要点", _l("What evidence earns the points."), format=_l("Text."), example="活动台账"),
        Column("sort", "排序", _l("Order among siblings."), format=_l("A whole number."), example="10",
               parse=parse_int(minimum=0), width=8),
    )  # fmt: skip

    RULE_WORDS = {"全有全无": "all_or_nothing", "分档": "bands", "缺项扣分": "deduct_per_missing",
                  "比率达标": "rate_threshold", "人工评分": "manual"}  # fmt: skip
    EVIDENCE_WORDS = {"文件": "document", "照片": "photo", "台账记录": "ledger", "调查结果": "survey",
                      "系统数据": "figure", "实地查看": "site_visit"}  # fmt: skip
    METHOD_WORDS = {"听取汇报": "report", "查阅资料": "materials", "实地查看": "site_check", "应知应会": "knowledge",
                    "问卷调查": "survey"}  # fmt: skip

    def can_import(self, user) -> bool:
        from shiliu.core.roles import OFFICE_ROLES
        from shiliu.core.scope import scope_of

        scope = scope_of(user)
        return scope.unrestricted or (not scope.is_empty and scope.role in OFFICE_ROLES)

    def export_queryset(self, *, user, filters):
        systems = selectors.system_list(user=user, filters=filters)
        if system := filters.get("system"):
            systems = systems.filter(pk=int(system)) if str(system).isdigit() else systems.none()
        return (
            Indicator.objects.filter(system__in=systems)
            .select_related("system", "parent")
            .order_by("system__year", "system__name", "system_id", "sort", "code", "id")
        )

    def export_row(self, i: Indicator) -> list:
        kinds = dict(EvidenceKind.choices)
        return [i.system.name, i.system.year, i.code, i.parent.code if i.parent_id else "", i.get_level_display(),
                i.title, i.points, i.get_rule_kind_display(), _params_text(i.rule_params),
                "、".join(str(kinds.get(k, k)) for k in i.evidence_kinds or []), i.get_method_display(),
                i.source, _params_text(i.source_params), yes_no(i.is_bonus), i.evidence_hint, i.sort]  # fmt: skip

    def _value(self, words: dict, choices, text):
        if not text:
            return None
        return words.get(str(text).replace(" ", "")) or _lookup(choices, text)

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> ItemPlan:
        keys = {(r.values.get("system"), r.values.get("year")) for r in rows}
        systems = {}
        for name, year in keys:
            system = (
                IndicatorSystem.objects.filter(name=name, year=year, status=SystemStatus.DRAFT).order_by("-version").first()
                if name and year else None
            )  # fmt: skip
            systems[(name, year)] = system
        codes: dict[int, set[str]] = {}
        bad = {e.row for e in report.errors}
        plan = ItemPlan()
        for row in rows:
            if row.number in bad:
                continue
            v = row.values
            system = systems.get((v.get("system"), v.get("year")))
            if system is None:
                report.add(row.number, self.header_of("system"),
                           _("No draft indicator system named {name} for {year}.").format(
                               name=v.get("system"), year=v.get("year")))  # fmt: skip
                continue
            try:
                from .services.systems import ensure_system_editor

                ensure_system_editor(actor, system)
            except NotVisible:
                report.add(row.number, self.header_of("system"), _("You may not edit this indicator system."))
                continue
            known = codes.setdefault(system.pk, set(system.indicators.values_list("code", flat=True)))
            code = str(v.get("code") or "").strip()
            if code in known:
                report.add(row.number, self.header_of("code"),
                           _("Another item of this system has the code {code}.").format(code=code))  # fmt: skip
                continue
            parent = str(v.get("parent") or "").strip()
            if parent and parent not in known:
                report.add(row.number, self.header_of("parent"),
                           _("No item with the code {code} above this row.").format(code=parent))  # fmt: skip
                continue
            rule_kind = self._value(self.RULE_WORDS, RuleKind, v.get("rule_kind"))
            if not v.get("rule_kind"):
                rule_kind = RuleKind.MANUAL
            elif rule_kind is None:
                report.add(row.number, self.header_of("rule_kind"), _("Choose a known scoring rule."))
                continue
            try:
                rule_params = _parse_json(v["rule_params"]) if v.get("rule_params") else {}
                source_params = _parse_json(v["source_params"]) if v.get("source_params") else {}
            except ApplicationError as exc:
                report.add(row.number, self.header_of("rule_params"), exc.message)
                continue
            kinds = []
            for word in str(v.get("evidence_kinds") or "").replace(",", "、").replace("，", "、").split("、"):
                if word.strip():
                    kind = self._value(self.EVIDENCE_WORDS, EvidenceKind, word.strip())
                    if kind is None:
                        report.add(
                            row.number, self.header_of("evidence_kinds"), _("Choose known kinds of evidence.")
                        )
                        break
                    kinds.append(kind)
            else:
                method = (
                    self._value(self.METHOD_WORDS, AssessmentMethod, v.get("method"))
                    or AssessmentMethod.MATERIALS
                )
                source = _lookup(RecordSource, v.get("source")) or ""
                if v.get("source") and not source:
                    report.add(row.number, self.header_of("source"), _("Choose a known record source."))
                    continue
                data = {"code": code, "title": v.get("title"), "points": v.get("points"), "rule_kind": rule_kind,
                        "rule_params": rule_params, "evidence_kinds": kinds, "method": method, "source": source,
                        "source_params": source_params, "evidence_hint": v.get("evidence_hint") or "",
                        "is_bonus": bool(v.get("is_bonus")), "sort": v.get("sort")}  # fmt: skip
                try:
                    from .services.systems import item_clean

                    item_clean(system=system, parent=None, data=data)
                except ApplicationError as exc:
                    column = exc.field if exc.field in {c.key for c in self.columns} else "title"
                    report.add(row.number, self.header_of(column), exc.message)
                    continue
                known.add(code)
                plan.rows.append((row.number, system, parent, data))
                report.created += 1
        return plan

    def apply(self, *, actor, plan: ItemPlan) -> None:
        for number, system, parent_code, data in plan.rows:
            parent = Indicator.objects.get(system=system, code=parent_code) if parent_code else None
            if parent is not None and parent.level == IndicatorLevel.SUB_ITEM:
                raise ApplicationError(_("Row {row}: {message}").format(
                    row=number, message=_("A sub-item cannot have items below it.")))  # fmt: skip
            try:
                services.item_create(actor=actor, system=system, parent=parent, **data)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=number, message=exc.message)
                ) from exc


class ExportOnlySheet(Sheet):
    def can_import(self, user) -> bool:
        return False


@register
class CandidateSheet(ExportOnlySheet):
    name = "creation_candidates"
    title = "创建对象"
    verbose_name = _l("Creation candidates")
    model = Candidate
    list_url_name = "creation:candidate_list"
    columns = (
        Column("batch", "批次", _l("The naming batch."), importable=False, width=30),
        Column("level", "申报级别", _l("Level applied for."), importable=False, width=10),
        Column("year", "年度", _l("Year."), importable=False, width=8),
        Column("target", "创建对象", _l("The unit or area."), importable=False, width=30),
        Column("unit_type", "类型", _l("Unit type, or the area's level."), importable=False),
        Column("area_code", "区划代码", _l("Division code."), importable=False),
        Column("area_name", "所属区划", _l("Area."), importable=False),
        Column("stage", "阶段", _l("Current stage."), importable=False, width=12),
        Column("stage_changed_at", "阶段变更时间", _l("When the stage last changed."), importable=False),
        Column("system", "指标体系", _l("Indicator system."), importable=False, width=30),
        Column("self_score", "自评分", _l("Self-assessed score."), importable=False, width=10),
        Column("final_score", "最终得分", _l("Final score."), importable=False, width=10),
        Column("final_reason", "评分理由", _l("Reasons for the final score."), importable=False, width=40),
    )

    def export_queryset(self, *, user, filters):
        return selectors.candidate_list(user=user, filters=filters)

    def export_row(self, c: Candidate) -> list:
        kind = c.unit.unit_type.name if c.unit_id else c.area.get_level_display()
        return [c.batch.name, c.get_level_display(), c.year, c.target_name, kind, c.area.code, c.area.name,
                c.get_stage_display(), c.stage_changed_at.replace(tzinfo=None) if c.stage_changed_at else "",
                str(c.system), c.self_score, c.final_score, c.final_reason]  # fmt: skip


@register
class TitleSheet(ExportOnlySheet):
    name = "creation_titles"
    title = "命名示范"
    verbose_name = _l("Demonstration titles")
    model = Title
    list_url_name = "creation:title_list"
    columns = (
        Column("holder", "命名对象", _l("The unit or area."), importable=False, width=30),
        Column("unit_type", "类型", _l("Unit type, or the area's level."), importable=False),
        Column("area_code", "区划代码", _l("Division code."), importable=False),
        Column("area_name", "所属区划", _l("Area."), importable=False),
        Column("name", "命名称号", _l("The title conferred."), importable=False, width=30),
        Column("level", "级别", _l("Level."), importable=False, width=10),
        Column("batch", "批次", _l("The naming batch."), importable=False, width=30),
        Column("document_number", "命名文号", _l("Document number."), importable=False),
        Column("named_on", "命名日期", _l("Named on."), importable=False, width=12),
        Column("valid_until", "有效期至", _l("Valid until."), importable=False, width=12),
        Column("status", "状态", _l("Status."), importable=False, width=12),
        Column("reverified_on", "复核确认日期", _l("Re-verified on."), importable=False, width=12),
    )

    def export_queryset(self, *, user, filters):
        return selectors.title_list(user=user, filters=filters)

    def export_row(self, t: Title) -> list:
        kind = t.unit.unit_type.name if t.unit_id else t.area.get_level_display()
        return [t.holder_name, kind, t.area.code, t.area.name, t.name, t.get_level_display(),
                t.batch.name if t.batch_id else "", t.document_number, t.named_on, t.valid_until,
                t.get_status_display(), t.reverified_on or ""]  # fmt: skip
