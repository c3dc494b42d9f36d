"""Builders for service-request tests on top of the standard tree (``tree`` fixture in conftest.py).

``make_request`` writes a row directly in any status with consistent step timestamps (fast; for list, view, API
and figure tests). Tests of the workflow itself go through the services.
"""

import datetime
from itertools import count

from django.utils import timezone

from shiliu.core.roles import Role
from shiliu.orgs.tests.factories import make_unit, make_user
from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.defaults import defaults_ensure
from shiliu.service_requests.models import (
    GridAssignment,
    GridVisit,
    RequestAssist,
    RequestCategory,
    RoutingRule,
    ServiceRequest,
)
from shiliu.service_requests.tickets import new_ticket, rating_code_hash

_seq = count(1)
S = RequestStatus
RATING_CODE = "123456"  # the rating code every factory-made request accepts

# Which timestamps a request in a status has (in step order).
_STEPS = [
    (
        "accepted_at",
        {S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED, S.REPLIED, S.VERIFIED, S.CLOSED},
    ),
    ("dispatched_at", {S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED, S.REPLIED, S.VERIFIED, S.CLOSED}),
    ("signed_at", {S.SIGNED, S.IN_PROGRESS, S.REPLIED, S.VERIFIED, S.CLOSED}),
    ("started_at", {S.IN_PROGRESS, S.REPLIED, S.VERIFIED, S.CLOSED}),
    ("replied_at", {S.REPLIED, S.VERIFIED, S.CLOSED}),
    ("verified_at", {S.VERIFIED, S.CLOSED}),
    ("closed_at", {S.CLOSED}),
]


def category(code: str = "employment") -> RequestCategory:
    defaults_ensure()
    return RequestCategory.objects.get(code=code)


def make_department(area, name: str | None = None, **extra):
    """A member department (成员单位) of the leading group at ``area``."""
    return make_unit(area, name or f"测试部门{next(_seq)}", "agency", is_member_department=True, **extra)


def make_department_user(unit, username: str | None = None, area=None):
    return make_user(username or f"dept{next(_seq)}", Role.DEPARTMENT, area or unit.area, unit)


def make_request(
    area,
    *,
    status: str = S.SUBMITTED,
    category_code: str = "employment",
    lead=None,
    assisting=(),
    submitted_at: datetime.datetime | None = None,
    step: datetime.timedelta = datetime.timedelta(hours=1),
    requester_name: str = "王小明",
    requester_phone: str = "13800001234",
    **extra,
) -> ServiceRequest:
    """A request in ``status``; each step ``step`` after the previous one. ``extra`` overrides any field."""
    submitted_at = submitted_at or timezone.now() - datetime.timedelta(days=2)
    ticket = extra.pop("ticket", None) or new_ticket()
    fields = {
        "ticket": ticket,
        "rating_code_hash": rating_code_hash(ticket, RATING_CODE),
        "channel": "phone",
        "category": category(category_code),
        "priority": "normal",
        "area": area,
        "area_path": area.path,
        "description": f"测试诉求{next(_seq)}：小区路灯不亮",
        "requester_name": requester_name,
        "requester_phone": requester_phone,
        "status": status,
        "submitted_at": submitted_at,
        "lead_department": lead,
    }
    when = submitted_at
    for field, statuses in _STEPS:
        if status in statuses:
            when = when + step
            fields[field] = when
    if status in {S.REPLIED, S.VERIFIED, S.CLOSED}:
        fields.setdefault("result", "resolved")
        fields["replied_on_time"] = True
    if fields.get("signed_at"):
        fields["signed_on_time"] = True
    if status == S.REJECTED:
        fields["reject_reason"] = "无效诉求"
    fields.update(extra)
    request = ServiceRequest.objects.create(**fields)
    for unit in assisting:
        RequestAssist.objects.create(request=request, department=unit)
    return request


def make_assignment(worker, grid, start=datetime.date(2025, 1, 1), end=None) -> GridAssignment:
    return GridAssignment.objects.create(worker=worker, grid=grid, area_path=grid.path, start=start, end=end)


def make_visit(worker, grid, visited_on=datetime.date(2025, 3, 1), households=12, notes="") -> GridVisit:
    return GridVisit.objects.create(
        worker=worker, grid=grid, area_path=grid.path, visited_on=visited_on, households_visited=households,
        notes=notes,
    )  # fmt: skip


def make_routing_rule(category_code, area, department, **extra) -> RoutingRule:
    return RoutingRule.objects.create(
        category=category(category_code), area=area, area_path=area.path, department=department, **extra
    )


class World:
    """The standard tree plus what requests need: a second city department with its liaison, a county
    department of the other county (it does not cover grid A), the grid worker assigned to grid A."""

    def __init__(self, tree):
        defaults_ensure()
        self.tree = tree
        self.grid = tree.grid_a
        self.office = tree.office_a
        self.city_office = tree.city_office
        self.dept, self.dept_user = tree.dept, tree.dept_user
        self.dept2 = make_department(tree.city, "石榴市人力资源和社会保障局")
        self.dept2_user = make_department_user(self.dept2, "dept2")
        self.far_dept = make_department(tree.county_b, "西山县民政局")
        self.far_dept_user = make_department_user(self.far_dept, "far_dept")
        self.grid_user = tree.grid_user
        make_assignment(self.grid_user, self.grid, start=datetime.date(2024, 1, 1))
