"""The scope matrix of activities, publicity and venues: lists (with search), details, edit forms, attachment
downloads, exports and the figures, for users from the same area, an ancestor, a sibling, an unrelated branch,
unit and department liaisons, a read-only leader and a user without an area.

The expected rows come from an oracle that walks parent links in Python, independent of the materialised paths
and of the scope engine under test: a record is visible when its area lies at or below the user's area and, for
a liaison, when it is their unit's record.
"""

import datetime

import pytest
from django.urls import reverse

from shiliu.activities.models import Activity, PublicityItem
from shiliu.activities.selectors import activity_figures
from shiliu.activities.tests.factories import make_activity, make_publicity, png_bytes, upload
from shiliu.core.attachments import attachment_add
from shiliu.venues.models import Venue, VenueVisitCount
from shiliu.venues.tests.factories import make_venue, make_visits

from .test_scope_matrix import USERS, client_for, oracle_area_ids, xlsx_text
from .test_scope_matrix import world as world  # the fixture, re-exported for pytest

MATRIX_USERS = [*USERS, "dept"]
D = datetime.date


@pytest.fixture
def ledger(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = world
    owners = {
        "community": {"unit": t.unit_a},
        "school": {"unit": t.unit_a2},
        "dept": {"unit": t.dept},
        "west": {"unit": t.unit_b},
        "far": {"unit": t.other_unit},
        "countyA": {"area": t.county_a},
        "city": {"area": t.city},
        "countyB": {"area": t.county_b},
    }
    t.activities, t.publicity = {}, {}
    for key, owner in owners.items():
        t.activities[key] = make_activity(title=f"活动{key}", participants=len(key), **owner)
        t.publicity[key] = make_publicity(title=f"宣传{key}", reach=len(key) * 10, **owner)
        attachment_add(actor=t.admin, owner=t.activities[key], uploaded=upload(f"{key}.png", png_bytes()))
    t.venues = {
        "countyA": make_venue(t.county_a, "阵地countyA"),
        "village": make_venue(t.village_a, "阵地village"),
        "countyB": make_venue(t.county_b, "阵地countyB"),
        "far": make_venue(t.other_county, "阵地far"),
    }
    for key, venue in t.venues.items():
        make_visits(venue, D(2026, 3, 1), 100 + len(key))
    return t


def get_user(username):
    from shiliu.accounts.models import User

    return User.objects.get(username=username)


def oracle_owned(model):
    def oracle(user) -> set[int]:
        qs = model.objects.filter(area_id__in=oracle_area_ids(user))
        if user.unit_id:
            qs = qs.filter(unit_id=user.unit_id)
        return set(qs.values_list("pk", flat=True))

    return oracle


def oracle_venues(user) -> set[int]:
    return set(Venue.objects.filter(area_id__in=oracle_area_ids(user)).values_list("pk", flat=True))


def oracle_visits(user) -> set[int]:
    return set(VenueVisitCount.objects.filter(venue_id__in=oracle_venues(user)).values_list("pk", flat=True))


oracle_activities = oracle_owned(Activity)
oracle_publicity = oracle_owned(PublicityItem)

SURFACES = {
    "activity list": ("activities:activity_list", {}, oracle_activities),
    "activity search": (
        "activities:activity_list", {"q": "county"},
        lambda u: oracle_activities(u) & set(Activity.objects.filter(title__contains="county").values_list("pk", flat=True)),
    ),
    "publicity list": ("activities:publicity_list", {}, oracle_publicity),
    "venue list": ("venues:venue_list", {}, oracle_venues),
    "visit list": ("venues:visit_list", {}, oracle_visits),
}  # fmt: skip


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_lists_show_exactly_the_scope(ledger, username):
    user = get_user(username)
    client = client_for(username)
    for surface, (url_name, params, oracle) in SURFACES.items():
        expected = oracle(user)
        response = client.get(reverse(url_name), params)
        assert response.status_code == 200
        assert {row.obj.pk for row in response.context["rows"]} == expected, surface
        assert response.context["total"] == len(expected), surface
        body = response.content.decode()
        for key, activity in ledger.activities.items():
            if activity.pk not in oracle_activities(user):
                assert f"活动{key}<" not in body, f"{surface}: {key} leaked to {username}"
                assert f"宣传{key}<" not in body, f"{surface}: {key} leaked to {username}"


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_details_forms_and_files_follow_the_scope(ledger, username):
    from shiliu.core.attachments import attachments_of

    user = get_user(username)
    client = client_for(username)
    writer = user.role in ("office", "unit", "department")
    for key, activity in ledger.activities.items():
        seen = activity.pk in oracle_activities(user)
        expected = 200 if seen else 404
        assert client.get(reverse("activities:activity_detail", args=[activity.pk])).status_code == expected
        assert client.get(reverse("activities:activity_edit", args=[activity.pk])).status_code == (
            200 if seen and writer else 404
        ), key
        photo = attachments_of(activity).get()
        assert client.get(reverse("core:attachment", args=[photo.pk])).status_code == expected, key
        item = ledger.publicity[key]
        assert client.get(reverse("activities:publicity_detail", args=[item.pk])).status_code == expected
        posted = client.post(reverse("activities:publicity_delete", args=[item.pk]))
        assert posted.status_code == (302 if seen and writer else 404), (key, posted.status_code)
    for key, venue in ledger.venues.items():
        seen = venue.pk in oracle_venues(user)
        assert client.get(reverse("venues:venue_detail", args=[venue.pk])).status_code == (
            200 if seen else 404
        )
        edit = client.get(reverse("venues:venue_edit", args=[venue.pk])).status_code
        assert edit == (200 if seen and user.role == "office" else 404), (key, edit)


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_exports_hold_exactly_the_scope(ledger, username):
    user = get_user(username)
    client = client_for(username)
    for sheet, prefix in (("activities", "活动"), ("publicity", "宣传"), ("venues", "阵地")):
        response = client.get(reverse("exchange:export", args=[sheet]))
        if user.area_id is None and response.status_code != 200:
            continue
        assert response.status_code == 200
        text = xlsx_text(b"".join(response.streaming_content) if response.streaming else response.content)
        records = ledger.venues if sheet == "venues" else ledger.activities
        oracle = {"activities": oracle_activities, "publicity": oracle_publicity, "venues": oracle_venues}[
            sheet
        ]
        visible = oracle(user)
        for key, record in records.items():
            pk = record.pk if sheet != "publicity" else ledger.publicity[key].pk
            assert (f"{prefix}{key}" in text) == (pk in visible), (sheet, key, username)


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_figures_count_exactly_the_scope(ledger, username):
    user = get_user(username)
    figures = activity_figures(user=user)
    activities = oracle_activities(user)
    assert set(figures["activities"].records.values_list("pk", flat=True)) == activities
    assert figures["participants"].value == sum(
        a.participants for a in Activity.objects.filter(pk__in=activities)
    )
    publicity = oracle_publicity(user)
    assert figures["publicity_reach"].value == sum(
        p.reach for p in PublicityItem.objects.filter(pk__in=publicity)
    )
    assert set(figures["venues"].records.values_list("pk", flat=True)) == oracle_venues(user)
    visits = VenueVisitCount.objects.filter(pk__in=oracle_visits(user))
    assert figures["venue_visitors"].value == sum(v.visitors for v in visits)
