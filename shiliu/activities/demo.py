"""Demo activities and publicity of the demo city for ``seed_demo``: the publicity month of last year and this
year, a few hundred activities of every type by units and area offices, and some publicity items.

Deterministic (one ``random.Random`` with a fixed seed; every row is generated before the database is read, in code
order of areas and units) and idempotent (campaigns matched on name, activities and publicity on owner + title +
start date; only missing rows are inserted, in bulk and without history records, like the org tree). Records are
dated from January of last year to the end of this year and only those dated up to today are written, so a later
run adds the ones whose day has come. Nothing at the province scale (the benchmarks generate their own).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.demo import DEMO_PREFIX, SHILIU
from shiliu.orgs.models import Area, Unit
from shiliu.venues.models import Venue

from .choices import PublicityKind
from .models import Activity, ActivityType, Campaign, PublicityItem
from .services import activity_types_ensure_defaults

SEED = "shiliu-demo-activities"
SIZES = {"tiny": (60, 12), "city": (360, 60)}  # activities, publicity items
OFFICE_SHARE = 0.25  # activities of area offices (no unit)

TITLES = {
    "theory_study": ["{org}开展铸牢中华民族共同体意识专题学习", "{org}理论学习中心组学习民族工作重要论述"],
    "lecture_tour": ["“石榴籽”宣讲团走进{org}", "{org}民族团结进步政策宣讲会"],
    "party_day": ["{org}“民族团结一家亲”主题党日", "{org}赴教育基地开展主题党日活动"],
    "festival": ["{org}“我们的节日”各族群众联欢会", "{org}传统节日民族团结联谊活动"],
    "performance": ["{org}“中华民族一家亲”文艺汇演", "{org}民族团结进步主题文艺演出"],
    "contest": ["{org}民族团结进步知识竞赛", "{org}“铸牢中华民族共同体意识”知识答题"],
    "training": ["{org}民族工作业务培训班", "{org}创建工作联络员培训"],
    "language": ["{org}国家通用语言文字培训班", "{org}普通话推广培训"],
    "volunteer": ["{org}“石榴籽”志愿服务进村入户", "{org}志愿者结对帮扶困难群众"],
    "exhibition": ["{org}民族团结进步成就图片展", "{org}“中华民族共同体”主题展览"],
    "legal_education": ["{org}民族宗教政策法规宣传", "{org}“法律进社区”普法宣传"],
    "sports": ["{org}各族群众趣味运动会", "{org}民族团结杯篮球友谊赛"],
    "youth_exchange": ["{org}各族青少年手拉手交流活动", "{org}“石榴籽”青少年夏令营"],
    "other": ["{org}民族团结进步创建工作推进会", "{org}创建工作经验交流座谈会"],
}
AUDIENCES = ["各族群众", "机关干部职工", "青少年学生", "社区居民", "企业职工", "村民", "党员干部"]
SUMMARIES = [
    "活动围绕铸牢中华民族共同体意识主线，引导各族群众像石榴籽一样紧紧抱在一起。",
    "通过学习、交流和互动，增进了各族群众的相互了解和感情。",
    "活动形式新颖、内容丰富，参与群众反响良好。",
    "进一步营造了民族团结进步的浓厚氛围，推动创建工作走深走实。",
]
PUBLICITY = {
    # kind: title patterns, outlet, days shown, reach range
    PublicityKind.BANNER: (["{org}“中华民族一家亲，同心共筑中国梦”宣传横幅"], "", 30, (300, 3000)),
    PublicityKind.BOARD: (
        ["{org}民族团结进步创建宣传展板", "{org}民族团结进步宣传栏更新"],
        "",
        60,
        (200, 2000),
    ),
    PublicityKind.LED: (["{org}民族团结进步公益广告滚动播放"], "户外LED大屏", 15, (5000, 50000)),
    PublicityKind.MEDIA: (["《石榴日报》专版报道{org}民族团结进步创建工作"], "石榴日报", 1, (10000, 80000)),
    PublicityKind.ONLINE: (
        ["“石榴发布”推送：{org}民族团结进步创建纪实"],
        "石榴发布微信公众号",
        1,
        (1000, 30000),
    ),
}


def _office_name(area: Area) -> str:
    return f"{area.name}创建办"


def _day(rng: random.Random, first: datetime.date, last: datetime.date, september: float) -> datetime.date:
    """A day between ``first`` and ``last``; a share in September, the publicity month."""
    if rng.random() < september:
        year = rng.choice([y for y in range(first.year, last.year + 1)])
        return datetime.date(year, 9, rng.randint(1, 30))
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _natural(row) -> tuple[str, str]:
    """Sort key of units and venues: path, then name, compared by code point on every database."""
    return (row.area_path, row.name)


def seed_activities(*, scale: str, stdout=None) -> dict[str, int]:
    """Seed the demo campaigns, activities and publicity items; returns the numbers of rows added."""
    if scale not in SIZES:
        return {}
    city = Area.objects.filter(code=SHILIU.code).first()
    if city is None:
        return {}
    activity_types_ensure_defaults()
    today = timezone.localdate()
    first, last = datetime.date(today.year - 1, 1, 1), datetime.date(today.year, 12, 31)
    rng = random.Random(SEED)
    types = list(ActivityType.objects.filter(is_active=True).order_by("order", "code"))
    offices = list(
        Area.objects.filter(path__startswith=city.path, level__lte=AreaLevel.TOWNSHIP).order_by(
            "level", "code"
        )
    )
    units = list(
        Unit.objects.filter(area_path__startswith=city.path, status=UnitStatus.ACTIVE)
        .exclude(unit_type__code="religious")
        .select_related("area")
    )
    units.sort(key=_natural)  # in Python: the database's collation of Chinese names differs between backends
    venues = sorted(Venue.objects.filter(area_path__startswith=city.path), key=_natural)
    if not types or not units:
        return {}
    n_activities, n_publicity = SIZES[scale]

    def owner():
        if rng.random() < OFFICE_SHARE:
            area = offices[rng.randrange(len(offices))]
            return area, None, _office_name(area)
        unit = units[rng.randrange(len(units))]
        return unit.area, unit, unit.name

    activities = []
    for i in range(n_activities):
        activity_type = types[i % len(types)]  # every type, evenly
        area, unit, org = owner()
        start = _day(rng, first, last, september=0.25)
        span = rng.choice([0, 0, 0, 0, 0, 1, 2, 6])
        near = [v for v in venues if area.path.startswith(v.area_path) or v.area_path.startswith(area.path)]
        crowd = (80, 600) if activity_type.code in ("festival", "performance", "sports") else (15, 200)
        title = rng.choice(TITLES.get(activity_type.code, TITLES["other"])).format(org=org)
        activities.append(
            Activity(
                title=title[:200],
                activity_type=activity_type,
                area=area,
                area_path=area.path,
                unit=unit,
                entry_type_id=unit.unit_type_id if unit else None,
                start_date=start,
                end_date=start + datetime.timedelta(days=span),
                venue=near[rng.randrange(len(near))] if near and rng.random() < 0.3 else None,
                organisers=org,
                participants=rng.randint(*crowd),
                audience="、".join(rng.sample(AUDIENCES, 2)),
                summary=rng.choice(SUMMARIES),
            )
        )
    publicity = []
    kinds = list(PUBLICITY)
    for i in range(n_publicity):
        kind = kinds[i % len(kinds)]
        patterns, outlet, days, reach = PUBLICITY[kind]
        area, unit, org = owner()
        start = _day(rng, first, last, september=0.4)
        publicity.append(
            PublicityItem(
                title=rng.choice(patterns).format(org=org)[:200],
                kind=kind,
                area=area,
                area_path=area.path,
                unit=unit,
                start_date=start,
                end_date=start + datetime.timedelta(days=days - 1),
                outlet=outlet,
                reach=rng.randint(*reach),
                summary=rng.choice(SUMMARIES),
            )
        )

    added = {"campaigns": 0, "activities": 0, "publicity": 0}
    with transaction.atomic():
        for year in (today.year - 1, today.year):
            _campaign, created = Campaign.objects.get_or_create(
                name=f"{year}年民族团结进步宣传月",
                defaults={"start_date": datetime.date(year, 9, 1), "end_date": datetime.date(year, 9, 30)},
            )
            added["campaigns"] += created
        for model, rows, key in (
            (Activity, activities, "activities"),
            (PublicityItem, publicity, "publicity"),
        ):
            have = set(
                model.objects.filter(area_path__startswith=city.path).values_list(
                    "area_id", "unit_id", "title", "start_date"
                )
            )
            new = []
            for row in rows:
                natural = (row.area_id, row.unit_id, row.title, row.start_date)
                if row.start_date <= today and natural not in have:
                    new.append(row)
                    have.add(natural)
            model.objects.bulk_create(new, batch_size=500)
            added[key] = len(new)
    if stdout is not None:
        stdout.write(
            f"activities: {added['campaigns']} campaigns, {added['activities']} activities and "
            f"{added['publicity']} publicity items added"
        )
    return added


def flush_activities() -> None:
    """Delete the demo province's activities and publicity items (for ``seed_demo --flush``); campaigns are
    platform-wide and stay."""
    Activity.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    PublicityItem.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
