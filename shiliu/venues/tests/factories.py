"""Builders of venues and visitor counts for tests (bypassing services, like the orgs factories)."""

import datetime

from shiliu.venues.models import Venue, VenueType, VenueVisitCount
from shiliu.venues.services import venue_types_ensure_defaults


def make_venue(area, name: str = "民族团结主题公园", type_code: str = "theme_park", **extra) -> Venue:
    venue_types_ensure_defaults()
    return Venue.objects.create(
        name=name, venue_type=VenueType.objects.get(code=type_code), area=area, area_path=area.path, **extra
    )


def make_visits(
    venue, start: datetime.date, visitors: int, end: datetime.date | None = None
) -> VenueVisitCount:
    return VenueVisitCount.objects.create(
        venue=venue, area_path=venue.area_path, period_start=start, period_end=end or start, visitors=visitors
    )
