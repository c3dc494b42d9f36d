"""Reads of areas and units with business meaning. All of them take the user and go through scope."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q, QuerySet

from shiliu.core.scope import VIEW, get_visible_or_404, scope_of, visible_to
from shiliu.core.validators import normalize_text

from .choices import AreaLevel
from .models import Area, AreaStatistics, Unit, UnitType
from .services import ancestor_paths


def area_get(*, user, pk, action: str = VIEW) -> Area:
    return get_visible_or_404(Area, user, action, pk=pk)


def area_root_for(user) -> Area | None:
    """The top of the user's visible tree (their assigned area; the first province for administrators)."""
    scope = scope_of(user)
    if scope.unrestricted:
        return Area.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.is_empty:
        return None
    return Area.objects.filter(path=scope.area_path).first()


def area_filter_param(*, user, value) -> Area | None:
    """Resolve an ``area`` query parameter (id) to an area inside the user's scope, else None."""
    if not value:
        return None
    try:
        return visible_to(Area.objects.all(), user).get(pk=int(value))
    except (Area.DoesNotExist, ValueError, TypeError):
        return None


def _within_area(qs: QuerySet, *, user, filters: Mapping, path_field: str) -> QuerySet:
    """Narrow ``qs`` to the subtree named by the ``area`` filter; an area outside the scope gives nothing."""
    if not filters.get("area"):
        return qs
    within = area_filter_param(user=user, value=filters.get("area"))
    if within is None:
        return qs.none()
    return qs.filter(**{f"{path_field}__startswith": within.path})


def area_list(*, user, filters: Mapping | None = None) -> QuerySet[Area]:
    filters = filters or {}
    qs = visible_to(Area.objects.select_related("parent"), user)
    qs = _within_area(qs, user=user, filters=filters, path_field="path")
    if level := filters.get("level"):
        try:
            qs = qs.filter(level=AreaLevel(int(level)))
        except (ValueError, TypeError):
            qs = qs.none()
    if parent := filters.get("parent"):
        qs = qs.filter(parent_id=parent) if str(parent).isdigit() else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    if filters.get("active") in ("1", "0"):
        qs = qs.filter(is_active=filters["active"] == "1")
    return qs


def area_children(*, user, area: Area | None) -> QuerySet[Area]:
    """Children of an area, or the user's top areas when ``area`` is None (for the tree and the area picker)."""
    qs = visible_to(Area.objects.all(), user).order_by("path")
    if area is None:
        root = area_root_for(user)
        return qs.filter(pk=root.pk) if root else qs.none()
    return qs.filter(parent=area)


def area_ancestors(*, user, area: Area) -> list[Area]:
    """Breadcrumb trail inside the user's scope, root first (ancestors above the user's area are not shown)."""
    paths = ancestor_paths(area.path)
    return list(visible_to(Area.objects.filter(path__in=paths), user).order_by("path"))


def area_statistics_list(*, user, filters: Mapping | None = None) -> QuerySet[AreaStatistics]:
    filters = filters or {}
    qs = visible_to(AreaStatistics.objects.select_related("area"), user)
    qs = _within_area(qs, user=user, filters=filters, path_field="area_path")
    if year := filters.get("year"):
        qs = qs.filter(year=year) if str(year).isdigit() else qs.none()
    return qs


def unit_type_list() -> QuerySet[UnitType]:
    return UnitType.objects.filter(is_active=True)


def unit_get(*, user, pk, action: str = VIEW) -> Unit:
    return get_visible_or_404(Unit.objects.select_related("unit_type", "area"), user, action, pk=pk)


def unit_list(*, user, filters: Mapping | None = None) -> QuerySet[Unit]:
    """Units visible to ``user`` filtered by area subtree, type, status, membership and a search term."""
    filters = filters or {}
    qs = visible_to(Unit.objects.select_related("unit_type", "area"), user)
    qs = _within_area(qs, user=user, filters=filters, path_field="area_path")
    if unit_type := filters.get("unit_type"):
        qs = qs.filter(unit_type__code=unit_type)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if filters.get("member") in ("1", "0"):
        qs = qs.filter(is_member_department=filters["member"] == "1")
    if q := normalize_text(filters.get("q")):
        # Only a term that could begin a credit code (ASCII letters and digits) also searches the codes, so that
        # a Chinese term stays a single indexed condition on the name.
        codeish = q.isascii() and q.replace(" ", "").isalnum()
        qs = qs.filter(
            Q(name__contains=q) | Q(credit_code__startswith=q.upper()) if codeish else Q(name__contains=q)
        )
    return qs
