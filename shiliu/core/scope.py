"""The scope engine: the only code that turns a user's assignment into a queryset filter.

A user is assigned one area (scope: that area's subtree, by materialised path prefix) and optionally one
unit (scope: that unit only). Scoped models declare how they reach those:

    class Unit(ScopedModel):
        scope_path_field = "area_path"   # lookup to the materialised path of the record's area
        scope_unit_field = "pk"          # lookup to the unit id, or None when the model has no unit
        scope_write_roles = frozenset({Role.ADMIN, Role.OFFICE, Role.UNIT, Role.DEPARTMENT})

Every list, detail, form, export, API endpoint, search, dashboard figure and file download fetches
through ``visible_to`` / ``get_visible_or_404``; services call ``ensure_writable`` before writing and
``reread_or_rollback`` after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

from .errors import NotVisible
from .roles import OFFICE_ROLES, READ_ONLY_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


VIEW = "view"
CHANGE = "change"
REVEAL = "reveal"  # reading personal data in clear
ACTIONS = (VIEW, CHANGE, REVEAL)


@dataclass(frozen=True)
class Scope:
    """What one user may reach. ``unrestricted`` only for system administrators."""

    unrestricted: bool = False
    area_path: str | None = None
    unit_id: int | None = None
    role: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.unrestricted and self.area_path is None


EMPTY = Scope()


def scope_of(user: AbstractBaseUser | None) -> Scope:
    """The scope of a user; anonymous and inactive users get an empty scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    role = getattr(user, "role", None)
    if user.is_superuser or role == Role.ADMIN:
        scope = Scope(unrestricted=True, role=Role.ADMIN)
    else:
        area_path = getattr(user, "scope_area_path", None)
        scope = (
            Scope(area_path=area_path, unit_id=getattr(user, "unit_id", None), role=role)
            if area_path
            else EMPTY
        )
    user._scope_cache = scope
    return scope


def is_office(user) -> bool:
    """Whether the user acts for an area office (or is the administrator): configuration and decisions."""
    scope = scope_of(user)
    return scope.unrestricted or (not scope.is_empty and scope.role in OFFICE_ROLES)


def role_may(user, model: type[models.Model], action: str) -> bool:
    """Whether the user's role allows ``action`` on ``model`` at all (where is decided by the filter)."""
    scope = scope_of(user)
    if scope.unrestricted:
        return True
    if scope.is_empty:
        return False
    if action == VIEW:
        return True
    if scope.role in READ_ONLY_ROLES:
        return False
    roles = (
        getattr(model, "scope_write_roles", frozenset())
        if action == CHANGE
        else getattr(model, "scope_reveal_roles", frozenset())
    )
    return scope.role in roles


def scope_filter(model: type[models.Model], scope: Scope) -> models.Q:
    """The filter for ``model`` under ``scope``; ``Q()`` for unrestricted scopes."""
    if scope.unrestricted:
        return models.Q()
    path_field = model.scope_path_field
    q = models.Q(**{f"{path_field}__startswith": scope.area_path})
    unit_field = getattr(model, "scope_unit_field", None)
    if scope.unit_id is not None and unit_field:
        q &= unit_filter(model, unit_field, scope.unit_id)
    return q


def unit_filter(model: type[models.Model], unit_field: str | tuple[str, ...], unit_id: int) -> models.Q:
    """The unit part of the filter. ``scope_unit_field`` may be a tuple of lookups, OR'ed (e.g. a request's lead
    *or* assisting department); a lookup through a multi-valued relation becomes a ``pk__in`` subquery on the
    related table, so that rows are never duplicated."""
    if isinstance(unit_field, str):
        return models.Q(**{unit_field: unit_id})
    q = models.Q()
    for lookup in unit_field:
        head, _, rest = lookup.partition("__")
        field = model._meta.get_field(head) if head != "pk" else None
        if field is not None and field.one_to_many and rest:
            # reverse foreign key: SELECT <fk> FROM related WHERE <rest> = unit_id
            related = field.related_model._default_manager.filter(**{rest: unit_id})
            q |= models.Q(pk__in=related.values(field.field.attname))
        elif field is not None and (field.many_to_many or field.one_to_many):
            q |= models.Q(pk__in=model._default_manager.filter(**{lookup: unit_id}).values("pk"))
        else:
            q |= models.Q(**{lookup: unit_id})
    return q


def visible_to(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """Restrict ``queryset`` to the rows ``user`` may reach for ``action``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    model = queryset.model
    if not role_may(user, model, action):
        return queryset.none()
    scope = scope_of(user)
    if scope.unrestricted:
        return queryset
    return queryset.filter(scope_filter(model, scope))


def path_in_scope(user, area_path: str, unit_id: int | None = None) -> bool:
    """Whether a (not yet saved) record at ``area_path`` / ``unit_id`` would lie inside the user's scope."""
    scope = scope_of(user)
    if scope.unrestricted:
        return True
    if scope.is_empty or not area_path or not area_path.startswith(scope.area_path):
        return False
    return not (scope.unit_id is not None and unit_id is not None and unit_id != scope.unit_id)


def get_visible_or_404(queryset_or_model, user, action: str = VIEW, **lookup):
    """Fetch one object through scope. Missing and forbidden objects raise the same 404."""
    qs = (
        queryset_or_model
        if isinstance(queryset_or_model, models.QuerySet)
        else queryset_or_model._default_manager.all()
    )
    try:
        return visible_to(qs, user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None


def ensure_writable(user, model: type[models.Model], *, area_path: str, unit_id: int | None = None) -> None:
    """Refuse a write outside the user's scope, with the same 404 a foreign object would give."""
    if not role_may(user, model, CHANGE) or not path_in_scope(user, area_path, unit_id):
        raise NotVisible()


def reread_or_rollback(user, obj: models.Model) -> None:
    """After a save inside a transaction: the object must still be within scope, or the write is undone."""
    qs = visible_to(type(obj)._default_manager.filter(pk=obj.pk), user, CHANGE)
    if not qs.exists():
        raise NotVisible()


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = VIEW):
        return visible_to(self, user, action)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass
