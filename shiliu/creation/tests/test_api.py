"""The creation JSON API through HTTP (the site's /api/ mount): indicator systems with their tree, scoped
candidates with scores and timeline, the gap list (as ``selectors.gap_list`` computes it) and titles."""

import pytest
from django.test import Client

from shiliu.accounts.models import ApiToken
from shiliu.creation import selectors
from shiliu.creation.choices import SystemStatus, TargetKind

from .factories import make_batch, make_candidate, make_system, score_self, title_for

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def walk(client, url, **params) -> list[int]:
    seen, cursor = [], None
    for _page in range(20):
        response = client.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        seen += ids(response)
        cursor = response.json()["next_cursor"]
        if not cursor:
            return seen
    raise AssertionError("pagination does not end")


@pytest.fixture
def world(tree):
    tree.system = make_system()
    tree.other_system = make_system(name="测试县测评体系", target_kind=TargetKind.COUNTY, unit_type_code=None,
                                    status=SystemStatus.DRAFT)  # fmt: skip
    tree.a = make_candidate(tree.unit_user_a, make_batch(tree.county_a), unit=tree.unit_a)
    tree.b = make_candidate(tree.office_b, make_batch(tree.county_b), unit=tree.unit_b)
    return tree


# ---------------------------------------------------------------- indicator systems


def test_system_list_filters_sorts_and_needs_a_scope(world):
    t = world
    client = as_user(t.office_a)

    assert sorted(ids(client.get("/api/indicator-systems"))) == sorted([t.system.pk, t.other_system.pk])
    [row] = client.get("/api/indicator-systems", {"target_kind": "unit"}).json()["items"]
    assert row["id"] == t.system.pk and row["unit_type"]["code"] == "community"
    assert row["pass_line"] == 90 and row["total_points"] == 100 and row["status"] == "published"
    assert ids(client.get("/api/indicator-systems", {"status": "draft"})) == [t.other_system.pk]
    assert ids(client.get("/api/indicator-systems", {"unit_type": "school"})) == []
    assert ids(client.get("/api/indicator-systems", {"demo": True})) == []
    assert ids(client.get("/api/indicator-systems", {"q": "测试县"})) == [t.other_system.pk]
    by_name = ids(client.get("/api/indicator-systems", {"sort": "name"}))
    assert walk(client, "/api/indicator-systems", sort="name", limit=1) == by_name
    assert client.get("/api/indicator-systems", {"sort": "note"}).status_code == 400
    assert client.get("/api/indicator-systems", {"target_kind": "planet"}).status_code == 422
    assert ids(as_user(t.nobody).get("/api/indicator-systems")) == []
    assert Client().get("/api/indicator-systems").status_code == 401


def test_system_detail_has_the_item_tree_and_veto_items(world):
    t = world
    response = as_user(t.leader).get(f"/api/indicator-systems/{t.system.pk}")

    assert response.status_code == 200
    body = response.json()
    items = body["items"]
    assert [i["code"] for i in items] == ["A", "A1", "A2", "B", "B1", "B2", "X", "X1"]
    by_code = {i["code"]: i for i in items}
    assert by_code["A"]["depth"] == 0 and by_code["A"]["parent"] is None and not by_code["A"]["is_leaf"]
    assert by_code["A2"]["parent"] == by_code["A"]["id"] and by_code["A2"]["is_leaf"]
    assert by_code["A2"]["rule_kind"] == "deduct_per_missing"
    assert by_code["A2"]["rule_params"] == {"required": 4, "deduct": 5}
    assert by_code["A2"]["source"] == "activities" and by_code["A2"]["evidence_kinds"] == ["ledger", "photo"]
    assert by_code["B1"]["points"] == 30 and by_code["X1"]["is_bonus"]
    assert [(v["code"], v["kind"]) for v in body["veto_items"]] == [
        ("V1", "mass_incident"),
        ("V2", "falsified"),
    ]

    assert as_user(t.office_b).get(f"/api/indicator-systems/{t.system.pk}").status_code == 200
    assert as_user(t.nobody).get(f"/api/indicator-systems/{t.system.pk}").status_code == 404
    assert as_user(t.office_a).get("/api/indicator-systems/999999").status_code == 404


# ---------------------------------------------------------------- candidates


def test_candidate_list_is_scoped_for_each_role(world):
    t = world
    assert ids(as_user(t.office_a).get("/api/creation-candidates")) == [t.a.pk]
    assert ids(as_user(t.office_b).get("/api/creation-candidates")) == [t.b.pk]
    assert ids(as_user(t.unit_user_a).get("/api/creation-candidates")) == [t.a.pk]
    assert sorted(ids(as_user(t.leader).get("/api/creation-candidates"))) == sorted([t.a.pk, t.b.pk])
    assert ids(as_user(t.nobody).get("/api/creation-candidates")) == []
    assert Client().get("/api/creation-candidates").status_code == 401

    session = Client()
    session.force_login(t.office_b)
    assert ids(session.get("/api/creation-candidates")) == [t.b.pk]


def test_candidate_list_filters_sorts_and_pages(world):
    t = world
    client = as_user(t.city_office)

    [row] = client.get("/api/creation-candidates", {"q": "和睦"}).json()["items"]
    assert row["id"] == t.b.pk and row["target_name"] == t.unit_b.name and row["stage"] == "draft"
    assert row["unit"] == {"id": t.unit_b.pk, "name": t.unit_b.name} and row["level"] == "county"
    assert row["system"]["id"] == t.system.pk
    assert ids(client.get("/api/creation-candidates", {"area": t.county_a.pk})) == [t.a.pk]
    assert ids(client.get("/api/creation-candidates", {"batch": t.b.batch_id})) == [t.b.pk]
    assert len(ids(client.get("/api/creation-candidates", {"stage": "open", "target_kind": "unit",
                                                            "unit_type": "community", "level": "county",
                                                            "year": 2025}))) == 2  # fmt: skip
    assert ids(client.get("/api/creation-candidates", {"stage": "submitted"})) == []
    assert ids(client.get("/api/creation-candidates", {"level": "national"})) == []
    assert ids(as_user(t.office_a).get("/api/creation-candidates", {"area": t.county_b.pk})) == []
    assert client.get("/api/creation-candidates", {"stage": "nonsense"}).status_code == 422

    assert walk(client, "/api/creation-candidates", sort="id", limit=1) == sorted([t.a.pk, t.b.pk])
    assert client.get("/api/creation-candidates", {"sort": "unit__name"}).json()["field"] == "sort"
    assert client.get("/api/creation-candidates", {"cursor": "garbage"}).json()["field"] == "cursor"


def test_candidate_detail_has_scores_timeline_and_actions(world):
    t = world
    score_self(t.unit_user_a, t.a)

    response = as_user(t.unit_user_a).get(f"/api/creation-candidates/{t.a.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["allowed_actions"] == ["submit", "withdraw"]
    assert body["scores"]["self_score"] == 105  # the total: 100 points and the full bonus of 5
    own = body["scores"]["self_assessment"]
    assert (own["kind"], own["score"], own["bonus"], own["total"]) == ("self", 100, 5, 105)
    assert body["scores"]["reviews"] == [] and body["scores"]["final"] is None
    assert [e["action"] for e in body["timeline"]][0] == "created"
    assert body["timeline"][0]["by"] == t.unit_user_a.username

    assert as_user(t.leader).get(f"/api/creation-candidates/{t.a.pk}").json()["allowed_actions"] == []
    assert as_user(t.office_b).get(f"/api/creation-candidates/{t.a.pk}").status_code == 404
    assert as_user(t.unit_user_a).get(f"/api/creation-candidates/{t.b.pk}").status_code == 404
    assert as_user(t.office_a).get("/api/creation-candidates/999999").status_code == 404


def test_gap_list_is_the_selectors(world):
    t = world
    score_self(t.unit_user_a, t.a, points={"A1": 0, "B2": 15})

    response = as_user(t.office_a).get(f"/api/creation-candidates/{t.a.pk}/gap-list")

    assert response.status_code == 200, response.content
    body = response.json()
    gap = selectors.gap_list(user=t.office_a, candidate=t.a)
    assert body["candidate"] == t.a.pk and body["system"]["id"] == t.system.pk
    assert body["basis"] == "self" and body["veto"] == "clear" and body["veto_checks"] == []
    assert body["score"] == float(gap.score) == 75
    assert body["pass_line"] == 90 and body["shortfall"] == float(gap.shortfall)
    assert body["is_passing"] is False
    items = {i["indicator"]["code"]: i for i in body["items"]}
    assert list(items) == [i.indicator.code for i in gap.items]
    assert (
        items["A1"]["missing"] == 10 and items["A1"]["points"] == 0 and items["A1"]["points_source"] == "self"
    )
    assert items["A1"]["category"]["code"] == "A" and items["A1"]["action"]
    assert items["B2"]["missing"] == 15 and items["B2"]["needed"] == 2
    assert items["A2"]["missing"] == 0
    assert set(body["peers"]) >= {"level_rank", "type_rank", "level_count"}

    assert as_user(t.office_b).get(f"/api/creation-candidates/{t.a.pk}/gap-list").status_code == 404
    assert as_user(t.office_a).get("/api/creation-candidates/999999/gap-list").status_code == 404


# ---------------------------------------------------------------- titles


@pytest.fixture
def titles(world):
    t = world
    t.title_a = title_for(t.office_a, unit=t.unit_a)
    t.title_b = title_for(t.office_b, unit=t.unit_b)
    return t


def test_titles_are_scoped_filtered_and_paged(titles):
    t = titles
    assert ids(as_user(t.office_a).get("/api/demonstration-titles")) == [t.title_a.pk]
    assert ids(as_user(t.unit_user_a).get("/api/demonstration-titles")) == [t.title_a.pk]
    client = as_user(t.leader)
    assert sorted(ids(client.get("/api/demonstration-titles"))) == sorted([t.title_a.pk, t.title_b.pk])

    [row] = client.get("/api/demonstration-titles", {"q": "和睦"}).json()["items"]
    assert row["id"] == t.title_b.pk and row["holder_name"] == t.unit_b.name and row["status"] == "active"
    assert row["document_number"] == "示范〔2024〕1号" and row["batch"] is None and row["candidate"] is None
    assert len(ids(client.get("/api/demonstration-titles", {"validity": "valid", "holder": "unit"}))) == 2
    assert ids(client.get("/api/demonstration-titles", {"holder": "area"})) == []
    assert ids(client.get("/api/demonstration-titles", {"area": t.county_b.pk})) == [t.title_b.pk]
    assert ids(client.get("/api/demonstration-titles", {"status": "revoked"})) == []
    assert client.get("/api/demonstration-titles", {"validity": "forever"}).status_code == 422
    assert walk(client, "/api/demonstration-titles", sort="-id", limit=1) == [t.title_b.pk, t.title_a.pk]
    assert client.get("/api/demonstration-titles", {"sort": "document_number"}).status_code == 400
    assert Client().get("/api/demonstration-titles").status_code == 401


def test_title_detail_has_the_timeline_and_hides_foreign_titles(titles):
    t = titles
    response = as_user(t.office_a).get(f"/api/demonstration-titles/{t.title_a.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"id": t.unit_a.pk, "name": t.unit_a.name}
    assert [e["to_status"] for e in body["timeline"]] == ["active"]
    assert as_user(t.office_b).get(f"/api/demonstration-titles/{t.title_a.pk}").status_code == 404
    assert as_user(t.office_a).get("/api/demonstration-titles/999999").status_code == 404
