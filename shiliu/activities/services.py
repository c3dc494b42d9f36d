"""Writes of activities, publicity items and campaigns. Every write checks scope first and re-reads after.

A record belongs to a unit (its area and entry type are the unit's) or to an area office (no unit). Unit and
department liaisons record only their own unit's records; office staff record any unit's or area-level ones.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.attachments import attachment_add, attachments_remove_all
from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable, reread_or_rollback, scope_of, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.choices import UnitStatus
from shiliu.orgs.models import Area, Unit
from shiliu.venues.models import Venue

from .choices import DEFAULT_ACTIVITY_TYPES, PublicityKind
from .models import Activity, ActivityType, Campaign, PublicityItem


def activity_types_ensure_defaults() -> None:
    """Create the default activity types that are missing (idempotent; used by the data migration and tests)."""
    for code, name, order in DEFAULT_ACTIVITY_TYPES:
        ActivityType.objects.get_or_create(code=code, defaults={"name": name, "order": order})


# ---------------------------------------------------------------- shared rules


def _owner(*, actor, unit, area) -> tuple[Area, Unit | None]:
    """Where a record lies: the unit's area, or the given area for an office's own record.

    A unit or department liaison always records for their own unit.
    """
    scope = scope_of(actor)
    if unit is None and scope.unit_id is not None:
        unit = Unit.objects.select_related("area").filter(pk=scope.unit_id).first()
    if unit is not None:
        if not isinstance(unit, Unit):
            raise ApplicationError(_("Choose a valid unit."), field="unit")
        return unit.area, unit
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the unit, or the area for an office's own record."), field="area")
    return area, None


def _check_scope(actor, model, area: Area, unit: Unit | None) -> None:
    # unit_id=0 for area-level records: a unit liaison can never write those.
    ensure_writable(actor, model, area_path=area.path, unit_id=unit.pk if unit is not None else 0)


def _precheck(actor, model, data: dict) -> None:
    """Scope before validation, so that a foreign unit or area answers like a missing one."""
    unit, area = data.get("unit"), data.get("area")
    if isinstance(unit, Unit):
        _check_scope(actor, model, unit.area, unit)
    elif isinstance(area, Area) and scope_of(actor).unit_id is None:
        _check_scope(actor, model, area, None)


def _period(start, end) -> tuple[datetime.date, datetime.date]:
    if not isinstance(start, datetime.date):
        raise ApplicationError(_("Enter the start date."), field="start_date")
    if end in (None, ""):
        end = start
    if not isinstance(end, datetime.date):
        raise ApplicationError(_("Enter a valid end date."), field="end_date")
    if end < start:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end_date")
    return start, end


def _title(value) -> str:
    title = normalize_text(value)
    if not title:
        raise ApplicationError(_("The title is required."), field="title")
    if len(title) > 200:
        raise ApplicationError(_("The title can have at most 200 characters."), field="title")
    return title


def _count(value, *, field: str) -> int:
    if value in (None, ""):
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ApplicationError(_("Enter a whole number of at least 0."), field=field)
    return value


# ---------------------------------------------------------------- activities

ACTIVITY_FIELDS = (
    "title",
    "activity_type",
    "area",
    "unit",
    "entry_type",
    "start_date",
    "end_date",
    "venue",
    "organisers",
    "participants",
    "audience",
    "summary",
)
ACTIVITY_INPUT = tuple(f for f in ACTIVITY_FIELDS if f != "entry_type")


def activity_clean(*, actor, data: dict) -> dict:
    """Normalise and validate activity data; shared by the form, the importer and the API."""
    cleaned = {"title": _title(data.get("title"))}
    activity_type = data.get("activity_type")
    if not isinstance(activity_type, ActivityType) or not activity_type.is_active:
        raise ApplicationError(_("Choose a valid activity type."), field="activity_type")
    cleaned["activity_type"] = activity_type
    area, unit = _owner(actor=actor, unit=data.get("unit"), area=data.get("area"))
    if unit is not None and unit.status != UnitStatus.ACTIVE:
        raise ApplicationError(_("The unit {name} is archived.").format(name=unit.name), field="unit")
    cleaned.update(area=area, unit=unit, entry_type=unit.unit_type if unit is not None else None)
    cleaned["start_date"], cleaned["end_date"] = _period(data.get("start_date"), data.get("end_date"))
    venue = data.get("venue")
    if venue is not None:
        if not isinstance(venue, Venue) or not visible_to(Venue.objects.filter(pk=venue.pk), actor).exists():
            raise ApplicationError(_("Choose a venue within your scope."), field="venue")
    cleaned["venue"] = venue
    cleaned["organisers"] = normalize_text(data.get("organisers"))[:200]
    cleaned["participants"] = _count(data.get("participants"), field="participants")
    cleaned["audience"] = normalize_text(data.get("audience"))[:200]
    cleaned["summary"] = str(data.get("summary") or "").strip()[:5000]
    return cleaned


@transaction.atomic
def activity_create(*, actor, photos=(), **data) -> Activity:
    """Record an activity (and its photos, if given, in the same transaction)."""
    _precheck(actor, Activity, data)
    cleaned = activity_clean(actor=actor, data=data)
    _check_scope(actor, Activity, cleaned["area"], cleaned["unit"])
    activity = Activity(**cleaned, area_path=cleaned["area"].path)
    activity._history_user = actor
    activity.save()
    reread_or_rollback(actor, activity)
    for photo in photos or ():
        attachment_add(actor=actor, owner=activity, uploaded=photo)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, **data) -> Activity:
    _check_scope(actor, Activity, activity.area, activity.unit)
    merged = {f: getattr(activity, f) for f in ACTIVITY_INPUT} | data
    cleaned = activity_clean(actor=actor, data=merged)
    _check_scope(actor, Activity, cleaned["area"], cleaned["unit"])
    changed = [f for f in ACTIVITY_FIELDS if getattr(activity, f) != cleaned[f]]
    for name in changed:
        setattr(activity, name, cleaned[name])
    if "area" in changed:
        activity.area_path = cleaned["area"].path
        changed.append("area_path")
    if changed:
        activity._history_user = actor
        activity.save(update_fields=[*changed, "updated_at"])
    reread_or_rollback(actor, activity)
    return activity


@transaction.atomic
def activity_delete(*, actor, activity: Activity, reason: str = "") -> None:
    """An activity is referenced by nothing but its attachments: it may be deleted; history keeps the record."""
    _check_scope(actor, Activity, activity.area, activity.unit)
    attachments_remove_all(actor=actor, owner=activity)
    activity._history_user = actor
    activity._change_reason = reason
    activity.delete()


# ---------------------------------------------------------------- publicity

PUBLICITY_FIELDS = (
    "title",
    "kind",
    "area",
    "unit",
    "start_date",
    "end_date",
    "outlet",
    "reach",
    "summary",
)


def publicity_clean(*, actor, data: dict) -> dict:
    cleaned = {"title": _title(data.get("title"))}
    kind = data.get("kind")
    if kind not in PublicityKind.values:
        raise ApplicationError(_("Choose a valid kind of publicity."), field="kind")
    cleaned["kind"] = kind
    area, unit = _owner(actor=actor, unit=data.get("unit"), area=data.get("area"))
    if unit is not None and unit.status != UnitStatus.ACTIVE:
        raise ApplicationError(_("The unit {name} is archived.").format(name=unit.name), field="unit")
    cleaned.update(area=area, unit=unit)
    cleaned["start_date"], cleaned["end_date"] = _period(data.get("start_date"), data.get("end_date"))
    cleaned["outlet"] = normalize_text(data.get("outlet"))[:200]
    cleaned["reach"] = _count(data.get("reach"), field="reach")
    cleaned["summary"] = str(data.get("summary") or "").strip()[:5000]
    return cleaned


@transaction.atomic
def publicity_create(*, actor, photos=(), **data) -> PublicityItem:
    _precheck(actor, PublicityItem, data)
    cleaned = publicity_clean(actor=actor, data=data)
    _check_scope(actor, PublicityItem, cleaned["area"], cleaned["unit"])
    item = PublicityItem(**cleaned, area_path=cleaned["area"].path)
    item._history_user = actor
    item.save()
    reread_or_rollback(actor, item)
    for photo in photos or ():
        attachment_add(actor=actor, owner=item, uploaded=photo)
    return item


@transaction.atomic
def publicity_update(*, actor, item: PublicityItem, **data) -> PublicityItem:
    _check_scope(actor, PublicityItem, item.area, item.unit)
    merged = {f: getattr(item, f) for f in PUBLICITY_FIELDS} | data
    cleaned = publicity_clean(actor=actor, data=merged)
    _check_scope(actor, PublicityItem, cleaned["area"], cleaned["unit"])
    changed = [f for f in PUBLICITY_FIELDS if getattr(item, f) != cleaned[f]]
    for name in changed:
        setattr(item, name, cleaned[name])
    if "area" in changed:
        item.area_path = cleaned["area"].path
        changed.append("area_path")
    if changed:
        item._history_user = actor
        item.save(update_fields=[*changed, "updated_at"])
    reread_or_rollback(actor, item)
    return item


@transaction.atomic
def publicity_delete(*, actor, item: PublicityItem, reason: str = "") -> None:
    _check_scope(actor, PublicityItem, item.area, item.unit)
    attachments_remove_all(actor=actor, owner=item)
    item._history_user = actor
    item._change_reason = reason
    item.delete()


# ---------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(*, actor, name: str, start_date, end_date) -> Campaign:
    """Campaigns are platform-wide configuration: system administrators only."""
    if not scope_of(actor).unrestricted:
        raise ApplicationError(_("Only system administrators configure campaigns."))
    name = normalize_text(name)
    if not name:
        raise ApplicationError(_("The name is required."), field="name")
    start_date, end_date = _period(start_date, end_date)
    if Campaign.objects.filter(name=name).exists():
        raise ApplicationError(_("A campaign named {name} already exists.").format(name=name), field="name")
    return Campaign.objects.create(name=name, start_date=start_date, end_date=end_date)
