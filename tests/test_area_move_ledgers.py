"""Moving an area re-bases the path copies of every record below it, ledgers included, so scope follows the move."""

from shiliu.activities.models import Activity
from shiliu.activities.tests.factories import make_activity
from shiliu.core.scope import visible_to
from shiliu.orgs import services


def test_activities_follow_their_area_to_its_new_county(tree):
    activity = make_activity(unit=tree.unit_a, title="搬迁前的活动")
    assert visible_to(Activity.objects.all(), tree.office_a).filter(pk=activity.pk).exists()
    services.area_move(
        actor=tree.city_office, area=tree.town_a, new_parent=tree.county_b, new_code="990102009000"
    )
    activity.refresh_from_db()
    assert activity.area_path == "990102009001"
    assert not visible_to(Activity.objects.all(), tree.office_a).filter(pk=activity.pk).exists()
    assert visible_to(Activity.objects.all(), tree.office_b).filter(pk=activity.pk).exists()
