"""Writes of venues and their visitor counts. Every write checks scope first and re-reads after."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable, reread_or_rollback
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area

from .choices import DEFAULT_VENUE_TYPES, VenueLevel, VenueStatus
from .models import Venue, VenueType, VenueVisitCount


def venue_types_ensure_defaults() -> None:
    """Create the default venue types that are missing (idempotent; used by the data migration and tests)."""
    for code, name, order in DEFAULT_VENUE_TYPES:
        VenueType.objects.get_or_create(code=code, defaults={"name": name, "order": order})


VENUE_FIELDS = (
    "name",
    "venue_type",
    "area",
    "address",
    "latitude",
    "longitude",
    "level",
    "opening_info",
    "capacity",
)


def _coordinate(value, *, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ApplicationError(_("Enter a decimal number of degrees."), field=field) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise ApplicationError(
            _("The value must lie between -{limit} and {limit} degrees.").format(limit=limit), field=field
        )
    return number.quantize(Decimal("0.000001"))


def venue_clean(*, data: dict, instance: Venue | None = None) -> dict:
    """Normalise and validate venue data; shared by the form, the importer and the API. Raises ApplicationError."""
    cleaned = {}
    cleaned["name"] = normalize_text(data.get("name"))
    if not cleaned["name"]:
        raise ApplicationError(_("The name is required."), field="name")
    if len(cleaned["name"]) > 120:
        raise ApplicationError(_("The name can have at most 120 characters."), field="name")
    venue_type = data.get("venue_type")
    if not isinstance(venue_type, VenueType) or not venue_type.is_active:
        raise ApplicationError(_("Choose a valid venue type."), field="venue_type")
    cleaned["venue_type"] = venue_type
    area = data.get("area")
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the area of the venue."), field="area")
    cleaned["area"] = area
    cleaned["address"] = normalize_text(data.get("address"))[:200]
    cleaned["latitude"] = _coordinate(data.get("latitude"), field="latitude", limit=90)
    cleaned["longitude"] = _coordinate(data.get("longitude"), field="longitude", limit=180)
    if (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        raise ApplicationError(_("Give both the latitude and the longitude, or neither."), field="latitude")
    level = data.get("level") or VenueLevel.COUNTY
    if level not in VenueLevel.values:
        raise ApplicationError(_("Choose a valid level."), field="level")
    cleaned["level"] = level
    cleaned["opening_info"] = normalize_text(data.get("opening_info"))[:200]
    capacity = data.get("capacity")
    if capacity in ("",):
        capacity = None
    if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
        raise ApplicationError(_("The capacity must be a whole number of at least 0."), field="capacity")
    cleaned["capacity"] = capacity
    others = Venue.objects.exclude(pk=instance.pk) if instance else Venue.objects.all()
    if others.filter(area=area, name=cleaned["name"]).exists():
        raise ApplicationError(
            _("A venue named {name} already exists in {area}.").format(name=cleaned["name"], area=area.name),
            field="name",
        )
    return cleaned


@transaction.atomic
def venue_create(*, actor, **data) -> Venue:
    area = data.get("area")
    if isinstance(area, Area):
        ensure_writable(actor, Venue, area_path=area.path)
    cleaned = venue_clean(data=data)
    ensure_writable(actor, Venue, area_path=cleaned["area"].path)
    venue = Venue(**cleaned, area_path=cleaned["area"].path)
    venue._history_user = actor
    venue.save()
    reread_or_rollback(actor, venue)
    return venue


@transaction.atomic
def venue_update(*, actor, venue: Venue, **data) -> Venue:
    ensure_writable(actor, Venue, area_path=venue.area_path)
    merged = {f: getattr(venue, f) for f in VENUE_FIELDS} | data
    cleaned = venue_clean(data=merged, instance=venue)
    ensure_writable(actor, Venue, area_path=cleaned["area"].path)
    changed = [f for f in VENUE_FIELDS if getattr(venue, f) != cleaned[f]]
    for name in changed:
        setattr(venue, name, cleaned[name])
    if "area" in changed:
        venue.area_path = cleaned["area"].path
        changed.append("area_path")
        # Visitor counts follow their venue.
        venue.visits.update(area_path=venue.area_path)
    if changed:
        venue._history_user = actor
        venue.save(update_fields=[*changed, "updated_at"])
    reread_or_rollback(actor, venue)
    return venue


@transaction.atomic
def venue_archive(*, actor, venue: Venue, reason: str = "") -> Venue:
    """Archive instead of delete: activities and visitor counts keep their venue."""
    ensure_writable(actor, Venue, area_path=venue.area_path)
    if venue.status == VenueStatus.ARCHIVED:
        raise ApplicationError(_("This venue is already archived."))
    venue.status = VenueStatus.ARCHIVED
    venue._history_user = actor
    venue._change_reason = reason
    venue.save(update_fields=["status", "updated_at"])
    return venue


@transaction.atomic
def venue_restore(*, actor, venue: Venue) -> Venue:
    ensure_writable(actor, Venue, area_path=venue.area_path)
    if venue.status == VenueStatus.ACTIVE:
        raise ApplicationError(_("This venue is already active."))
    venue.status = VenueStatus.ACTIVE
    venue._history_user = actor
    venue.save(update_fields=["status", "updated_at"])
    return venue


# ---------------------------------------------------------------- visitor counts


def visit_count_clean(*, venue, period_start, period_end, visitors, instance=None) -> dict:
    if not isinstance(venue, Venue):
        raise ApplicationError(_("Choose the venue."), field="venue")
    if not isinstance(period_start, datetime.date):
        raise ApplicationError(_("Enter the first day of the period."), field="period_start")
    if period_end is None:
        period_end = period_start
    if not isinstance(period_end, datetime.date):
        raise ApplicationError(_("Enter the last day of the period."), field="period_end")
    if period_end < period_start:
        raise ApplicationError(_("The period cannot end before it starts."), field="period_end")
    if not isinstance(visitors, int) or visitors < 0:
        raise ApplicationError(
            _("The number of visitors must be a whole number of at least 0."), field="visitors"
        )
    others = VenueVisitCount.objects.filter(venue=venue, period_start=period_start)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise ApplicationError(
            _("Visitors of {venue} from {date} are already recorded.").format(
                venue=venue.name, date=period_start
            ),
            field="period_start",
        )
    return {"venue": venue, "period_start": period_start, "period_end": period_end, "visitors": visitors}


@transaction.atomic
def visit_count_create(*, actor, venue: Venue, period_start, period_end=None, visitors, note: str = ""):
    ensure_writable(actor, VenueVisitCount, area_path=venue.area_path)
    cleaned = visit_count_clean(
        venue=venue, period_start=period_start, period_end=period_end, visitors=visitors
    )
    visit = VenueVisitCount(**cleaned, area_path=venue.area_path, note=normalize_text(note)[:200])
    visit._history_user = actor
    visit.save()
    reread_or_rollback(actor, visit)
    return visit


@transaction.atomic
def visit_count_delete(*, actor, visit: VenueVisitCount) -> None:
    """Visitor counts are plain figures referenced by nothing: they may be deleted (history keeps them)."""
    ensure_writable(actor, VenueVisitCount, area_path=visit.area_path)
    visit._history_user = actor
    visit.delete()
