"""Checks and helpers shared by the creation services."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.roles import OFFICE_ROLES, Role
from shiliu.core.scope import is_office, path_in_scope, reread_or_rollback, scope_of
from shiliu.core.validators import normalize_text

from ..choices import STAGE_TRANSITIONS

REASON_MAX = 2000


class SystemPrincipal:
    """The platform itself, for background computations over every area (gap lists, expiry sweeps).

    It passes the scope engine as unrestricted (like a system administrator) and is never a logged-in user.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    role = Role.ADMIN
    pk = None
    id = None
    username = "system"

    def __str__(self):
        return "system"


SYSTEM = SystemPrincipal()


def date_value(value, field: str, message=None) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise ApplicationError(message or _("Enter a valid date."), field=field)
    return value


def points_value(
    value, field: str, *, maximum: Decimal | None = None, allow_none: bool = True
) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise ApplicationError(_("Enter the points."), field=field)
    try:
        points = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter the points as a number."), field=field) from None
    if not points.is_finite() or points < 0:
        raise ApplicationError(_("The points cannot be negative."), field=field)
    if maximum is not None and points > maximum:
        raise ApplicationError(
            _("The points cannot exceed the item's {max} points.").format(max=maximum), field=field
        )
    return points


def text_value(value, field: str, *, max_length: int, required: bool, label) -> str:
    text = normalize_text(value) if max_length <= 500 else str(value or "").strip()
    if required and not text:
        raise ApplicationError(_("{field} is required.").format(field=label), field=field)
    if len(text) > max_length:
        raise ApplicationError(
            _("{field} can have at most {n} characters.").format(field=label, n=max_length), field=field
        )
    return text


def reason_value(value, *, required: bool, field: str = "reason") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(_("Give a reason."), field=field)
    if len(text) > REASON_MAX:
        raise ApplicationError(
            _("The reason can have at most {n} characters.").format(n=REASON_MAX), field=field
        )
    return text


def ensure_office(actor) -> None:
    """Configuration and decisions are for area offices (and administrators); others get the 404 of scope."""
    if not is_office(actor):
        raise NotVisible()


def is_office_above(actor, area_path: str, *, strictly: bool) -> bool:
    """Whether ``actor`` is an office (or administrator) whose scope covers ``area_path`` (strictly above it when
    ``strictly``: an area never reviews or recommends itself)."""
    scope = scope_of(actor)
    if scope.unrestricted:
        return True
    if scope.is_empty or scope.role not in OFFICE_ROLES or scope.unit_id is not None:
        return False
    if not path_in_scope(actor, area_path):
        return False
    return not strictly or scope.area_path != area_path


def check_transition(table: dict, current: str, target: str, *, field: str = "stage", label=None) -> None:
    if target not in table.get(current, ()):
        raise ApplicationError(
            _("This step is not possible from the current state ({state}).").format(state=label or current),
            field=field,
            code="transition",
        )


def check_stage(candidate, target: str) -> None:
    check_transition(STAGE_TRANSITIONS, candidate.stage, target, label=candidate.get_stage_display())


def save(actor, obj, fields: list[str] | None = None, *, check_scope: bool = True):
    """Save with the acting user in history; re-read through scope when ``check_scope``."""
    if getattr(actor, "pk", None) is not None:
        obj._history_user = actor
    if fields is None:
        obj.save()
    elif fields:
        names = list(fields)
        if any(f.name == "updated_at" for f in obj._meta.fields):
            names.append("updated_at")
        obj.save(update_fields=names)
    if check_scope and hasattr(type(obj), "scope_path_field"):
        reread_or_rollback(actor, obj)
    return obj


def apply(obj, cleaned: dict) -> list[str]:
    changed = [name for name, value in cleaned.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, cleaned[name])
    return changed
