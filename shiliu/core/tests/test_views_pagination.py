"""Keyset pagination: forward and back across pages in a stable order, nulls and blanks included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shiliu.core.pagination import decode_cursor, keyset_page
from shiliu.orgs.models import Area, Unit
from shiliu.orgs.tests.factories import make_unit


def walk(queryset, sort, page_size):
    """All pages forward, then all pages back from the last; returns both lists of page rows (pks)."""
    forward, page = [], keyset_page(queryset, sort=sort, cursor=None, page_size=page_size)
    forward.append([r.pk for r in page.rows])
    while page.has_next:
        page = keyset_page(queryset, sort=sort, cursor=page.next_cursor, page_size=page_size)
        forward.append([r.pk for r in page.rows])
    backward = [[r.pk for r in page.rows]]
    while page.has_prev:
        page = keyset_page(queryset, sort=sort, cursor=page.prev_cursor, page_size=page_size)
        backward.append([r.pk for r in page.rows])
    return forward, backward[::-1]


def expected_order(queryset, key, reverse):
    rows = list(queryset)
    # Nulls count as the smallest values; the id breaks ties in the direction of the sort.
    return [
        r.pk for r in sorted(rows, key=lambda r: (key(r) is not None, key(r) or "", r.pk), reverse=reverse)
    ]


@pytest.fixture
def many_units(tree):
    for n in range(23):
        # Duplicated names and blank addresses force the id tiebreaker to do its job.
        make_unit(tree.village_a, name=f"单位{n % 4}号-{n:02d}", address="" if n % 3 else f"路{n % 5}")
    return Unit.objects.all()


@pytest.mark.parametrize(
    "sort", ["name", "-name", "address", "-address", "id", "-id", "unit_type_id", "-created_at"]
)
def test_walks_forward_and_back_with_stable_order(many_units, sort):
    forward, backward = walk(many_units, sort, page_size=5)
    flat = [pk for rows in forward for pk in rows]
    assert len(flat) == many_units.count() == len(set(flat))
    assert forward == backward
    assert all(len(rows) == 5 for rows in forward[:-1])
    field = sort.lstrip("-")
    assert flat == expected_order(many_units, lambda r: getattr(r, field), sort.startswith("-"))


@pytest.mark.parametrize("sort", ["parent_id", "-parent_id"])
def test_nullable_sort_values(tree, sort):
    # The province has no parent: its NULL sorts first ascending and last descending.
    areas = Area.objects.all()
    forward, backward = walk(areas, sort, page_size=2)
    flat = [pk for rows in forward for pk in rows]
    assert forward == backward
    assert flat == expected_order(areas, lambda a: a.parent_id, sort.startswith("-"))
    assert (flat[0] if sort == "parent_id" else flat[-1]) == tree.province.pk


def test_cursor_is_opaque_and_tied_to_its_sort(many_units):
    page = keyset_page(many_units, sort="name", cursor=None, page_size=5)
    assert page.next_cursor and "name" not in page.next_cursor
    assert decode_cursor(page.next_cursor)["k"] == "name"
    # A cursor made for another sort, or garbage, means the first page.
    other = keyset_page(many_units, sort="-name", cursor=page.next_cursor, page_size=5)
    assert not other.has_prev
    assert not keyset_page(many_units, sort="name", cursor="!!not-a-cursor", page_size=5).has_prev


def test_deep_pages_use_no_offset(many_units):
    page = keyset_page(many_units, sort="name", cursor=None, page_size=5)
    page = keyset_page(many_units, sort="name", cursor=page.next_cursor, page_size=5)
    with CaptureQueriesContext(connection) as ctx:
        keyset_page(many_units, sort="name", cursor=page.next_cursor, page_size=5)
    sql = ctx.captured_queries[-1]["sql"].upper()
    assert "OFFSET" not in sql
    assert "LIMIT 6" in sql


def test_totals_beyond_the_cap_are_counted_on_request(client, tree, settings):
    from django.urls import reverse

    settings.LIST_COUNT_CAP = 2
    client.login(username="city_office", password="Test-Passw0rd!")
    response = client.get(reverse("orgs:unit_list"))
    assert response.context["total"] == 2 and response.context["total_exact"] is False
    assert b"data-total-capped" in response.content
    exact = client.get(reverse("orgs:unit_list"), {"count": "exact"})
    assert exact.status_code == 200
    assert b'data-total="4"' in exact.content
