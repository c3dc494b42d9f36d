"""honour_figures against counts made independently of the selectors, and against the lists they link to."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from shiliu.honors.choices import CandidateStage, HonourLevel
from shiliu.honors.models import Honour, ModelCandidate
from shiliu.honors.selectors import honour_figures

from .factories import advance, make_candidate


@pytest.fixture
def ledger(tree):
    d = datetime.date
    plan = [
        # (actor, unit, area, discovered, final stage, level, decided)
        (tree.office_a, tree.unit_a, None, d(2024, 3, 1), CandidateStage.COMMENDED, HonourLevel.COUNTY, d(2024, 9, 1)),
        (tree.office_a, tree.unit_a, None, d(2025, 3, 1), CandidateStage.COMMENDED, HonourLevel.CITY, d(2025, 9, 1)),
        (tree.office_a, tree.unit_a2, None, d(2025, 4, 1), CandidateStage.RECOMMENDED, None, None),
        (tree.office_a, None, tree.village_a, d(2025, 5, 1), CandidateStage.CULTIVATING, None, None),
        (tree.office_a, None, tree.town_a, d(2025, 6, 1), CandidateStage.DISCOVERED, None, None),
        (tree.office_b, tree.unit_b, None, d(2025, 2, 1), CandidateStage.COMMENDED, HonourLevel.PROVINCE, d(2025, 8, 1)),
        (tree.office_b, tree.unit_b, None, d(2025, 2, 2), CandidateStage.DISCOVERED, None, None),
        (tree.city_office, tree.dept, None, d(2025, 1, 5), CandidateStage.COMMENDED, HonourLevel.NATIONAL, d(2025, 7, 1)),
    ]  # fmt: skip
    for n, (actor, unit, area, found, stage, level, decided) in enumerate(plan):
        c = make_candidate(actor, unit=unit, area=area, name=f"典型{n}", discovered_on=found)
        if stage != CandidateStage.DISCOVERED:
            advance(actor if stage != CandidateStage.COMMENDED else tree.city_office, c, stage, level=level or HonourLevel.CITY,
                    decision_date=decided or d(2025, 1, 1))  # fmt: skip
    from shiliu.honors.services import candidate_reject

    candidate_reject(
        actor=tree.office_b, candidate=ModelCandidate.objects.get(name="典型6"), reason="不符合条件"
    )
    return tree


def independent(user_area_path, *, within=None, start=None, end=None, unit_id=None):
    """Counts by plain Python over all rows (no selector, no scope engine)."""
    stages, levels = {}, {}
    for c in ModelCandidate.objects.select_related("area"):
        if user_area_path and not c.area.path.startswith(user_area_path):
            continue
        if unit_id and c.unit_id != unit_id:
            continue
        if within and not c.area.path.startswith(within.path):
            continue
        if (start and c.discovered_on < start) or (end and c.discovered_on > end):
            continue
        stages[c.stage] = stages.get(c.stage, 0) + 1
    for h in Honour.objects.select_related("candidate__area"):
        path = h.candidate.area.path
        if user_area_path and not path.startswith(user_area_path):
            continue
        if unit_id and h.candidate.unit_id != unit_id:
            continue
        if within and not path.startswith(within.path):
            continue
        if (start and h.decision_date < start) or (end and h.decision_date > end):
            continue
        levels[h.level] = levels.get(h.level, 0) + 1
    return stages, levels


CASES = [
    ("city_office", None, None, None),
    ("city_office", "county_a", None, None),
    ("city_office", None, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    ("office_a", None, datetime.date(2025, 1, 1), None),
    ("office_b", None, None, datetime.date(2025, 12, 31)),
    ("unit_a", None, None, None),
    ("admin", "county_b", None, None),
    ("office_a", "county_b", None, None),  # a foreign area counts nothing
]


@pytest.mark.parametrize("username,area,start,end", CASES)
def test_figures_match_independent_counts_and_their_lists(ledger, username, area, start, end):
    from shiliu.accounts.models import User

    user = User.objects.get(username=username)
    within = getattr(ledger, area) if area else None
    figures = honour_figures(user=user, area=within, start=start, end=end)
    foreign = username == "office_a" and area == "county_b"
    stages, levels = ({}, {}) if foreign else independent(
        user.area.path if user.area_id and username != "admin" else None,
        within=within, start=start, end=end, unit_id=user.unit_id,
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    for stage in CandidateStage.values:
        figure = figures[f"candidates_{stage}"]
        assert figure.value == stages.get(stage, 0) == figure.records.count(), stage
        assert_list_shows(client, figure)
    for level in HonourLevel.values:
        figure = figures[f"honours_{level}"]
        assert figure.value == levels.get(level, 0) == figure.records.count(), level
        assert_list_shows(client, figure)
    assert figures["candidates_total"].value == sum(stages.values())
    assert figures["honours_total"].value == sum(levels.values())


def assert_list_shows(client, figure):
    """The figure's link opens a list showing exactly its records."""
    parts = urlsplit(figure.url)
    response = client.get(parts.path, dict(parse_qsl(parts.query)) | {"sort": "created"})
    assert response.status_code == 200
    shown = {row.obj.pk for row in response.context["rows"]}
    assert response.context["total"] == figure.value
    assert shown == set(figure.records.values_list("pk", flat=True))


def test_figures_take_two_queries(ledger, django_assert_num_queries):
    with django_assert_num_queries(2):
        honour_figures(user=ledger.admin)
