"""Reads of venues and visitor counts. All of them take the user and go through scope."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db.models import Q, QuerySet

from shiliu.core.scope import VIEW, get_visible_or_404, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.selectors import area_filter_param

from .models import Venue, VenueType, VenueVisitCount


def parse_date(value) -> datetime.date | None:
    """An ISO date from a query parameter; raises ValueError for a malformed one."""
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def within_area(qs: QuerySet, *, user, value, path_field: str = "area_path") -> QuerySet:
    """Narrow ``qs`` to the subtree of the area with id ``value``; an area outside the scope gives nothing."""
    if not value:
        return qs
    area = area_filter_param(user=user, value=value)
    if area is None:
        return qs.none()
    return qs.filter(**{f"{path_field}__startswith": area.path})


def overlapping(qs: QuerySet, *, start, end, start_field: str, end_field: str) -> QuerySet:
    """Records whose period overlaps [start, end] (either bound may be missing); bad dates give nothing."""
    try:
        if start:
            qs = qs.filter(**{f"{end_field}__gte": parse_date(start)})
        if end:
            qs = qs.filter(**{f"{start_field}__lte": parse_date(end)})
    except ValueError:
        return qs.none()
    return qs


def venue_type_list() -> QuerySet[VenueType]:
    return VenueType.objects.filter(is_active=True)


def venue_get(*, user, pk, action: str = VIEW) -> Venue:
    return get_visible_or_404(Venue.objects.select_related("venue_type", "area"), user, action, pk=pk)


def venue_list(*, user, filters: Mapping | None = None) -> QuerySet[Venue]:
    """Venues visible to ``user`` by area subtree, type, level, status and a search term."""
    filters = filters or {}
    qs = visible_to(Venue.objects.select_related("venue_type", "area"), user)
    qs = within_area(qs, user=user, value=filters.get("area"))
    if venue_type := filters.get("venue_type"):
        qs = qs.filter(venue_type__code=venue_type)
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    return qs


def visit_list(*, user, filters: Mapping | None = None) -> QuerySet[VenueVisitCount]:
    """Visitor counts visible to ``user`` by area, venue, venue type and period overlap."""
    filters = filters or {}
    qs = visible_to(VenueVisitCount.objects.select_related("venue", "venue__area"), user)
    qs = within_area(qs, user=user, value=filters.get("area"))
    if venue := filters.get("venue"):
        qs = qs.filter(venue_id=venue) if str(venue).isdigit() else qs.none()
    if venue_type := filters.get("venue_type"):
        qs = qs.filter(venue__venue_type__code=venue_type)
    qs = overlapping(
        qs,
        start=filters.get("date_from"),
        end=filters.get("date_to"),
        start_field="period_start",
        end_field="period_end",
    )
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(venue__name__contains=q)
    return qs
