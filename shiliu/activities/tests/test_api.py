"""The activities JSON API through HTTP: scoped lists and details (attachment metadata with the scoped download),
filters, sorts and pages, and the figures equal to the selector's with links to the web lists of their records.

Uses the site's URLconf, so that the figures' links resolve and can be followed to the web lists.
"""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

from shiliu.accounts.models import ApiToken
from shiliu.activities.selectors import activity_figures, activity_list, publicity_list
from shiliu.core.attachments import attachment_store
from shiliu.venues.selectors import venue_list, visit_list
from shiliu.venues.tests.factories import make_venue, make_visits

from .factories import make_activity, make_campaign, make_publicity, png_bytes, upload

pytestmark = pytest.mark.django_db
D = datetime.date


def as_user(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def ledger(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LIST_PAGE_SIZE = 100
    t = tree
    t.venue = make_venue(t.village_a, "东城民族团结广场", "square")
    t.own = make_activity(area=t.county_a, title="东城区宣讲", type_code="lecture_tour", start=D(2026, 3, 1),
                          participants=40)  # fmt: skip
    t.of_unit = make_activity(unit=t.unit_a, title="社区节庆", start=D(2026, 9, 10), participants=120,
                              venue=t.venue)  # fmt: skip
    t.of_school = make_activity(unit=t.unit_a2, title="学校展览", type_code="exhibition", start=D(2026, 5, 2))
    t.foreign = make_activity(unit=t.unit_b, title="西山村活动", start=D(2026, 9, 12), participants=7)
    t.banner = make_publicity(area=t.county_a, title="团结横幅", kind="banner", reach=300)
    t.post = make_publicity(unit=t.unit_a, title="公众号推文", kind="online", reach=5000, start=D(2026, 9, 5))
    t.foreign_post = make_publicity(unit=t.unit_b, title="西山推文", kind="online", reach=10)
    make_visits(t.venue, D(2026, 9, 1), 500, D(2026, 9, 30))
    t.campaign = make_campaign()
    return t


# ---------------------------------------------------------------- activities


def test_list_follows_the_scope(ledger):
    t = ledger

    mine = as_user(t.office_a).get("/api/activities")

    assert set(ids(mine)) == {t.own.pk, t.of_unit.pk, t.of_school.pk}
    assert mine.json()["count"] == 3
    item = next(i for i in mine.json()["items"] if i["id"] == t.of_unit.pk)
    assert item["activity_type"] == {"code": "festival", "name": "节庆活动"}
    assert item["unit"] == {"id": t.unit_a.pk, "name": t.unit_a.name}
    assert item["entry_type"]["code"] == "community" and item["participants"] == 120
    assert set(ids(as_user(t.office_b).get("/api/activities"))) == {t.foreign.pk}
    assert ids(as_user(t.unit_user_a).get("/api/activities")) == [t.of_unit.pk]
    assert len(ids(as_user(t.leader).get("/api/activities"))) == 4
    assert ids(as_user(t.nobody).get("/api/activities")) == []
    assert Client().get("/api/activities").status_code == 401


def test_session_auth_reads(ledger):
    client = Client()
    client.force_login(ledger.office_b)

    assert ids(client.get("/api/activities")) == [ledger.foreign.pk]


def test_list_filters_sorts_and_pages(ledger):
    t = ledger
    office = as_user(t.city_office)

    assert ids(office.get("/api/activities", {"activity_type": "exhibition"})) == [t.of_school.pk]
    assert ids(office.get("/api/activities", {"entry_type": "none"})) == [t.own.pk]
    assert ids(office.get("/api/activities", {"venue": t.venue.pk})) == [t.of_unit.pk]
    assert set(ids(office.get("/api/activities", {"area": t.county_b.pk}))) == {t.foreign.pk}
    assert set(ids(office.get("/api/activities", {"campaign": t.campaign.pk}))) == {
        t.of_unit.pk,
        t.foreign.pk,
    }
    assert ids(office.get("/api/activities", {"date_from": "2026-04-01", "date_to": "2026-06-30"})) == [
        t.of_school.pk
    ]
    assert ids(office.get("/api/activities", {"q": "宣讲"})) == [t.own.pk]
    # An area outside the scope gives nothing, as on the web list.
    assert ids(as_user(t.office_a).get("/api/activities", {"area": t.county_b.pk})) == []

    default = ids(office.get("/api/activities"))
    assert default == [t.foreign.pk, t.of_unit.pk, t.of_school.pk, t.own.pk]  # newest start first
    first = office.get("/api/activities", {"sort": "participants", "limit": 2}).json()
    assert [i["id"] for i in first["items"]] == [t.of_school.pk, t.foreign.pk]
    second = office.get(
        "/api/activities", {"sort": "participants", "limit": 2, "cursor": first["next_cursor"]}
    )
    assert ids(second) == [t.own.pk, t.of_unit.pk]
    assert second.json()["next_cursor"] is None
    assert (
        office.get("/api/activities", {"sort": "-participants", "cursor": first["next_cursor"]}).status_code
        == 400
    )
    refused = office.get("/api/activities", {"sort": "organisers"})
    assert refused.status_code == 400 and refused.json()["field"] == "sort"
    assert office.get("/api/activities", {"cursor": "garbage"}).status_code == 400
    assert office.get("/api/activities", {"date_from": "not-a-date"}).status_code == 422


def test_detail_has_attachments_with_the_scoped_download(ledger):
    t = ledger
    attachment = attachment_store(
        owner=t.of_unit, uploaded=upload("合影.png", png_bytes()), uploaded_by=t.office_a
    )
    office = as_user(t.office_a)

    response = office.get(f"/api/activities/{t.of_unit.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "社区节庆" and body["venue"] == {"id": t.venue.pk, "name": "东城民族团结广场"}
    [meta] = body["attachments"]
    assert meta["name"] == "合影.png" and meta["type"] == "image/png" and meta["size"] == attachment.size
    assert meta["url"] == reverse("core:attachment", args=[attachment.pk])
    session = Client()
    session.force_login(t.office_a)
    assert session.get(meta["url"]).status_code == 200
    foreign = Client()
    foreign.force_login(t.office_b)
    assert foreign.get(meta["url"]).status_code == 404


def test_detail_hides_foreign_and_missing_records(ledger):
    t = ledger

    assert as_user(t.office_b).get(f"/api/activities/{t.of_unit.pk}").status_code == 404
    assert as_user(t.unit_user_a).get(f"/api/activities/{t.own.pk}").status_code == 404
    assert as_user(t.leader).get(f"/api/activities/{t.own.pk}").status_code == 200
    missing = as_user(t.office_a).get("/api/activities/999999")
    assert missing.status_code == 404 and missing.json()["detail"] == "Not found."


# ---------------------------------------------------------------- publicity


def test_publicity_list_and_detail(ledger):
    t = ledger
    office = as_user(t.office_a)

    assert set(ids(office.get("/api/publicity"))) == {t.banner.pk, t.post.pk}
    assert ids(office.get("/api/publicity", {"kind": "online"})) == [t.post.pk]
    assert ids(office.get("/api/publicity", {"sort": "-reach"})) == [t.post.pk, t.banner.pk]
    assert office.get("/api/publicity", {"kind": "leaflet"}).status_code == 422
    assert office.get("/api/publicity", {"sort": "outlet"}).status_code == 400
    assert ids(as_user(t.unit_user_a).get("/api/publicity")) == [t.post.pk]

    detail = office.get(f"/api/publicity/{t.post.pk}")
    assert detail.status_code == 200
    assert detail.json()["kind"] == "online" and detail.json()["reach"] == 5000
    assert detail.json()["attachments"] == []
    assert office.get(f"/api/publicity/{t.foreign_post.pk}").status_code == 404


# ---------------------------------------------------------------- figures

COUNTED = {
    "activities": activity_list,
    "activities_by_type": activity_list,
    "activities_by_entry_type": activity_list,
    "publicity": publicity_list,
    "publicity_by_kind": publicity_list,
    "venues": venue_list,
}


@pytest.mark.parametrize("who", ["city_office", "office_a", "unit_user_a", "leader"])
def test_figures_equal_the_home_panel_and_link_to_their_records(ledger, who):
    t = ledger
    user = getattr(t, who)
    client = as_user(user)
    session = Client(headers={"Accept-Language": "en"})
    session.force_login(user)
    for params in ({}, {"area": t.county_a.pk, "start": "2026-09-01", "end": "2026-09-30"},
                   {"campaign": t.campaign.pk}):  # fmt: skip
        response = client.get("/api/activities/figures", params)
        assert response.status_code == 200, response.content
        body = {f["key"]: f for f in response.json()}
        expected = activity_figures(user=user, **params)
        assert set(body) == set(expected)
        for key, figure in expected.items():
            assert body[key]["value"] == figure.value, (who, key, params)
            assert body[key]["url"] == figure.url
            assert body[key]["breakdown"] == {k: b.value for k, b in figure.breakdown.items()}
        for key, selector in COUNTED.items():
            url = body[key]["url"]
            assert resolve(urlsplit(url).path).url_name == selector.__name__
            filters = dict(parse_qsl(urlsplit(url).query))
            assert selector(user=user, filters=filters).count() == body[key]["value"], (who, key, params)
            page = session.get(url)
            assert page.status_code == 200
            assert {row.obj.pk for row in page.context["rows"]} == set(
                expected[key].records.values_list("pk", flat=True)
            )
        visits = body["venue_visitors"]
        filters = dict(parse_qsl(urlsplit(visits["url"]).query))
        assert sum(v.visitors for v in visit_list(user=user, filters=filters)) == visits["value"]


def test_figures_of_a_period_and_an_area_outside_the_scope(ledger):
    t = ledger
    office = as_user(t.office_a)

    september = {f["key"]: f for f in office.get("/api/activities/figures", {"start": "2026-09-01",
                                                                             "end": "2026-09-30"}).json()}  # fmt: skip
    assert september["activities"]["value"] == 1 and september["participants"]["value"] == 120
    assert september["venue_visitors"]["value"] == 500
    assert september["activities_by_type"]["breakdown"] == {"festival": 1}
    outside = office.get("/api/activities/figures", {"area": t.county_b.pk}).json()
    assert all(f["value"] == 0 for f in outside)
    backwards = office.get("/api/activities/figures", {"start": "2026-09-30", "end": "2026-09-01"})
    assert backwards.status_code == 400 and backwards.json()["field"] == "start"
    assert Client().get("/api/activities/figures").status_code == 401


def test_openapi_lists_the_endpoints():
    from shiliu.api.api import api

    paths = api.get_openapi_schema()["paths"]
    for path in ("/api/activities", "/api/activities/{activity_id}", "/api/activities/figures",
                 "/api/publicity", "/api/publicity/{item_id}"):  # fmt: skip
        assert path in paths and set(paths[path]) == {"get"}
