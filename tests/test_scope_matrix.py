"""The generated scope matrix across every surface: web lists (with search), counts, exports, API lists, the home
figures and the area picker. Users from the same area, an ancestor, a sibling, an unrelated branch and no area.

The expected rows come from an oracle that walks parent links in Python, independent of the materialised paths
and of the scope engine under test.
"""

import io
import json

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from shiliu.core.roles import Role
from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.models import Area, AreaStatistics, Unit
from shiliu.orgs.tests.factories import make_area, make_unit, make_user

PASSWORD = "Test-Passw0rd!"
# username -> relation to county A's records
USERS = ["office_a", "city_office", "office_b", "other_city", "unit_a", "leader", "nobody"]


@pytest.fixture
def world(tree):
    """The standard tree plus an unrelated branch: another city with its own county, unit, statistics and office."""
    tree.other_city = make_area("远方市", "990200000000", AreaLevel.CITY, tree.province)
    tree.other_county = make_area("远方县", "990201000000", AreaLevel.COUNTY, tree.other_city)
    tree.other_unit = make_unit(tree.other_county, "远方县民族中学", "school", contact_phone="13700009999")
    make_user("other_city", Role.OFFICE, tree.other_city)
    for area in (tree.county_a, tree.county_b, tree.other_county, tree.village_a):
        AreaStatistics.objects.create(
            area=area,
            area_path=area.path,
            year=2025,
            households=10,
            population=30,
            minority_population=5,
            ethnic_groups=3,
        )
    return tree


def oracle_area_ids(user) -> set[int]:
    """Areas at or below the user's area, found by walking parent links (admins: all)."""
    if user.role == Role.ADMIN:
        return set(Area.objects.values_list("pk", flat=True))
    if user.area_id is None:
        return set()
    parents = dict(Area.objects.values_list("pk", "parent_id"))

    def below(pk):
        while pk is not None:
            if pk == user.area_id:
                return True
            pk = parents[pk]
        return False

    return {pk for pk in parents if below(pk)}


def oracle_units(user) -> set[str]:
    areas = oracle_area_ids(user)
    units = Unit.objects.filter(area_id__in=areas)
    if user.unit_id:
        units = units.filter(pk=user.unit_id)
    return set(units.values_list("name", flat=True))


def oracle_areas(user) -> set[str]:
    return set(Area.objects.filter(pk__in=oracle_area_ids(user)).values_list("name", flat=True))


def oracle_stats(user) -> set[str]:
    return set(
        AreaStatistics.objects.filter(area_id__in=oracle_area_ids(user)).values_list("area__name", flat=True)
    )


def ancestor_names(user) -> set[str]:
    """The parent column of the user's own area names its ancestors, which the user knows anyway."""
    names = set()
    parent = user.area.parent if user.area_id else None
    while parent is not None:
        names.add(parent.name)
        parent = parent.parent
    return names


def client_for(username) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=PASSWORD)
    return client


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
    )


SURFACES = {
    # name: (url, oracle, all names of that kind)
    "unit list": (
        lambda: reverse("orgs:unit_list"),
        oracle_units,
        lambda: Unit.objects.values_list("name", flat=True),
    ),
    "unit search": (
        lambda: reverse("orgs:unit_list") + "?q=" + "社区",
        lambda u: {n for n in oracle_units(u) if "社区" in n},
        lambda: Unit.objects.values_list("name", flat=True),
    ),
    "area list": (
        lambda: reverse("orgs:area_list"),
        oracle_areas,
        lambda: Area.objects.values_list("name", flat=True),
    ),
    "statistics list": (
        lambda: reverse("orgs:stats_list"),
        oracle_stats,
        lambda: AreaStatistics.objects.values_list("area__name", flat=True),
    ),
}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("surface", SURFACES)
def test_web_lists_show_exactly_the_scope_and_count_it(world, username, surface):
    url, oracle, everything = (f() if i == 0 else f for i, f in enumerate(SURFACES[surface]))
    from shiliu.accounts.models import User

    user = User.objects.get(username=username)
    expected = oracle(user)
    response = client_for(username).get(url, {"sort": "name"} if "?" not in url else None)
    if user.area_id is None:
        assert response.status_code in (200, 403)
        if response.status_code == 403:
            return
    assert response.status_code == 200
    shown = {
        row.obj.area.name if isinstance(row.obj, AreaStatistics) else row.obj.name
        for row in response.context["rows"]
    }
    assert shown == expected
    assert response.context["total"] == len(expected)
    body = response.content.decode()
    for name in set(everything()) - expected - ancestor_names(user):
        assert f">{name}<" not in body, f"{surface}: {name} leaked to {username}"


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(
    "sheet,oracle,everything",
    [
        ("units", oracle_units, lambda: Unit.objects.values_list("name", flat=True)),
        ("areas", oracle_areas, lambda: Area.objects.values_list("name", flat=True)),
        (
            "area_statistics",
            oracle_stats,
            lambda: AreaStatistics.objects.values_list("area__name", flat=True),
        ),
    ],
)
def test_exports_hold_exactly_the_scope(world, username, sheet, oracle, everything):
    from shiliu.accounts.models import User

    user = User.objects.get(username=username)
    response = client_for(username).get(reverse("exchange:export", args=[sheet]))
    if user.area_id is None:
        assert response.status_code in (200, 403, 404)
        if response.status_code != 200:
            return
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = xlsx_text(content)
    expected = oracle(user)
    for name in expected:
        assert name in text
    for name in set(everything()) - expected - ancestor_names(user):
        assert name not in text, f"{sheet}: {name} leaked"
    assert "13812345678" not in text and "13700009999" not in text


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(
    "path,oracle,key",
    [
        ("/api/units", oracle_units, "name"),
        ("/api/areas", oracle_areas, "name"),
    ],
)
def test_api_lists_hold_exactly_the_scope(world, username, path, oracle, key):
    from shiliu.accounts.models import User

    user = User.objects.get(username=username)
    response = client_for(username).get(path, {"limit": 200})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert {item[key] for item in data["items"]} == oracle(user)
    assert data["count"] == len(oracle(user))


@pytest.mark.parametrize("username", USERS)
def test_details_of_every_unit_follow_the_scope(world, username):
    from shiliu.accounts.models import User

    user = User.objects.get(username=username)
    visible = oracle_units(user)
    client = client_for(username)
    for unit in Unit.objects.all():
        web = client.get(reverse("orgs:unit_detail", args=[unit.pk])).status_code
        api = client.get(f"/api/units/{unit.pk}").status_code
        expected = 200 if unit.name in visible else 404
        assert (web, api) == (expected, expected), (unit.name, web, api)


@pytest.mark.parametrize("username", USERS)
def test_home_figures_count_the_scope(world, username):
    from shiliu.accounts.models import User

    user = User.objects.get(username=username)
    response = client_for(username).get(reverse("core:home"))
    assert response.status_code == 200
    body = response.content.decode()
    if user.area_id:
        assert str(len(oracle_units(user))) in body
