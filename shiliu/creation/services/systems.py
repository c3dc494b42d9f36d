"""Writes of indicator systems: the system, its item tree and veto items, publishing, retiring and cloning for a
new year with the old → new item mapping. Only draft systems change shape; a published one is cloned instead."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.orgs.models import Area, UnitType

from .. import rules
from ..choices import (
    CHILD_LEVEL,
    SYSTEM_TRANSITIONS,
    AssessmentMethod,
    EvidenceKind,
    IndicatorLevel,
    RecordSource,
    RuleKind,
    SystemStatus,
    TargetKind,
    VetoKind,
)
from ..models import Indicator, IndicatorMapping, IndicatorSystem, VetoItem
from .common import check_transition, ensure_office, is_office_above, points_value, save, text_value

SYSTEM_FIELDS = ("name", "target_kind", "unit_type", "year", "total_points", "pass_line", "bonus_cap", "note")
ITEM_FIELDS = (
    "code", "title", "description", "points", "rule_kind", "rule_params", "evidence_kinds", "method", "source",
    "source_params", "evidence_hint", "is_bonus", "sort",
)  # fmt: skip


def ensure_system_editor(actor, system: IndicatorSystem | None = None, *, area: Area | None = None) -> None:
    """Offices edit the systems they (or an office above them) issued; platform-wide ones are for administrators."""
    ensure_office(actor)
    path = system.area_path if system is not None else (area.path if area is not None else "")
    if not path:
        from shiliu.core.scope import scope_of

        if not scope_of(actor).unrestricted:
            raise NotVisible()
        return
    if not is_office_above(actor, path, strictly=False):
        raise NotVisible()


def _ensure_draft(system: IndicatorSystem) -> None:
    if system.status != SystemStatus.DRAFT:
        raise ApplicationError(
            _("Only a draft system can be changed; clone it for a new version."),
            field="system",
            code="locked",
        )


def system_clean(*, data: dict) -> dict:
    name = text_value(data.get("name"), "name", max_length=150, required=True, label=_("The name"))
    target_kind = data.get("target_kind")
    if target_kind not in TargetKind.values:
        raise ApplicationError(_("Choose what the system assesses."), field="target_kind")
    unit_type = data.get("unit_type")
    if target_kind == TargetKind.UNIT:
        if not isinstance(unit_type, UnitType):
            raise ApplicationError(_("Choose the unit type the system assesses."), field="unit_type")
    else:
        unit_type = None
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter the year."), field="year") from None
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("Enter a year between 2000 and 2100."), field="year")
    total = points_value(data.get("total_points", 100), "total_points", allow_none=False)
    if total <= 0:
        raise ApplicationError(_("The total points must be above zero."), field="total_points")
    pass_line = points_value(data.get("pass_line", 90), "pass_line", allow_none=False)
    if pass_line > total:
        raise ApplicationError(_("The pass line cannot exceed the total points."), field="pass_line")
    bonus_cap = points_value(data.get("bonus_cap", 0), "bonus_cap", allow_none=False)
    note = str(data.get("note") or "").strip()
    return {
        "name": name, "target_kind": target_kind, "unit_type": unit_type, "year": year, "total_points": total,
        "pass_line": pass_line, "bonus_cap": bonus_cap, "note": note,
    }  # fmt: skip


@transaction.atomic
def system_create(
    *, actor, name: str, target_kind: str, year: int, unit_type: UnitType | None = None, total_points=100,
    pass_line=90, bonus_cap=5, note: str = "", area: Area | None = None, is_demo: bool = False,
) -> IndicatorSystem:  # fmt: skip
    ensure_system_editor(actor, area=area)
    cleaned = system_clean(
        data={"name": name, "target_kind": target_kind, "unit_type": unit_type, "year": year,
              "total_points": total_points, "pass_line": pass_line, "bonus_cap": bonus_cap, "note": note}
    )  # fmt: skip
    version = _next_version(cleaned["name"], cleaned["year"])
    system = IndicatorSystem(
        **cleaned,
        version=version,
        area=area,
        area_path=area.path if area else "",
        is_demo=is_demo,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return save(actor, system)


def _next_version(name: str, year: int) -> int:
    last = IndicatorSystem.objects.filter(name=name, year=year).aggregate(v=Max("version"))["v"]
    return (last or 0) + 1


@transaction.atomic
def system_update(*, actor, system: IndicatorSystem, **data) -> IndicatorSystem:
    unknown = set(data) - set(SYSTEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    ensure_system_editor(actor, system)
    _ensure_draft(system)
    merged = {field: getattr(system, field) for field in SYSTEM_FIELDS} | data
    cleaned = system_clean(data=merged)
    changed = [f for f in SYSTEM_FIELDS if getattr(system, f) != cleaned[f]]
    if ("name" in changed or "year" in changed) and IndicatorSystem.objects.filter(
        name=cleaned["name"], year=cleaned["year"], version=system.version
    ).exclude(pk=system.pk).exists():
        raise ApplicationError(_("A system of this name, year and version exists already."), field="name")
    for field in changed:
        setattr(system, field, cleaned[field])
    return save(actor, system, changed)


def system_problems(system: IndicatorSystem) -> list[str]:
    """What keeps a system from being published (empty when it is consistent)."""
    problems = []
    nodes = list(system.indicators.all())
    children: dict[int | None, list[Indicator]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    regular_top = sum((n.points for n in children.get(None, []) if not n.is_bonus), Decimal(0))
    if regular_top != system.total_points:
        problems.append(
            _("The categories add up to {sum} points, the system's total is {total}.").format(
                sum=regular_top, total=system.total_points
            )
        )
    bonus_top = sum((n.points for n in children.get(None, []) if n.is_bonus), Decimal(0))
    if system.bonus_cap and bonus_top < system.bonus_cap:
        problems.append(
            _("The bonus items offer {sum} points, less than the bonus cap of {cap}.").format(
                sum=bonus_top, cap=system.bonus_cap
            )
        )
    leaves = 0
    for node in nodes:
        kids = children.get(node.pk, [])
        if kids:
            total = sum((k.points for k in kids), Decimal(0))
            if total != node.points:
                problems.append(
                    _("{code}: its items add up to {sum} points, not {points}.").format(
                        code=node.code, sum=total, points=node.points
                    )
                )
        else:
            leaves += 1
            try:
                rules.validate_params(node.rule_kind, node.rule_params, node.points)
            except ApplicationError as err:
                problems.append(_("{code}: {message}").format(code=node.code, message=err.message))
    if not leaves:
        problems.append(_("The system has no items to score."))
    return problems


@transaction.atomic
def system_publish(*, actor, system: IndicatorSystem) -> IndicatorSystem:
    ensure_system_editor(actor, system)
    system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    check_transition(SYSTEM_TRANSITIONS, system.status, SystemStatus.PUBLISHED, field="status",
                     label=system.get_status_display())  # fmt: skip
    problems = system_problems(system)
    if problems:
        raise ApplicationError(
            " ".join(str(p) for p in problems), field="system", extra={"problems": problems}
        )
    system.status = SystemStatus.PUBLISHED
    system.published_at = timezone.now()
    return save(actor, system, ["status", "published_at"])


@transaction.atomic
def system_retire(*, actor, system: IndicatorSystem) -> IndicatorSystem:
    ensure_system_editor(actor, system)
    system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    check_transition(SYSTEM_TRANSITIONS, system.status, SystemStatus.RETIRED, field="status",
                     label=system.get_status_display())  # fmt: skip
    system.status = SystemStatus.RETIRED
    return save(actor, system, ["status"])


# ---------------------------------------------------------------- items


def item_clean(*, system: IndicatorSystem, parent: Indicator | None, data: dict, instance=None) -> dict:
    code = text_value(data.get("code"), "code", max_length=20, required=True, label=_("The code"))
    clash = Indicator.objects.filter(system=system, code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ApplicationError(
            _("Another item of this system has the code {code}.").format(code=code), field="code"
        )
    title = text_value(data.get("title"), "title", max_length=200, required=True, label=_("The title"))
    points = points_value(data.get("points"), "points", allow_none=False)
    rule_kind = data.get("rule_kind") or RuleKind.MANUAL
    rule_params = rules.validate_params(rule_kind, data.get("rule_params") or {}, points)
    kinds = data.get("evidence_kinds") or []
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    if any(k not in EvidenceKind.values for k in kinds):
        raise ApplicationError(_("Choose known kinds of evidence."), field="evidence_kinds")
    method = data.get("method") or AssessmentMethod.MATERIALS
    if method not in AssessmentMethod.values:
        raise ApplicationError(_("Choose an assessment method."), field="method")
    source = data.get("source") or ""
    if source and source not in RecordSource.values:
        raise ApplicationError(_("Choose a known record source."), field="source")
    if source and rule_kind == RuleKind.MANUAL:
        raise ApplicationError(
            _("An item computed from records needs a rule that turns the measured value into points."),
            field="rule_kind",
        )
    source_params = data.get("source_params") or {}
    if not isinstance(source_params, dict):
        raise ApplicationError(_("The record source parameters must be a mapping."), field="source_params")
    is_bonus = bool(data.get("is_bonus")) or bool(parent is not None and parent.is_bonus)
    try:
        sort = int(data.get("sort") if data.get("sort") not in (None, "") else 100)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter the order as a whole number."), field="sort") from None
    return {
        "code": code, "title": title, "description": str(data.get("description") or "").strip(),
        "points": points, "rule_kind": rule_kind, "rule_params": rule_params, "evidence_kinds": list(kinds),
        "method": method, "source": source, "source_params": source_params,
        "evidence_hint": str(data.get("evidence_hint") or "").strip(), "is_bonus": is_bonus,
        "sort": max(0, min(sort, 32000)),
    }  # fmt: skip


@transaction.atomic
def item_create(*, actor, system: IndicatorSystem, parent: Indicator | None = None, **data) -> Indicator:
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    ensure_system_editor(actor, system)
    _ensure_draft(system)
    if parent is not None and parent.system_id != system.pk:
        raise ApplicationError(_("The parent belongs to another system."), field="parent")
    level = CHILD_LEVEL.get(parent.level if parent else "")
    if level is None:
        raise ApplicationError(_("A sub-item cannot have items below it."), field="parent")
    if data.get("sort") in (None, ""):
        last = Indicator.objects.filter(system=system, parent=parent).aggregate(m=Max("sort"))["m"]
        data["sort"] = (last or 0) + 10
    cleaned = item_clean(system=system, parent=parent, data=data)
    item = Indicator(system=system, parent=parent, level=level, **cleaned)
    return save(actor, item)


@transaction.atomic
def item_update(*, actor, item: Indicator, **data) -> Indicator:
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    system = item.system
    ensure_system_editor(actor, system)
    _ensure_draft(system)
    merged = {field: getattr(item, field) for field in ITEM_FIELDS} | data
    cleaned = item_clean(system=system, parent=item.parent, data=merged, instance=item)
    changed = [f for f in ITEM_FIELDS if getattr(item, f) != cleaned[f]]
    for field in changed:
        setattr(item, field, cleaned[field])
    save(actor, item, changed)
    if "is_bonus" in changed:
        _descendants(item).update(is_bonus=item.is_bonus)
    return item


def _descendants(item: Indicator):
    return Indicator.objects.filter(system=item.system_id).filter(pk__in=[n.pk for n in _walk(item)])


def _walk(item: Indicator):
    for child in item.children.all():
        yield child
        yield from _walk(child)


@transaction.atomic
def item_delete(*, actor, item: Indicator) -> None:
    system = item.system
    ensure_system_editor(actor, system)
    _ensure_draft(system)
    ids = [item.pk, *(n.pk for n in _walk(item))]
    from ..models import ItemScore

    if ItemScore.objects.filter(indicator_id__in=ids).exists():
        raise ApplicationError(_("Scores were given on this item; it cannot be deleted."), field="item")
    item._history_user = actor
    item.delete()


@transaction.atomic
def item_move(*, actor, item: Indicator, direction: str) -> Indicator:
    """Swap the item with its previous or next sibling."""
    system = item.system
    ensure_system_editor(actor, system)
    _ensure_draft(system)
    if direction not in ("up", "down"):
        raise ApplicationError(_("Move an item up or down."), field="direction")
    siblings = list(
        Indicator.objects.filter(system=system, parent=item.parent_id).order_by("sort", "code", "id")
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return item
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.sort != position * 10:
            sibling.sort = position * 10
            save(actor, sibling, ["sort"])
    item.refresh_from_db()
    return item


# ---------------------------------------------------------------- veto items


def _veto_clean(system, data, instance=None) -> dict:
    code = text_value(data.get("code"), "code", max_length=20, required=True, label=_("The code"))
    clash = VetoItem.objects.filter(system=system, code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ApplicationError(_("Another veto item has the code {code}.").format(code=code), field="code")
    kind = data.get("kind")
    if kind not in VetoKind.values:
        raise ApplicationError(_("Choose the veto ground."), field="kind")
    title = text_value(data.get("title"), "title", max_length=200, required=True, label=_("The title"))
    sort = int(data.get("sort") or 100)
    return {"code": code, "kind": kind, "title": title, "sort": sort}


@transaction.atomic
def veto_item_create(
    *, actor, system: IndicatorSystem, code: str, kind: str, title: str, sort: int = 100
) -> VetoItem:
    ensure_system_editor(actor, system)
    _ensure_draft(system)
    cleaned = _veto_clean(system, {"code": code, "kind": kind, "title": title, "sort": sort})
    return save(actor, VetoItem(system=system, **cleaned))


@transaction.atomic
def veto_item_update(*, actor, veto_item: VetoItem, **data) -> VetoItem:
    ensure_system_editor(actor, veto_item.system)
    _ensure_draft(veto_item.system)
    fields = ("code", "kind", "title", "sort")
    merged = {f: getattr(veto_item, f) for f in fields} | data
    cleaned = _veto_clean(veto_item.system, merged, veto_item)
    changed = [f for f in fields if getattr(veto_item, f) != cleaned[f]]
    for f in changed:
        setattr(veto_item, f, cleaned[f])
    return save(actor, veto_item, changed)


@transaction.atomic
def veto_item_delete(*, actor, veto_item: VetoItem) -> None:
    ensure_system_editor(actor, veto_item.system)
    _ensure_draft(veto_item.system)
    if veto_item.checks.exists():
        raise ApplicationError(
            _("Assessments checked this veto item; it cannot be deleted."), field="veto_item"
        )
    veto_item.delete()


# ---------------------------------------------------------------- cloning and mapping


@transaction.atomic
def system_clone(*, actor, system: IndicatorSystem, year: int, name: str | None = None) -> IndicatorSystem:
    """A draft copy of ``system`` for ``year`` (same tree, rules and veto items) with an identity item mapping
    old → new, which the office then adjusts where items were merged, split or renamed."""
    ensure_system_editor(actor, system)
    new = system_create(
        actor=actor,
        name=name or system.name,
        target_kind=system.target_kind,
        unit_type=system.unit_type,
        year=year,
        total_points=system.total_points,
        pass_line=system.pass_line,
        bonus_cap=system.bonus_cap,
        note=system.note,
        area=system.area,
        is_demo=system.is_demo,
    )
    new.cloned_from = system
    save(actor, new, ["cloned_from"])
    copies: dict[int, Indicator] = {}
    mappings = []
    # Parents before children: categories, then items, then sub-items.
    order = {IndicatorLevel.CATEGORY: 0, IndicatorLevel.ITEM: 1, IndicatorLevel.SUB_ITEM: 2}
    for node in sorted(system.indicators.all(), key=lambda n: (order[n.level], n.sort, n.pk)):
        copy = Indicator(
            system=new,
            parent=copies.get(node.parent_id),
            level=node.level,
            **{field: getattr(node, field) for field in ITEM_FIELDS},
        )
        copy.save()
        copies[node.pk] = copy
        mappings.append(IndicatorMapping(old_indicator=node, new_indicator=copy))
    IndicatorMapping.objects.bulk_create(mappings)
    VetoItem.objects.bulk_create(
        VetoItem(system=new, code=v.code, kind=v.kind, title=v.title, sort=v.sort)
        for v in system.veto_items.all()
    )
    return new


@transaction.atomic
def mapping_set(*, actor, old_indicator: Indicator, new_indicators) -> list[IndicatorMapping]:
    """Replace where ``old_indicator`` maps to, within one clone of its system (an empty list: dropped item)."""
    new_indicators = list(new_indicators)
    systems = {n.system_id for n in new_indicators}
    if len(systems) > 1:
        raise ApplicationError(_("Map an item into one system at a time."), field="new_indicators")
    if new_indicators:
        target = new_indicators[0].system
        if target.cloned_from_id != old_indicator.system_id:
            raise ApplicationError(_("Items map only into a clone of their system."), field="new_indicators")
    else:
        target = None
    ensure_system_editor(actor, target or old_indicator.system)
    existing = IndicatorMapping.objects.filter(old_indicator=old_indicator)
    if target is not None:
        existing = existing.filter(new_indicator__system=target)
    existing.delete()
    return IndicatorMapping.objects.bulk_create(
        IndicatorMapping(old_indicator=old_indicator, new_indicator=n) for n in new_indicators
    )


def leaf_points_total(system: IndicatorSystem) -> Decimal:
    return system.indicators.filter(children__isnull=True, is_bonus=False).aggregate(s=Sum("points"))[
        "s"
    ] or Decimal(0)
