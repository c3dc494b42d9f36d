"""Area pages through HTTP: scope, tree browsing, forms mapped from service errors, history, statistics."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.models import Area, AreaStatistics

PASSWORD = "Test-Passw0rd!"


def client_for(username):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=PASSWORD)
    return client


def row_ids(response):
    return [int(pk) for pk in re.findall(r'data-row-id="(\d+)"', response.content.decode())]


def errors_for(response, field):
    return re.findall(rf'data-error-for="{field}">([^<]+)<', response.content.decode())


def test_area_list_in_scope(tree):
    response = client_for("office_a").get(reverse("orgs:area_list"))
    expected = {tree.county_a.pk, tree.town_a.pk, tree.village_a.pk, tree.grid_a.pk}
    assert set(row_ids(response)) == expected


def test_area_list_filters_by_level(tree):
    response = client_for("city_office").get(reverse("orgs:area_list"), {"level": AreaLevel.COUNTY})
    assert set(row_ids(response)) == {tree.county_a.pk, tree.county_b.pk}


@pytest.mark.parametrize("name", ["orgs:area_detail", "orgs:area_edit", "orgs:area_move"])
def test_sibling_gets_404(tree, name):
    assert client_for("office_b").get(reverse(name, args=[tree.town_a.pk])).status_code == 404


def test_tree_shows_children_with_linked_counts(tree):
    client = client_for("city_office")
    html = client.get(reverse("orgs:area_tree")).content.decode()
    assert "东城区" in html and "西山县" in html
    # County A has two units below it; the figure links to the list that shows them.
    link = f'{reverse("orgs:unit_list")}?area={tree.county_a.pk}">2<'
    assert link in html
    units = client.get(reverse("orgs:unit_list"), {"area": tree.county_a.pk})
    assert len(row_ids(units)) == 2


def test_tree_cannot_climb_out_of_scope(tree):
    html = client_for("office_a").get(reverse("orgs:area_tree"), {"area": tree.city.pk}).content.decode()
    # An out-of-scope area falls back to the user's own root.
    assert "东关街道" in html
    assert "西山县" not in html


def test_detail_shows_breadcrumbs_children_and_history(tree):
    client = client_for("city_office")
    client.post(reverse("orgs:area_edit", args=[tree.town_a.pk]), {"name": "东关新街道", "is_active": "on"})
    html = client.get(reverse("orgs:area_detail", args=[tree.town_a.pk])).content.decode()
    crumbs = html.split('class="breadcrumb breadcrumb-arrows')[1].split("</ol>")[0]
    assert "石榴市" in crumbs and "东城区" in crumbs and "示范省" not in crumbs
    assert "团结社区" in html
    assert "<del>东关街道</del> → <ins>东关新街道</ins>" in html


def test_create_area_maps_service_errors_to_fields(tree):
    client = client_for("office_a")
    data = {"name": "新街道", "level": AreaLevel.TOWNSHIP, "code": "990102005000", "parent": tree.county_a.pk}
    response = client.post(reverse("orgs:area_create"), data)
    assert response.status_code == 200
    assert len(errors_for(response, "code")) == 1
    assert "990101" in errors_for(response, "code")[0]
    assert not Area.objects.filter(name="新街道").exists()


def test_create_area(tree):
    client = client_for("office_a")
    data = {"name": "新街道", "level": AreaLevel.TOWNSHIP, "code": "990101005000", "parent": tree.county_a.pk}
    response = client.post(reverse("orgs:area_create"), data)
    area = Area.objects.get(name="新街道")
    assert response["Location"] == reverse("orgs:area_detail", args=[area.pk])
    assert area.path == "990101005"


def test_create_area_refuses_parent_outside_scope(tree):
    data = {"name": "新镇", "level": AreaLevel.TOWNSHIP, "code": "990102005000", "parent": tree.county_b.pk}
    response = client_for("office_a").post(reverse("orgs:area_create"), data)
    assert errors_for(response, "parent")
    assert not Area.objects.filter(name="新镇").exists()


def test_move_area(tree):
    client = client_for("city_office")
    response = client.post(
        reverse("orgs:area_move", args=[tree.town_a.pk]), {"parent": tree.county_b.pk, "code": "990102009000"}
    )
    assert response.status_code == 302
    tree.village_a.refresh_from_db()
    assert tree.village_a.code == "990102009001"


def test_move_under_own_descendant_is_a_field_error(tree):
    response = client_for("city_office").post(
        reverse("orgs:area_move", args=[tree.town_a.pk]),
        {"parent": tree.village_a.pk, "code": "990101001000"},
    )
    assert response.status_code == 200
    assert errors_for(response, "parent")


def test_unit_liaison_cannot_create_areas(tree):
    assert client_for("unit_a").get(reverse("orgs:area_create")).status_code == 403


def test_statistics_list_in_scope(tree):
    AreaStatistics.objects.create(
        area=tree.county_a,
        area_path=tree.county_a.path,
        year=2024,
        households=10,
        population=30,
        minority_population=12,
        ethnic_groups=5,
    )
    AreaStatistics.objects.create(
        area=tree.county_b,
        area_path=tree.county_b.path,
        year=2024,
        households=20,
        population=60,
        minority_population=20,
        ethnic_groups=7,
    )
    response = client_for("office_a").get(reverse("orgs:stats_list"))
    assert len(row_ids(response)) == 1
    assert reverse("orgs:area_detail", args=[tree.county_a.pk]) in response.content.decode()
    empty = client_for("office_a").get(reverse("orgs:stats_list"), {"year": 1999})
    assert "data-empty" in empty.content.decode()
