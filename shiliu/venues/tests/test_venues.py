"""Venues and visitor counts: services (validation, scope, archive) and pages through HTTP."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from shiliu.activities.tests.factories import make_activity
from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.venues import services
from shiliu.venues.choices import VenueStatus
from shiliu.venues.models import Venue, VenueType, VenueVisitCount

from .factories import make_venue, make_visits

D = datetime.date


def data(tree, **extra):
    services.venue_types_ensure_defaults()
    return {
        "name": "东城民族团结进步教育基地",
        "venue_type": VenueType.objects.get(code="education_base"),
        "area": tree.county_a,
        "latitude": Decimal("43.825592"),
        "longitude": Decimal("87.616848"),
        "level": "city",
        "capacity": 300,
    } | extra


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_seeded_types_are_the_defaults():
    """The data migrations seed the same lists that tests and demo seeding use (migrations cannot import them)."""
    import importlib

    from shiliu.activities.choices import DEFAULT_ACTIVITY_TYPES
    from shiliu.venues.choices import DEFAULT_VENUE_TYPES

    venues = importlib.import_module("shiliu.venues.migrations.0002_seed_venue_types")
    activities = importlib.import_module("shiliu.activities.migrations.0002_seed_activity_types")
    assert venues.TYPES == DEFAULT_VENUE_TYPES
    assert activities.TYPES == DEFAULT_ACTIVITY_TYPES
    assert [name for _c, name, _o in DEFAULT_ACTIVITY_TYPES][:3] == ["理论学习", "宣讲", "主题党日"]


def test_offices_create_venues_in_their_subtree(tree):
    venue = services.venue_create(actor=tree.office_a, **data(tree))
    assert venue.area_path == tree.county_a.path and venue.history.get().history_user == tree.office_a
    for actor in (tree.office_b, tree.unit_user_a, tree.leader, tree.dept_user):
        with pytest.raises(NotVisible):
            services.venue_create(actor=actor, **data(tree, name="另一个"))


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"name": ""}, "name"),
        ({"latitude": Decimal("91")}, "latitude"),
        ({"longitude": Decimal("-180.5")}, "longitude"),
        ({"longitude": None}, "latitude"),
        ({"level": "galactic"}, "level"),
        ({"capacity": -1}, "capacity"),
        ({"venue_type": None}, "venue_type"),
    ],
)
def test_invalid_venues_are_refused(tree, extra, field):
    with pytest.raises(ApplicationError) as exc:
        services.venue_create(actor=tree.office_a, **data(tree, **extra))
    assert exc.value.field == field


def test_names_are_unique_per_area_and_the_database_checks_coordinates(tree):
    venue = services.venue_create(actor=tree.office_a, **data(tree))
    with pytest.raises(ApplicationError):
        services.venue_create(actor=tree.office_a, **data(tree))
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.filter(pk=venue.pk).update(latitude=Decimal("95"))


def test_update_archive_restore_and_visits(tree):
    venue = services.venue_create(actor=tree.office_a, **data(tree))
    make_visits(venue, D(2026, 1, 1), 10)
    services.venue_update(actor=tree.office_a, venue=venue, area=tree.village_a)
    assert VenueVisitCount.objects.get().area_path == tree.village_a.path
    with pytest.raises(NotVisible):
        services.venue_update(actor=tree.office_a, venue=venue, area=tree.county_b)
    services.venue_archive(actor=tree.office_a, venue=venue, reason="改建")
    assert venue.status == VenueStatus.ARCHIVED
    with pytest.raises(ApplicationError):
        services.venue_archive(actor=tree.office_a, venue=venue)
    services.venue_restore(actor=tree.office_a, venue=venue)
    visit = services.visit_count_create(
        actor=tree.office_a, venue=venue, period_start=D(2026, 2, 1), period_end=D(2026, 2, 28), visitors=120
    )
    with pytest.raises(ApplicationError):
        services.visit_count_create(actor=tree.office_a, venue=venue, period_start=D(2026, 2, 1), visitors=1)
    with pytest.raises(ApplicationError) as exc:
        services.visit_count_create(
            actor=tree.office_a, venue=venue, period_start=D(2026, 3, 5), period_end=D(2026, 3, 1), visitors=1
        )
    assert exc.value.field == "period_end"
    with pytest.raises(NotVisible):
        services.visit_count_create(actor=tree.office_b, venue=venue, period_start=D(2026, 4, 1), visitors=1)
    with pytest.raises(NotVisible):
        services.visit_count_delete(actor=tree.unit_user_a, visit=visit)
    services.visit_count_delete(actor=tree.office_a, visit=visit)


def test_venue_pages(tree):
    venue = make_venue(tree.county_a, "东城民族团结广场", "square")
    make_venue(tree.county_b, "西山主题公园", "theme_park")
    make_visits(venue, D(2026, 9, 1), 321, D(2026, 9, 30))
    make_activity(unit=tree.unit_a, title="广场舞联欢", venue=venue)
    make_activity(unit=tree.unit_b, title="别处的活动", venue=venue)  # not in office_a's scope
    client = client_for(tree.office_a)
    listing = client.get(reverse("venues:venue_list"))
    assert [row.obj.name for row in listing.context["rows"]] == ["东城民族团结广场"]
    detail = client.get(reverse("venues:venue_detail", args=[venue.pk]))
    body = detail.content.decode()
    assert "广场舞联欢" in body and "别处的活动" not in body and "321" in body
    assert detail.context["hosted_count"] == 1
    assert client_for(tree.office_b).get(reverse("venues:venue_detail", args=[venue.pk])).status_code == 404
    response = client.post(
        reverse("venues:venue_create"),
        {"name": "社区文化站", "venue_type": VenueType.objects.get(code="cultural_station").pk,
         "area": tree.village_a.pk, "level": "county", "latitude": "43.8", "longitude": "87.6"},
    )  # fmt: skip
    created = Venue.objects.get(name="社区文化站")
    assert response.status_code == 302 and created.area == tree.village_a
    bad = client.post(
        reverse("venues:venue_create"),
        {"name": "坏坐标", "venue_type": created.venue_type_id, "area": tree.village_a.pk, "level": "county",
         "latitude": "43.8"},
    )  # fmt: skip
    assert bad.status_code == 200 and "latitude" in bad.context["form"].errors
    assert client.get(reverse("venues:venue_edit", args=[venue.pk])).status_code == 200
    visit = client.post(
        reverse("venues:visit_create", args=[venue.pk]), {"period_start": "2026-10-01", "visitors": "45"}
    )
    assert visit.status_code == 302
    assert VenueVisitCount.objects.filter(venue=venue, visitors=45).exists()
    visits = client.get(reverse("venues:visit_list"), {"venue": venue.pk})
    assert sum(row.obj.visitors for row in visits.context["rows"]) == 366
    assert client_for(tree.unit_user_a).get(reverse("venues:venue_create")).status_code == 403
    assert client_for(tree.office_b).get(reverse("venues:visit_create", args=[venue.pk])).status_code == 404
    assert client.post(reverse("venues:venue_archive", args=[venue.pk]), {"reason": "x"}).status_code == 302
    venue.refresh_from_db()
    assert venue.status == VenueStatus.ARCHIVED
