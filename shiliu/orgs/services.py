"""Writes for areas, area statistics and units. Every write checks scope first and re-reads after."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable, reread_or_rollback
from shiliu.core.validators import normalize_text, validate_credit_code, validate_phone

from .choices import CODE_LENGTH, DEFAULT_UNIT_TYPES, SIGNIFICANT_DIGITS, AreaLevel, UnitStatus
from .models import Area, AreaStatistics, Unit, UnitType

# ---------------------------------------------------------------- areas


def ancestor_paths(path: str) -> list[str]:
    """Paths of the ancestors of ``path``, root first, excluding itself."""
    return [path[:n] for n in sorted(set(SIGNIFICANT_DIGITS.values())) if n < len(path)]


def validate_area_code(*, code, level: int, parent: Area | None) -> str:
    """Normalise a division code and check it against its level and parent; messages name the rule broken."""
    code = normalize_text(code).replace(" ", "")
    try:
        level = AreaLevel(int(level))
    except (TypeError, ValueError):
        raise ApplicationError(_("Unknown area level."), field="level") from None
    length = CODE_LENGTH[level]
    if not code.isdigit() or len(code) != length:
        raise ApplicationError(
            _("The division code of a {level} must be {n} digits.").format(level=level.label, n=length),
            field="code",
        )
    significant = SIGNIFICANT_DIGITS[level]
    if level != AreaLevel.GRID and set(code[significant:]) - {"0"}:
        raise ApplicationError(
            _("The code of a {level} has {n} significant digits followed by zeros.").format(
                level=level.label, n=significant
            ),
            field="code",
        )
    if set(code[SIGNIFICANT_DIGITS.get(AreaLevel(level - 1), 0) if level > 1 else 0 : significant]) == {"0"}:
        raise ApplicationError(_("The code's own digits for this level cannot all be zero."), field="code")
    if parent is None:
        if level != AreaLevel.PROVINCE:
            raise ApplicationError(_("Only a province may have no parent area."), field="parent")
    else:
        if level <= parent.level:
            raise ApplicationError(
                _("A {level} cannot be placed under a {parent_level}.").format(
                    level=level.label, parent_level=AreaLevel(parent.level).label
                ),
                field="level",
            )
        if not code.startswith(parent.path):
            raise ApplicationError(
                _(
                    "The code {code} must extend its parent's code {parent_code} (start with {prefix})."
                ).format(code=code, parent_code=parent.code, prefix=parent.path),
                field="code",
            )
    return code


def path_copying_models() -> list[type]:
    """Every concrete model that keeps a copy of its area's path in ``area_path`` (units, statistics, ledger records,
    attachments...), found through the app registry so that orgs needs to know none of the apps built on it."""
    found = []
    for model in apps.get_models():
        # Historical rows (django-simple-history) keep the path as it was: history is not rewritten.
        if model._meta.proxy or not model._meta.managed or hasattr(model, "instance_type"):
            continue
        try:
            field = model._meta.get_field("area_path")
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.is_relation:
            found.append(model)
    return found


def _path_for(code: str, level: int) -> str:
    return code[: SIGNIFICANT_DIGITS[AreaLevel(level)]]


@transaction.atomic
def area_create(*, actor, name: str, code: str, level: int, parent: Area | None) -> Area:
    name = normalize_text(name)
    if not name:
        raise ApplicationError(_("The name is required."), field="name")
    code = validate_area_code(code=code, level=level, parent=parent)
    path = _path_for(code, level)
    ensure_writable(actor, Area, area_path=path)
    if Area.objects.filter(code=code).exists():
        raise ApplicationError(_("An area with code {code} already exists.").format(code=code), field="code")
    area = Area(name=name, code=code, level=level, parent=parent, path=path)
    area._history_user = actor
    area.save()
    reread_or_rollback(actor, area)
    return area


@transaction.atomic
def area_update(*, actor, area: Area, name: str, is_active: bool | None = None) -> Area:
    ensure_writable(actor, Area, area_path=area.path)
    name = normalize_text(name)
    if not name:
        raise ApplicationError(_("The name is required."), field="name")
    area.name = name
    fields = ["name", "updated_at"]
    if is_active is not None:
        area.is_active = is_active
        fields.append("is_active")
    area._history_user = actor
    area.save(update_fields=fields)
    return area


@transaction.atomic
def area_move(*, actor, area: Area, new_parent: Area, new_code: str) -> Area:
    """Move ``area`` and its subtree under ``new_parent``; the codes of the whole subtree are re-based."""
    ensure_writable(actor, Area, area_path=area.path)
    if new_parent.path.startswith(area.path):
        raise ApplicationError(
            _("An area cannot be moved under itself or its own descendants."), field="parent"
        )
    new_code = validate_area_code(code=new_code, level=area.level, parent=new_parent)
    new_path = _path_for(new_code, area.level)
    ensure_writable(actor, Area, area_path=new_path)
    if new_code != area.code and Area.objects.filter(code=new_code).exists():
        raise ApplicationError(
            _("An area with code {code} already exists.").format(code=new_code), field="code"
        )
    old_path = area.path
    cut = len(old_path) + 1
    descendants = Area.objects.filter(path__startswith=old_path).exclude(pk=area.pk)
    # Re-base codes and paths of the subtree in two statements, children first to keep uniqueness simple.
    descendants.update(
        path=Concat(Value(new_path), Substr("path", cut)), code=Concat(Value(new_path), Substr("code", cut))
    )
    for model in path_copying_models():
        model._base_manager.filter(area_path__startswith=old_path).update(
            area_path=Concat(Value(new_path), Substr("area_path", cut))
        )
    area.parent = new_parent
    area.code = new_code
    area.path = new_path
    area._history_user = actor
    area.save(update_fields=["parent", "code", "path", "updated_at"])
    reread_or_rollback(actor, area)
    return area


@transaction.atomic
def area_statistics_upsert(
    *,
    actor,
    area: Area,
    year: int,
    households: int,
    population: int,
    minority_population: int,
    ethnic_groups: int,
) -> AreaStatistics:
    ensure_writable(actor, AreaStatistics, area_path=area.path)
    if minority_population > population:
        raise ApplicationError(
            _("The minority population cannot exceed the population."), field="minority_population"
        )
    if ethnic_groups > 56:
        raise ApplicationError(
            _("China has 56 ethnic groups; the number present cannot exceed it."), field="ethnic_groups"
        )
    stats, _created = AreaStatistics.objects.update_or_create(
        area=area,
        year=year,
        defaults={
            "area_path": area.path,
            "households": households,
            "population": population,
            "minority_population": minority_population,
            "ethnic_groups": ethnic_groups,
        },
    )
    return stats


# ---------------------------------------------------------------- unit types


def unit_types_ensure_defaults() -> None:
    """Create the default unit types that are missing (idempotent; used by migrations' data and demo seeding)."""
    for code, name, requires_credit_code, order in DEFAULT_UNIT_TYPES:
        UnitType.objects.get_or_create(
            code=code,
            defaults={"name": str(name), "requires_credit_code": requires_credit_code, "order": order},
        )


# ---------------------------------------------------------------- units

UNIT_FIELDS = (
    "name",
    "unit_type",
    "area",
    "credit_code",
    "address",
    "contact_name",
    "contact_phone",
    "is_member_department",
)


def unit_clean(*, data: dict, instance: Unit | None = None, check_unique: bool = True) -> dict:
    """Normalise and validate unit data; shared by forms, API and the importer. Raises ApplicationError.

    The importer passes ``check_unique=False`` and checks uniqueness itself against sets prefetched in a few
    queries (two queries per row would be too slow for 100,000 rows); the database constraints still hold.
    """
    cleaned = dict(data)
    cleaned["name"] = normalize_text(data.get("name"))
    if not cleaned["name"]:
        raise ApplicationError(_("The name is required."), field="name")
    if len(cleaned["name"]) > 120:
        raise ApplicationError(_("The name can have at most 120 characters."), field="name")
    unit_type = data.get("unit_type")
    if not isinstance(unit_type, UnitType) or not unit_type.is_active:
        raise ApplicationError(_("Choose a valid unit type."), field="unit_type")
    area = data.get("area")
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the area the unit belongs to."), field="area")
    code = normalize_text(data.get("credit_code")).replace(" ", "").upper()
    if code:
        code = validate_credit_code(code)
    elif unit_type.requires_credit_code and (
        # Legacy records without a code stay editable; new units, a new type or clearing a code need one.
        instance is None or instance.credit_code or instance.unit_type_id != unit_type.pk
    ):
        raise ApplicationError(
            _("Units of the type {type} need a unified social credit code.").format(type=unit_type.name),
            field="credit_code",
        )
    cleaned["credit_code"] = code
    cleaned["address"] = normalize_text(data.get("address"))[:200]
    cleaned["contact_name"] = normalize_text(data.get("contact_name"))[:50]
    cleaned["contact_phone"] = validate_phone(data.get("contact_phone") or "")
    cleaned["is_member_department"] = bool(data.get("is_member_department"))
    if not check_unique:
        return {k: cleaned[k] for k in UNIT_FIELDS}
    others = Unit.objects.exclude(pk=instance.pk) if instance else Unit.objects.all()
    if code and others.filter(credit_code=code).exists():
        raise ApplicationError(
            _("Another unit already has the credit code {code}.").format(code=code), field="credit_code"
        )
    if others.filter(area=area, name=cleaned["name"]).exists():
        raise ApplicationError(
            _("A unit named {name} already exists in {area}.").format(name=cleaned["name"], area=area.name),
            field="name",
        )
    return {k: cleaned[k] for k in UNIT_FIELDS}


@transaction.atomic
def unit_create(*, actor, **data) -> Unit:
    area = data.get("area")
    # Scope before validation, so that a foreign area answers like a missing one, not with field errors.
    # A new unit is never the one a unit liaison is bound to: unit_id=0 stands for "not yet saved".
    if isinstance(area, Area):
        ensure_writable(actor, Unit, area_path=area.path, unit_id=0)
    cleaned = unit_clean(data=data)
    ensure_writable(actor, Unit, area_path=cleaned["area"].path, unit_id=0)
    unit = Unit(**cleaned, area_path=cleaned["area"].path)
    unit._history_user = actor
    unit.save()
    reread_or_rollback(actor, unit)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **data) -> Unit:
    ensure_writable(actor, Unit, area_path=unit.area_path, unit_id=unit.pk)
    merged = {field: getattr(unit, field) for field in UNIT_FIELDS} | data
    cleaned = unit_clean(data=merged, instance=unit)
    ensure_writable(actor, Unit, area_path=cleaned["area"].path, unit_id=unit.pk)
    changed = [f for f in UNIT_FIELDS if getattr(unit, f) != cleaned[f]]
    for field in changed:
        setattr(unit, field, cleaned[field])
    if "area" in changed:
        unit.area_path = cleaned["area"].path
        changed.append("area_path")
    if changed:
        unit._history_user = actor
        unit.save(update_fields=[*changed, "updated_at"])
    reread_or_rollback(actor, unit)
    return unit


@transaction.atomic
def unit_archive(*, actor, unit: Unit, reason: str = "") -> Unit:
    """Archive instead of delete: referenced records keep their unit and its history."""
    ensure_writable(actor, Unit, area_path=unit.area_path, unit_id=unit.pk)
    if unit.status == UnitStatus.ARCHIVED:
        raise ApplicationError(_("This unit is already archived."))
    unit.status = UnitStatus.ARCHIVED
    unit._history_user = actor
    unit._change_reason = reason
    unit.save(update_fields=["status", "updated_at"])
    return unit


@transaction.atomic
def unit_restore(*, actor, unit: Unit) -> Unit:
    ensure_writable(actor, Unit, area_path=unit.area_path, unit_id=unit.pk)
    if unit.status == UnitStatus.ACTIVE:
        raise ApplicationError(_("This unit is already active."))
    unit.status = UnitStatus.ACTIVE
    unit._history_user = actor
    unit.save(update_fields=["status", "updated_at"])
    return unit
