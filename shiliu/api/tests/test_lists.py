"""Paging, sorting and query counts of the API lists, and the OpenAPI document."""

import pytest
from django.test import Client

from shiliu.orgs.tests.factories import make_unit

pytestmark = pytest.mark.django_db


def walk(client, url, **params):
    """Follow next_cursor to the end; return the ids in order and the pages seen."""
    seen, pages, cursor = [], 0, None
    while True:
        response = client.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["id"] for row in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            return seen, pages, body["count"]
        assert pages < 50, "pagination does not end"


@pytest.mark.parametrize("sort", ["-id", "id", "name", "-name"])
def test_units_walk_every_row_once_in_order(tree, api_as, sort):
    for n in range(7):
        make_unit(tree.town_a, f"东关单位{n % 3}-{n}")
    client = api_as("office_a")

    seen, pages, count = walk(client, "/api/units", limit=3, sort=sort)

    assert len(seen) == len(set(seen)) == count == 9
    assert pages == 3
    full = [row["id"] for row in client.get("/api/units", {"limit": 200, "sort": sort}).json()["items"]]
    assert seen == full


def test_areas_walk_in_code_order(tree, api_as):
    seen, _pages, count = walk(api_as("city_office"), "/api/areas", limit=2)

    assert count == 8
    assert seen[:2] == [tree.city.pk, tree.county_a.pk]
    assert len(set(seen)) == 8


def test_unknown_sort_is_refused(tree, api_as):
    response = api_as("office_a").get("/api/units", {"sort": "contact_phone"})

    assert response.status_code == 400
    assert response.json()["field"] == "sort"


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjogMX0", "%%%"])
def test_malformed_cursor_is_refused(tree, api_as, cursor):
    response = api_as("office_a").get("/api/units", {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["field"] == "cursor"


def test_cursor_of_another_sort_is_refused(tree, api_as):
    client = api_as("city_office")
    cursor = client.get("/api/units", {"limit": 1, "sort": "name"}).json()["next_cursor"]

    assert client.get("/api/units", {"limit": 1, "sort": "-id", "cursor": cursor}).status_code == 400


def test_exhausted_cursor_gives_an_empty_page_not_the_first_again(tree, api_as):
    made = [make_unit(tree.town_a, f"临时单位{n}") for n in range(3)]
    client = api_as("city_office")
    first = client.get("/api/units", {"limit": 2, "q": "临时"}).json()
    assert [row["id"] for row in first["items"]] == [made[2].pk, made[1].pk]
    made[0].delete()

    after = client.get("/api/units", {"limit": 2, "q": "临时", "cursor": first["next_cursor"]}).json()

    assert after["items"] == []
    assert after["next_cursor"] is None


def test_foreign_cursor_cannot_widen_the_scope(tree, api_as):
    cursor = api_as("city_office").get("/api/units", {"limit": 1}).json()["next_cursor"]

    seen, _pages, _count = walk(api_as("office_b"), "/api/units", limit=1, cursor=cursor)

    assert set(seen) <= {tree.unit_b.pk}


@pytest.mark.parametrize("limit", [0, 201, "x"])
def test_limit_is_bounded(tree, api_as, limit):
    assert api_as("office_a").get("/api/units", {"limit": limit}).status_code == 422


@pytest.mark.parametrize(
    ("url", "extra"), [("/api/units", 30), ("/api/areas", 0), ("/api/area-statistics", 0)]
)
def test_list_query_count_does_not_grow_with_rows(tree, api_as, django_assert_num_queries, url, extra):
    client = api_as("city_office")
    client.get(url)  # first use of the token writes last_used_at

    # token lookup, count, page (related rows joined, not fetched one by one)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    for n in range(extra):
        make_unit(tree.village_b, f"和睦单位{n}")
    with django_assert_num_queries(3):
        assert client.get(url, {"limit": 50}).status_code == 200


def test_openapi_document_renders(tree, api_as):
    response = api_as("office_a").get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Shiliu API"
    assert schema["info"]["version"]
    for path in [
        "/api/areas",
        "/api/units",
        "/api/units/{unit_id}/archive",
        "/api/area-statistics",
        "/api/me",
    ]:
        assert path in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    # every operation requires one of the two auths
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert len(operation["security"]) == 2


def test_docs_page_renders_for_a_signed_in_user(tree):
    client = Client()
    client.force_login(tree.leader)

    response = client.get("/api/docs")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr" not in response.content  # served locally: the CSP allows only 'self'


def test_docs_are_not_public(tree, settings):
    settings.LOGIN_URL = "/accounts/login/"
    assert Client().get("/api/openapi.json").status_code == 302
    assert Client().get("/api/docs").status_code == 302
