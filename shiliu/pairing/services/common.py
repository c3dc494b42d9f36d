"""Checks and helpers shared by the pairing services."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import ensure_writable, reread_or_rollback, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Unit

from ..models import (
    Pairing,
)

MAX_AMOUNT = Decimal("999999999999.99")


# ---------------------------------------------------------------- shared checks


def _date(value, field: str, message) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raise ApplicationError(message, field=field)
    return value


def _amount(value, field: str, *, allow_zero: bool) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter an amount in yuan."), field=field) from None
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ApplicationError(
            _("The amount must be greater than zero.")
            if not allow_zero
            else _("The amount cannot be negative."),
            field=field,
        )
    if amount > MAX_AMOUNT:
        raise ApplicationError(_("The amount is too large."), field=field)
    return amount


def _count(value, field: str, *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a whole number."), field=field) from None
    if number < minimum:
        raise ApplicationError(_("The number must be at least {min}.").format(min=minimum), field=field)
    if number > 2_000_000_000:
        raise ApplicationError(_("The number is too large."), field=field)
    return number


def _text(value, field: str, *, max_length: int, required: bool, label) -> str:
    text = normalize_text(value) if max_length <= 500 else str(value or "").strip()
    if required and not text:
        raise ApplicationError(_("{field} is required.").format(field=label), field=field)
    if len(text) > max_length:
        raise ApplicationError(
            _("{field} can have at most {n} characters.").format(field=label, n=max_length), field=field
        )
    return text


def _within_period(pairing: Pairing, day: datetime.date, field: str) -> None:
    if not pairing.start <= day <= pairing.end:
        raise ApplicationError(
            _("The date must lie within the pairing period {start} to {end}.").format(
                start=pairing.start.isoformat(), end=pairing.end.isoformat()
            ),
            field=field,
        )


def _unit_visible(actor, unit) -> None:
    """A pairing names only a unit the actor can see; a foreign unit answers like a missing one."""
    if isinstance(unit, Unit) and not visible_to(Unit.objects.filter(pk=unit.pk), actor).exists():
        raise NotVisible()


def _record_writable(actor, model, pairing: Pairing) -> None:
    ensure_writable(actor, model, area_path=pairing.area_path, unit_id=pairing.unit_id)


def _save(actor, obj, fields: list[str] | None = None, reason: str = ""):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    if fields is None:
        obj.save()
    elif fields:
        obj.save(update_fields=[*fields, "updated_at"])
    reread_or_rollback(actor, obj)
    return obj


def _apply(obj, cleaned: dict) -> list[str]:
    changed = [name for name, value in cleaned.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, cleaned[name])
    return changed
