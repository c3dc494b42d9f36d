"""Demo venues (阵地) of the demo city for ``seed_demo``: a dozen venues with monthly visitor counts.

Deterministic (one ``random.Random`` with a fixed seed, rows generated before the database is read) and idempotent
(venues matched on area + name, visitor counts on venue + first day; only missing rows are inserted, in bulk and
without history records, like the org tree). Counts run from January of last year to the last complete month, so a
run in a later month adds only the new months. Nothing at the province scale (the benchmarks generate their own).
"""

from __future__ import annotations

import calendar
import datetime
import random

from django.db import transaction
from django.utils import timezone

from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.demo import DEMO_PREFIX, SHILIU
from shiliu.orgs.models import Area

from .choices import VenueLevel, VenueStatus
from .models import Venue, VenueType, VenueVisitCount
from .services import venue_types_ensure_defaults

SEED = "shiliu-demo-venues"
SIZES = {"tiny": 5, "city": 12}

# name pattern ({place}: the area's name), type code, level, capacity, opening hours
VENUES = [
    (
        "{place}民族团结进步教育基地",
        "education_base",
        VenueLevel.PROVINCE,
        800,
        "周二至周日 9:00—17:00，周一闭馆",
    ),
    ("{place}石榴籽主题公园", "theme_park", VenueLevel.CITY, 5000, "全天开放"),
    ("{place}民族团结广场", "square", VenueLevel.CITY, 10000, "全天开放"),
    ("{place}民族文化展馆", "exhibition_hall", VenueLevel.COUNTY, 600, "周二至周日 9:30—17:30"),
    ("{place}民族团结进步街区", "street", VenueLevel.COUNTY, None, "全天开放"),
    ("{place}综合文化站", "cultural_station", VenueLevel.COUNTY, 200, "工作日 8:30—18:00"),
    ("{place}“中华民族一家亲”文化长廊", "other", VenueLevel.COUNTY, None, "全天开放"),
    ("{place}党群服务中心民族团结展室", "exhibition_hall", VenueLevel.COUNTY, 120, "工作日 9:00—17:00"),
]
ROADS = ["团结路", "和谐大道", "石榴街", "同心路", "友谊巷", "振兴路"]


def _months(first: datetime.date, today: datetime.date):
    """(first day, last day) of every complete month from ``first`` up to the month before ``today``."""
    day = first
    while (day.year, day.month) < (today.year, today.month):
        last = calendar.monthrange(day.year, day.month)[1]
        yield day, day.replace(day=last)
        day = (day.replace(day=last) + datetime.timedelta(days=1)).replace(day=1)


def seed_venues(*, scale: str, stdout=None) -> dict[str, int]:
    """Seed the demo venues and their visitor counts; returns the numbers of rows added."""
    if scale not in SIZES:
        return {}
    city = Area.objects.filter(code=SHILIU.code).first()
    if city is None:
        return {}
    venue_types_ensure_defaults()
    types = {t.code: t for t in VenueType.objects.all()}
    rng = random.Random(SEED)
    # The city, then its counties and townships, in code order: the same places on every run.
    places = list(
        Area.objects.filter(path__startswith=city.path, level__lte=AreaLevel.TOWNSHIP).order_by(
            "level", "code"
        )
    )
    counties = [a for a in places if a.level == AreaLevel.COUNTY]
    townships = [a for a in places if a.level == AreaLevel.TOWNSHIP]
    wanted = []
    for i in range(SIZES[scale]):
        pattern, type_code, level, capacity, hours = VENUES[i % len(VENUES)]
        if i >= len(VENUES):  # a second round of the patterns, in townships, named by their county
            area = townships[rng.randrange(len(townships))] if townships else city
            level = VenueLevel.COUNTY
        elif level in (VenueLevel.PROVINCE, VenueLevel.CITY):
            area = city
        elif type_code in ("cultural_station", "other") and townships:
            area = townships[rng.randrange(len(townships))]
        else:
            area = counties[rng.randrange(len(counties))] if counties else city
        name = pattern.format(place=area.name)
        wanted.append(
            Venue(
                name=name,
                venue_type=types.get(type_code) or types["other"],
                area=area,
                area_path=area.path,
                address=f"{area.name}{ROADS[rng.randrange(len(ROADS))]}{rng.randint(1, 299)}号",
                level=level,
                opening_info=hours,
                capacity=capacity,
                status=VenueStatus.ACTIVE,
            )
        )
    added = {"venues": 0, "visit_counts": 0}
    with transaction.atomic():
        existing = set(Venue.objects.filter(area_path__startswith=city.path).values_list("area_id", "name"))
        seen = set()
        new = []
        for venue in wanted:
            key = (venue.area_id, venue.name)
            if key not in existing and key not in seen:
                new.append(venue)
            seen.add(key)
        Venue.objects.bulk_create(new)
        added["venues"] = len(new)
        venues = list(
            Venue.objects.filter(
                area_path__startswith=city.path, name__in=[v.name for v in wanted]
            ).select_related("area")
        )
        venues.sort(key=lambda v: (v.area.code, v.name))
        today = timezone.localdate()
        months = list(_months(datetime.date(today.year - 1, 1, 1), today))
        have = set(VenueVisitCount.objects.filter(venue__in=venues).values_list("venue_id", "period_start"))
        counts = []
        for venue in venues:
            base = random.Random(f"{SEED}-{venue.name}").randint(300, 4000)
            for first, last in months:
                if (venue.pk, first) in have:
                    continue
                # The publicity month (September) and the holidays bring more visitors.
                factor = 2.2 if first.month == 9 else 1.4 if first.month in (1, 2, 5, 10) else 1.0
                visitors = int(base * factor * random.Random(f"{venue.name}-{first}").uniform(0.7, 1.3))
                counts.append(
                    VenueVisitCount(
                        venue=venue,
                        area_path=venue.area_path,
                        period_start=first,
                        period_end=last,
                        visitors=visitors,
                        note="月度接待统计",
                    )
                )
        VenueVisitCount.objects.bulk_create(counts)
        added["visit_counts"] = len(counts)
    if stdout is not None:
        stdout.write(f"venues: {added['venues']} venues and {added['visit_counts']} visitor counts added")
    return added


def flush_venues() -> None:
    """Delete the demo province's venues and visitor counts (for ``seed_demo --flush``; after the activities,
    which may name a venue)."""
    VenueVisitCount.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    Venue.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
