"""Open311 clients managed by the office through HTTP: a scoped list, creation showing the raw key once,
deactivation after confirmation, and nothing for other roles."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shiliu.service_requests.models import Open311Client
from shiliu.service_requests.open311.formats import Open311Error
from shiliu.service_requests.open311.keys import client_for_key

LIST = "service_requests:open311_client_list"
CREATE = "service_requests:open311_client_create"
DEACTIVATE = "service_requests:open311_client_deactivate"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def create(office, area, name="12345 热线平台", rate=50):
    return office.post(reverse(CREATE), {"name": name, "area": area.pk, "rate_limit_per_hour": rate})


def test_office_creates_a_client_and_sees_its_key_only_once(tree):
    office = client_for(tree.office_a)
    assert office.get(reverse(CREATE)).status_code == 200
    response = create(office, tree.county_a)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw_key"]
    assert raw.startswith("o311_") and f'value="{raw}"' in response.content.decode()
    stored = Open311Client.objects.get()
    assert (stored.name, stored.area, stored.rate_limit_per_hour, stored.created_by) == (
        "12345 热线平台", tree.county_a, 50, tree.office_a,
    )  # fmt: skip
    assert stored.digest == Open311Client.hash(raw) and raw not in {stored.prefix, stored.digest}
    assert client_for_key(raw) == stored
    # The list shows the prefix, never the key.
    listing = office.get(reverse(LIST))
    body = listing.content.decode()
    assert (
        listing.status_code == 200 and "12345 热线平台" in body and stored.prefix in body and raw not in body
    )
    assert reverse(DEACTIVATE, args=[stored.pk]) in body


def test_client_area_must_be_in_the_office_scope_and_lists_are_scoped(tree):
    office_a, office_b = client_for(tree.office_a), client_for(tree.office_b)
    refused = create(office_a, tree.county_b)
    assert refused.status_code == 200 and refused.context["form"].errors.get("area")
    assert not Open311Client.objects.exists()
    assert create(office_a, tree.county_a, name="东城区网格平台").status_code == 200
    assert create(office_b, tree.county_b, name="西山县热线").status_code == 200
    a_page = office_a.get(reverse(LIST)).content.decode()
    assert "东城区网格平台" in a_page and "西山县热线" not in a_page
    city_page = client_for(tree.city_office).get(reverse(LIST)).content.decode()
    assert "东城区网格平台" in city_page and "西山县热线" in city_page
    foreign = Open311Client.objects.get(name="西山县热线")
    assert office_a.get(reverse(DEACTIVATE, args=[foreign.pk])).status_code == 404
    assert office_a.post(reverse(DEACTIVATE, args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_deactivation_asks_first_then_stops_the_key(tree):
    office = client_for(tree.office_a)
    raw = create(office, tree.county_a).context["raw_key"]
    stored = Open311Client.objects.get()
    url = reverse(DEACTIVATE, args=[stored.pk])
    question = office.get(url)
    assert question.status_code == 200 and "12345 热线平台" in question.content.decode()
    stored.refresh_from_db()
    assert stored.is_active  # a GET changes nothing
    done = office.post(url)
    assert done.status_code == 302 and done["Location"] == reverse(LIST)
    stored.refresh_from_db()
    assert not stored.is_active
    with pytest.raises(Open311Error):  # the key is refused from now on
        client_for_key(raw)
    assert office.post(url).status_code == 404  # already deactivated
    assert "12345 热线平台" not in office.get(reverse(LIST)).content.decode()
    assert "12345 热线平台" in office.get(reverse(LIST), {"show": "inactive"}).content.decode()


def test_other_roles_have_no_open311_pages_and_no_tab(tree):
    create(client_for(tree.office_a), tree.county_a)
    stored = Open311Client.objects.get()
    for user in (tree.dept_user, tree.leader, tree.unit_user_a, tree.grid_user):
        other = client_for(user)
        assert other.get(reverse(LIST)).status_code == 403, user
        assert create(other, tree.county_a, name="x").status_code == 403, user
        assert other.post(reverse(DEACTIVATE, args=[stored.pk])).status_code in (403, 404), user
    assert Open311Client.objects.count() == 1 and Open311Client.objects.get().is_active
    settings_page = reverse("service_requests:category_list")
    assert reverse(LIST) not in client_for(tree.dept_user).get(settings_page).content.decode()
    assert reverse(LIST) in client_for(tree.office_a).get(settings_page).content.decode()
    assert Client().get(reverse(LIST)).status_code == 302  # signed out: to the login page
