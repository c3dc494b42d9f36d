"""The background gap-list computation (``compute_snapshots``, the ``gap_lists_compute`` task) against the
single-candidate ``gap_list``, on a small world with random ledgers (fixed seed): for every unit, the snapshot the
batch stores equals, item by item, what the gap list computes live for a candidacy of that unit.

This is the correctness side of the creation benchmark (``bench/creation.py`` times the same batch over 100,000
units): a faster batch must still give every unit the numbers its own gap list shows.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from shiliu.activities.tests.factories import make_activity, make_publicity
from shiliu.creation.choices import (
    CreationLevel,
    IndicatorLevel,
    RecordSource,
    RuleKind,
    SystemStatus,
    TargetKind,
)
from shiliu.creation.gaps import compute_snapshots, gap_list
from shiliu.creation.models import GapSnapshot, Indicator, IndicatorSystem
from shiliu.creation.services.common import SYSTEM
from shiliu.honors.choices import CandidateKind, CandidateStage, HonourLevel
from shiliu.honors.tests import factories as honors
from shiliu.orgs.models import UnitType
from shiliu.orgs.tests.factories import make_unit
from shiliu.pairing.tests.factories import make_pairing, make_project
from shiliu.quizzes.models import Response
from shiliu.quizzes.tests.factories import answer, knowledge_quiz

from .factories import make_batch, make_candidate

pytestmark = pytest.mark.django_db
YEAR = 2025
D = datetime.date

# code, points, rule kind, rule params, source, source params, bonus
ITEMS = [
    ("A1", 20, RuleKind.DEDUCT_PER_MISSING, {"required": 4, "deduct": 5}, RecordSource.ACTIVITIES, {}, False),
    ("A2", 10, RuleKind.BANDS, {"bands": [[1, 5], [2, 10]]}, RecordSource.ACTIVITIES,
     {"activity_type": "festival"}, False),
    ("A3", 10, RuleKind.BANDS, {"bands": [[2, 4], [4, 10]]}, RecordSource.PUBLICITY, {}, False),
    ("A4", 5, RuleKind.ALL_OR_NOTHING, {"min": 1}, RecordSource.PUBLICITY, {"kind": "banner"}, False),
    ("B1", 20, RuleKind.BANDS, {"bands": [[1, 10], [2, 20]]}, RecordSource.PAIRING_COVERAGE, {}, False),
    ("B2", 15, RuleKind.ALL_OR_NOTHING, {"min": 1}, RecordSource.PAIRING_PROJECTS, {}, False),
    ("B3", 10, RuleKind.RATE_THRESHOLD, {"threshold": 90, "partial": "linear", "partial_from": 60},
     RecordSource.SURVEY_RATE, {}, False),
    ("B4", 10, RuleKind.MANUAL, {}, "", {}, False),
    ("X1", 5, RuleKind.BANDS, {"bands": [[1, 3], [2, 5]]}, RecordSource.HONOURS, {}, True),
    ("X2", 3, RuleKind.ALL_OR_NOTHING, {"min": 1}, RecordSource.HONOURS, {"levels": ["province", "national"]},
     True),
]  # fmt: skip


def build_system(type_code: str, *, area=None, name: str | None = None) -> IndicatorSystem:
    """A published unit system with every batchable record source (survey rates from quizzes too), a manual item
    and bonuses."""
    system = IndicatorSystem.objects.create(
        name=name or f"等价测试{type_code}",
        target_kind=TargetKind.UNIT,
        unit_type=UnitType.objects.get(code=type_code),
        year=YEAR,
        status=SystemStatus.PUBLISHED,
        pass_line=60,
        area=area,
        area_path=area.path if area else "",
    )
    categories = {}
    for sort, (code, points, kind, params, source, source_params, bonus) in enumerate(ITEMS, start=1):
        cat_code = "X" if bonus else code[0]
        if cat_code not in categories:
            categories[cat_code] = Indicator.objects.create(
                system=system, level=IndicatorLevel.CATEGORY, code=cat_code, title=f"类{cat_code}", points=0,
                is_bonus=bonus, sort=sort,
            )  # fmt: skip
        Indicator.objects.create(
            system=system, parent=categories[cat_code], level=IndicatorLevel.ITEM, code=code, title=f"项{code}",
            points=points, rule_kind=kind, rule_params=params, source=source, source_params=source_params,
            is_bonus=bonus, sort=sort,
        )  # fmt: skip
    return system


def random_day(rng: random.Random) -> datetime.date:
    """Mostly in the assessment year, some in the years around it (which must not count)."""
    year = rng.choice([YEAR - 1, YEAR, YEAR, YEAR, YEAR + 1])
    return D(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


@pytest.fixture
def world(tree):
    rng = random.Random(20251123)
    tree.extra = [
        make_unit(tree.village_a, "团结社区第二居委会", "community"),
        make_unit(tree.town_b, "西山镇中学", "school"),
        make_unit(tree.village_b, "和睦商贸有限公司", "enterprise"),
        make_unit(tree.town_a, "东关物流有限公司", "enterprise"),
    ]
    units = [tree.unit_a, tree.unit_a2, tree.unit_b, tree.dept, *tree.extra]
    systems = {code: build_system(code) for code in ("community", "school", "enterprise", "agency")}
    # A county's own community system: the most specific issuing area wins for county_b's communities.
    systems["community_b"] = build_system("community", area=tree.county_b, name="西山县社区测评体系")
    for unit in units:
        for _ in range(rng.randrange(0, 9)):
            start = random_day(rng)
            end = start + datetime.timedelta(days=rng.choice([0, 0, 0, 2, 20]))  # some cross a year's end
            make_activity(
                unit=unit, start=start, end=end, type_code=rng.choice(["festival", "lecture_tour", "sports"])
            )
        for _ in range(rng.randrange(0, 6)):
            make_publicity(unit=unit, start=random_day(rng), kind=rng.choice(["banner", "board", "online"]))
    make_activity(area=tree.county_a, start=D(YEAR, 5, 1))  # an office's own activity: no unit's
    villages = [tree.village_a, tree.village_b]
    for unit in rng.sample(units, 5):
        for village in rng.sample(villages, rng.randrange(1, 3)):
            start = rng.choice([D(2023, 3, 1), D(2024, 6, 1), D(YEAR, 2, 1), D(YEAR + 1, 2, 1)])
            pairing = make_pairing(unit, village, start=start, end=start + datetime.timedelta(days=500))
            for n in range(rng.randrange(0, 3)):
                make_project(pairing, name=f"帮扶项目{n}", started_on=random_day(rng))
    for unit in rng.sample(units, 4):
        office = tree.office_a if unit.area_path.startswith(tree.county_a.path) else tree.city_office
        collective = honors.make_candidate(
            office, unit=unit, kind=CandidateKind.COLLECTIVE, name=unit.name, discovered_on=D(2023, 1, 1)
        )
        level = rng.choice([HonourLevel.COUNTY, HonourLevel.CITY, HonourLevel.PROVINCE])
        honors.advance(
            office, collective, CandidateStage.COMMENDED, level=level, decision_date=random_day(rng)
        )
    # Quiz responses (the survey-rate item B3): a knowledge quiz for some units, answered in and around the year.
    for unit in rng.sample(units, 4):
        office = tree.office_a if unit.area_path.startswith(tree.county_a.path) else tree.city_office
        quiz = knowledge_quiz(office, unit=unit)
        for _ in range(rng.randrange(1, 8)):
            picks = ([0], [0, 2]) if rng.random() < 0.7 else ([1], [1])
            response = answer(quiz, *picks)
            day = random_day(rng)
            Response.objects.filter(pk=response.pk).update(
                submitted_at=timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10))
            )
    return tree, units, systems


def candidacies(tree, units):
    """A candidacy for every unit (county level, in a batch of the city: the same system as the snapshot)."""
    batch = make_batch(tree.city, level=CreationLevel.COUNTY, year=YEAR)
    return {unit.pk: make_candidate(tree.city_office, batch, unit=unit) for unit in units}


def assert_snapshot_equals_gap_list(snapshot: GapSnapshot, gaps) -> None:
    assert snapshot.system_id == gaps.system.pk
    rows = {row[0]: row for row in snapshot.items}
    assert set(rows) == {item.indicator.pk for item in gaps.items}
    for item in gaps.items:
        _id, points, max_points, suggested, measured = rows[item.indicator.pk]
        code = item.indicator.code
        assert Decimal(str(max_points)) == item.max_points, code
        live_points = item.suggestion.points if item.suggestion is not None else None
        live_value = item.suggestion.value if item.suggestion is not None else None
        assert (None if suggested is None else Decimal(str(suggested))) == live_points, (
            code,
            suggested,
            item,
        )
        assert (None if measured is None else Decimal(str(measured))) == live_value, (code, measured, item)
        assert Decimal(str(points or 0)) == item.points, code
    assert (snapshot.score, snapshot.bonus, snapshot.total, snapshot.pass_line) == (
        gaps.score,
        gaps.bonus,
        gaps.total,
        gaps.pass_line,
    )
    assert (snapshot.is_passing, snapshot.veto) == (gaps.is_passing, gaps.veto)


def test_every_units_snapshot_equals_its_live_gap_list(world):
    tree, units, systems = world
    stats = compute_snapshots(year=YEAR)
    assert stats["units"] == len(units)
    by_unit = candidacies(tree, units)
    measured_any = set()
    for unit in units:
        snapshot = GapSnapshot.objects.get(subject_key=f"u{unit.pk}")
        gaps = gap_list(user=SYSTEM, candidate=by_unit[unit.pk])
        assert_snapshot_equals_gap_list(snapshot, gaps)
        measured_any |= {i.indicator.code for i in gaps.items if i.suggestion and i.suggestion.value}
    # The random world exercises every batchable source (else the comparison proves little).
    assert {"A1", "A2", "A3", "A4", "B1", "B2", "B3", "X1"} <= measured_any
    # county_b's communities fall under its own system, the others under the platform's.
    assert GapSnapshot.objects.get(subject_key=f"u{tree.unit_b.pk}").system == systems["community_b"]
    assert GapSnapshot.objects.get(subject_key=f"u{tree.unit_a.pk}").system == systems["community"]


def test_candidate_snapshots_equal_the_gap_list_too(world):
    tree, units, _systems = world
    by_unit = candidacies(tree, units)
    stats = compute_snapshots(year=YEAR)
    assert stats["candidates"] == len(units)
    for unit in units:
        candidate = by_unit[unit.pk]
        snapshot = GapSnapshot.objects.get(subject_key=f"c{candidate.pk}")
        assert snapshot.candidate_id == candidate.pk and snapshot.level == CreationLevel.COUNTY
        assert_snapshot_equals_gap_list(snapshot, gap_list(user=SYSTEM, candidate=candidate))


def test_the_office_above_sees_the_same_gap_list_as_the_batch(world):
    """The batch reads with the system's full view; a city office sees the whole city, so nothing differs."""
    tree, units, _systems = world
    compute_snapshots(year=YEAR)
    by_unit = candidacies(tree, units)
    for unit in units:
        snapshot = GapSnapshot.objects.get(subject_key=f"u{unit.pk}")
        assert_snapshot_equals_gap_list(snapshot, gap_list(user=tree.city_office, candidate=by_unit[unit.pk]))


def test_a_subtree_run_refreshes_only_its_subtree(world):
    tree, units, _systems = world
    compute_snapshots(year=YEAR)
    before = {s.subject_key: (s.total, s.computed_at) for s in GapSnapshot.objects.all()}
    # Two new activities of the year, one in each county; only county_b is recomputed.
    make_activity(unit=tree.unit_b, start=D(YEAR, 10, 1))
    make_activity(unit=tree.unit_a, start=D(YEAR, 10, 1))
    stats = compute_snapshots(area=tree.county_b, year=YEAR)
    in_b = [u for u in units if u.area_path.startswith(tree.county_b.path)]
    assert stats["units"] == len(in_b) and stats["deleted"] == 0
    by_unit = candidacies(tree, units)
    for unit in units:
        snapshot = GapSnapshot.objects.get(subject_key=f"u{unit.pk}")
        if unit in in_b:
            assert snapshot.computed_at > before[f"u{unit.pk}"][1]
            assert_snapshot_equals_gap_list(snapshot, gap_list(user=SYSTEM, candidate=by_unit[unit.pk]))
        else:
            assert (snapshot.total, snapshot.computed_at) == before[f"u{unit.pk}"]
    assert GapSnapshot.objects.count() == len(before)


def test_the_task_stores_what_the_batch_function_stores(world):
    """``gap_lists_compute`` (immediate backend under test settings) runs the same batch: same rows."""
    from shiliu.creation.tasks import gap_lists_compute

    tree, units, _systems = world
    compute_snapshots(year=YEAR)
    direct = {s.subject_key: (s.system_id, s.total, s.items) for s in GapSnapshot.objects.all()}
    GapSnapshot.objects.all().delete()
    result = gap_lists_compute.enqueue(year=YEAR)
    assert result.return_value["units"] == len(units)
    queued = {s.subject_key: (s.system_id, s.total, s.items) for s in GapSnapshot.objects.all()}
    assert queued == direct
