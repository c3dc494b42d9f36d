"""Helpers shared by the creation pages: breadcrumbs, year choices and what a role may be offered.

What a user may actually do is decided by the services (they refuse with ``ApplicationError`` or a 404); the
helpers here only decide which buttons and forms to offer.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from shiliu.core.scope import CHANGE, role_may, scope_of
from shiliu.core.scope import is_office as core_is_office
from shiliu.core.views import ListFilter

from ..choices import CreationLevel


def is_office(user) -> bool:
    """An office (or the administrator) of an area, not tied to a unit."""
    return core_is_office(user) and scope_of(user).unit_id is None


def may_write(user, model) -> bool:
    return role_may(user, model, CHANGE) and not scope_of(user).is_empty


def year_choices(values) -> list[tuple[int, int]]:
    return [(y, y) for y in sorted({v for v in values if v}, reverse=True)]


AREA_FILTER = ListFilter("area", gettext_lazy("Within area"), kind="area")
LEVEL_FILTER = ListFilter("level", gettext_lazy("Level"), choices=CreationLevel.choices)


def crumbs(list_label, list_url_name, obj=None, *extra):
    """``List › object › extra``; the object links to its page when something follows it."""
    trail = [(list_label, reverse(list_url_name))]
    if obj is not None:
        trail.append((str(obj), obj.get_absolute_url() if extra else None))
    trail.extend(extra)
    return trail


def system_crumbs(system=None, *extra):
    return crumbs(gettext_lazy("Indicator systems"), "creation:system_list", system, *extra)


def candidate_crumbs(candidate=None, *extra):
    return crumbs(gettext_lazy("Creation candidates"), "creation:candidate_list", candidate, *extra)


def title_crumbs(title=None, *extra):
    return crumbs(gettext_lazy("Demonstration titles"), "creation:title_list", title, *extra)


def batch_crumbs(batch=None, *extra):
    return crumbs(gettext_lazy("Naming batches"), "creation:batch_list", batch, *extra)
