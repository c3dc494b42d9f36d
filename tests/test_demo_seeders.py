"""The ledger apps' demo seeders (run by ``seed_demo``): they fill every ledger of the demo city, a second run adds
nothing, the same seed gives the same rows, and the figures and lists of the demo city are no longer empty."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from shiliu.accounts.models import User
from shiliu.activities.models import Activity, ActivityType, Campaign, PublicityItem
from shiliu.activities.selectors import activity_figures
from shiliu.honors.choices import CandidateStage
from shiliu.honors.models import CandidateTransition, Honour, ModelCandidate
from shiliu.pairing.choices import AssessmentStatus
from shiliu.pairing.models import (
    AssessmentRulebook,
    Pairing,
    PairingAssessment,
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
)
from shiliu.pairing.selectors import pairing_figures
from shiliu.venues.models import Venue, VenueVisitCount

pytestmark = pytest.mark.django_db

MODELS = [
    Venue, VenueVisitCount, Campaign, Activity, PublicityItem, Pairing, PairingVisit, PairingFund, PairingProject,
    PairingOutcome, AssessmentRulebook, PairingAssessment, ModelCandidate, CandidateTransition, Honour,
]  # fmt: skip


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", "--last-year", "2025", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def snapshot():
    return (
        sorted(
            Activity.objects.values_list("title", "unit__name", "area__code", "start_date", "participants")
        ),
        sorted(PairingFund.objects.values_list("pairing__village__code", "paid_on", "amount", "purpose")),
        sorted(
            PairingAssessment.objects.values_list("pairing__unit__name", "year", "total", "grade", "status")
        ),
        sorted(ModelCandidate.objects.values_list("name", "kind", "area__code", "stage")),
        sorted(VenueVisitCount.objects.values_list("venue__name", "period_start", "visitors")),
    )


def test_seeders_fill_every_ledger_and_a_second_run_adds_nothing():
    output = seed()
    first = counts()
    assert all(first.values()), first
    before = snapshot()
    seed()
    assert counts() == first
    assert snapshot() == before
    assert "demo records ready" in output


def test_the_demo_records_are_plausible():
    seed()
    today = timezone.localdate()
    # every activity type, units and area offices, nothing in the future
    assert set(Activity.objects.values_list("activity_type__code", flat=True)) == set(
        ActivityType.objects.filter(is_active=True).values_list("code", flat=True)
    )
    assert (
        Activity.objects.filter(unit__isnull=True).exists()
        and Activity.objects.filter(unit__isnull=False).exists()
    )
    assert not Activity.objects.filter(start_date__gt=today).exists()
    assert Activity.objects.filter(start_date__year=today.year - 1).exists()
    assert Campaign.objects.filter(name=f"{today.year - 1}年民族团结进步宣传月").exists()
    # pairings: villages in the unit's subtree, records within the pairing's period, last year's assessments
    for pairing in Pairing.objects.select_related("unit", "village"):
        assert pairing.village.path.startswith(pairing.unit.area_path)
    for model, field in (
        (PairingVisit, "visited_on"),
        (PairingFund, "paid_on"),
        (PairingOutcome, "reported_on"),
    ):
        for row in model.objects.select_related("pairing"):
            day = getattr(row, field)
            assert row.pairing.start <= day <= min(row.pairing.end, today)
            assert row.area_path == row.pairing.area_path
    assert PairingAssessment.objects.filter(year=today.year - 1, status=AssessmentStatus.SUBMITTED).exists()
    # candidates at several stages, every commended one with an honour
    stages = set(ModelCandidate.objects.values_list("stage", flat=True))
    assert {CandidateStage.COMMENDED, CandidateStage.CULTIVATING, CandidateStage.DISCOVERED} <= stages
    for candidate in ModelCandidate.objects.filter(stage=CandidateStage.COMMENDED):
        assert candidate.honours.exists()
        assert candidate.transitions.count() == 4  # discovered, cultivating, recommended, commended


def test_the_demo_city_figures_are_not_empty():
    seed()
    office = User.objects.get(username="demo_city_office")
    year = timezone.localdate().year - 1
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    activities = activity_figures(user=office, start=start, end=end)
    assert activities["activities"].value > 0 and activities["venue_visitors"].value > 0
    pairing = pairing_figures(user=office, start=start, end=end)
    assert pairing["pairings_active"].value > 0 and pairing["visits"].value > 0
    assert pairing["assessments"].value > 0


def test_no_records_skips_the_seeders_and_province_scale_is_left_alone():
    seed("--no-records")
    assert not any(counts().values())
    from shiliu.activities.demo import seed_activities
    from shiliu.honors.demo import seed_honors
    from shiliu.pairing.demo import seed_pairing
    from shiliu.venues.demo import seed_venues

    for seeder in (seed_venues, seed_activities, seed_pairing, seed_honors):
        assert not seeder(scale="province")
    assert not any(counts().values())


def test_the_flushers_remove_the_demo_ledger_records_and_the_reseed_is_the_same():
    """``seed_demo --flush`` deletes the demo org tree, which the ledger records protect: each app's flusher
    (``flush_<app>``, to be run in the reverse order of the seeders before the tree goes) removes them; seeding again
    then gives the same records. The flushers are the ones registered with the seeders, as seed_demo runs them."""
    from shiliu.core.demo import seeders

    seed()
    first, before = counts(), snapshot()
    flushers = [s.flush for s in reversed(seeders()) if s.flush is not None]
    assert {f.__name__ for f in flushers} >= {
        "flush_honors",
        "flush_pairing",
        "flush_activities",
        "flush_venues",
    }
    for flush in flushers:
        flush()
    # campaigns are platform-wide, not demo-province records
    assert counts() == {name: n if name == "Campaign" else 0 for name, n in first.items()}
    seed()
    assert counts() == first
    assert snapshot() == before
