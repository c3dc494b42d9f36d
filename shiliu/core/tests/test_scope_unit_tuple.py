"""``scope_unit_field`` as a tuple of lookups, OR'ed (a request's lead *or* assisting department)."""

import pytest
from django.db import models

from shiliu.core.scope import Scope, scope_filter, unit_filter
from shiliu.orgs.models import Area, Unit
from shiliu.orgs.tests.factories import make_unit

pytestmark = pytest.mark.django_db


def test_string_lookup_is_unchanged():
    assert unit_filter(Unit, "pk", 7) == models.Q(pk=7)


def test_tuple_ors_direct_and_reverse_lookups_without_duplicates(tree):
    extra = make_unit(tree.village_a, "团结社区第二单位")
    # Areas that hold the unit OR whose child area holds it (both reverse foreign keys).
    q = unit_filter(Area, ("units__id", "children__units__id"), tree.unit_a.pk)
    assert list(Area.objects.filter(q)) == [tree.town_a, tree.village_a]
    q2 = unit_filter(Area, ("units__id",), extra.pk) | unit_filter(Area, ("units__id",), tree.unit_a.pk)
    assert list(Area.objects.filter(q2)) == [tree.village_a]  # subquery: no join, no duplicate rows
    assert "JOIN" not in str(Area.objects.filter(unit_filter(Area, ("units__id",), 1)).query).upper()


def test_scope_filter_uses_tuple(tree):
    class Fake:
        scope_path_field = "path"
        scope_unit_field = ("units__id", "children__units__id")
        _meta = Area._meta
        _default_manager = Area._default_manager

    scope = Scope(area_path=tree.village_a.path, unit_id=tree.unit_a.pk, role="department")
    assert list(Area.objects.filter(scope_filter(Fake, scope))) == [tree.village_a]  # town_a is outside
    scope = Scope(area_path=tree.city.path, unit_id=tree.unit_a.pk, role="department")
    assert list(Area.objects.filter(scope_filter(Fake, scope))) == [tree.town_a, tree.village_a]
    assert (
        list(
            Area.objects.filter(
                scope_filter(Fake, Scope(area_path=tree.county_b.path, unit_id=tree.unit_a.pk))
            )
        )
        == []
    )
