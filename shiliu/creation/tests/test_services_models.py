"""Database constraints of the creation models (the invariants the database holds itself)."""

import pytest
from django.db import IntegrityError, transaction

from shiliu.creation.choices import (
    STAGE_TRANSITIONS,
    TITLE_TRANSITIONS,
    CandidateStage,
    TargetKind,
    TitleStatus,
)
from shiliu.creation.models import IndicatorSystem

from .factories import make_batch, make_system


def test_every_stage_and_status_has_a_transition_row():
    assert set(STAGE_TRANSITIONS) == set(CandidateStage.values)
    assert set(TITLE_TRANSITIONS) == set(TitleStatus.values)


@pytest.mark.django_db
def test_factory_system_totals(tree):
    system = make_system()
    assert system.indicators.filter(level="category", is_bonus=False).count() == 2
    assert sum(i.points for i in system.indicators.filter(level="item", is_bonus=False)) == 100
    assert make_batch(tree.county_a).level == "county"


@pytest.mark.django_db
def test_unit_system_needs_a_unit_type_and_area_system_none(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorSystem.objects.create(name="x", target_kind=TargetKind.UNIT, year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorSystem.objects.create(name="y", target_kind=TargetKind.COUNTY, year=2025, pass_line=120)
    IndicatorSystem.objects.create(name="z", target_kind=TargetKind.COUNTY, year=2025)
