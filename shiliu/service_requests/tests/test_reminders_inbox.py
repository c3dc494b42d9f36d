"""The reminders inbox: what the sweep sent reaches the office of the area and the department it concerns,
through scope, with filters; the home panel counts the outstanding ones and links to them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.models import RequestReminder, ServiceRequest
from shiliu.service_requests.selectors import reminder_list
from shiliu.service_requests.tasks import sweep_deadlines

from .factories import World, make_request

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DUE = datetime.datetime(2025, 3, 5, 9, 30, tzinfo=UTC)
H = datetime.timedelta(hours=1)


@pytest.fixture
def world(tree):
    return World(tree)


def due_request(world, lead, area=None, **extra):
    fields = {"next_step": "reply", "next_due": DUE, "reply_due": DUE, "remind_at": DUE - 2 * H,
              "escalate_at": DUE + 7 * H, "sweep_at": DUE - 2 * H} | extra  # fmt: skip
    return make_request(area or world.grid, status=RequestStatus.IN_PROGRESS, lead=lead, **fields)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sent(world):
    """Two requests of county A (one per department) past their escalation; one of county B's department."""
    mine = due_request(world, world.dept)
    other = due_request(world, world.dept2)
    far = due_request(world, world.far_dept, area=world.tree.village_b)
    sweep_deadlines(now=DUE - H)  # reminders before the deadline
    sweep_deadlines(now=DUE + 8 * H)  # overdue notices and supervision
    return mine, other, far


def tickets(qs):
    return sorted({r.request.ticket for r in qs})


def test_each_reader_sees_what_concerns_them(world, sent):
    mine, other, far = sent
    assert RequestReminder.objects.count() == 9  # reminder, overdue, supervision for each
    assert tickets(reminder_list(user=world.office)) == sorted([mine.ticket, other.ticket])
    assert tickets(reminder_list(user=world.tree.office_b)) == [far.ticket]
    assert tickets(reminder_list(user=world.city_office)) == sorted([mine.ticket, other.ticket, far.ticket])
    assert tickets(reminder_list(user=world.dept_user)) == [mine.ticket]
    assert tickets(reminder_list(user=world.dept2_user)) == [other.ticket]
    assert tickets(reminder_list(user=world.far_dept_user)) == [far.ticket]
    assert not reminder_list(user=world.tree.nobody).exists()


def test_filters(world, sent):
    mine, other, far = sent
    office = world.city_office
    assert reminder_list(user=office, filters={"kind": "supervision"}).count() == 3
    assert reminder_list(user=office, filters={"kind": "bogus"}).count() == 0
    assert reminder_list(user=office, filters={"step": "reply"}).count() == 9
    assert reminder_list(user=office, filters={"step": "sign"}).count() == 0
    assert tickets(reminder_list(user=office, filters={"department": world.dept2.pk})) == [other.ticket]
    assert tickets(reminder_list(user=office, filters={"area": world.tree.county_b.pk})) == [far.ticket]
    assert tickets(reminder_list(user=office, filters={"q": mine.ticket})) == [mine.ticket]
    # sent_at is the moment the sweep ran (today), whatever ``now`` it was given.
    assert reminder_list(user=office, filters={"date_to": "2000-01-01"}).count() == 0
    assert reminder_list(user=office, filters={"date_from": "2000-01-01"}).count() == 9


def test_open_keeps_only_steps_still_outstanding(world, sent):
    mine, other, far = sent
    office = world.city_office
    assert reminder_list(user=office, filters={"open": "1"}).count() == 9
    # The department replied: its step is no longer outstanding.
    ServiceRequest.objects.filter(pk=mine.pk).update(next_step="verify", next_due=DUE + 48 * H)
    assert tickets(reminder_list(user=office, filters={"open": "1"})) == sorted([other.ticket, far.ticket])
    assert reminder_list(user=office).count() == 9  # the inbox keeps the history


def test_transferred_request_leaves_the_old_departments_inbox(world, sent):
    mine, _other, _far = sent
    ServiceRequest.objects.filter(pk=mine.pk).update(lead_department=world.dept2)
    assert not reminder_list(user=world.dept_user).exists()
    # The reminders were addressed to the old lead: the new one gets its own when its step falls due.
    assert tickets(reminder_list(user=world.dept2_user)) == [_other.ticket]
    assert reminder_list(user=world.city_office).count() == 9


def test_page_lists_and_links_to_the_request(world, sent):
    mine, other, far = sent
    page = client_for(world.dept_user).get(reverse("service_requests:reminder_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.ticket in html and other.ticket not in html and far.ticket not in html
    assert reverse("service_requests:request_detail", args=[mine.pk]) in html
    filtered = client_for(world.city_office).get(
        reverse("service_requests:reminder_list"), {"kind": "supervision", "department": world.far_dept.pk}
    )
    html = filtered.content.decode()
    assert far.ticket in html and mine.ticket not in html


def test_empty_inbox_says_so(world):
    from django.utils import translation

    page = client_for(world.dept_user).get(reverse("service_requests:reminder_list"))
    assert page.status_code == 200
    with translation.override("zh-hans"):
        assert translation.gettext("No reminders") in page.content.decode()


def test_home_panel_counts_outstanding_reminders(world, sent):
    from shiliu.service_requests.views.requests import home_panel

    mine, other, far = sent
    # The panel counts this year's requests: move the requests into this year.
    from django.utils import timezone

    ServiceRequest.objects.update(submitted_at=timezone.now() - datetime.timedelta(hours=3))
    request = type("R", (), {"user": world.office})()
    panel = home_panel(request)
    figure = next(f for f in panel["counts"] if f.key == "open_reminders")
    assert figure.value == 6 == figure.records.count()  # county A's two requests, three reminders each
    assert figure.url.endswith("?open=1")
    assert "open_reminders" not in [
        f.key for f in home_panel(type("R", (), {"user": world.grid_user})())["counts"]
    ]
