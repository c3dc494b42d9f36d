"""Suggested scores computed from platform records: each suggestion's figure holds exactly the records counted,
linking to their list; without quiz responses, survey rates come only from survey evidence; batch measurement matches the single one;
gap lists and snapshots."""

import datetime
from decimal import Decimal as D

import pytest

from shiliu.activities.tests.factories import make_activity
from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.creation import services
from shiliu.creation.choices import RecordSource, VetoStatus
from shiliu.creation.evidence import measure_many, suggest
from shiliu.creation.gaps import compute_snapshots
from shiliu.creation.models import GapSnapshot
from shiliu.creation.selectors import gap_list
from shiliu.creation.services.common import SYSTEM
from shiliu.honors.choices import CandidateKind, CandidateStage
from shiliu.honors.tests import factories as honors
from shiliu.pairing.tests.factories import make_pairing, make_project

from .factories import make_batch, make_candidate, make_system, score_self

pytestmark = pytest.mark.django_db
Y = datetime.date(2025, 1, 1)


@pytest.fixture
def world(tree):
    system = make_system()
    candidate = make_candidate(tree.unit_user_a, make_batch(tree.county_a), unit=tree.unit_a)
    for month in (2, 5, 9):
        make_activity(unit=tree.unit_a, start=datetime.date(2025, month, 10))
    make_activity(unit=tree.unit_a, start=datetime.date(2024, 12, 1))  # other year
    make_activity(unit=tree.unit_b, start=datetime.date(2025, 3, 1))  # other unit
    pairing = make_pairing(
        tree.dept, tree.village_a, start=datetime.date(2024, 6, 1), end=datetime.date(2026, 6, 1)
    )
    make_project(pairing, started_on=datetime.date(2025, 4, 1))
    make_pairing(tree.dept, tree.village_b)
    return tree, system, candidate


def _item(system, code):
    return system.indicators.get(code=code)


def test_activities_suggestion_counts_the_units_records_of_the_year(world):
    tree, system, candidate = world
    s = suggest(user=tree.unit_user_a, indicator=_item(system, "A2"), candidate=candidate)
    assert s.value == 3 and s.points == 25  # 4 required, 5 deducted per missing
    assert s.figure.records.count() == s.value
    assert {a.unit_id for a in s.figure.records} == {tree.unit_a.pk}
    assert (
        "/activities/" in s.figure.url
        and f"unit={tree.unit_a.pk}" in s.figure.url
        and "2025-01-01" in s.figure.url
    )
    assert "3" in s.basis and "25" in s.basis


def test_suggestions_only_count_what_the_user_may_see(world):
    tree, system, candidate = world
    s = suggest(user=tree.office_b, indicator=_item(system, "A2"), candidate=candidate)
    assert s.value == 0 and s.figure.records.count() == 0


def test_pairing_coverage_of_a_community_counts_its_village_pairings(world):
    tree, system, candidate = world
    s = suggest(user=tree.office_a, indicator=_item(system, "B2"), candidate=candidate)
    assert s.value == 1 and s.points == 15 and s.figure.records.count() == 1
    assert s.figure.records.get().village == tree.village_a


def test_without_quizzes_survey_rate_comes_only_from_survey_evidence(world):
    tree, system, candidate = world
    b1 = _item(system, "B1")
    s = suggest(user=tree.unit_user_a, indicator=b1, candidate=candidate)
    assert s.points is None and not s.available and "survey" in s.basis
    row = candidate.assessments.get(kind="self").item_scores.get(indicator=b1)
    with pytest.raises(ApplicationError):
        services.evidence_add(actor=tree.unit_user_a, item_score=row, kind="survey", rate=80)
    ev = services.evidence_add(actor=tree.unit_user_a, item_score=row, kind="survey", rate=75, sample_size=200,
                               note="入户问卷")  # fmt: skip
    s = suggest(user=tree.unit_user_a, indicator=b1, candidate=candidate)
    assert s.value == 75 and s.points == 15  # linear from 60 % (0) to 90 % (30)
    assert list(s.figure.records) == [ev]


def test_honours_bonus_counts_collective_honours_of_the_unit(world):
    tree, system, candidate = world
    collective = honors.make_candidate(
        tree.office_a, unit=tree.unit_a, kind=CandidateKind.COLLECTIVE, name="团结社区"
    )
    honors.advance(
        tree.office_a, collective, CandidateStage.COMMENDED, decision_date=datetime.date(2025, 9, 1)
    )
    s = suggest(user=tree.office_a, indicator=_item(system, "X1"), candidate=candidate)
    assert s.value == 1 and s.points == 3 and s.figure.records.count() == 1


def test_request_rate_source_reads_request_figures(world):
    tree, system, candidate = world
    from shiliu.creation.models import Indicator

    item = Indicator(system=system, code="R", title="诉求满意率", points=D(7), rule_kind="rate_threshold",
                     rule_params={"threshold": 90}, source=RecordSource.REQUEST_SATISFACTION)  # fmt: skip
    s = suggest(user=tree.office_a, indicator=item, candidate=candidate)
    # No requests in the area: nothing to suggest, said plainly (never a made-up rate).
    assert s.points is None and not s.available and s.basis


def test_assessment_suggest_stores_suggestions_and_evidence_link(world):
    tree, system, candidate = world
    assessment = candidate.assessments.get(kind="self")
    services.assessment_suggest(actor=tree.unit_user_a, assessment=assessment)
    row = assessment.item_scores.get(indicator__code="A2")
    assert row.suggested_points == 25 and row.measured_value == 3 and row.suggestion_basis
    activity = make_activity(unit=tree.unit_a, start=datetime.date(2025, 11, 1))
    ev = services.evidence_link(actor=tree.unit_user_a, item_score=row, kind="ledger",
                                content_type="activities.activity", object_id=activity.pk)  # fmt: skip
    assert ev.content_type.model == "activity" and ev.object_id == activity.pk and ev.title
    foreign = make_activity(unit=tree.unit_b, start=datetime.date(2025, 11, 1))
    with pytest.raises(NotVisible):
        services.evidence_link(actor=tree.unit_user_a, item_score=row, kind="ledger",
                               content_type="activities.activity", object_id=foreign.pk)  # fmt: skip


def test_measure_many_equals_single_measurements(world):
    tree, system, candidate = world
    units = [
        (u.pk, u.area_id, u.area_path, u.unit_type.code) for u in (tree.unit_a, tree.unit_b, tree.unit_a2)
    ]
    areas = [
        (tree.county_a.pk, tree.county_a.path),
        (tree.town_a.pk, tree.town_a.path),
        (tree.city.pk, tree.city.path),
    ]
    for source in (RecordSource.ACTIVITIES, RecordSource.PAIRING_COVERAGE, RecordSource.PAIRING_PROJECTS):
        many = measure_many(user=SYSTEM, source=source, params={}, year=2025, units=units, areas=areas)
        from shiliu.creation.evidence import measure

        for unit in (tree.unit_a, tree.unit_b, tree.unit_a2):
            value, _fig = measure(user=SYSTEM, source=source, params={}, unit=unit, area=unit.area, year=2025)
            assert many[f"u{unit.pk}"] == value, (source, unit)
        for area in (tree.county_a, tree.town_a, tree.city):
            value, _fig = measure(user=SYSTEM, source=source, params={}, unit=None, area=area, year=2025)
            assert many[f"a{area.pk}"] == value, (source, area)
    assert (
        measure_many(user=SYSTEM, source="activities", params={}, year=2025, units=units)[
            f"u{tree.unit_a.pk}"
        ]
        == 3
    )


def test_gap_list_items_veto_and_todo(world):
    tree, system, candidate = world
    score_self(
        tree.unit_user_a,
        candidate,
        points={"A1": 10, "A2": None, "B1": None, "B2": 30, "X1": None},
        default=None,
    )
    gaps = gap_list(user=tree.unit_user_a, candidate=candidate)
    by = {i.indicator.code: i for i in gaps.items}
    assert (by["A1"].points, by["A1"].points_source) == (10, "self")
    assert (by["A2"].points, by["A2"].points_source, by["A2"].missing) == (25, "suggested", 5)
    assert by["A2"].needed == 4 and "4" in by["A2"].action
    assert (by["B1"].points, by["B1"].points_source) == (0, "none") and "survey" in by["B1"].action
    assert gaps.score == 65 and gaps.total == 65 and gaps.pass_line == 90 and gaps.shortfall == 25
    assert not gaps.is_passing and gaps.veto == VetoStatus.CLEAR and gaps.ladder is None
    assert [i.indicator.code for i in gaps.todo][:2] == ["B1", "A2"]
    assert by["A1"].category.code == "A"


def test_snapshots_for_every_unit_and_peer_comparison(world):
    tree, system, candidate = world
    stats = compute_snapshots(year=2025)
    assert stats["units"] == 2 and stats["candidates"] == 1  # the two communities; the candidate
    unit_a = GapSnapshot.objects.get(subject_key=f"u{tree.unit_a.pk}")
    items = {row[0]: row for row in unit_a.items}
    a2 = _item(system, "A2")
    assert items[a2.pk][3] == 25 and items[a2.pk][4] == 3  # suggested, measured
    # unit_a: A2 25 + B2 15 = 40 (A1, B1 unmeasurable); unit_b: A2 1 activity → 15, B2 1 pairing → 15
    assert unit_a.total == 40
    assert GapSnapshot.objects.get(subject_key=f"u{tree.unit_b.pk}").total == 30
    gaps = gap_list(user=tree.office_a, candidate=candidate)
    # Peers of the type: the other units (the candidate's own unit left out): unit_b at 30, below the live 40.
    assert (gaps.peers.type_count, gaps.peers.type_rank, gaps.peers.type_average) == (1, 1, 30)
    assert (
        gaps.peers.type_percentile == 100 and gaps.peers.level_count == 0
    )  # the only candidate of its level
    # idempotent: a second run replaces the rows
    compute_snapshots(year=2025)
    assert GapSnapshot.objects.count() == 3
    from shiliu.creation.models import GapPeerGroup

    groups = {g.group: g for g in GapPeerGroup.objects.filter(system=system)}
    assert groups["type"].count == 2 and groups["type"].distribution == {"40.00": 1, "30.00": 1}
    assert groups["county"].count == 1
    # a unit archived since is dropped
    tree.unit_b.status = "archived"
    tree.unit_b.save()
    compute_snapshots(year=2025)
    assert not GapSnapshot.objects.filter(subject_key=f"u{tree.unit_b.pk}").exists()


def test_snapshot_of_a_candidate_equals_its_gap_list(world):
    tree, system, candidate = world
    score_self(
        tree.unit_user_a,
        candidate,
        points={"A1": 10, "A2": None, "B1": None, "B2": 30, "X1": 5},
        default=None,
    )
    compute_snapshots(year=2025)
    snap = GapSnapshot.objects.get(subject_key=f"c{candidate.pk}")
    gaps = gap_list(user=SYSTEM, candidate=candidate)
    assert (snap.score, snap.bonus, snap.total, snap.is_passing) == (
        gaps.score,
        gaps.bonus,
        gaps.total,
        gaps.is_passing,
    )
    assert snap.level == "county"


def test_gap_list_of_the_demo_system_reads_each_source_once(tree, django_assert_max_num_queries):
    from shiliu.creation.demo_systems import demo_systems_ensure

    demo_systems_ensure(year=2025)
    candidate = make_candidate(tree.unit_user_a, make_batch(tree.county_a), unit=tree.unit_a)
    compute_snapshots(year=2025)
    # 8 record-based items (request figures shared by two; the survey item reads the quiz figures, then the
    # survey evidence), veto, peers: a fixed number of statements.
    with django_assert_max_num_queries(20):
        gaps = gap_list(user=tree.unit_user_a, candidate=candidate)
    assert len(gaps.items) == 17 and gaps.pass_line == 90  # 16 items and the bonus item
    assert gaps.peers.type_count == 1 and gaps.peers.computed_at is not None  # the other community


def test_snapshot_of_a_candidate_under_an_older_system_measures_its_own_items(world):
    tree, system, candidate = world
    newer = make_system(name="东城区新体系")
    newer.area, newer.area_path = tree.county_a, tree.county_a.path  # more specific: the unit's system now
    newer.save()
    newer.indicators.filter(code="A2").update(source_params={"activity_type": "theory_study"})
    compute_snapshots(year=2025)
    unit_snap = GapSnapshot.objects.get(subject_key=f"u{tree.unit_a.pk}")
    cand_snap = GapSnapshot.objects.get(subject_key=f"c{candidate.pk}")
    assert unit_snap.system == newer and cand_snap.system == system
    a2_new, a2_old = newer.indicators.get(code="A2"), system.indicators.get(code="A2")
    assert {r[0]: r[4] for r in unit_snap.items}[a2_new.pk] == 0  # no theory-study activities
    assert {r[0]: r[4] for r in cand_snap.items}[a2_old.pk] == 3  # all activities of the year
