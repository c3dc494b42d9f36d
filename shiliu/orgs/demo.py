"""Deterministic demo data (示范数据) for ``manage.py seed_demo``: a fictional province with codes starting 99.

Everything here is pure: each city is generated from its own ``random.Random`` seeded by its code, so the same
scale always gives the same areas, names and credit codes; 石榴市 is identical at the city and province scales.
Persons appear only as unit contacts (fake names and phones); ethnic composition only as area aggregates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from shiliu.core.validators import credit_code_check_char

from .choices import SIGNIFICANT_DIGITS, AreaLevel
from .demo_names import (
    BANKS,
    BRANDS,
    BUDDHIST_TEMPLES,
    CITY_NAMES,
    COMPANY_SUFFIXES,
    COUNTY_AGENCIES,
    GIVEN_CHARS,
    INDUSTRIES,
    MEMBER_DEPARTMENTS,
    PLACE_FIRST,
    PLACE_SECOND,
    ROAD_SUFFIXES,
    SURNAMES,
    TAOIST_TEMPLES,
    TOWNSHIP_OFFICES,
    VILLAGE_STEMS,
    WINDOW_SERVICES,
    cn_number,
)

PROVINCE_CODE = "990000000000"
PROVINCE_NAME = "示范省"
DEMO_PREFIX = "99"
SEED = "shiliu-demo-2026"

# ---------------------------------------------------------------- scales


@dataclass(frozen=True)
class CitySpec:
    index: int  # 1..99, the city's two digits in the code
    name: str
    counties: int
    townships: int
    villages: int
    units: int

    @property
    def code(self) -> str:
        return f"{DEMO_PREFIX}{self.index:02d}00000000"


SHILIU = CitySpec(1, "石榴市", counties=4, townships=40, villages=400, units=2000)
SCALES: dict[str, list[CitySpec]] = {
    "tiny": [CitySpec(1, "石榴市", counties=2, townships=4, villages=10, units=80)],
    "city": [SHILIU],
    # Thirteen more cities of 8 counties each: 108 counties, 20,004 villages, 100,007 units in all.
    "province": [SHILIU]
    + [
        CitySpec(i, CITY_NAMES[i - 1], counties=8, townships=150, villages=1508, units=7539)
        for i in range(2, 15)
    ],
}


# ---------------------------------------------------------------- rows


@dataclass(slots=True)
class AreaRow:
    code: str
    name: str
    level: int
    parent_code: str | None

    @property
    def path(self) -> str:
        return self.code[: SIGNIFICANT_DIGITS[AreaLevel(self.level)]]


@dataclass(slots=True)
class UnitRow:
    area_code: str
    type_code: str
    name: str
    credit_code: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    is_member_department: bool = False


@dataclass(slots=True)
class StatRow:
    area_code: str
    year: int
    households: int
    population: int
    minority_population: int
    ethnic_groups: int


@dataclass
class CityData:
    spec: CitySpec
    areas: list[AreaRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    stats: list[StatRow] = field(default_factory=list)


def province_row() -> AreaRow:
    return AreaRow(PROVINCE_CODE, PROVINCE_NAME, AreaLevel.PROVINCE, None)


# ---------------------------------------------------------------- helpers


def spread(rng: random.Random, total: int, buckets: int, spread_ratio: float = 0.25) -> list[int]:
    """Split ``total`` into ``buckets`` positive counts that vary around the mean and add up exactly."""
    mean = total / buckets
    counts = [max(1, round(mean * rng.uniform(1 - spread_ratio, 1 + spread_ratio))) for _ in range(buckets)]
    while (diff := total - sum(counts)) != 0:
        i = rng.randrange(buckets)
        if diff > 0:
            counts[i] += 1
        elif counts[i] > 1:
            counts[i] -= 1
    return counts


def org_code(body8: str) -> str:
    """GB 11714 organisation code: eight digits and a check character."""
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    check = 11 - sum(int(c) * w for c, w in zip(body8, weights, strict=True)) % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


# Registration authority and category (GB 32100) by unit type: 11 agency, 12 public institution,
# 51 social group, 52 private non-enterprise, 54 grassroots self-governing body, 71 religious venue, 91 company.
CREDIT_PREFIXES = {
    "agency": ["11"],
    "enterprise": ["91", "91", "91", "93"],
    "community": ["54"],
    "township": ["11"],
    "school": ["12", "12", "52"],
    "religious": ["71"],
    "new_org": ["51", "52"],
    "window": ["11", "12", "91"],
}


def credit_code(prefix: str, division6: str, city_index: int, seq: int) -> str:
    """A valid unified social credit code, unique per (city, seq): the sequence is scrambled bijectively."""
    scrambled = (seq * 7919 + 104729) % 1_000_000
    body = prefix + division6 + org_code(f"{city_index:02d}{scrambled:06d}")
    return body + credit_code_check_char(body)


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))


def _stem(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        stem = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
        if stem not in used:
            used.add(stem)
            return stem
    stem = f"{rng.choice(PLACE_FIRST)}{rng.choice(PLACE_SECOND)}{len(used)}"
    used.add(stem)
    return stem


def _level_of(code: str) -> int:
    """The level of a 12-digit division code: the first whose significant digits are followed by zeros only."""
    return next(level for level in AreaLevel if not code[SIGNIFICANT_DIGITS[level] :].strip("0"))


def _strip_suffix(name: str) -> str:
    for suffix in ("街道", "社区", "区", "县", "市", "镇", "乡", "村"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


# ---------------------------------------------------------------- the generator


class _CityBuilder:
    # Names fixed for the first areas of 石榴市 so the demo matches the factories and the docs.
    PINNED = {
        "990101000000": "东城区",
        "990121000000": "西山县",
        "990101001000": "东关街道",
        "990101001001": "团结社区",
        "990121100000": "西山镇",
        "990121100201": "和睦村",
    }

    def __init__(self, spec: CitySpec, years: list[int]):
        self.spec = spec
        self.years = years
        self.rng = random.Random(f"{SEED}:{spec.code}")
        self.data = CityData(spec)
        self.names_in_area: dict[str, set[str]] = {}
        self.seq = 0
        self.counties: list[AreaRow] = []
        self.townships: dict[str, list[AreaRow]] = {}  # county code -> townships
        self.villages: dict[str, list[AreaRow]] = {}  # township code -> villages
        self.by_code: dict[str, AreaRow] = {}
        self.road_names: dict[str, list[str]] = {}

    # -- areas

    def _area(self, code: str, name: str, level: int, parent: AreaRow | None) -> AreaRow:
        row = AreaRow(code, self.PINNED.get(code, name), level, parent.code if parent else None)
        self.data.areas.append(row)
        self.by_code[code] = row
        return row

    def _reserved(self, prefix: str, level: int) -> set[str]:
        """Stems of the pinned names among the children of ``prefix``, so that no sibling draws the same name."""
        return {
            _strip_suffix(name)
            for code, name in self.PINNED.items()
            if code.startswith(prefix) and _level_of(code) == level
        }

    def build_areas(self) -> None:
        rng, spec = self.rng, self.spec
        city = self._area(spec.code, spec.name, AreaLevel.CITY, province_row())
        n = spec.counties
        n_cities = 1 if n >= 6 else 0
        n_districts = max(1, (n - n_cities) // 2)
        kinds = ["区"] * n_districts + ["县"] * (n - n_districts - n_cities) + ["市"] * n_cities
        used = self._reserved(spec.code[:4], AreaLevel.COUNTY)
        township_counts = spread(rng, spec.townships, n, 0.3)
        county_rows = []
        next_no = {"区": 1, "县": 21, "市": 81}
        for kind in kinds:
            no = next_no[kind]
            next_no[kind] += 1
            code = f"{spec.code[:4]}{no:02d}000000"
            county_rows.append(self._area(code, _stem(rng, used) + kind, AreaLevel.COUNTY, city))
        self.counties = county_rows
        village_counts = spread(rng, spec.villages, spec.townships, 0.3)
        vi = 0
        for county, n_towns in zip(county_rows, township_counts, strict=True):
            kind = county.name[-1]
            # Districts are mostly streets (街道, codes 001–099); counties mostly towns (100–) and townships (200–).
            if kind == "区":
                shares = [("街道", 0.7), ("镇", 0.3), ("乡", 0.0)]
            else:
                shares = [("街道", 0.15), ("镇", 0.6), ("乡", 0.25)]
            counts = {"街道": 0, "镇": 0, "乡": 0}
            town_used = self._reserved(county.code[:6], AreaLevel.TOWNSHIP)
            towns = []
            for _ in range(n_towns):
                x, acc, chosen = rng.random(), 0.0, "镇"
                for suffix, share in shares:
                    acc += share
                    if x < acc:
                        chosen = suffix
                        break
                counts[chosen] += 1
                base = {"街道": 0, "镇": 99, "乡": 199}[chosen]
                code = f"{county.code[:6]}{base + counts[chosen]:03d}000"
                towns.append(self._area(code, _stem(rng, town_used) + chosen, AreaLevel.TOWNSHIP, county))
            self.townships[county.code] = towns
            for town in towns:
                n_vill = village_counts[vi]
                vi += 1
                community_share = {"街道": 0.9, "镇": 0.2, "乡": 0.0}[
                    town.name[-2:] if town.name.endswith("街道") else town.name[-1]
                ]
                vill_used = self._reserved(town.code[:9], AreaLevel.VILLAGE)
                vills = []
                c_no, v_no = 0, 200
                for _ in range(n_vill):
                    is_community = rng.random() < community_share
                    stem = rng.choice(VILLAGE_STEMS)
                    if stem in vill_used:
                        stem = _stem(rng, vill_used)
                    vill_used.add(stem)
                    if is_community:
                        c_no += 1
                        code, name = f"{town.code[:9]}{c_no:03d}", stem + "社区"
                    else:
                        v_no += 1
                        code, name = f"{town.code[:9]}{v_no:03d}", stem + "村"
                    village = self._area(code, name, AreaLevel.VILLAGE, town)
                    vills.append(village)
                    for g in range(1, rng.choice((1, 2, 2, 3)) + 1):
                        self._area(
                            f"{code}{g:03d}", f"{village.name}第{cn_number(g)}网格", AreaLevel.GRID, village
                        )
                self.villages[town.code] = vills

    # -- units

    def _address(self, area: AreaRow) -> str:
        rng = self.rng
        roads = self.road_names.get(area.code)
        if roads is None:
            stem = _strip_suffix(area.name)
            roads = [stem + "路", *(rng.choice(VILLAGE_STEMS) + rng.choice(ROAD_SUFFIXES) for _ in range(3))]
            self.road_names[area.code] = roads
        chain = [area]
        while chain[-1].parent_code and chain[-1].level > AreaLevel.COUNTY:
            chain.append(self.by_code[chain[-1].parent_code])
        prefix = "".join(a.name for a in reversed(chain) if a.level >= AreaLevel.COUNTY)
        if area.level <= AreaLevel.CITY:
            prefix = self.spec.name
        return f"{prefix}{rng.choice(roads)}{rng.randint(1, 399)}号"

    def _unit(self, area: AreaRow, type_code: str, name: str, *, member: bool = False) -> None:
        used = self.names_in_area.setdefault(area.code, set())
        if name in used:
            return
        used.add(name)
        rng = self.rng
        self.seq += 1
        prefixes = CREDIT_PREFIXES.get(type_code)
        division = area.code[:6] if area.level >= AreaLevel.COUNTY else area.code[:4] + "00"
        code = credit_code(rng.choice(prefixes), division, self.spec.index, self.seq) if prefixes else ""
        with_contact = rng.random() < 0.9
        self.data.units.append(
            UnitRow(
                area_code=area.code,
                type_code=type_code,
                name=name,
                credit_code=code,
                address=self._address(area),
                contact_name=person_name(rng) if with_contact else "",
                contact_phone=phone(rng) if with_contact else "",
                is_member_department=member,
            )
        )

    def _fresh_name(self, area: AreaRow, make) -> str | None:
        used = self.names_in_area.get(area.code, set())
        for attempt in range(12):
            name = make(attempt)
            if name and name not in used:
                return name
        return None

    def build_units(self) -> None:
        rng, spec = self.rng, self.spec
        city = self.by_code[spec.code]
        city_short = _strip_suffix(spec.name)
        for dept in MEMBER_DEPARTMENTS:
            self._unit(city, "agency", f"{spec.name}{dept}", member=True)
        for county in self.counties:
            for dept in COUNTY_AGENCIES:
                self._unit(county, "agency", f"{county.name}{dept}")
        towns = [t for c in self.counties for t in self.townships[c.code]]
        villages = [v for t in towns for v in self.villages[t.code]]
        for town in towns:
            suffix = "办事处" if town.name.endswith("街道") else "人民政府"
            self._unit(town, "township", town.name + suffix)
        for village in villages:
            suffix = "居民委员会" if village.name.endswith("社区") else "村民委员会"
            self._unit(village, "community", village.name + suffix)

        weights = {
            "enterprise": 30, "school": 18, "religious": 9, "new_org": 10, "window": 10,
            "other": 9, "agency": 6, "military": 3, "education_base": 3,
        }  # fmt: skip
        types, type_weights = list(weights), list(weights.values())
        remaining = spec.units - len(self.data.units)
        first_round = list(types)  # every type at least once, even at the tiny scale
        while remaining > 0:
            type_code = first_round.pop(0) if first_round else rng.choices(types, type_weights)[0]
            area, make = self._placement(type_code, city, city_short, towns, villages)
            name = self._fresh_name(area, make)
            if name is None:
                continue
            self._unit(area, type_code, name)
            remaining -= 1

    def _placement(self, type_code, city, city_short, towns, villages):
        rng = self.rng
        county = rng.choice(self.counties)
        town = rng.choice(self.townships[county.code])
        town_vills = self.villages[town.code]
        village = rng.choice(town_vills)
        county_short, town_short, village_short = (
            _strip_suffix(county.name),
            _strip_suffix(town.name),
            _strip_suffix(village.name),
        )
        if type_code == "enterprise":
            area = rng.choice([county, town, town, village])
            return area, lambda _a: rng.choice(BRANDS) + rng.choice(INDUSTRIES) + rng.choice(COMPANY_SUFFIXES)
        if type_code == "school":
            area = rng.choice([county, town, town, village])
            place = area.name

            def school(attempt):
                kind = rng.choice(["中学", "小学", "小学", "幼儿园", "中学"])
                if area.level == AreaLevel.COUNTY:
                    if rng.random() < 0.15:
                        return (
                            f"{county_short}职业技术学校"
                            if attempt == 0
                            else f"{county_short}第{cn_number(attempt + 1)}职业技术学校"
                        )
                    return f"{place}第{cn_number(rng.randint(1, 12))}{kind}"
                if attempt == 0 and kind == "小学":
                    return f"{place}中心小学"
                return f"{place}{kind}" if attempt == 0 else f"{place}第{cn_number(attempt + 1)}{kind}"

            return area, school
        if type_code == "religious":

            def venue(_attempt):
                x = rng.random()
                if x < 0.45:
                    return (
                        f"{village.name}清真寺"
                        if rng.random() < 0.5
                        else f"{village_short}{rng.choice(['东', '西', '南', '北', '中心'])}清真寺"
                    )
                if x < 0.7:
                    return rng.choice(BUDDHIST_TEMPLES)
                if x < 0.9:
                    return f"{village_short}{rng.choice(['基督教堂', '天主教堂'])}"
                return rng.choice(TAOIST_TEMPLES)

            return village, venue
        if type_code == "new_org":
            area = rng.choice([county, county, town])
            place = area.name
            options = [
                lambda: f"{place}{rng.choice(INDUSTRIES)}行业协会",
                lambda: f"{place}社会工作服务中心",
                lambda: f"{place}志愿者协会",
                lambda: f"{place}{rng.choice(BRANDS)}商会",
                lambda: f"{rng.choice(BRANDS)}律师事务所",
                lambda: f"{rng.choice(BRANDS)}会计师事务所",
                lambda: f"{place}{rng.choice(['青年', '妇女', '少数民族', '非遗'])}创业协会",
            ]
            return area, lambda _a: rng.choice(options)()
        if type_code == "window":
            area = rng.choice([county, town, town])
            place = area.name
            options = [
                lambda: f"{place}政务服务中心{rng.choice(WINDOW_SERVICES)}窗口",
                lambda: f"{place}便民服务中心",
                lambda: f"{rng.choice(BANKS)}{_strip_suffix(place)}支行",
                lambda: f"{place}派出所户籍窗口",
                lambda: f"{place}供电营业厅",
                lambda: f"{_strip_suffix(place)}{'人民医院' if area.level == AreaLevel.COUNTY else '卫生院'}",
            ]
            return area, lambda _a: rng.choice(options)()
        if type_code == "military":
            return town, lambda attempt: f"第{cn_number(rng.randint(1, 30))}连队"
        if type_code == "education_base":
            area = rng.choice([county, town, village])
            place = area.name
            options = [
                lambda: f"{place}民族团结进步教育基地",
                lambda: f"{_strip_suffix(place)}革命纪念馆",
                lambda: f"{county_short}博物馆",
                lambda: f"{place}民俗文化馆",
                lambda: f"{place}非物质文化遗产传习所",
            ]
            return area, lambda _a: rng.choice(options)()
        if type_code == "agency":
            return town, lambda _a: f"{town_short}{rng.choice(TOWNSHIP_OFFICES)}"
        # other
        area = rng.choice([town, village, village])
        place = area.name
        options = [
            lambda: f"{place}综合文化站",
            lambda: f"{place}新时代文明实践站",
            lambda: f"{place}老年活动中心",
            lambda: f"{place}图书室",
            lambda: (
                f"{rng.choice(BRANDS)}{rng.choice(['棉花', '果蔬', '养殖', '葡萄', '红枣'])}农民专业合作社"
            ),
        ]
        return area, lambda _a: rng.choice(options)()

    # -- statistics

    def build_stats(self) -> None:
        """Village figures drawn at random; townships and counties are the sums of their children."""
        rng = self.rng
        for county in self.counties:
            base_share = rng.uniform(0.05, 0.7)
            county_totals = {y: [0, 0, 0, 0] for y in self.years}
            for town in self.townships[county.code]:
                town_totals = {y: [0, 0, 0, 0] for y in self.years}
                for village in self.villages[town.code]:
                    is_community = village.name.endswith("社区")
                    households = rng.randint(800, 4000) if is_community else rng.randint(150, 1500)
                    people_per = rng.uniform(2.4, 3.4)
                    share = min(0.98, max(0.005, rng.gauss(base_share, 0.15)))
                    groups = rng.randint(2, 18 if is_community else 8)
                    for k, year in enumerate(self.years):
                        growth = 1 + 0.01 * k * rng.uniform(-1, 2)
                        hh = max(1, round(households * growth))
                        pop = round(hh * people_per)
                        minority = min(pop, round(pop * share))
                        eg = min(56, groups + (1 if k and rng.random() < 0.1 else 0))
                        self.data.stats.append(StatRow(village.code, year, hh, pop, minority, eg))
                        t = town_totals[year]
                        t[0], t[1], t[2], t[3] = t[0] + hh, t[1] + pop, t[2] + minority, max(t[3], eg)
                for year, (hh, pop, minority, eg) in town_totals.items():
                    eg = min(56, eg + rng.randint(0, 4))
                    self.data.stats.append(StatRow(town.code, year, hh, pop, minority, eg))
                    c = county_totals[year]
                    c[0], c[1], c[2], c[3] = c[0] + hh, c[1] + pop, c[2] + minority, max(c[3], eg)
            for year, (hh, pop, minority, eg) in county_totals.items():
                self.data.stats.append(
                    StatRow(county.code, year, hh, pop, minority, min(56, eg + rng.randint(0, 6)))
                )


def generate_city(spec: CitySpec, years: list[int]) -> CityData:
    builder = _CityBuilder(spec, years)
    builder.build_areas()
    builder.build_units()
    builder.build_stats()
    return builder.data
