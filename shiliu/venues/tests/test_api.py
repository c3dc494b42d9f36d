"""The venues JSON API through HTTP: scoped lists and details of venues and the list of visitor counts."""

import datetime

import pytest
from django.test import Client

from shiliu.accounts.models import ApiToken

from .factories import make_venue, make_visits

pytestmark = pytest.mark.django_db
D = datetime.date


def as_user(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def ledger(tree):
    t = tree
    t.park = make_venue(
        t.village_a, "团结主题公园", "theme_park", level="city", address="东关路1号", capacity=800
    )
    t.hall = make_venue(t.county_a, "东城区民族团结展馆", "exhibition_hall", status="archived")
    t.square = make_venue(t.village_b, "西山广场", "square")
    t.park_march = make_visits(t.park, D(2026, 3, 1), 300, D(2026, 3, 31))
    t.park_april = make_visits(t.park, D(2026, 4, 1), 450, D(2026, 4, 30))
    t.square_march = make_visits(t.square, D(2026, 3, 1), 90, D(2026, 3, 31))
    return t


def test_venue_list_follows_the_scope(ledger):
    t = ledger

    mine = as_user(t.office_a).get("/api/venues")

    assert set(ids(mine)) == {t.hall.pk, t.park.pk}
    park = next(i for i in mine.json()["items"] if i["id"] == t.park.pk)
    assert park["venue_type"] == {"code": "theme_park", "name": "主题公园"}
    assert park["area"] == {"id": t.village_a.pk, "name": t.village_a.name}
    assert park["level"] == "city" and park["status"] == "active" and park["capacity"] == 800
    assert ids(as_user(t.office_b).get("/api/venues")) == [t.square.pk]
    assert len(ids(as_user(t.leader).get("/api/venues"))) == 3
    assert ids(as_user(t.nobody).get("/api/venues")) == []
    assert Client().get("/api/venues").status_code == 401
    session = Client()
    session.force_login(t.office_b)
    assert ids(session.get("/api/venues")) == [t.square.pk]


def test_venue_filters_sorts_and_pages(ledger):
    t = ledger
    office = as_user(t.city_office)

    assert ids(office.get("/api/venues", {"status": "archived"})) == [t.hall.pk]
    assert ids(office.get("/api/venues", {"venue_type": "square"})) == [t.square.pk]
    assert ids(office.get("/api/venues", {"level": "city"})) == [t.park.pk]
    assert ids(office.get("/api/venues", {"q": "东关路"})) == [t.park.pk]
    assert set(ids(office.get("/api/venues", {"area": t.county_a.pk}))) == {t.park.pk, t.hall.pk}
    assert ids(as_user(t.office_a).get("/api/venues", {"area": t.county_b.pk})) == []
    first = office.get("/api/venues", {"sort": "-id", "limit": 2}).json()
    assert first["count"] == 3
    assert [i["id"] for i in first["items"]] == [t.square.pk, t.hall.pk]
    assert ids(office.get("/api/venues", {"sort": "-id", "limit": 2, "cursor": first["next_cursor"]})) == [
        t.park.pk
    ]
    assert office.get("/api/venues", {"sort": "capacity"}).status_code == 400
    assert office.get("/api/venues", {"sort": "name", "cursor": first["next_cursor"]}).status_code == 400
    assert office.get("/api/venues", {"level": "galactic"}).status_code == 422


def test_venue_detail(ledger):
    t = ledger

    response = as_user(t.office_a).get(f"/api/venues/{t.park.pk}")

    assert response.status_code == 200
    assert response.json()["address"] == "东关路1号" and response.json()["opening_info"] == ""
    assert as_user(t.office_b).get(f"/api/venues/{t.park.pk}").status_code == 404
    assert as_user(t.office_a).get("/api/venues/999999").status_code == 404
    assert as_user(t.leader).get(f"/api/venues/{t.park.pk}").status_code == 200


def test_visit_list_is_scoped_filtered_and_sorted(ledger):
    t = ledger
    office = as_user(t.office_a)

    body = office.get("/api/venue-visits").json()
    assert [i["id"] for i in body["items"]] == [t.park_april.pk, t.park_march.pk]  # newest period first
    assert body["items"][0]["venue"] == {"id": t.park.pk, "name": "团结主题公园"}
    assert body["items"][0]["visitors"] == 450
    assert ids(as_user(t.office_b).get("/api/venue-visits")) == [t.square_march.pk]
    city = as_user(t.city_office)
    assert set(ids(city.get("/api/venue-visits", {"date_from": "2026-03-01", "date_to": "2026-03-31"}))) == {
        t.park_march.pk,
        t.square_march.pk,
    }
    assert ids(city.get("/api/venue-visits", {"venue": t.square.pk})) == [t.square_march.pk]
    assert set(ids(city.get("/api/venue-visits", {"venue_type": "theme_park"}))) == {
        t.park_march.pk,
        t.park_april.pk,
    }
    assert ids(city.get("/api/venue-visits", {"sort": "visitors"})) == [
        t.square_march.pk,
        t.park_march.pk,
        t.park_april.pk,
    ]
    assert city.get("/api/venue-visits", {"sort": "note"}).status_code == 400
    assert city.get("/api/venue-visits", {"date_to": "31/03/2026"}).status_code == 422
    assert Client().get("/api/venue-visits").status_code == 401
