"""Demo model individuals and collectives (先进典型) of the demo city for ``seed_demo``: about twenty candidates at
every stage, the commended ones with their honours.

Deterministic (one ``random.Random`` with a fixed seed; every candidate is generated before the database is read,
in code order of areas and units) and idempotent (candidates matched on area + kind + name; only missing ones are
created). Everything goes through the services, as the city office, so each candidate has its timeline of stage
changes and its history. A person is recorded with name, unit and honour only (DOMAIN.md). Nothing at the province
scale.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from shiliu.accounts.models import User
from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.demo import DEMO_PREFIX, SHILIU
from shiliu.orgs.demo_names import GIVEN_CHARS, SURNAMES
from shiliu.orgs.models import Area, Unit

from .choices import CandidateKind, CandidateStage, HonourLevel
from .models import Honour, ModelCandidate
from .services import (
    candidate_commend,
    candidate_create,
    candidate_cultivate,
    candidate_recommend,
    candidate_reject,
    honour_add,
)

SEED = "shiliu-demo-honors"
SIZES = {"tiny": 8, "city": 20}
ACTOR = "demo_city_office"
# The stages the candidates end at, in turn (commended ones get an honour, some a second one a level up).
STAGES = [
    CandidateStage.COMMENDED, CandidateStage.CULTIVATING, CandidateStage.DISCOVERED, CandidateStage.RECOMMENDED,
    CandidateStage.COMMENDED, CandidateStage.REJECTED, CandidateStage.CULTIVATING, CandidateStage.COMMENDED,
]  # fmt: skip
INDIVIDUAL_DEEDS = [
    "扎根基层多年，带领各族群众发展特色产业，热心调解邻里纠纷，被群众亲切地称为“民族团结的贴心人”。",
    "长期坚持国家通用语言文字教学，义务辅导各族学生，推动各族青少年交往交流交融。",
    "组织“石榴籽”志愿服务队，常年走访困难群众，帮助解决就业、就医、就学等实际问题。",
    "在企业中推动各族职工互学互助，带出一支团结奋进的技术骨干队伍。",
]
COLLECTIVE_DEEDS = [
    "把民族团结进步创建融入日常工作，建立各族群众“结对认亲”机制，多年来无一起矛盾纠纷升级。",
    "建成民族团结进步主题活动阵地，常年开展宣讲、联谊和志愿服务，创建氛围浓厚。",
    "坚持共建共享，发展村集体经济，各族群众收入稳步增长、邻里和睦。",
]
COLLECTIVE_SUFFIXES = ["党支部", "团支部", "志愿服务队", "工会委员会"]
HONOURS = {
    # level: individual title, collective title, deciding body, document prefix
    HonourLevel.COUNTY: (
        "民族团结进步先进个人",
        "民族团结进步先进集体",
        "{county}委、{county}人民政府",
        "{short}发",
    ),
    HonourLevel.CITY: (
        "民族团结进步模范个人",
        "民族团结进步模范集体",
        "中共{city}委、{city}人民政府",
        "石发",
    ),
    HonourLevel.PROVINCE: (
        "全省民族团结进步模范个人",
        "全省民族团结进步模范集体",
        "示范省人民政府",
        "示政发",
    ),
}
REJECT_REASONS = ["事迹材料不够充分，暂不推荐，继续跟踪培育。", "本年度推荐名额已满，留待下一批次。"]


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice([1, 2, 2])))
    return rng.choice(SURNAMES) + given


def _natural(row) -> tuple[str, str]:
    """Sort key of units and venues: path, then name, compared by code point on every database."""
    return (row.area_path, row.name)


def seed_honors(*, scale: str, stdout=None) -> dict[str, int]:
    """Seed the demo candidates and their honours through the services; returns the numbers of rows added."""
    if scale not in SIZES:
        return {}
    city = Area.objects.filter(code=SHILIU.code).first()
    actor = User.objects.filter(username=ACTOR, is_active=True).first()
    if city is None or actor is None:
        return {}
    today = timezone.localdate()
    rng = random.Random(SEED)
    units = list(
        Unit.objects.filter(area_path__startswith=city.path, status=UnitStatus.ACTIVE)
        .exclude(unit_type__code="religious")
        .select_related("area")
    )
    units.sort(key=_natural)  # in Python: the database's collation of Chinese names differs between backends
    villages = list(Area.objects.filter(path__startswith=city.path, level=AreaLevel.VILLAGE).order_by("code"))
    counties = {a.path: a for a in Area.objects.filter(path__startswith=city.path, level=AreaLevel.COUNTY)}
    if not units:
        return {}

    plans = []
    for i in range(SIZES[scale]):
        stage = STAGES[i % len(STAGES)]
        discovered = datetime.date(today.year - 1, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        if i % 3 == 2 and villages:  # a village collective, without a unit
            area = villages[rng.randrange(len(villages))]
            committee = "居民委员会" if area.name.endswith("社区") else "村民委员会"
            plan = {"kind": CandidateKind.COLLECTIVE, "name": f"{area.name}{committee}", "unit": None, "area": area,
                    "deeds": rng.choice(COLLECTIVE_DEEDS)}  # fmt: skip
        elif i % 3 == 1:
            unit = units[rng.randrange(len(units))]
            plan = {"kind": CandidateKind.COLLECTIVE, "name": f"{unit.name}{rng.choice(COLLECTIVE_SUFFIXES)}",
                    "unit": unit, "area": unit.area, "deeds": rng.choice(COLLECTIVE_DEEDS)}  # fmt: skip
        else:
            unit = units[rng.randrange(len(units))]
            plan = {"kind": CandidateKind.INDIVIDUAL, "name": _person(rng), "unit": unit, "area": unit.area,
                    "deeds": rng.choice(INDIVIDUAL_DEEDS)}  # fmt: skip
        plan.update(stage=stage, discovered_on=discovered, second=rng.random() < 0.4,
                    decided=discovered + datetime.timedelta(days=rng.randint(90, 240)))  # fmt: skip
        plans.append(plan)

    added = {"candidates": 0, "honours": 0}
    existing = set(
        ModelCandidate.objects.filter(area_path__startswith=city.path).values_list(
            "area_path", "kind", "name"
        )
    )
    for plan in plans:
        area = plan["area"]
        if (area.path, plan["kind"], plan["name"]) in existing:
            continue
        existing.add((area.path, plan["kind"], plan["name"]))
        candidate = candidate_create(
            actor=actor, kind=plan["kind"], name=plan["name"], deeds=plan["deeds"], unit=plan["unit"],
            area=area, discovered_on=plan["discovered_on"],
        )  # fmt: skip
        added["candidates"] += 1
        stage = plan["stage"]
        if stage == CandidateStage.REJECTED:
            candidate_reject(actor=actor, candidate=candidate, reason=REJECT_REASONS[added["candidates"] % 2])
            continue
        if stage == CandidateStage.DISCOVERED:
            continue
        candidate_cultivate(actor=actor, candidate=candidate, reason="列入培育对象")
        if stage == CandidateStage.CULTIVATING:
            continue
        candidate_recommend(actor=actor, candidate=candidate, reason="事迹突出，推荐表彰")
        if stage == CandidateStage.RECOMMENDED:
            continue
        county = counties.get(area.path[:6])
        levels = (
            [HonourLevel.COUNTY, HonourLevel.CITY] if county else [HonourLevel.CITY, HonourLevel.PROVINCE]
        )
        if not plan["second"]:
            levels = levels[:1]
        decided = min(plan["decided"], today)
        for n, level in enumerate(levels):
            individual, collective, body, prefix = HONOURS[level]
            names = {"county": county.name if county else "", "short": (county.name if county else city.name)[:1],
                     "city": city.name}  # fmt: skip
            day = min(decided + datetime.timedelta(days=120 * n), today)
            data = {
                "level": level,
                "title": individual if plan["kind"] == CandidateKind.INDIVIDUAL else collective,
                "reason": plan["deeds"],
                "deciding_body": body.format(**names),
                "decision_date": day,
                "document_number": f"{prefix.format(**names)}〔{day.year}〕{rng_number(plan['name'], n)}号",
            }
            if n == 0:
                candidate_commend(actor=actor, candidate=candidate, **data)
            else:
                honour_add(actor=actor, candidate=candidate, **data)
            added["honours"] += 1
    if stdout is not None:
        stdout.write(f"honors: {added['candidates']} candidates and {added['honours']} honours added")
    return added


def rng_number(name: str, n: int) -> int:
    """A document number of its own for each honour (stable: drawn from the candidate's name)."""
    return random.Random(f"{SEED}-{name}-{n}").randint(3, 60)


def flush_honors() -> None:
    """Delete the demo province's candidates and honours (for ``seed_demo --flush``; stage changes cascade)."""
    Honour.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
    ModelCandidate.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
