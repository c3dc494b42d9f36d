"""The scope matrix of the API: every endpoint probed by users of the same area, an ancestor, a sibling and none.

Target objects live in county A (东城区). office_a works there (same area), city_office and leader above it
(ancestor), office_b in county B (sibling), grid_a in a grid below it, nobody has no area at all.
"""

import json

import pytest

from shiliu.orgs.models import Area, AreaStatistics, Unit
from shiliu.orgs.tests.factories import credit_code

pytestmark = pytest.mark.django_db

JSON = "application/json"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


# ---------------------------------------------------------------- units


UNIT_LISTS = {
    "admin": {"unit_a", "unit_a2", "unit_b", "dept"},
    "city_office": {"unit_a", "unit_a2", "unit_b", "dept"},
    "leader": {"unit_a", "unit_a2", "unit_b", "dept"},
    "office_a": {"unit_a", "unit_a2"},
    "office_b": {"unit_b"},
    "unit_a": {"unit_a"},
    "dept": {"dept"},
    "grid_a": set(),
    "nobody": set(),
}


@pytest.mark.parametrize(("username", "expected"), UNIT_LISTS.items())
def test_unit_list_and_count_show_only_the_scope(tree, api_as, username, expected):
    response = api_as(username).get("/api/units", {"limit": 200})

    assert ids(response) == {getattr(tree, name).pk for name in expected}
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("username", ["office_b", "grid_a", "nobody", "unit_a"])
def test_unit_list_filtered_by_a_foreign_area_is_empty(tree, api_as, username):
    response = api_as(username).get(
        "/api/units", {"area": tree.town_a.pk if username != "unit_a" else tree.city.pk}
    )

    if username == "unit_a":
        # city lies above unit_a's area: the filter cannot widen the scope
        assert ids(response) <= {tree.unit_a.pk}
    else:
        assert ids(response) == set()
        assert response.json()["count"] == 0


UNIT_DETAIL = {  # target unit_a in village A
    "admin": 200,
    "city_office": 200,
    "leader": 200,
    "office_a": 200,
    "unit_a": 200,
    "office_b": 404,
    "dept": 404,
    "grid_a": 404,
    "nobody": 404,
}


@pytest.mark.parametrize(("username", "status"), UNIT_DETAIL.items())
def test_unit_detail(tree, api_as, username, status):
    response = api_as(username).get(f"/api/units/{tree.unit_a.pk}")

    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Not found."}


def test_missing_and_foreign_units_look_the_same(tree, api_as):
    client = api_as("office_b")
    foreign = client.get(f"/api/units/{tree.unit_a.pk}")
    missing = client.get("/api/units/999999")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


UNIT_WRITE = {  # target unit_a; leader and roles without write rights get 403 before any lookup
    "admin": 200,
    "city_office": 200,
    "office_a": 200,
    "unit_a": 200,
    "office_b": 404,
    "dept": 404,
    "leader": 403,
    "grid_a": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("username", "status"), UNIT_WRITE.items())
def test_unit_update(tree, api_as, username, status):
    response = api_as(username).patch(f"/api/units/{tree.unit_a.pk}", {"address": "新地址"}, JSON)

    assert response.status_code == status
    tree.unit_a.refresh_from_db()
    assert (tree.unit_a.address == "新地址") == (status == 200)


@pytest.mark.parametrize(("username", "status"), UNIT_WRITE.items())
def test_unit_archive(tree, api_as, username, status):
    response = api_as(username).post(f"/api/units/{tree.unit_a.pk}/archive", {"reason": "merged"}, JSON)

    assert response.status_code == status
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.status == ("archived" if status == 200 else "active")


@pytest.mark.parametrize(("username", "status"), UNIT_WRITE.items())
def test_unit_restore(tree, api_as, username, status):
    Unit.objects.filter(pk=tree.unit_a.pk).update(status="archived")

    response = api_as(username).post(f"/api/units/{tree.unit_a.pk}/restore")

    assert response.status_code == status
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.status == ("active" if status == 200 else "archived")


def test_unit_user_cannot_touch_a_neighbour_unit_in_its_own_area(tree, api_as):
    response = api_as("unit_a").patch(f"/api/units/{tree.unit_a2.pk}", {"address": "x"}, JSON)

    assert response.status_code == 404


def test_unit_cannot_be_moved_out_of_scope(tree, api_as):
    response = api_as("office_a").patch(f"/api/units/{tree.unit_a.pk}", {"area": tree.village_b.pk}, JSON)

    assert response.status_code == 400
    assert response.json()["field"] == "area"
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.area_id == tree.village_a.pk


UNIT_CREATE = {  # a new unit in village A
    "admin": 201,
    "city_office": 201,
    "office_a": 201,
    "office_b": 400,  # the area is not theirs to name: an invalid choice
    "grid_a": 403,
    "leader": 403,
    "nobody": 403,
    # Liaisons see village A but may only write their own unit: the service's re-read refuses and rolls back.
    "unit_a": 404,
    "dept": 404,
}


@pytest.mark.parametrize(("username", "status"), UNIT_CREATE.items())
def test_unit_create(tree, api_as, username, status):
    before = Unit.objects.count()
    payload = {
        "name": "团结社区卫生室",
        "unit_type": "window",
        "area": tree.village_a.pk,
        "credit_code": credit_code(2101),
        "contact_phone": "13700001234",
    }

    response = api_as(username).post("/api/units", payload, JSON)

    assert response.status_code == status, response.content
    assert Unit.objects.count() == before + (1 if status == 201 else 0)
    assert Unit.objects.filter(name="团结社区卫生室").exists() == (status == 201)
    if status == 201:
        body = response.json()
        assert body["area"]["id"] == tree.village_a.pk
        assert body["contact_phone"] == "137****1234"
    if status == 400:
        assert response.json()["field"] == "area"


def test_unit_create_reports_service_errors_with_their_field(tree, api_as):
    payload = {
        "name": tree.unit_a.name,
        "unit_type": "community",
        "area": tree.village_a.pk,
        "credit_code": credit_code(2102),
    }

    response = api_as("office_a").post("/api/units", payload, JSON)

    assert response.status_code == 400
    assert response.json()["field"] == "name"
    assert tree.unit_a.name in response.json()["detail"]


def test_unit_create_without_a_credit_code_where_the_type_has_one(tree, api_as):
    before = Unit.objects.count()
    payload = {"name": "团结社区便民服务站", "unit_type": "window", "area": tree.village_a.pk}

    response = api_as("office_a").post("/api/units", payload, JSON)

    assert response.status_code == 400, response.content
    assert response.json()["field"] == "credit_code"
    assert "窗口单位" in response.json()["detail"]
    assert Unit.objects.count() == before
    # A type without a credit code needs none.
    payload |= {"name": "团结社区民兵连", "unit_type": "military"}
    response = api_as("office_a").post("/api/units", payload, JSON)
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == ""


def test_unit_update_cannot_clear_a_credit_code_or_change_the_type_without_one(tree, api_as):
    code = credit_code(2103)
    Unit.objects.filter(pk=tree.unit_a.pk).update(credit_code=code)
    client = api_as("office_a")

    cleared = client.patch(f"/api/units/{tree.unit_a.pk}", {"credit_code": ""}, JSON)

    assert cleared.status_code == 400, cleared.content
    assert cleared.json()["field"] == "credit_code"
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.credit_code == code
    # unit_a2 (a school) has no code on record: editing it keeps working, changing its type does not.
    assert client.patch(f"/api/units/{tree.unit_a2.pk}", {"address": "中心路8号"}, JSON).status_code == 200
    retyped = client.patch(f"/api/units/{tree.unit_a2.pk}", {"unit_type": "enterprise"}, JSON)
    assert retyped.status_code == 400, retyped.content
    assert retyped.json()["field"] == "credit_code"
    tree.unit_a2.refresh_from_db()
    assert (tree.unit_a2.unit_type.code, tree.unit_a2.address) == ("school", "中心路8号")


def test_unit_create_with_unknown_type(tree, api_as):
    payload = {"name": "某单位", "unit_type": "no-such-type", "area": tree.village_a.pk}

    response = api_as("office_a").post("/api/units", payload, JSON)

    assert response.status_code == 400
    assert response.json() == {"detail": "Choose a valid unit type.", "field": "unit_type"}


def test_unit_create_rejects_wrong_types_without_writing(tree, api_as):
    before = Unit.objects.count()

    response = api_as("office_a").post(
        "/api/units", {"name": "x", "unit_type": "school", "area": "abc"}, JSON
    )

    assert response.status_code == 422
    assert Unit.objects.count() == before


# ---------------------------------------------------------------- personal data


@pytest.mark.parametrize("url", ["/api/units", "/api/units/{pk}", "/api/units?q=团结"])
def test_contact_data_is_masked(tree, api_as, url):
    response = api_as("city_office").get(url.format(pk=tree.unit_a.pk))

    assert response.status_code == 200
    body = json.dumps(response.json(), ensure_ascii=False)
    assert "13812345678" not in body
    assert "13812345678" not in response.content.decode()
    assert "张三丰" not in body
    assert "138****5678" in body
    assert "张*" in body


def test_update_response_masks_the_new_phone(tree, api_as):
    response = api_as("office_a").patch(
        f"/api/units/{tree.unit_a.pk}", {"contact_phone": "13999998888"}, JSON
    )

    assert response.status_code == 200
    assert response.json()["contact_phone"] == "139****8888"
    assert "13999998888" not in response.content.decode()
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.contact_phone == "13999998888"


def test_openapi_offers_no_clear_text_contact_field(tree, api_as):
    schema = api_as("admin").get("/api/openapi.json").json()

    assert "reveal" not in str(schema["paths"]).lower()


# ---------------------------------------------------------------- areas


AREA_LISTS = {
    "admin": {
        "province",
        "city",
        "county_a",
        "county_b",
        "town_a",
        "town_b",
        "village_a",
        "village_b",
        "grid_a",
    },
    "city_office": {"city", "county_a", "county_b", "town_a", "town_b", "village_a", "village_b", "grid_a"},
    "leader": {"city", "county_a", "county_b", "town_a", "town_b", "village_a", "village_b", "grid_a"},
    "office_a": {"county_a", "town_a", "village_a", "grid_a"},
    "office_b": {"county_b", "town_b", "village_b"},
    "unit_a": {"village_a", "grid_a"},
    "grid_a": {"grid_a"},
    "nobody": set(),
}


@pytest.mark.parametrize(("username", "expected"), AREA_LISTS.items())
def test_area_list_and_count_show_only_the_scope(tree, api_as, username, expected):
    response = api_as(username).get("/api/areas", {"limit": 200})

    assert ids(response) == {getattr(tree, name).pk for name in expected}
    assert response.json()["count"] == len(expected)


def test_area_list_filters(tree, api_as):
    client = api_as("city_office")

    assert ids(client.get("/api/areas", {"level": 3})) == {tree.county_a.pk, tree.county_b.pk}
    assert ids(client.get("/api/areas", {"parent": tree.county_a.pk})) == {tree.town_a.pk}
    assert ids(client.get("/api/areas", {"area": tree.town_b.pk})) == {tree.town_b.pk, tree.village_b.pk}
    assert ids(client.get("/api/areas", {"q": "西山"})) == {tree.county_b.pk, tree.town_b.pk}
    assert client.get("/api/areas", {"level": 9}).status_code == 422


def test_area_parent_filter_cannot_reach_outside(tree, api_as):
    assert ids(api_as("office_b").get("/api/areas", {"parent": tree.county_a.pk})) == set()


AREA_DETAIL = {
    "admin": 200,
    "city_office": 200,
    "leader": 200,
    "office_a": 200,
    "office_b": 404,
    "nobody": 404,
}


@pytest.mark.parametrize(("username", "status"), AREA_DETAIL.items())
def test_area_detail(tree, api_as, username, status):
    assert api_as(username).get(f"/api/areas/{tree.town_a.pk}").status_code == status


AREA_WRITE = {
    "admin": 200,
    "city_office": 200,
    "office_a": 200,
    "office_b": 404,
    "leader": 403,
    "unit_a": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("username", "status"), AREA_WRITE.items())
def test_area_update(tree, api_as, username, status):
    response = api_as(username).patch(f"/api/areas/{tree.town_a.pk}", {"name": "东关新街道"}, JSON)

    assert response.status_code == status
    tree.town_a.refresh_from_db()
    assert (tree.town_a.name == "东关新街道") == (status == 200)


AREA_CREATE = {
    "admin": 201,
    "city_office": 201,
    "office_a": 201,
    "office_b": 400,
    "leader": 403,
    "unit_a": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("username", "status"), AREA_CREATE.items())
def test_area_create(tree, api_as, username, status):
    before = Area.objects.count()
    payload = {"name": "东关第二街道", "code": "990101002000", "level": 4, "parent": tree.county_a.pk}

    response = api_as(username).post("/api/areas", payload, JSON)

    assert response.status_code == status, response.content
    assert Area.objects.count() == before + (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["parent"] == tree.county_a.pk
    if status == 400:
        assert response.json()["field"] == "parent"


def test_area_create_reports_code_errors(tree, api_as):
    payload = {"name": "错码街道", "code": "990102002000", "level": 4, "parent": tree.county_a.pk}

    response = api_as("office_a").post("/api/areas", payload, JSON)

    assert response.status_code == 400
    assert response.json()["field"] == "code"


def test_office_cannot_create_a_sibling_of_its_own_area(tree, api_as):
    payload = {"name": "新区", "code": "990103000000", "level": 3, "parent": tree.city.pk}

    response = api_as("office_a").post("/api/areas", payload, JSON)

    assert response.status_code == 400
    assert not Area.objects.filter(code="990103000000").exists()


def test_area_move_within_scope(tree, api_as):
    payload = {"parent": tree.county_b.pk, "code": "990102002000"}

    response = api_as("city_office").post(f"/api/areas/{tree.town_a.pk}/move", payload, JSON)

    assert response.status_code == 200, response.content
    tree.town_a.refresh_from_db()
    assert tree.town_a.parent_id == tree.county_b.pk
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.area_path.startswith("990102002")


@pytest.mark.parametrize(("username", "status"), [("office_a", 400), ("office_b", 404), ("leader", 403)])
def test_area_move_out_of_scope_is_refused(tree, api_as, username, status):
    payload = {"parent": tree.county_b.pk, "code": "990102002000"}

    response = api_as(username).post(f"/api/areas/{tree.town_a.pk}/move", payload, JSON)

    assert response.status_code == status
    tree.town_a.refresh_from_db()
    assert tree.town_a.parent_id == tree.county_a.pk


# ---------------------------------------------------------------- area statistics


def _stats(area, year=2024):
    return AreaStatistics.objects.create(
        area=area,
        area_path=area.path,
        year=year,
        households=100,
        population=300,
        minority_population=120,
        ethnic_groups=9,
    )


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("city_office", {"a", "b"}),
        ("office_a", {"a"}),
        ("office_b", {"b"}),
        ("grid_a", set()),
        ("nobody", set()),
    ],
)
def test_statistics_list(tree, api_as, username, expected):
    made = {"a": _stats(tree.village_a), "b": _stats(tree.village_b)}

    response = api_as(username).get("/api/area-statistics")

    assert ids(response) == {made[k].pk for k in expected}
    assert response.json()["count"] == len(expected)


STATS_UPSERT = {
    "city_office": 200,
    "office_a": 200,
    "office_b": 400,
    "leader": 403,
    "unit_a": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("username", "status"), STATS_UPSERT.items())
def test_statistics_upsert(tree, api_as, username, status):
    payload = {
        "area": tree.village_a.pk,
        "year": 2024,
        "households": 500,
        "population": 1600,
        "minority_population": 700,
        "ethnic_groups": 12,
    }

    response = api_as(username).put("/api/area-statistics", payload, JSON)

    assert response.status_code == status, response.content
    assert AreaStatistics.objects.filter(area=tree.village_a).exists() == (status == 200)


def test_statistics_upsert_replaces_and_validates(tree, api_as):
    _stats(tree.village_a)
    client = api_as("office_a")
    payload = {
        "area": tree.village_a.pk,
        "year": 2024,
        "households": 1,
        "population": 10,
        "minority_population": 11,
        "ethnic_groups": 2,
    }

    refused = client.put("/api/area-statistics", payload, JSON)
    accepted = client.put("/api/area-statistics", payload | {"minority_population": 4}, JSON)

    assert refused.status_code == 400
    assert refused.json()["field"] == "minority_population"
    assert accepted.status_code == 200
    assert AreaStatistics.objects.get(area=tree.village_a, year=2024).population == 10


# ---------------------------------------------------------------- unit types


def test_unit_types_list(tree, api_as):
    response = api_as("grid_a").get("/api/unit-types")

    assert response.status_code == 200
    assert "enterprise" in {row["code"] for row in response.json()}
