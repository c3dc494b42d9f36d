"""Demo pairings (结对帮扶) of the demo city for ``seed_demo``: about thirty pairings between member departments or
units and villages, with visits, funds, projects and outcomes, the city's assessment rulebooks of last year and
this year, and last year's assessments.

Deterministic (one ``random.Random`` with a fixed seed; every row is generated before the database is read, in code
order of areas and units) and idempotent (pairings matched on unit + village + start, visits and outcomes on
pairing + date, funds on pairing + date + purpose, projects on pairing + name, rulebooks on area + year,
assessments on pairing + year; only missing rows are written). Pairings and their records go in by bulk inserts
without history; rulebooks and assessments go through the services (which compute totals and grades), as the
city office. Records are dated up to today: a later run adds the ones whose day has come. Nothing at the province
scale (the benchmarks generate their own).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shiliu.accounts.models import User
from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.demo import DEMO_PREFIX, SHILIU
from shiliu.orgs.models import Area, Unit

from .choices import FundSource, ProjectStatus
from .models import (
    AssessmentRulebook,
    Pairing,
    PairingAssessment,
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
)
from .services import assessment_save, assessment_submit, rulebook_create

SEED = "shiliu-demo-pairing"
SIZES = {"tiny": 6, "city": 30}
ACTOR = "demo_city_office"  # the city office assesses (seed_demo creates it before the seeders run)
PAIRING_UNIT_TYPES = ("agency", "enterprise", "school", "window", "new_org")

GOALS = [
    "围绕产业发展、基础设施和民族团结进步创建，帮助{village}壮大村集体经济、办好民生实事。",
    "每季度至少走访一次，协调解决群众急难愁盼问题，推动{village}各族群众交往交流交融。",
    "发挥单位行业优势，在就业、教育和乡风文明建设方面帮扶{village}。",
]
VISITS = [
    "走访慰问困难群众",
    "召开座谈会了解村情民意",
    "开展民族团结进步宣讲",
    "协调解决灌溉用水问题",
    "指导村集体经济发展",
    "开展“民族团结一家亲”联谊活动",
]
PURPOSES = ["支持村集体产业发展", "改善村内道路", "节日慰问困难群众", "资助家庭困难学生", "购置文化活动器材"]
PROJECTS = ["{village}特色种植基地", "{village}村道硬化工程", "{village}文化活动室改造", "{village}饮水安全提升工程",
            "{village}电商服务站"]  # fmt: skip
OUTCOMES = [
    "帮助村民在本地企业实现就业，协调解决群众反映的实际困难。",
    "村集体经济收入稳步增长，群众满意度明显提高。",
    "组织技能培训，帮助外出务工人员稳定就业。",
]
RULEBOOK_ITEMS = [
    ("走访联系", "20", "按计划开展走访，每季度不少于一次"),
    ("资金投入", "25", "帮扶资金按时足额到位"),
    ("项目实施", "25", "帮扶项目按计划推进并见效"),
    ("帮扶成效", "20", "就业安置、问题解决等成效"),
    ("群众满意度", "10", "群众对帮扶工作的评价"),
]


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def _natural(row) -> tuple[str, str]:
    """Sort key of units and venues: path, then name, compared by code point on every database."""
    return (row.area_path, row.name)


def seed_pairing(*, scale: str, stdout=None) -> dict[str, int]:
    """Seed the demo pairings, their records, rulebooks and assessments; returns the numbers of rows added."""
    if scale not in SIZES:
        return {}
    city = Area.objects.filter(code=SHILIU.code).first()
    if city is None:
        return {}
    today = timezone.localdate()
    last_year = today.year - 1
    rng = random.Random(SEED)
    villages = list(Area.objects.filter(path__startswith=city.path, level=AreaLevel.VILLAGE).order_by("code"))
    units = list(
        Unit.objects.filter(
            area_path__startswith=city.path,
            status=UnitStatus.ACTIVE,
            unit_type__code__in=PAIRING_UNIT_TYPES,
        ).select_related("area")
    )
    units.sort(key=_natural)  # in Python: the database's collation of Chinese names differs between backends
    departments = [u for u in units if u.is_member_department] or units
    if not villages or not units:
        return {}

    # Pairings: half by the city's member departments (any village of the city), half by other units (a village
    # in their own subtree, as the services require).
    pairings: dict[tuple, Pairing] = {}
    for i in range(SIZES[scale] * 3):
        if len(pairings) == SIZES[scale]:
            break
        unit = (
            departments[rng.randrange(len(departments))] if i % 2 == 0 else units[rng.randrange(len(units))]
        )
        near = [v for v in villages if v.path.startswith(unit.area_path)]
        if not near:
            continue
        village = near[rng.randrange(len(near))]
        start = datetime.date(last_year, rng.choice([1, 3, 5]), 1)
        key = (unit.pk, village.pk, start)
        if key in pairings or any(k[:2] == key[:2] for k in pairings):
            continue
        pairings[key] = Pairing(
            unit=unit, village=village, area_path=village.path, start=start,
            end=datetime.date(today.year + 1, 12, 31), goals=rng.choice(GOALS).format(village=village.name),
        )  # fmt: skip

    # Records of each pairing, generated in full before anything is read back.
    records: dict[tuple, dict[str, list]] = {}
    for key, pairing in pairings.items():
        last = min(pairing.end, datetime.date(today.year, 12, 31))
        name = pairing.village.name
        rows: dict[str, list] = {"visits": [], "funds": [], "projects": [], "outcomes": []}
        for _ in range(rng.randint(4, 8)):
            rows["visits"].append(
                {"visited_on": _day(rng, pairing.start, last), "people": rng.randint(2, 8),
                 "activities": rng.choice(VISITS), "notes": ""}
            )  # fmt: skip
        for _ in range(rng.randint(1, 3)):
            rows["funds"].append(
                {"paid_on": _day(rng, pairing.start, last), "amount": _money(rng, 5_000, 200_000),
                 "source": rng.choice(FundSource.values), "purpose": rng.choice(PURPOSES)}
            )  # fmt: skip
        for pattern in rng.sample(PROJECTS, rng.randint(1, 2)):
            started = _day(rng, pairing.start, last)
            status = rng.choice(
                [ProjectStatus.COMPLETED, ProjectStatus.COMPLETED, ProjectStatus.IN_PROGRESS,
                 ProjectStatus.PLANNED, ProjectStatus.CANCELLED]
            )  # fmt: skip
            completed = started + datetime.timedelta(days=rng.randint(60, 200))
            rows["projects"].append(
                {"name": pattern.format(village=name), "started_on": started,
                 "amount": _money(rng, 20_000, 800_000), "beneficiaries": rng.randint(30, 600),
                 "status": status, "completed_on": completed if status == ProjectStatus.COMPLETED else None}
            )  # fmt: skip
        for _ in range(rng.randint(1, 3)):
            rows["outcomes"].append(
                {"reported_on": _day(rng, pairing.start, last), "jobs_arranged": rng.randint(0, 15),
                 "problems_solved": rng.randint(1, 8), "description": rng.choice(OUTCOMES)}
            )  # fmt: skip
        records[key] = rows
    scores = {key: [rng.uniform(0.5, 1.0) for _ in RULEBOOK_ITEMS] for key in pairings}
    drafts = {key for key in pairings if rng.random() < 0.2}

    added = dict.fromkeys(
        ("pairings", "visits", "funds", "projects", "outcomes", "rulebooks", "assessments"), 0
    )
    with transaction.atomic():
        have = set(
            Pairing.objects.filter(area_path__startswith=city.path).values_list(
                "unit_id", "village_id", "start"
            )
        )
        new = [p for key, p in pairings.items() if key not in have]
        Pairing.objects.bulk_create(new)
        added["pairings"] = len(new)
        saved = {
            (p.unit_id, p.village_id, p.start): p
            for p in Pairing.objects.filter(area_path__startswith=city.path).select_related("village")
        }
        ledgers = {
            "visits": (PairingVisit, ("visited_on",)),
            "funds": (PairingFund, ("paid_on", "purpose")),
            "projects": (PairingProject, ("name",)),
            "outcomes": (PairingOutcome, ("reported_on",)),
        }
        for ledger, (model, natural) in ledgers.items():
            existing = set(
                model.objects.filter(area_path__startswith=city.path).values_list("pairing_id", *natural)
            )
            rows = []
            for key, per in records.items():
                pairing = saved[key]
                for data in per[ledger]:
                    # Up to today: a project completed later is still in progress today.
                    day = data.get("visited_on") or data.get("paid_on") or data.get("started_on")
                    day = day or data["reported_on"]
                    if day > today:
                        continue
                    data = dict(data)
                    if data.get("completed_on") and data["completed_on"] > today:
                        data.update(status=ProjectStatus.IN_PROGRESS, completed_on=None)
                    natural_key = (pairing.pk, *(data[f] for f in natural))
                    if natural_key in existing:
                        continue
                    existing.add(natural_key)
                    rows.append(model(pairing=pairing, area_path=pairing.area_path, **data))
            model.objects.bulk_create(rows, batch_size=500)
            added[ledger] = len(rows)

    actor = User.objects.filter(username=ACTOR, is_active=True).first()
    if actor is not None:
        for year in (last_year, today.year):
            if not AssessmentRulebook.objects.filter(area=city, year=year).exists():
                rulebook_create(
                    actor=actor, area=city, year=year, name=f"{year}年{city.name}结对帮扶考核细则",
                    items=[{"name": n, "max_points": p, "description": d} for n, p, d in RULEBOOK_ITEMS],
                )  # fmt: skip
                added["rulebooks"] += 1
        # Last year's assessments, made in December; a few left as drafts.
        assessed = set(
            PairingAssessment.objects.filter(area_path__startswith=city.path, year=last_year).values_list(
                "pairing_id", flat=True
            )
        )
        rulebook = AssessmentRulebook.objects.get(area=city, year=last_year)
        items = list(rulebook.items.order_by("order"))
        for key in pairings:
            pairing = saved[key]
            if pairing.pk in assessed:
                continue
            points = {
                item.pk: (item.max_points * Decimal(str(round(share, 2)))).quantize(Decimal("0.1"))
                for item, share in zip(items, scores[key], strict=False)
            }
            assessment = assessment_save(
                actor=actor, pairing=pairing, year=last_year, scores=points,
                assessed_on=datetime.date(last_year, 12, 20), comments="年度考核",
            )  # fmt: skip
            if key not in drafts:
                assessment_submit(actor=actor, assessment=assessment)
            added["assessments"] += 1
    if stdout is not None:
        stdout.write("pairing: " + ", ".join(f"{n} {what}" for what, n in added.items()) + " added")
    return added


def flush_pairing() -> None:
    """Delete the demo province's pairings, records, assessments and rulebooks (for ``seed_demo --flush``)."""
    for model in (
        PairingAssessment, AssessmentRulebook, PairingVisit, PairingFund, PairingProject, PairingOutcome, Pairing
    ):  # fmt: skip
        model.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
