"""The service-request demo seeder (run by ``seed_demo``): requests in many states with timelines, visits for
demo_grid, routing rules; a second run adds nothing; the figures and the ranking of the demo city are not empty."""

from io import StringIO

import pytest
from django.core.management import call_command

from shiliu.accounts.models import User
from shiliu.service_requests import selectors
from shiliu.service_requests.demo import seed_service_requests
from shiliu.service_requests.models import GridVisit, RequestEvent, RoutingRule, ServiceRequest
from shiliu.service_requests.tasks import sweep_deadlines

pytestmark = pytest.mark.django_db


def seed():
    out = StringIO()
    call_command("seed_demo", "--scale", "tiny", "--last-year", "2025", stdout=out)
    return out.getvalue()


def snapshot():
    return sorted(
        ServiceRequest.objects.values_list(
            "external_ref", "ticket", "status", "submitted_at", "lead_department_id"
        )
    )


def test_demo_requests_are_varied_idempotent_and_counted():
    seed()
    assert ServiceRequest.objects.count() == 60
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert len(statuses) >= 6 and {"closed", "in_progress"} <= statuses, statuses
    assert RoutingRule.objects.count() == 10
    grid_user = User.objects.get(username="demo_grid")
    assert GridVisit.objects.filter(worker=grid_user).exists()
    assert ServiceRequest.objects.filter(area=grid_user.area).exists()
    for request in ServiceRequest.objects.all():
        events = list(request.events.order_by("created_at", "id"))
        assert events[0].action == "submit" and events[0].created_at == request.submitted_at
        assert all(a.created_at <= b.created_at for a, b in zip(events, events[1:], strict=False))
        if request.lead_department_id:
            assert request.area_path.startswith(request.lead_department.area_path)
    before, events = snapshot(), RequestEvent.objects.count()
    assert seed_service_requests(scale="tiny")["requests"] == 0
    assert snapshot() == before and RequestEvent.objects.count() == events
    office = User.objects.get(username="demo_city_office")
    figures = selectors.request_figures(user=office)
    assert figures["requests"].value == 60 and figures["closed"].value > 0
    assert figures["satisfaction_rate"].value is not None
    assert selectors.department_ranking(user=office, min_requests=1).rows
    dept_user = User.objects.get(username="demo_department")
    assert selectors.request_list(user=dept_user).count() < 60
    first = sweep_deadlines()
    assert sweep_deadlines()["reminders"] == 0 and first["requests"] >= 0
    assert not seed_service_requests(scale="province")


def test_flush_removes_the_demo_requests_and_the_reseed_is_the_same():
    from shiliu.service_requests.demo import flush_service_requests

    seed()
    before = snapshot()
    flush_service_requests()
    assert (
        not ServiceRequest.objects.exists()
        and not RoutingRule.objects.exists()
        and not GridVisit.objects.exists()
    )
    seed_service_requests(scale="tiny")
    assert [row[:3] for row in snapshot()] == [row[:3] for row in before]  # same refs, tickets, states
