"""The honors JSON API through HTTP: scoped candidates (the detail with its stage changes) and honours, filters,
sorts and pages, and the figures equal to the selector's with links to the web lists of exactly their records."""

import datetime

import pytest
from django.test import Client

from shiliu.accounts.models import ApiToken
from shiliu.honors.choices import CandidateStage, HonourLevel
from shiliu.honors.selectors import honour_figures
from shiliu.honors.services import candidate_reject

from .factories import advance, make_candidate

pytestmark = pytest.mark.django_db
D = datetime.date


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
    t.wang = make_candidate(t.office_a, unit=t.unit_a, name="王芳", discovered_on=D(2024, 3, 1))
    advance(
        t.city_office, t.wang, CandidateStage.COMMENDED, level=HonourLevel.CITY, decision_date=D(2024, 9, 1)
    )
    t.team = make_candidate(t.office_a, area=t.village_a, name="团结志愿服务队", discovered_on=D(2025, 5, 1))
    advance(t.office_a, t.team, CandidateStage.CULTIVATING)
    t.teacher = make_candidate(t.office_a, unit=t.unit_a2, name="马老师", discovered_on=D(2025, 6, 1))
    t.li = make_candidate(t.office_b, unit=t.unit_b, name="李明", discovered_on=D(2025, 2, 1))
    advance(
        t.city_office, t.li, CandidateStage.COMMENDED, level=HonourLevel.PROVINCE, decision_date=D(2025, 8, 1)
    )
    t.dropped = make_candidate(t.office_b, unit=t.unit_b, name="赵强", discovered_on=D(2025, 2, 2))
    candidate_reject(actor=t.office_b, candidate=t.dropped, reason="不符合条件")
    t.wang_honour = t.wang.honours.get()
    t.li_honour = t.li.honours.get()
    return t


# ---------------------------------------------------------------- candidates


def test_candidate_list_follows_the_scope(ledger):
    t = ledger

    body = as_user(t.office_a).get("/api/model-candidates").json()

    assert [i["id"] for i in body["items"]] == [t.teacher.pk, t.team.pk, t.wang.pk]  # latest found first
    wang = body["items"][2]
    assert wang["name"] == "王芳" and wang["kind"] == "individual" and wang["stage"] == "commended"
    assert wang["unit"] == {"id": t.unit_a.pk, "name": t.unit_a.name}
    assert body["items"][1]["unit"] is None and body["items"][1]["kind"] == "collective"
    assert set(ids(as_user(t.office_b).get("/api/model-candidates"))) == {t.li.pk, t.dropped.pk}
    assert ids(as_user(t.unit_user_a).get("/api/model-candidates")) == [t.wang.pk]
    assert len(ids(as_user(t.leader).get("/api/model-candidates"))) == 5
    assert ids(as_user(t.nobody).get("/api/model-candidates")) == []
    assert Client().get("/api/model-candidates").status_code == 401
    session = Client()
    session.force_login(t.office_b)
    assert set(ids(session.get("/api/model-candidates"))) == {t.li.pk, t.dropped.pk}


def test_candidate_filters_sorts_and_pages(ledger):
    t = ledger
    city = as_user(t.city_office)

    assert ids(city.get("/api/model-candidates", {"stage": "rejected"})) == [t.dropped.pk]
    assert ids(city.get("/api/model-candidates", {"kind": "collective"})) == [t.team.pk]
    assert ids(city.get("/api/model-candidates", {"level": "province"})) == [t.li.pk]
    assert ids(city.get("/api/model-candidates", {"year": 2024})) == [t.wang.pk]
    assert ids(city.get("/api/model-candidates", {"start": "2025-05-01", "end": "2025-05-31"})) == [t.team.pk]
    assert ids(city.get("/api/model-candidates", {"q": "马老"})) == [t.teacher.pk]
    assert set(ids(city.get("/api/model-candidates", {"area": t.county_b.pk}))) == {t.li.pk, t.dropped.pk}
    assert ids(as_user(t.office_a).get("/api/model-candidates", {"area": t.county_b.pk})) == []
    first = city.get("/api/model-candidates", {"sort": "id", "limit": 3}).json()
    assert first["count"] == 5 and [i["id"] for i in first["items"]] == [t.wang.pk, t.team.pk, t.teacher.pk]
    rest = city.get("/api/model-candidates", {"sort": "id", "limit": 3, "cursor": first["next_cursor"]})
    assert ids(rest) == [t.li.pk, t.dropped.pk] and rest.json()["next_cursor"] is None
    refused = city.get("/api/model-candidates", {"sort": "deeds"})
    assert refused.status_code == 400 and refused.json()["field"] == "sort"
    assert city.get("/api/model-candidates", {"cursor": "x"}).status_code == 400
    assert city.get("/api/model-candidates", {"stage": "famous"}).status_code == 422


def test_candidate_detail_has_its_stage_changes(ledger):
    t = ledger

    response = as_user(t.office_a).get(f"/api/model-candidates/{t.wang.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["deeds"]
    steps = [(s["from_stage"], s["to_stage"]) for s in body["transitions"]]
    assert steps[-3:] == [("discovered", "cultivating"), ("cultivating", "recommended"),
                          ("recommended", "commended")]  # fmt: skip
    assert all(s["by"] and s["at"] for s in body["transitions"])
    rejected = as_user(t.office_b).get(f"/api/model-candidates/{t.dropped.pk}").json()
    assert rejected["transitions"][-1]["to_stage"] == "rejected"
    assert rejected["transitions"][-1]["reason"] == "不符合条件"
    assert as_user(t.office_b).get(f"/api/model-candidates/{t.wang.pk}").status_code == 404
    assert as_user(t.unit_user_a).get(f"/api/model-candidates/{t.team.pk}").status_code == 404
    assert as_user(t.leader).get(f"/api/model-candidates/{t.wang.pk}").status_code == 200
    assert as_user(t.office_a).get("/api/model-candidates/999999").status_code == 404


# ---------------------------------------------------------------- honours


def test_honour_list(ledger):
    t = ledger
    city = as_user(t.city_office)

    body = city.get("/api/honours").json()
    assert [i["id"] for i in body["items"]] == [t.li_honour.pk, t.wang_honour.pk]  # latest decision first
    assert body["items"][1]["candidate"] == {"id": t.wang.pk, "name": "王芳", "kind": "individual"}
    assert body["items"][1]["level"] == "city" and body["items"][1]["decision_date"] == "2024-09-01"
    assert ids(city.get("/api/honours", {"level": "province"})) == [t.li_honour.pk]
    assert ids(city.get("/api/honours", {"year": 2024})) == [t.wang_honour.pk]
    assert ids(city.get("/api/honours", {"sort": "decision_date"})) == [t.wang_honour.pk, t.li_honour.pk]
    assert ids(as_user(t.office_a).get("/api/honours")) == [t.wang_honour.pk]
    assert ids(as_user(t.office_b).get("/api/honours")) == [t.li_honour.pk]
    assert city.get("/api/honours", {"sort": "title"}).status_code == 400
    assert city.get("/api/honours", {"level": "galactic"}).status_code == 422
    assert Client().get("/api/honours").status_code == 401


# ---------------------------------------------------------------- figures


def listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return {row.obj.pk for row in response.context["rows"]}


@pytest.mark.parametrize("who", ["city_office", "office_a", "unit_user_a", "leader"])
def test_figures_equal_the_home_panel_and_link_to_their_records(ledger, who):
    t = ledger
    user = getattr(t, who)
    client = as_user(user)
    session = Client(headers={"Accept-Language": "en"})
    session.force_login(user)
    for params in ({}, {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}, {"area": t.county_a.pk}):
        response = client.get("/api/honors/figures", params)
        assert response.status_code == 200, response.content
        body = {f["key"]: f for f in response.json()}
        expected = honour_figures(user=user, **params)
        assert set(body) == set(expected)
        for key, figure in expected.items():
            assert body[key]["value"] == figure.value, (who, key, params)
            assert body[key]["url"] == figure.url
            assert body[key]["breakdown"] == figure.breakdown
            assert listed(session, figure.url) == set(figure.records.values_list("pk", flat=True)), (
                key,
                params,
            )


def test_figures_numbers_and_errors(ledger):
    t = ledger
    city = as_user(t.city_office)

    body = {
        f["key"]: f
        for f in city.get("/api/honors/figures", {"start": "2025-01-01", "end": "2025-12-31"}).json()
    }
    assert body["candidates_total"]["value"] == 4  # found in 2025
    assert body["candidates_rejected"]["value"] == 1
    assert body["honours_total"]["value"] == 1 and body["honours_province"]["value"] == 1
    assert body["honours_total"]["breakdown"]["province"] == 1
    outside = as_user(t.office_a).get("/api/honors/figures", {"area": t.county_b.pk}).json()
    assert all(f["value"] == 0 for f in outside)
    backwards = city.get("/api/honors/figures", {"start": "2025-12-31", "end": "2025-01-01"})
    assert backwards.status_code == 400 and backwards.json()["field"] == "start"
    assert Client().get("/api/honors/figures").status_code == 401
