"""Writes of pairings (结对帮扶)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable
from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.models import Area, Unit

from ..models import (
    Pairing,
    PairingAssessment,
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
)
from .common import _apply, _date, _save, _text, _unit_visible

# ---------------------------------------------------------------- pairings

PAIRING_FIELDS = ("unit", "village", "start", "end", "goals")


def pairing_clean(*, data: Mapping, instance: Pairing | None = None, check_unique: bool = True) -> dict:
    unit, village = data.get("unit"), data.get("village")
    if not isinstance(unit, Unit):
        raise ApplicationError(_("Choose the pairing unit."), field="unit")
    if unit.status != UnitStatus.ACTIVE and (instance is None or instance.unit_id != unit.pk):
        raise ApplicationError(_("An archived unit cannot take up a new pairing."), field="unit")
    if not isinstance(village, Area) or village.level != AreaLevel.VILLAGE:
        raise ApplicationError(_("Choose a village or community to pair with."), field="village")
    if not village.path.startswith(unit.area_path):
        raise ApplicationError(
            _("A unit can only pair with a village or community within its own area ({area}).").format(
                area=unit.area.name
            ),
            field="village",
        )
    start = _date(data.get("start"), "start", _("Enter the start date."))
    end = _date(data.get("end"), "end", _("Enter the end date."))
    if end < start:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end")
    cleaned = {
        "unit": unit,
        "village": village,
        "start": start,
        "end": end,
        "goals": _text(data.get("goals"), "goals", max_length=2000, required=False, label=_("Goals")),
    }
    if check_unique:
        others = Pairing.objects.exclude(pk=instance.pk) if instance else Pairing.objects.all()
        if others.filter(unit=unit, village=village, start=start).exists():
            raise ApplicationError(
                _("{unit} already has a pairing with {village} starting on {start}.").format(
                    unit=unit.name, village=village.name, start=start.isoformat()
                ),
                field="start",
            )
    return cleaned


@transaction.atomic
def pairing_create(*, actor, unit, village, start, end, goals: str = "") -> Pairing:
    # Scope before validation, so that a foreign village answers like a missing one.
    if isinstance(village, Area):
        ensure_writable(actor, Pairing, area_path=village.path, unit_id=getattr(unit, "pk", None))
    _unit_visible(actor, unit)
    cleaned = pairing_clean(
        data={"unit": unit, "village": village, "start": start, "end": end, "goals": goals}
    )
    ensure_writable(actor, Pairing, area_path=cleaned["village"].path, unit_id=cleaned["unit"].pk)
    pairing = Pairing(**cleaned, area_path=cleaned["village"].path)
    return _save(actor, pairing)


@transaction.atomic
def pairing_update(*, actor, pairing: Pairing, **data) -> Pairing:
    ensure_writable(actor, Pairing, area_path=pairing.area_path, unit_id=pairing.unit_id)
    merged = {name: getattr(pairing, name) for name in PAIRING_FIELDS} | data
    if merged["unit"] != pairing.unit:
        _unit_visible(actor, merged["unit"])
    cleaned = pairing_clean(data=merged, instance=pairing)
    ensure_writable(actor, Pairing, area_path=cleaned["village"].path, unit_id=cleaned["unit"].pk)
    for model, field in (
        (PairingVisit, "visited_on"),
        (PairingFund, "paid_on"),
        (PairingOutcome, "reported_on"),
    ):
        outside = model.objects.filter(pairing=pairing).exclude(
            **{f"{field}__range": (cleaned["start"], cleaned["end"])}
        )
        if outside.exists():
            raise ApplicationError(
                _("Some {records} of this pairing lie outside the new period.").format(
                    records=model._meta.verbose_name_plural
                ),
                field="end",
            )
    changed = _apply(pairing, cleaned)
    if "village" in changed:
        pairing.area_path = cleaned["village"].path
        changed.append("area_path")
        for model in (PairingVisit, PairingFund, PairingProject, PairingOutcome, PairingAssessment):
            model.objects.filter(pairing=pairing).update(area_path=pairing.area_path)
    return _save(actor, pairing, changed)
