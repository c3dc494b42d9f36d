"""The public form's area picker: one level of area names at a time (never the whole province in one page),
only active areas down to grids, choosable at village and grid level; a poster link preselects a community."""

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.tests.factories import make_area

pytestmark = pytest.mark.django_db
URL = "/requests/public/areas/"


def level(client, parent=None):
    response = client.get(URL, {"parent": parent} if parent is not None else {})
    assert response.status_code == 200
    return response.json()["areas"]


def test_url():
    assert reverse("service_requests:public_areas") == URL


def test_walks_down_the_tree_one_level_at_a_time(tree):
    client = Client()
    roots = level(client)
    assert [a["id"] for a in roots] == [tree.province.pk]
    assert roots[0] == {"id": tree.province.pk, "name": "示范省", "selectable": False, "has_children": True}
    assert [a["name"] for a in level(client, tree.city.pk)] == ["东城区", "西山县"]
    villages = level(client, tree.town_a.pk)
    assert villages == [
        {"id": tree.village_a.pk, "name": "团结社区", "selectable": True, "has_children": True}
    ]
    grids = level(client, tree.village_a.pk)
    assert grids == [
        {"id": tree.grid_a.pk, "name": "团结社区第一网格", "selectable": True, "has_children": False}
    ]
    assert level(client, tree.village_b.pk) == []  # a village without grids


def test_inactive_areas_and_bad_parents(tree):
    old = make_area("旧社区", "990101001002", AreaLevel.VILLAGE, tree.town_a)
    old.is_active = False
    old.save()
    client = Client()
    assert [a["name"] for a in level(client, tree.town_a.pk)] == ["团结社区"]
    assert client.get(URL, {"parent": "x"}).status_code == 404
    assert client.get(URL, {"parent": 999999}).status_code == 404
    assert client.get(URL, {"parent": tree.grid_a.pk}).status_code == 404  # nothing below a grid


def test_the_form_page_carries_no_list_of_areas_and_a_link_can_preselect(tree):
    client = Client()
    page = client.get(reverse("service_requests:public_create"))
    html = page.content.decode()
    assert "团结社区" not in html and "data-area-picker" in html
    assert page.context["area_chain"] == []
    linked = client.get(reverse("service_requests:public_create"), {"area": tree.grid_a.pk})
    chain = [
        tree.province.pk,
        tree.city.pk,
        tree.county_a.pk,
        tree.town_a.pk,
        tree.village_a.pk,
        tree.grid_a.pk,
    ]
    assert linked.context["area_chain"] == chain
    assert f'data-chain="{",".join(map(str, chain))}"' in linked.content.decode()


def test_a_township_is_not_a_place_a_resident_can_send(tree):
    client = Client()
    page = client.post(reverse("service_requests:public_create"), {"area": tree.town_a.pk})
    assert page.status_code == 400
    assert "area" in page.context["form"].errors
