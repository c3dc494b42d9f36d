"""The pairing JSON API through HTTP: scoped pairings and record lists (filters, sorts, pages), the detail, and the
figures equal to the selector's with links to the web lists of exactly their records."""

from decimal import Decimal

import pytest
from django.test import Client

from shiliu.accounts.models import ApiToken
from shiliu.pairing import services
from shiliu.pairing.selectors import pairing_figures

from .factories import D, make_fund, make_outcome, make_pairing, make_project, make_rulebook, make_visit

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def ledger(tree, settings):
    settings.LIST_PAGE_SIZE = 100
    t = tree
    t.p1 = make_pairing(t.dept, t.village_a, start=D(2024, 1, 1), end=D(2025, 12, 31), goals="产业帮扶")
    t.p2 = make_pairing(t.unit_a, t.village_a, start=D(2025, 6, 1), end=D(2026, 12, 31))
    t.p3 = make_pairing(t.unit_b, t.village_b, start=D(2026, 1, 1), end=D(2026, 12, 31))
    t.v1 = make_visit(t.p1, visited_on=D(2024, 5, 1), people=4, activities="座谈")
    t.v2 = make_visit(t.p1, visited_on=D(2025, 5, 1), people=6, activities="入户走访")
    t.v3 = make_visit(t.p2, visited_on=D(2025, 7, 1), people=2)
    t.v4 = make_visit(t.p3, visited_on=D(2026, 2, 1), people=9)
    t.f1 = make_fund(t.p1, paid_on=D(2025, 3, 1), amount="1000.50", source="fiscal")
    t.f2 = make_fund(t.p2, paid_on=D(2025, 8, 1), amount="250.25")
    t.f3 = make_fund(t.p3, paid_on=D(2026, 3, 1), amount="99")
    t.j1 = make_project(t.p1, name="文化广场", started_on=D(2025, 1, 1), amount="100", beneficiaries=10)
    t.j2 = make_project(t.p2, name="饮水工程", started_on=D(2025, 9, 1), amount="300", beneficiaries=30,
                        status="completed", completed_on=D(2025, 12, 1))  # fmt: skip
    t.j3 = make_project(t.p3, name="道路硬化", started_on=D(2026, 1, 5), amount="400", status="cancelled")
    t.o1 = make_outcome(t.p1, reported_on=D(2025, 4, 1), jobs=3, problems=1)
    t.o2 = make_outcome(t.p3, reported_on=D(2026, 4, 1), jobs=7, problems=4)
    t.rulebook = make_rulebook(t.city)
    items = list(t.rulebook.items.all())
    t.assessments = []
    for pairing, pts in ((t.p1, (30, 40, 25)), (t.p2, (20, 30, 10))):
        a = services.assessment_save(actor=t.city_office, pairing=pairing, year=2025, assessed_on=D(2025, 12, 1),
                                     scores={i.pk: p for i, p in zip(items, pts, strict=True)})  # fmt: skip
        services.assessment_submit(actor=t.city_office, assessment=a)
        t.assessments.append(a)
    return t


# ---------------------------------------------------------------- pairings


def test_pairing_list_follows_the_scope(ledger):
    t = ledger

    body = as_user(t.office_a).get("/api/pairings").json()

    assert [i["id"] for i in body["items"]] == [t.p2.pk, t.p1.pk]  # latest start first
    assert body["items"][0]["unit"] == {"id": t.unit_a.pk, "name": t.unit_a.name}
    assert body["items"][0]["village"] == {"id": t.village_a.pk, "name": t.village_a.name}
    assert ids(as_user(t.office_b).get("/api/pairings")) == [t.p3.pk]
    assert ids(as_user(t.unit_user_a).get("/api/pairings")) == [t.p2.pk]
    assert ids(as_user(t.dept_user).get("/api/pairings")) == [t.p1.pk]
    assert len(ids(as_user(t.leader).get("/api/pairings"))) == 3
    assert ids(as_user(t.nobody).get("/api/pairings")) == []
    assert Client().get("/api/pairings").status_code == 401
    session = Client()
    session.force_login(t.office_b)
    assert ids(session.get("/api/pairings")) == [t.p3.pk]


def test_pairing_filters_sorts_and_pages(ledger):
    t = ledger
    city = as_user(t.city_office)

    assert set(ids(city.get("/api/pairings", {"year": 2024}))) == {t.p1.pk}
    assert set(ids(city.get("/api/pairings", {"start": "2026-01-01", "end": "2026-06-30"}))) == {
        t.p2.pk,
        t.p3.pk,
    }
    assert ids(city.get("/api/pairings", {"unit": t.unit_b.pk})) == [t.p3.pk]
    assert set(ids(city.get("/api/pairings", {"area": t.county_a.pk}))) == {t.p1.pk, t.p2.pk}
    assert ids(city.get("/api/pairings", {"q": "和睦"})) == [t.p3.pk]
    assert ids(as_user(t.office_a).get("/api/pairings", {"area": t.county_b.pk})) == []
    assert city.get("/api/pairings", {"state": "someday"}).status_code == 422
    first = city.get("/api/pairings", {"sort": "end", "limit": 2}).json()
    assert first["count"] == 3 and [i["id"] for i in first["items"]] == [t.p1.pk, t.p2.pk]
    rest = city.get("/api/pairings", {"sort": "end", "limit": 2, "cursor": first["next_cursor"]})
    assert ids(rest) == [t.p3.pk] and rest.json()["next_cursor"] is None
    refused = city.get("/api/pairings", {"sort": "goals"})
    assert refused.status_code == 400 and refused.json()["field"] == "sort"
    assert city.get("/api/pairings", {"cursor": "bad"}).status_code == 400


def test_pairing_detail(ledger):
    t = ledger

    response = as_user(t.office_a).get(f"/api/pairings/{t.p1.pk}")

    assert response.status_code == 200
    assert response.json()["goals"] == "产业帮扶" and response.json()["start"] == "2024-01-01"
    assert as_user(t.office_b).get(f"/api/pairings/{t.p1.pk}").status_code == 404
    assert as_user(t.unit_user_a).get(f"/api/pairings/{t.p1.pk}").status_code == 404
    assert as_user(t.leader).get(f"/api/pairings/{t.p1.pk}").status_code == 200
    assert as_user(t.office_a).get("/api/pairings/999999").status_code == 404


# ---------------------------------------------------------------- records


def test_record_lists_are_scoped_and_filtered(ledger):
    t = ledger
    office = as_user(t.office_a)
    liaison = as_user(t.unit_user_a)

    visits = office.get("/api/pairing-visits").json()
    assert [i["id"] for i in visits["items"]] == [t.v3.pk, t.v2.pk, t.v1.pk]
    assert visits["items"][0]["pairing"]["id"] == t.p2.pk and visits["items"][0]["people"] == 2
    assert ids(office.get("/api/pairing-visits", {"year": 2025, "sort": "people"})) == [t.v3.pk, t.v2.pk]
    assert ids(office.get("/api/pairing-visits", {"pairing": t.p1.pk, "q": "入户"})) == [t.v2.pk]
    assert ids(liaison.get("/api/pairing-visits")) == [t.v3.pk]

    funds = office.get("/api/pairing-funds", {"source": "fiscal"}).json()
    assert [i["id"] for i in funds["items"]] == [t.f1.pk]
    assert Decimal(funds["items"][0]["amount"]) == Decimal("1000.50")
    assert ids(office.get("/api/pairing-funds", {"sort": "amount"})) == [t.f2.pk, t.f1.pk]
    assert ids(as_user(t.office_b).get("/api/pairing-funds")) == [t.f3.pk]
    assert office.get("/api/pairing-funds", {"source": "lottery"}).status_code == 422

    projects = office.get("/api/pairing-projects", {"status": "completed"}).json()
    assert [i["id"] for i in projects["items"]] == [t.j2.pk]
    assert projects["items"][0]["completed_on"] == "2025-12-01"
    assert ids(office.get("/api/pairing-projects", {"start": "2025-06-01", "end": "2025-12-31"})) == [t.j2.pk]
    assert ids(liaison.get("/api/pairing-projects")) == [t.j2.pk]

    assert ids(office.get("/api/pairing-outcomes")) == [t.o1.pk]
    assert ids(as_user(t.city_office).get("/api/pairing-outcomes", {"unit": t.unit_b.pk})) == [t.o2.pk]
    assert ids(liaison.get("/api/pairing-outcomes")) == []

    for url in (
        "/api/pairing-visits",
        "/api/pairing-funds",
        "/api/pairing-projects",
        "/api/pairing-outcomes",
    ):
        assert office.get(url, {"sort": "area_path"}).status_code == 400, url
        assert Client().get(url).status_code == 401, url


def test_assessments_and_rulebooks(ledger):
    t = ledger
    office = as_user(t.office_a)
    first, second = t.assessments

    body = office.get("/api/pairing-assessments", {"sort": "total"}).json()
    assert [i["id"] for i in body["items"]] == [second.pk, first.pk]
    assert body["items"][1]["grade"] == "excellent" and body["items"][1]["status"] == "submitted"
    assert Decimal(body["items"][1]["total"]) == Decimal("95")
    assert ids(office.get("/api/pairing-assessments", {"grade": "excellent"})) == [first.pk]
    assert ids(office.get("/api/pairing-assessments", {"year": 2024})) == []
    assert ids(as_user(t.unit_user_a).get("/api/pairing-assessments")) == [second.pk]
    assert ids(as_user(t.office_b).get("/api/pairing-assessments")) == []
    assert "assessor" not in body["items"][0]

    rulebooks = as_user(t.city_office).get("/api/pairing-rulebooks", {"year": 2025}).json()
    assert [i["id"] for i in rulebooks["items"]] == [t.rulebook.pk]
    assert rulebooks["items"][0]["area"] == {"id": t.city.pk, "name": t.city.name}
    assert office.get("/api/pairing-rulebooks", {"sort": "name"}).status_code == 400


# ---------------------------------------------------------------- figures


def listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return {row.obj.pk for row in response.context["rows"]}


@pytest.mark.parametrize("who", ["city_office", "office_a", "unit_user_a"])
def test_figures_equal_the_home_panel_and_link_to_their_records(ledger, who):
    t = ledger
    user = getattr(t, who)
    client = as_user(user)
    session = Client(headers={"Accept-Language": "en"})
    session.force_login(user)
    for params in ({"start": "2025-01-01", "end": "2025-12-31"}, {"area": t.county_a.pk}, {}):
        response = client.get("/api/pairing/figures", params)
        assert response.status_code == 200, response.content
        body = {f["key"]: f for f in response.json()}
        expected = pairing_figures(user=user, **params)
        assert set(body) == set(expected)
        for key, figure in expected.items():
            assert body[key]["value"] == pytest.approx(float(figure.value)), (who, key, params)
            assert body[key]["url"] == figure.url
            assert listed(session, figure.url) == set(figure.records.values_list("pk", flat=True)), (
                key,
                params,
            )
            for part_key, part in figure.breakdown.items():
                assert body[key]["breakdown"][part_key] == part.value
                assert listed(session, part.url) == set(part.records.values_list("pk", flat=True))


def test_figures_of_this_year_match_the_home_panel_numbers(ledger):
    t = ledger

    body = {f["key"]: f for f in as_user(t.city_office).get(
        "/api/pairing/figures", {"start": "2025-01-01", "end": "2025-12-31"}).json()}  # fmt: skip

    assert body["pairings_active"]["value"] == 2
    assert body["visits"]["value"] == 2 and body["visit_people"]["value"] == 8
    assert body["funds"]["value"] == pytest.approx(1250.75)
    assert body["projects"]["breakdown"] == {"planned": 1, "in_progress": 0, "completed": 1, "cancelled": 0}
    assert body["assessments"]["breakdown"]["excellent"] == 1
    outside = as_user(t.office_b).get("/api/pairing/figures", {"area": t.county_a.pk}).json()
    assert all(f["value"] == 0 for f in outside)
    backwards = as_user(t.city_office).get(
        "/api/pairing/figures", {"start": "2025-12-31", "end": "2025-01-01"}
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "start"
    assert as_user(t.city_office).get("/api/pairing/figures", {"start": "soon"}).status_code == 422
