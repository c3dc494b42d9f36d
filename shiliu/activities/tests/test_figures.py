"""activity_figures: each figure equals a count made independently here, and its records are the list's rows."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from shiliu.activities.selectors import activity_figures
from shiliu.venues.tests.factories import make_venue, make_visits

from .factories import make_activity, make_campaign, make_publicity

D = datetime.date


@pytest.fixture
def world(tree):
    campaign = make_campaign(start=D(2026, 9, 1), end=D(2026, 9, 30))
    make_activity(unit=tree.unit_a, type_code="festival", start=D(2026, 6, 1), participants=10)
    make_activity(
        unit=tree.unit_a, type_code="festival", start=D(2026, 8, 25), end=D(2026, 9, 2), participants=20
    )
    make_activity(unit=tree.unit_a2, type_code="contest", start=D(2026, 9, 10), participants=30)
    make_activity(area=tree.county_a, type_code="theory_study", start=D(2026, 9, 30), participants=40)
    make_activity(area=tree.town_a, type_code="contest", start=D(2026, 10, 1), participants=50)
    make_activity(unit=tree.unit_b, type_code="festival", start=D(2026, 9, 15), participants=1000)
    make_activity(unit=tree.dept, type_code="training", start=D(2026, 9, 15), participants=7)
    make_publicity(unit=tree.unit_a, kind="banner", start=D(2026, 9, 1), reach=100)
    make_publicity(area=tree.county_a, kind="online", start=D(2026, 9, 5), reach=5000)
    make_publicity(area=tree.county_a, kind="online", start=D(2026, 3, 5), reach=7)
    make_publicity(area=tree.county_b, kind="led", start=D(2026, 9, 5), reach=999)
    square = make_venue(tree.county_a, "东城广场", "square")
    hall = make_venue(tree.village_a, "社区展馆", "exhibition_hall")
    far = make_venue(tree.county_b, "西山公园", "theme_park")
    make_visits(square, D(2026, 9, 1), 300, D(2026, 9, 30))
    make_visits(square, D(2026, 8, 1), 200, D(2026, 8, 31))
    make_visits(hall, D(2026, 9, 10), 50)
    make_visits(far, D(2026, 9, 10), 9000)
    tree.campaign = campaign
    return tree


def independent(user_area_path, user_unit_id, rows, *, start=None, end=None, within=None):
    """What the figures should count, decided in Python from plain rows."""
    picked = []
    for row in rows:
        if not row.area_path.startswith(user_area_path or ""):
            continue
        if user_unit_id is not None and getattr(row, "unit_id", None) != user_unit_id:
            continue
        if within and not row.area_path.startswith(within):
            continue
        row_start = getattr(row, "start_date", None) or row.period_start
        row_end = getattr(row, "end_date", None) or row.period_end
        if start and row_end < start or end and row_start > end:
            continue
        picked.append(row)
    return picked


def list_rows(client, url) -> set[int]:
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    ids, cursor = set(), None
    while True:
        response = client.get(parts.path, params | ({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200
        ids |= {row.obj.pk for row in response.context["rows"]}
        page = response.context["page"]
        if not page.has_next:
            return ids
        cursor = page.next_cursor


@pytest.mark.parametrize("username", ["office_a", "city_office", "unit_a", "leader", "office_b"])
@pytest.mark.parametrize("period", ["all", "campaign", "dates"])
def test_figures_equal_independent_counts_and_their_lists(world, username, period):
    from shiliu.accounts.models import User
    from shiliu.activities.models import Activity, PublicityItem
    from shiliu.venues.models import Venue, VenueVisitCount

    user = User.objects.get(username=username)
    kwargs, start, end = {}, None, None
    if period == "campaign":
        kwargs, start, end = {"campaign": world.campaign.pk}, D(2026, 9, 1), D(2026, 9, 30)
    elif period == "dates":
        start, end = D(2026, 8, 30), D(2026, 9, 12)
        kwargs = {"start": start, "end": end}
    figures = activity_figures(user=user, **kwargs)
    path, unit_id = user.area.path, user.unit_id

    activities = independent(path, unit_id, Activity.objects.all(), start=start, end=end)
    assert figures["activities"].value == len(activities)
    assert figures["participants"].value == sum(a.participants for a in activities)
    by_type = {}
    for a in activities:
        by_type[a.activity_type.code] = by_type.get(a.activity_type.code, 0) + 1
    assert {k: f.value for k, f in figures["activities_by_type"].breakdown.items()} == by_type
    by_entry = {}
    for a in activities:
        key = a.entry_type.code if a.entry_type_id else "none"
        by_entry[key] = by_entry.get(key, 0) + 1
    assert {k: f.value for k, f in figures["activities_by_entry_type"].breakdown.items()} == by_entry

    publicity = independent(path, unit_id, PublicityItem.objects.all(), start=start, end=end)
    assert figures["publicity"].value == len(publicity)
    assert figures["publicity_reach"].value == sum(p.reach for p in publicity)
    by_kind = {}
    for p in publicity:
        by_kind[p.kind] = by_kind.get(p.kind, 0) + 1
    assert {k: f.value for k, f in figures["publicity_by_kind"].breakdown.items()} == by_kind

    venues = [v for v in Venue.objects.all() if v.area_path.startswith(path)]
    assert figures["venues"].value == len(venues)
    visits = independent(path, None, VenueVisitCount.objects.all(), start=start, end=end)
    assert figures["venue_visitors"].value == sum(v.visitors for v in visits)

    # Every figure's records are exactly the rows of the list its URL opens.
    client = Client()
    client.force_login(user)
    checked = [
        figures["activities"],
        figures["publicity"],
        figures["venues"],
        figures["venue_visitors"],
        *figures["activities_by_type"].breakdown.values(),
        *figures["activities_by_entry_type"].breakdown.values(),
        *figures["publicity_by_kind"].breakdown.values(),
    ]
    for figure in checked:
        assert resolve(urlsplit(figure.url).path)
        assert set(figure.records.values_list("pk", flat=True)) == list_rows(client, figure.url), figure.key
        if figure.key != "venue_visitors":
            assert figure.records.count() == figure.value, figure.key


def test_area_narrows_and_a_foreign_area_gives_zero(world):
    figures = activity_figures(user=world.city_office, area=world.village_a)
    assert figures["activities"].value == 2
    assert figures["venues"].value == 1
    foreign = activity_figures(user=world.office_a, area=world.county_b)
    assert foreign["activities"].value == 0 and foreign["venue_visitors"].value == 0


def test_one_aggregate_query_per_figure_or_breakdown(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        activity_figures(user=world.city_office, campaign=world.campaign)
