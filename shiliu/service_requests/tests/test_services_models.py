"""Model-level invariants and the seeded defaults."""

import pytest
from django.db import IntegrityError, transaction

from shiliu.core.scope import visible_to
from shiliu.service_requests.choices import DEFAULT_CATEGORIES, RequestStatus
from shiliu.service_requests.models import DeadlineRule, RequestCategory, ServiceRequest

from .factories import make_department, make_department_user, make_request

pytestmark = pytest.mark.django_db


def test_migration_seeds_default_categories_and_rules():
    assert set(RequestCategory.objects.values_list("code", flat=True)) >= {
        c for c, _, _ in DEFAULT_CATEGORIES
    }
    assert DeadlineRule.objects.filter(category=None, priority="", step="reply").get().amount == 3


def test_department_sees_led_and_assisted_requests_once(tree):
    other = make_department(tree.city, "石榴市人社局")
    led = make_request(tree.grid_a, status=RequestStatus.DISPATCHED, lead=tree.dept, assisting=[other])
    assisted = make_request(tree.grid_a, status=RequestStatus.DISPATCHED, lead=other, assisting=[tree.dept])
    foreign = make_request(tree.grid_a, status=RequestStatus.DISPATCHED, lead=other)
    unrouted = make_request(tree.grid_a)
    seen = list(visible_to(ServiceRequest.objects.all(), tree.dept_user).order_by("id"))
    assert seen == [led, assisted]
    other_user = make_department_user(other)
    assert set(visible_to(ServiceRequest.objects.all(), other_user)) == {led, assisted, foreign}
    assert unrouted in visible_to(ServiceRequest.objects.all(), tree.grid_user)
    assert unrouted in visible_to(ServiceRequest.objects.all(), tree.office_a)
    assert unrouted not in visible_to(ServiceRequest.objects.all(), tree.office_b)


def test_ethnic_flag_needs_a_reason(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_request(tree.grid_a, involves_ethnic_factors=True)


def test_reopened_at_most_once(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_request(tree.grid_a, reopened_count=2)


def test_requester_fields_are_encrypted_at_rest(tree):
    from django.db import connection

    request = make_request(tree.grid_a, requester_name="王小明", requester_phone="13800001234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT requester_name, requester_phone FROM service_requests_servicerequest WHERE id=%s",
                       [request.pk])  # fmt: skip
        name, phone = cursor.fetchone()
    assert "王小明" not in name and "13800001234" not in phone
    request.refresh_from_db()
    assert request.requester_name == "王小明"


def test_no_ethnicity_or_religion_field():
    names = {f.name for m in (ServiceRequest,) for f in m._meta.get_fields()}
    assert not {n for n in names if "religio" in n or n in {"ethnicity", "ethnic_group", "nationality"}}
