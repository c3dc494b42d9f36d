"""Services of activities, publicity and campaigns: validation, who records what, scope refusals, rollback."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from shiliu.activities import services
from shiliu.activities.models import Activity, PublicityItem
from shiliu.core.attachments import attachments_of
from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.orgs.choices import UnitStatus
from shiliu.venues.tests.factories import make_venue

from .factories import activity_type, make_activity, png_bytes, upload

D = datetime.date


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def data(**extra):
    return {
        "title": " 石榴籽  宣讲会 ",
        "activity_type": activity_type("lecture_tour"),
        "start_date": D(2026, 3, 1),
        "end_date": D(2026, 3, 2),
        "participants": 40,
    } | extra


def test_a_unit_liaison_records_for_their_own_unit(tree):
    activity = services.activity_create(actor=tree.unit_user_a, **data())
    assert activity.unit == tree.unit_a
    assert activity.area == tree.village_a and activity.area_path == tree.village_a.path
    assert activity.entry_type == tree.unit_a.unit_type
    assert activity.title == "石榴籽 宣讲会"
    assert activity.history.get().history_user == tree.unit_user_a
    # ... and never for another unit or the area office.
    with pytest.raises(NotVisible):
        services.activity_create(actor=tree.unit_user_a, **data(unit=tree.unit_a2))
    with pytest.raises(NotVisible):
        services.activity_create(actor=tree.dept_user, **data(unit=tree.unit_a))


def test_offices_record_area_level_and_unit_activities_in_their_subtree(tree):
    own = services.activity_create(actor=tree.office_a, **data(area=tree.county_a))
    assert own.unit is None and own.entry_type is None and own.area_path == tree.county_a.path
    unit = services.activity_create(actor=tree.office_a, **data(unit=tree.unit_a2, area=tree.county_b))
    assert unit.area == tree.unit_a2.area  # a unit's record lies in the unit's area
    with pytest.raises(NotVisible):
        services.activity_create(actor=tree.office_a, **data(area=tree.county_b))
    with pytest.raises(NotVisible):
        services.activity_create(actor=tree.office_a, **data(unit=tree.unit_b))
    for reader in (tree.leader, tree.grid_user, tree.nobody):
        with pytest.raises(NotVisible):
            services.activity_create(actor=reader, **data(area=tree.village_a))


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"activity_type": None}, "activity_type"),
        ({"start_date": None}, "start_date"),
        ({"end_date": D(2026, 2, 28)}, "end_date"),
        ({"participants": -1}, "participants"),
        ({"area": None}, "area"),
    ],
)
def test_invalid_activities_are_refused_on_the_field(tree, extra, field):
    with pytest.raises(ApplicationError) as exc:
        services.activity_create(actor=tree.office_a, **(data(area=tree.county_a) | extra))
    assert exc.value.field == field
    assert not Activity.objects.exists()


def test_end_date_defaults_to_the_start_and_the_database_holds_the_order(tree):
    activity = services.activity_create(actor=tree.office_a, **data(area=tree.county_a, end_date=None))
    assert activity.end_date == activity.start_date
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(end_date=D(2000, 1, 1))


def test_venue_must_be_visible_to_the_actor(tree):
    venue_b = make_venue(tree.county_b, "西山展馆", "exhibition_hall")
    venue_a = make_venue(tree.county_a, "东城广场", "square")
    with pytest.raises(ApplicationError) as exc:
        services.activity_create(actor=tree.office_a, **data(area=tree.county_a, venue=venue_b))
    assert exc.value.field == "venue"
    assert (
        services.activity_create(actor=tree.office_a, **data(area=tree.county_a, venue=venue_a)).venue
        == venue_a
    )


def test_archived_units_take_no_new_records(tree):
    tree.unit_a2.status = UnitStatus.ARCHIVED
    tree.unit_a2.save()
    with pytest.raises(ApplicationError) as exc:
        services.activity_create(actor=tree.office_a, **data(unit=tree.unit_a2))
    assert exc.value.field == "unit"


def test_update_rereads_and_refuses_moving_out_of_scope(tree):
    activity = services.activity_create(actor=tree.office_a, **data(area=tree.county_a))
    services.activity_update(actor=tree.office_a, activity=activity, title="新标题", participants=50)
    activity.refresh_from_db()
    assert (activity.title, activity.participants) == ("新标题", 50)
    assert activity.history.count() == 2
    with pytest.raises(NotVisible):
        services.activity_update(actor=tree.office_a, activity=activity, area=tree.county_b)
    activity.refresh_from_db()
    assert activity.area == tree.county_a
    with pytest.raises(NotVisible):
        services.activity_update(actor=tree.office_b, activity=activity, title="x")
    with pytest.raises(NotVisible):
        services.activity_update(actor=tree.unit_user_a, activity=activity, title="x")


def test_a_refused_photo_rolls_back_the_whole_activity(tree):
    with pytest.raises(ApplicationError):
        services.activity_create(
            actor=tree.unit_user_a,
            photos=[upload("a.png", png_bytes()), upload("b.jpg", b"MZ\x90\x00")],
            **data(),
        )
    assert not Activity.objects.exists()
    activity = services.activity_create(
        actor=tree.unit_user_a, photos=[upload("a.png", png_bytes())], **data()
    )
    assert attachments_of(activity).count() == 1


def test_delete_removes_attachments_and_keeps_history(tree):
    activity = services.activity_create(
        actor=tree.unit_user_a, photos=[upload("a.png", png_bytes())], **data()
    )
    with pytest.raises(NotVisible):
        services.activity_delete(actor=tree.office_b, activity=activity)
    services.activity_delete(actor=tree.office_a, activity=activity, reason="重复录入")
    assert not Activity.objects.exists()
    assert not attachments_of(activity).exists()
    deleted = Activity.history.filter(history_type="-").get()
    assert deleted.history_user == tree.office_a and deleted.history_change_reason == "重复录入"


def test_publicity_items(tree):
    item = services.publicity_create(
        actor=tree.unit_user_a, title="民族团结横幅", kind="banner", start_date=D(2026, 9, 1), reach=300
    )
    assert item.unit == tree.unit_a and item.end_date == item.start_date
    with pytest.raises(ApplicationError) as exc:
        services.publicity_create(
            actor=tree.office_a, title="x", kind="poster", start_date=D(2026, 9, 1), area=tree.county_a
        )
    assert exc.value.field == "kind"
    with pytest.raises(NotVisible):
        services.publicity_update(actor=tree.office_b, item=item, reach=1)
    services.publicity_update(actor=tree.office_a, item=item, reach=500)
    item.refresh_from_db()
    assert item.reach == 500
    services.publicity_delete(actor=tree.unit_user_a, item=item)
    assert not PublicityItem.objects.exists()


def test_campaigns_are_configured_by_administrators(tree):
    with pytest.raises(ApplicationError):
        services.campaign_create(
            actor=tree.city_office, name="宣传月", start_date=D(2026, 9, 1), end_date=D(2026, 9, 30)
        )
    campaign = services.campaign_create(
        actor=tree.admin, name="宣传月", start_date=D(2026, 9, 1), end_date=D(2026, 9, 30)
    )
    assert str(campaign) == "宣传月"
    with pytest.raises(ApplicationError):
        services.campaign_create(
            actor=tree.admin, name="倒序", start_date=D(2026, 9, 30), end_date=D(2026, 9, 1)
        )


def test_factories_agree_with_the_services(tree):
    made = make_activity(unit=tree.unit_a)
    assert made.entry_type == tree.unit_a.unit_type
