"""Writes of assessment rulebooks and the annual pairing assessments (年度考核)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable
from shiliu.orgs.models import Area
from shiliu.orgs.services import ancestor_paths

from ..choices import AssessmentStatus, Grade
from ..models import (
    AssessmentRulebook,
    AssessmentScore,
    Pairing,
    PairingAssessment,
    RulebookItem,
)
from .common import _apply, _count, _date, _save, _text

# ---------------------------------------------------------------- assessment rulebooks


def _points(value, field: str) -> Decimal:
    try:
        points = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter a number of points."), field=field) from None
    return points


def rulebook_clean(*, data: Mapping, instance: AssessmentRulebook | None = None) -> dict:
    area = data.get("area")
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the area the rulebook applies to."), field="area")
    year = _count(data.get("year"), "year", minimum=2000)
    if year > 2100:
        raise ApplicationError(_("Enter a year between 2000 and 2100."), field="year")
    thresholds = {}
    for key in ("excellent_from", "good_from", "pass_from"):
        thresholds[key] = _count(data.get(key), key)
    if not (0 <= thresholds["pass_from"] < thresholds["good_from"] < thresholds["excellent_from"] <= 100):
        raise ApplicationError(
            _("The thresholds must rise from pass to good to excellent, within 0 to 100."), field="good_from"
        )
    items = list(data.get("items") or [])
    if not items:
        raise ApplicationError(_("A rulebook needs at least one item."), field="items")
    cleaned_items, names = [], set()
    for index, item in enumerate(items, start=1):
        name = _text(item.get("name"), "items", max_length=120, required=True, label=_("Item name"))
        if name in names:
            raise ApplicationError(_("The item {name} appears twice.").format(name=name), field="items")
        names.add(name)
        max_points = _points(item.get("max_points"), "items")
        if max_points <= 0 or max_points > 1000:
            raise ApplicationError(
                _("The item {name} needs a maximum between 0.1 and 1000 points.").format(name=name),
                field="items",
            )
        description = _text(item.get("description"), "items", max_length=500, required=False,
                            label=_("Description"))  # fmt: skip
        cleaned_items.append(
            {"name": name, "max_points": max_points, "description": description, "order": index}
        )
    others = AssessmentRulebook.objects.filter(area=area, year=year)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise ApplicationError(
            _("{area} already has a rulebook for {year}.").format(area=area.name, year=year), field="year"
        )
    return {
        "area": area,
        "year": year,
        "name": _text(data.get("name"), "name", max_length=120, required=True, label=_("Name")),
        **thresholds,
        "items": cleaned_items,
    }


def _write_items(rulebook: AssessmentRulebook, items: list[dict]) -> None:
    rulebook.items.all().delete()
    RulebookItem.objects.bulk_create([RulebookItem(rulebook=rulebook, **item) for item in items])


@transaction.atomic
def rulebook_create(
    *, actor, area, year, name, items, excellent_from=90, good_from=80, pass_from=60
) -> AssessmentRulebook:
    if isinstance(area, Area):
        ensure_writable(actor, AssessmentRulebook, area_path=area.path)
    cleaned = rulebook_clean(
        data={"area": area, "year": year, "name": name, "items": items, "excellent_from": excellent_from,
              "good_from": good_from, "pass_from": pass_from},
    )  # fmt: skip
    items = cleaned.pop("items")
    ensure_writable(actor, AssessmentRulebook, area_path=cleaned["area"].path)
    rulebook = _save(actor, AssessmentRulebook(**cleaned, area_path=cleaned["area"].path))
    _write_items(rulebook, items)
    return rulebook


@transaction.atomic
def rulebook_update(*, actor, rulebook: AssessmentRulebook, **data) -> AssessmentRulebook:
    """Items and thresholds can change only while no assessment uses the rulebook."""
    ensure_writable(actor, AssessmentRulebook, area_path=rulebook.area_path)
    if rulebook.assessments.exists():
        raise ApplicationError(_("Assessments already use this rulebook; it can no longer be changed."))
    current = {
        "area": rulebook.area,
        "year": rulebook.year,
        "name": rulebook.name,
        "excellent_from": rulebook.excellent_from,
        "good_from": rulebook.good_from,
        "pass_from": rulebook.pass_from,
        "items": [
            {"name": i.name, "max_points": i.max_points, "description": i.description}
            for i in rulebook.items.all()
        ],
    }
    cleaned = rulebook_clean(data=current | data, instance=rulebook)
    items = cleaned.pop("items")
    ensure_writable(actor, AssessmentRulebook, area_path=cleaned["area"].path)
    changed = _apply(rulebook, cleaned)
    if "area" in changed:
        rulebook.area_path = cleaned["area"].path
        changed.append("area_path")
    _save(actor, rulebook, changed)
    _write_items(rulebook, items)
    return rulebook


def rulebook_for(*, pairing: Pairing, year: int) -> AssessmentRulebook | None:
    """The rulebook of the nearest area at or above the pairing's village for ``year``."""
    paths = [*ancestor_paths(pairing.area_path), pairing.area_path]
    found = {r.area_path: r for r in AssessmentRulebook.objects.filter(year=year, area_path__in=paths)}
    for path in reversed(paths):
        if path in found:
            return found[path]
    return None


def grade_for(*, rulebook: AssessmentRulebook, total: Decimal, maximum: Decimal) -> str:
    """The grade of ``total`` out of ``maximum``, compared as a percentage with the rulebook's thresholds."""
    percent = (Decimal(total) * 100 / Decimal(maximum)) if maximum else Decimal(0)
    if percent >= rulebook.excellent_from:
        return Grade.EXCELLENT
    if percent >= rulebook.good_from:
        return Grade.GOOD
    if percent >= rulebook.pass_from:
        return Grade.PASS
    return Grade.FAIL


# ---------------------------------------------------------------- assessments


@transaction.atomic
def assessment_save(
    *, actor, pairing: Pairing, year, scores: Mapping, assessed_on, comments: str = ""
) -> PairingAssessment:
    """Create or change the draft assessment of ``pairing`` for ``year``; total and grade are computed here."""
    ensure_writable(actor, PairingAssessment, area_path=pairing.area_path, unit_id=pairing.unit_id)
    year = _count(year, "year", minimum=2000)
    if not pairing.start.year <= year <= pairing.end.year:
        raise ApplicationError(_("The pairing did not run in {year}.").format(year=year), field="year")
    assessed_on = _date(assessed_on, "assessed_on", _("Enter the date of the assessment."))
    existing = PairingAssessment.objects.select_for_update().filter(pairing=pairing, year=year).first()
    if existing is not None and existing.status == AssessmentStatus.SUBMITTED:
        raise ApplicationError(_("This assessment has been submitted and is locked."))
    rulebook = existing.rulebook if existing is not None else rulebook_for(pairing=pairing, year=year)
    if rulebook is None:
        raise ApplicationError(
            _("No assessment rulebook covers this pairing for {year}.").format(year=year), field="year"
        )
    items = list(rulebook.items.all())
    points: dict[int, Decimal] = {}
    for item in items:
        raw = scores.get(item.pk, scores.get(str(item.pk)))
        if raw in (None, ""):
            raise ApplicationError(
                _("Score the item {name}.").format(name=item.name), field=f"item_{item.pk}"
            )
        value = _points(raw, f"item_{item.pk}")
        if not Decimal(0) <= value <= item.max_points:
            raise ApplicationError(
                _("The item {name} takes 0 to {max} points.").format(name=item.name, max=item.max_points),
                field=f"item_{item.pk}",
            )
        points[item.pk] = value
    unknown = {str(k) for k in scores} - {str(i.pk) for i in items}
    if unknown:
        raise ApplicationError(_("Some scores do not belong to this rulebook."))
    total = sum(points.values(), Decimal(0))
    maximum = sum((i.max_points for i in items), Decimal(0))
    values = {
        "total": total,
        "grade": grade_for(rulebook=rulebook, total=total, maximum=maximum),
        "assessor": actor,
        "assessed_on": assessed_on,
        "comments": _text(comments, "comments", max_length=2000, required=False, label=_("Comments")),
    }
    if existing is None:
        assessment = PairingAssessment(
            pairing=pairing, year=year, rulebook=rulebook, area_path=pairing.area_path, **values
        )
        _save(actor, assessment)
    else:
        assessment = existing
        _save(actor, assessment, _apply(assessment, values))
        assessment.scores.all().delete()
    AssessmentScore.objects.bulk_create(
        [AssessmentScore(assessment=assessment, item_id=pk, points=value) for pk, value in points.items()]
    )
    return assessment


@transaction.atomic
def assessment_submit(*, actor, assessment: PairingAssessment) -> PairingAssessment:
    """Submit (and so lock) an assessment."""
    ensure_writable(
        actor, PairingAssessment, area_path=assessment.area_path, unit_id=assessment.pairing.unit_id
    )
    assessment = PairingAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.SUBMITTED:
        raise ApplicationError(_("This assessment has been submitted and is locked."))
    assessment.status = AssessmentStatus.SUBMITTED
    return _save(actor, assessment, ["status"])
