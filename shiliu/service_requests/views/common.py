"""Helpers shared by the service-request pages: who may use which page, crumbs, choices for filters."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shiliu.core.roles import Role
from shiliu.core.scope import CHANGE, is_office, role_may, scope_of

from .. import selectors
from ..models import GridVisit, ServiceRequest


def is_grid_worker(user) -> bool:
    scope = scope_of(user)
    return scope.role == Role.GRID and not scope.is_empty


def can_intake(user) -> bool:
    """Office staff record for callers; grid workers record from their visits."""
    return role_may(user, ServiceRequest, CHANGE) and (is_office(user) or is_grid_worker(user))


def can_record_visit(user) -> bool:
    return role_may(user, GridVisit, CHANGE) and (is_grid_worker(user) or is_office(user))


def requests_crumbs(*extra):
    return [(gettext_lazy("Service requests"), reverse("service_requests:request_list")), *extra]


def request_crumbs(obj, *extra):
    return requests_crumbs(
        (obj.ticket, reverse("service_requests:request_detail", args=[obj.pk]) if extra else None), *extra
    )


def config_crumbs(title):
    return [(gettext_lazy("Request settings"), reverse("service_requests:category_list")), (title, None)]


def department_options(request):
    """Filter choices of the request list: the departments the user may dispatch to."""
    return [(u.pk, u.name) for u in selectors.department_choices(user=request.user).only("pk", "name")[:500]]


def category_options(request):
    from ..forms import category_tree

    return [(c.code, "\u2003" * depth + c.name) for c, depth in category_tree()]


def parse_day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def today() -> datetime.date:
    return timezone.localdate()


def percent_text(fraction) -> str:
    """A rate kept as a fraction 0..1 shown as a percentage with one decimal ("90.0%"); "—" without a value."""
    return "—" if fraction is None else f"{fraction * 100:.1f}%"
