"""pairing_figures: values equal independently computed sums, and each figure's records are the rows of the
list its URL opens."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from shiliu.pairing import services
from shiliu.pairing.choices import Grade
from shiliu.pairing.selectors import pairing_figures

from .factories import D, make_fund, make_outcome, make_pairing, make_project, make_rulebook, make_visit


@pytest.fixture
def ledger(tree, settings):
    settings.LIST_PAGE_SIZE = 100
    t = tree
    t.p1 = make_pairing(t.dept, t.village_a, start=D(2024, 1, 1), end=D(2025, 12, 31))
    t.p2 = make_pairing(t.unit_a2, t.village_a, start=D(2025, 6, 1), end=D(2026, 12, 31))
    t.p3 = make_pairing(t.unit_b, t.village_b, start=D(2026, 1, 1), end=D(2026, 12, 31))
    make_visit(t.p1, visited_on=D(2024, 5, 1), people=4)
    make_visit(t.p1, visited_on=D(2025, 5, 1), people=6)
    make_visit(t.p2, visited_on=D(2025, 7, 1), people=2)
    make_visit(t.p3, visited_on=D(2026, 2, 1), people=9)
    make_fund(t.p1, paid_on=D(2025, 3, 1), amount="1000.50")
    make_fund(t.p2, paid_on=D(2025, 8, 1), amount="250.25")
    make_fund(t.p3, paid_on=D(2026, 3, 1), amount="99")
    make_project(t.p1, name="a", started_on=D(2025, 1, 1), amount="100", beneficiaries=10)
    make_project(
        t.p1, name="b", started_on=D(2025, 2, 1), amount="200", beneficiaries=20, status="in_progress"
    )
    make_project(t.p2, name="c", started_on=D(2025, 9, 1), amount="300", beneficiaries=30, status="completed",
                 completed_on=D(2025, 12, 1))  # fmt: skip
    make_project(t.p3, name="d", started_on=D(2026, 1, 5), amount="400", beneficiaries=40, status="cancelled")
    make_outcome(t.p1, reported_on=D(2025, 4, 1), jobs=3, problems=1)
    make_outcome(t.p2, reported_on=D(2025, 10, 1), jobs=5, problems=2)
    make_outcome(t.p3, reported_on=D(2026, 4, 1), jobs=7, problems=4)
    items = list(make_rulebook(t.city).items.all())
    for pairing, pts in ((t.p1, (30, 40, 25)), (t.p2, (20, 30, 10))):
        a = services.assessment_save(actor=t.city_office, pairing=pairing, year=2025, assessed_on=D(2025, 12, 1),
                                     scores={i.pk: p for i, p in zip(items, pts, strict=True)})  # fmt: skip
        services.assessment_submit(actor=t.city_office, assessment=a)
    return t


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username=user.username, password="Test-Passw0rd!")
    return client


def listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {row.obj.pk for row in response.context["rows"]}


def test_figures_of_2025_for_the_city_office(ledger):
    t = ledger
    f = pairing_figures(user=t.city_office, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))
    assert f["pairings_active"].value == 2  # p1, p2; p3 starts in 2026
    assert f["visits"].value == 2 and f["visit_people"].value == 8
    assert f["funds"].value == Decimal("1250.75")
    assert f["projects"].value == 3
    assert {k: v.value for k, v in f["projects"].breakdown.items()} == {
        "planned": 1, "in_progress": 1, "completed": 1, "cancelled": 0,
    }  # fmt: skip
    assert f["projects_amount"].value == Decimal("600") and f["beneficiaries"].value == 60
    assert f["jobs_arranged"].value == 8 and f["problems_solved"].value == 3
    assert f["assessments"].breakdown[Grade.EXCELLENT].value == 1  # 95
    assert f["assessments"].breakdown[Grade.PASS].value == 1  # 60
    assert f["assessments"].value == 2


def test_figures_follow_scope_and_area(ledger):
    t = ledger
    f = pairing_figures(user=t.office_b)
    assert f["pairings_active"].value == 1 and f["funds"].value == Decimal("99")
    f = pairing_figures(user=t.dept_user)
    assert f["visits"].value == 2 and f["jobs_arranged"].value == 3
    f = pairing_figures(user=t.city_office, area=t.county_b)
    assert f["projects_cancelled"].value == 1 and f["projects"].value == 1
    f = pairing_figures(user=t.nobody)
    assert all(fig.value == 0 for fig in f.values())


@pytest.mark.parametrize("who", ["city_office", "office_a", "dept_user", "leader"])
def test_every_figure_records_equal_its_list_rows(ledger, who):
    user = getattr(ledger, who)
    client = client_for(user)
    for kwargs in ({}, {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}, {"area": ledger.county_a}):
        figures = pairing_figures(user=user, **kwargs)
        flat = list(figures.values())
        flat += [b for fig in figures.values() for b in fig.breakdown.values()]
        for fig in flat:
            assert listed(client, fig.url) == set(fig.records.values_list("pk", flat=True)), (
                who,
                fig.key,
                kwargs,
            )


def test_figures_take_one_statement_per_ledger(ledger, django_assert_max_num_queries):
    t = ledger
    with django_assert_max_num_queries(6):
        pairing_figures(user=t.city_office, start=D(2025, 1, 1), end=D(2025, 12, 31))
    with django_assert_max_num_queries(7):  # plus the area, looked up once for all six lists
        f = pairing_figures(user=t.city_office, area=t.county_b, start=D(2025, 1, 1), end=D(2026, 12, 31))
    assert f["projects"].value == 1 and f["projects_amount"].value == Decimal("400")


def test_an_area_outside_the_scope_gives_nothing(ledger):
    f = pairing_figures(user=ledger.office_b, area=ledger.county_a)
    assert all(fig.value == 0 for fig in f.values())
    assert all(not fig.records.exists() for fig in f.values())
