"""The demo indicator systems (marked demo, consistent, publishable) and the demo seeder (deterministic,
idempotent, candidates at various stages, one named)."""

import pytest

from shiliu.creation.demo import seed_creation
from shiliu.creation.demo_systems import COMMUNITY_NAME, demo_systems_ensure
from shiliu.creation.models import Candidate, IndicatorSystem, Title
from shiliu.creation.services import system_problems
from shiliu.orgs.tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db


def test_demo_systems_have_the_domain_weights_and_are_marked_demo(db):
    community, county = demo_systems_ensure(year=2026)
    assert community.is_demo and county.is_demo and "不是官方" in community.note
    assert community.status == "published" and county.status == "published"
    top = lambda s: [int(c.points) for c in s.indicators.filter(parent=None, is_bonus=False).order_by("sort")]  # noqa: E731
    assert top(community) == [15, 20, 20, 15, 20, 10]
    assert top(county) == [15, 20, 15, 15, 15, 10, 10]
    assert community.indicators.get(code="2.1").rule_params == {"required": 4, "deduct": 2}
    assert community.indicators.filter(parent=None, is_bonus=True).get().points == 5
    assert community.veto_items.count() == 4 and system_problems(community) == []
    assert demo_systems_ensure(year=2026) == (community, county)  # idempotent
    assert IndicatorSystem.objects.filter(name=COMMUNITY_NAME).count() == 1


def test_demo_seeder_is_idempotent_with_a_named_candidate(tree):
    make_user("demo_city_office", "office", tree.city)
    make_user("demo_county_office", "office", tree.county_a)
    make_user("demo_unit", "unit", tree.village_a, tree.unit_a)
    for n in range(3):
        make_unit(tree.village_a, f"演示社区{n}", "community")
    added = seed_creation(scale="tiny")
    assert added == {"batches": 1, "candidates": 4}
    stages = sorted(Candidate.objects.values_list("stage", flat=True))
    assert stages == sorted(["named", "public_notice", "preliminary_review", "draft"])
    assert Candidate.objects.get(unit=tree.unit_a).stage == "draft"
    assert Title.objects.count() == 1
    named = Candidate.objects.get(stage="named")
    assert named.events.count() >= 10 and named.final_score >= 90
    assert seed_creation(scale="tiny") == {"batches": 0, "candidates": 0}


def test_flush_creation_removes_the_demo_provinces_records(tree):
    from shiliu.creation.demo import flush_creation
    from shiliu.creation.models import Batch

    make_user("demo_city_office", "office", tree.city)
    make_user("demo_county_office", "office", tree.county_a)
    make_user("demo_unit", "unit", tree.village_a, tree.unit_a)
    make_unit(tree.village_a, "演示社区9", "community")
    seed_creation(scale="tiny")
    assert Candidate.objects.exists() and Title.objects.exists()
    flush_creation()
    assert not Candidate.objects.exists() and not Title.objects.exists() and not Batch.objects.exists()
    assert IndicatorSystem.objects.filter(is_demo=True).count() == 2  # configuration stays
