"""A generated matrix: every scoped page probed by users from the same area, a parent, a sibling and none.

Forbidden objects must look exactly like missing ones (404); pages a role may not use at all give 403.
"""

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.core.models import PersonalDataAccess

PASSWORD = "Test-Passw0rd!"

# (url name, object attribute on the tree, method)
UNIT_PAGES = [
    ("orgs:unit_detail", "GET"),
    ("orgs:unit_edit", "GET"),
    ("orgs:unit_archive", "GET"),
    ("orgs:unit_restore", "GET"),
]
AREA_PAGES = [("orgs:area_detail", "GET"), ("orgs:area_edit", "GET"), ("orgs:area_move", "GET")]

# user -> (expected status for reading, for writing) of objects in county A
RELATIONS = {
    "office_a": (200, 200),  # same area
    "city_office": (200, 200),  # parent
    "admin": (200, 200),  # unrestricted
    "leader": (200, 404),  # parent, read-only role
    "office_b": (404, 404),  # sibling
    "nobody": (404, 404),  # no area
}


def status(username, url, method="GET"):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return (client.post(url) if method == "POST" else client.get(url)).status_code


@pytest.mark.parametrize("username", RELATIONS)
@pytest.mark.parametrize("name,method", UNIT_PAGES)
def test_unit_pages(tree, username, name, method):
    read, write = RELATIONS[username]
    expected = read if name == "orgs:unit_detail" else write
    assert status(username, reverse(name, args=[tree.unit_a.pk]), method) == expected


@pytest.mark.parametrize("username", RELATIONS)
@pytest.mark.parametrize("name,method", AREA_PAGES)
def test_area_pages(tree, username, name, method):
    read, write = RELATIONS[username]
    expected = read if name == "orgs:area_detail" else write
    assert status(username, reverse(name, args=[tree.town_a.pk]), method) == expected


@pytest.mark.parametrize("username", RELATIONS)
def test_reveal(tree, username):
    url = reverse("core:reveal", args=["orgs", "unit", tree.unit_a.pk, "contact_phone"])
    expected = RELATIONS[username][1]
    assert status(username, url, "POST") == expected
    assert PersonalDataAccess.objects.exists() == (expected == 200)


@pytest.mark.parametrize(
    "username,expected",
    [
        ("office_a", 200),
        ("city_office", 200),
        ("admin", 200),
        ("office_b", 404),
        ("leader", 403),
        ("nobody", 403),
    ],
)
def test_user_detail(tree, username, expected):
    assert status(username, reverse("accounts:user_detail", args=[tree.unit_user_a.pk])) == expected


@pytest.mark.parametrize("username", RELATIONS)
def test_area_picker_children(tree, username):
    expected = 200 if RELATIONS[username][0] == 200 else 404
    client = Client()
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("core:area_picker"), {"parent": tree.town_a.pk}).status_code == expected
