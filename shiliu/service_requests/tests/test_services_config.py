"""The office's configuration services: categories, deadline rules (and that they drive new deadlines), routing
rules, calendar corrections, ranking settings, grid assignments, Open311 clients, public photos."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shiliu.core.attachments import attachments_of
from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.service_requests import calendar, selectors, services
from shiliu.service_requests.models import CalendarOverride, DeadlineRule, Open311Client, RequestCategory

from .factories import World, category

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(tree):
    return World(tree)


def test_categories(world):
    parent = category("housing")
    child = services.category_create(
        actor=world.office, code="Housing-Repair", name="房屋维修", parent=parent
    )
    assert child.code == "housing-repair" and child.ancestor_ids() == [child.pk, parent.pk]
    with pytest.raises(ApplicationError) as caught:
        services.category_create(actor=world.office, code="housing", name="重复")
    assert caught.value.field == "code"
    with pytest.raises(ApplicationError):
        services.category_update(
            actor=world.office, category=parent, code="housing", name="住房", parent=child
        )
    with pytest.raises(ApplicationError):
        services.category_create(actor=world.dept_user, code="x", name="x")
    services.category_update(actor=world.office, category=child, code="housing-repair", name="维修", parent=parent,
                             is_active=False)  # fmt: skip
    assert not RequestCategory.objects.get(pk=child.pk).is_active
    with pytest.raises(ApplicationError):  # inactive categories take no new requests
        services.request_submit(actor=world.office, channel="phone", category=child, area=world.grid,
                                description="漏水")  # fmt: skip


def test_deadline_rules_drive_new_deadlines(world):
    rule = services.deadline_rule_create(actor=world.office, category=category("housing"), priority="", step="accept",
                                         amount=1, unit="working_days", remind_before_hours=2)  # fmt: skip
    with pytest.raises(ApplicationError):
        services.deadline_rule_create(actor=world.office, category=category("housing"), priority="", step="accept",
                                      amount=2, unit="working_days")  # fmt: skip
    with pytest.raises(ApplicationError):
        services.deadline_rule_create(actor=world.office, category=None, priority="", step="accept", amount=0,
                                      unit="working_hours")  # fmt: skip
    request = services.request_submit(actor=world.office, channel="phone", category="housing", area=world.grid,
                                      description="漏水")  # fmt: skip
    cal = calendar.WorkCalendar()
    expected_day = cal.add_working_days(cal.local(request.submitted_at).date(), 1)
    assert request.accept_due == cal.end_of_working_day(expected_day)
    services.deadline_rule_update(actor=world.office, rule=rule, category=rule.category, priority="", step="accept",
                                  amount=1, unit="working_days", is_active=False)  # fmt: skip
    other = services.request_submit(actor=world.office, channel="phone", category="housing", area=world.grid,
                                    description="漏水")  # fmt: skip
    assert other.accept_due == cal.add_working_hours(other.submitted_at, 4)  # the default rule again
    default = DeadlineRule.objects.get(category=None, priority="", step="accept")
    with pytest.raises(ApplicationError):
        services.deadline_rule_delete(actor=world.office, rule=default)
    services.deadline_rule_delete(actor=world.office, rule=rule)
    assert not DeadlineRule.objects.filter(pk=rule.pk).exists()


def test_routing_rules_are_scoped(world):
    rule = services.routing_rule_create(actor=world.office, category=category("employment"), area=world.tree.county_a,
                                        department=world.dept2)  # fmt: skip
    assert services.routing_suggest(category="employment", area=world.grid) == world.dept2
    with pytest.raises(NotVisible):
        services.routing_rule_create(actor=world.office, category=category("housing"), area=world.tree.county_b,
                                     department=world.dept)  # fmt: skip
    with pytest.raises(ApplicationError):  # a county B department does not cover county A
        services.routing_rule_create(actor=world.office, category=category("housing"), area=world.tree.county_a,
                                     department=world.far_dept)  # fmt: skip
    assert list(selectors.routing_rule_list(user=world.office)) == [rule]
    assert list(selectors.routing_rule_list(user=world.tree.office_b)) == []
    services.routing_rule_update(actor=world.office, rule=rule, category=rule.category, area=rule.area,
                                 department=world.dept, is_active=False)  # fmt: skip
    assert services.routing_suggest(category="employment", area=world.grid) is None
    services.routing_rule_delete(actor=world.office, rule=rule)


def test_calendar_overrides(world):
    day = datetime.date(2026, 2, 28)  # the official make-up Saturday
    assert calendar.is_workday(day)
    override = services.calendar_override_set(actor=world.office, date=day, is_workday=False, note="本地调整")
    assert not calendar.is_workday(day) and override.set_by == world.office
    services.calendar_override_set(actor=world.office, date=day, is_workday=True, note="")
    assert CalendarOverride.objects.filter(date=day).count() == 1 and calendar.is_workday(day)
    with pytest.raises(ApplicationError):
        services.calendar_override_set(actor=world.grid_user, date=day, is_workday=False)
    services.calendar_override_delete(actor=world.office, override=CalendarOverride.objects.get(date=day))
    assert list(selectors.calendar_override_list(year=2026)) == []


def test_ranking_settings(world):
    row = services.ranking_settings_update(actor=world.office, area=world.tree.county_a, min_requests=3,
                                           weight_satisfaction=40)  # fmt: skip
    assert selectors.ranking_settings_for(area=world.grid).pk == row.pk and row.weight_satisfaction == 40
    with pytest.raises(ApplicationError):
        services.ranking_settings_update(actor=world.office, area=world.tree.county_a, min_requests=-1)
    with pytest.raises(NotVisible):
        services.ranking_settings_update(actor=world.office, area=world.tree.county_b, min_requests=3)
    assert selectors.ranking_settings_for(area=world.tree.county_b).pk is None  # defaults


def test_grid_assignments(world):
    from shiliu.core.roles import Role
    from shiliu.orgs.tests.factories import make_user

    worker = make_user("grid_new", Role.GRID, world.tree.village_a)
    start = datetime.date(2025, 1, 1)
    assignment = services.grid_assignment_create(
        actor=world.office, worker=worker, grid=world.grid, start=start
    )
    with pytest.raises(ApplicationError):
        services.grid_assignment_create(actor=world.office, worker=worker, grid=world.grid, start=start)
    with pytest.raises(ApplicationError):
        services.grid_assignment_create(
            actor=world.office, worker=world.dept_user, grid=world.grid, start=start
        )
    with pytest.raises(ApplicationError):
        services.grid_assignment_end(actor=world.office, assignment=assignment, end=datetime.date(2024, 1, 1))
    services.grid_assignment_end(actor=world.office, assignment=assignment, end=datetime.date(2025, 6, 30))
    assert list(selectors.grid_choices(user=worker)) == []  # no longer assigned today
    with pytest.raises(ApplicationError):
        services.visit_record(actor=worker, grid=world.grid, date=timezone.localdate(), households=3)
    services.visit_record(actor=worker, grid=world.grid, date=datetime.date(2025, 3, 1), households=3)


def test_open311_clients(world):
    client, raw = services.open311_client_create(
        actor=world.office, name="12345热线", area=world.tree.county_a
    )
    assert raw.startswith("o311_") and client.digest == Open311Client.hash(raw) and raw not in client.digest
    assert client.prefix == raw[:12]
    with pytest.raises(ApplicationError):
        services.open311_client_create(actor=world.dept_user, name="x", area=world.tree.county_a)
    request = services.request_submit(actor=None, channel="open311", category="housing", area=world.grid,
                                      description="漏水", open311_client=client)  # fmt: skip
    assert request.open311_client == client and request.events.get().actor_label == "open311"
    with pytest.raises(ApplicationError):
        services.request_submit(actor=None, channel="open311", category="housing", area=world.tree.village_b,
                                description="漏水", open311_client=client)  # fmt: skip
    services.open311_client_deactivate(actor=world.office, client=client)
    assert not Open311Client.objects.get(pk=client.pk).is_active


def test_public_photos_are_stored_under_the_system_account(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("leak.png", PNG, content_type="image/png")
    request = services.request_submit(actor=None, channel="web", category="housing", area=world.grid,
                                      description="漏水", requester_phone="13800001234", photos=[photo])  # fmt: skip
    stored = attachments_of(request).get()
    assert stored.mime_type == "image/png" and not stored.uploaded_by.is_active
    with pytest.raises(ApplicationError):
        services.request_submit(actor=None, channel="web", category="housing", area=world.grid, description="漏水",
                                requester_phone="13800001234",
                                photos=[SimpleUploadedFile("x.png", b"MZ not a photo")])  # fmt: skip
