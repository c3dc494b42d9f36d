"""Writes of pairings, their records and their annual assessments. Every write checks scope first and re-reads
after; validation lives in the ``*_clean`` functions shared by forms, API and the importer."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import ensure_writable, reread_or_rollback, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.models import Area, Unit
from shiliu.orgs.services import ancestor_paths

from .choices import PROJECT_TRANSITIONS, AssessmentStatus, FundSource, Grade, ProjectStatus
from .models import (
    AssessmentRulebook,
    AssessmentScore,
    Pairing,
    PairingAssessment,
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
    RulebookItem,
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


# ---------------------------------------------------------------- visits, funds, outcomes


def visit_clean(*, pairing: Pairing, data: Mapping) -> dict:
    visited_on = _date(data.get("visited_on"), "visited_on", _("Enter the date of the visit."))
    _within_period(pairing, visited_on, "visited_on")
    return {
        "visited_on": visited_on,
        "people": _count(data.get("people"), "people", minimum=1),
        "activities": _text(
            data.get("activities"), "activities", max_length=300, required=True, label=_("Activities")
        ),  # fmt: skip
        "notes": _text(data.get("notes"), "notes", max_length=2000, required=False, label=_("Notes")),
    }


@transaction.atomic
def visit_create(*, actor, pairing: Pairing, visited_on, people, activities, notes: str = "") -> PairingVisit:
    _record_writable(actor, PairingVisit, pairing)
    cleaned = visit_clean(
        pairing=pairing,
        data={"visited_on": visited_on, "people": people, "activities": activities, "notes": notes},
    )
    return _save(actor, PairingVisit(pairing=pairing, area_path=pairing.area_path, **cleaned))


@transaction.atomic
def visit_update(*, actor, visit: PairingVisit, **data) -> PairingVisit:
    _record_writable(actor, PairingVisit, visit.pairing)
    merged = {k: getattr(visit, k) for k in ("visited_on", "people", "activities", "notes")} | data
    cleaned = visit_clean(pairing=visit.pairing, data=merged)
    return _save(actor, visit, _apply(visit, cleaned))


def fund_clean(*, pairing: Pairing, data: Mapping) -> dict:
    paid_on = _date(data.get("paid_on"), "paid_on", _("Enter the date."))
    _within_period(pairing, paid_on, "paid_on")
    source = data.get("source")
    if source not in FundSource.values:
        raise ApplicationError(_("Choose the source of the funds."), field="source")
    return {
        "paid_on": paid_on,
        "amount": _amount(data.get("amount"), "amount", allow_zero=False),
        "source": source,
        "purpose": _text(data.get("purpose"), "purpose", max_length=300, required=True, label=_("Purpose")),
    }


@transaction.atomic
def fund_create(*, actor, pairing: Pairing, paid_on, amount, source, purpose) -> PairingFund:
    _record_writable(actor, PairingFund, pairing)
    cleaned = fund_clean(
        pairing=pairing, data={"paid_on": paid_on, "amount": amount, "source": source, "purpose": purpose}
    )
    return _save(actor, PairingFund(pairing=pairing, area_path=pairing.area_path, **cleaned))


@transaction.atomic
def fund_update(*, actor, fund: PairingFund, **data) -> PairingFund:
    _record_writable(actor, PairingFund, fund.pairing)
    merged = {k: getattr(fund, k) for k in ("paid_on", "amount", "source", "purpose")} | data
    cleaned = fund_clean(pairing=fund.pairing, data=merged)
    return _save(actor, fund, _apply(fund, cleaned))


def outcome_clean(*, pairing: Pairing, data: Mapping) -> dict:
    reported_on = _date(data.get("reported_on"), "reported_on", _("Enter the date."))
    _within_period(pairing, reported_on, "reported_on")
    cleaned = {
        "reported_on": reported_on,
        "jobs_arranged": _count(data.get("jobs_arranged") or 0, "jobs_arranged"),
        "problems_solved": _count(data.get("problems_solved") or 0, "problems_solved"),
        "description": _text(
            data.get("description"), "description", max_length=2000, required=True, label=_("Description")
        ),  # fmt: skip
    }
    if not cleaned["jobs_arranged"] and not cleaned["problems_solved"]:
        raise ApplicationError(
            _("An outcome records at least one job arranged or one problem solved."), field="jobs_arranged"
        )
    return cleaned


@transaction.atomic
def outcome_create(
    *, actor, pairing: Pairing, reported_on, jobs_arranged=0, problems_solved=0, description
) -> PairingOutcome:
    _record_writable(actor, PairingOutcome, pairing)
    cleaned = outcome_clean(
        pairing=pairing,
        data={"reported_on": reported_on, "jobs_arranged": jobs_arranged, "problems_solved": problems_solved,
              "description": description},
    )  # fmt: skip
    return _save(actor, PairingOutcome(pairing=pairing, area_path=pairing.area_path, **cleaned))


@transaction.atomic
def outcome_update(*, actor, outcome: PairingOutcome, **data) -> PairingOutcome:
    _record_writable(actor, PairingOutcome, outcome.pairing)
    fields = ("reported_on", "jobs_arranged", "problems_solved", "description")
    merged = {k: getattr(outcome, k) for k in fields} | data
    cleaned = outcome_clean(pairing=outcome.pairing, data=merged)
    return _save(actor, outcome, _apply(outcome, cleaned))


# ---------------------------------------------------------------- projects


def project_clean(*, pairing: Pairing, data: Mapping, instance: PairingProject | None = None) -> dict:
    started_on = _date(data.get("started_on"), "started_on", _("Enter the start date."))
    _within_period(pairing, started_on, "started_on")
    cleaned = {
        "name": _text(data.get("name"), "name", max_length=120, required=True, label=_("Name")),
        "started_on": started_on,
        "amount": _amount(data.get("amount") or 0, "amount", allow_zero=True),
        "beneficiaries": _count(data.get("beneficiaries") or 0, "beneficiaries"),
    }
    others = PairingProject.objects.filter(pairing=pairing, name=cleaned["name"])
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise ApplicationError(
            _("This pairing already has a project named {name}.").format(name=cleaned["name"]), field="name"
        )
    return cleaned


@transaction.atomic
def project_create(*, actor, pairing: Pairing, name, started_on, amount, beneficiaries=0) -> PairingProject:
    _record_writable(actor, PairingProject, pairing)
    cleaned = project_clean(
        pairing=pairing,
        data={"name": name, "started_on": started_on, "amount": amount, "beneficiaries": beneficiaries},
    )
    return _save(actor, PairingProject(pairing=pairing, area_path=pairing.area_path, **cleaned))


@transaction.atomic
def project_update(*, actor, project: PairingProject, **data) -> PairingProject:
    """Change a project's details; its status moves only through :func:`project_transition`."""
    _record_writable(actor, PairingProject, project.pairing)
    if "status" in data or "completed_on" in data:
        raise ApplicationError(_("Use the status actions to change a project's status."), field="status")
    if project.status == ProjectStatus.CANCELLED:
        raise ApplicationError(_("A cancelled project can no longer be changed."))
    merged = {k: getattr(project, k) for k in ("name", "started_on", "amount", "beneficiaries")} | data
    cleaned = project_clean(pairing=project.pairing, data=merged, instance=project)
    return _save(actor, project, _apply(project, cleaned))


@transaction.atomic
def project_transition(
    *, actor, project: PairingProject, to: str, completed_on=None, reason: str = ""
) -> PairingProject:
    """Move a project along PROJECT_TRANSITIONS; completion needs a date not before the project's start."""
    _record_writable(actor, PairingProject, project.pairing)
    project = PairingProject.objects.select_for_update().select_related("pairing").get(pk=project.pk)
    try:
        target = ProjectStatus(to)
    except ValueError:
        raise ApplicationError(_("Unknown project status."), field="status") from None
    if target not in PROJECT_TRANSITIONS[ProjectStatus(project.status)]:
        raise ApplicationError(
            _("A project that is {current} cannot become {target}.").format(
                current=project.get_status_display(), target=target.label
            ),
            field="status",
        )
    fields = ["status"]
    if target == ProjectStatus.COMPLETED:
        completed_on = _date(completed_on, "completed_on", _("Enter the completion date."))
        if completed_on < project.started_on:
            raise ApplicationError(
                _("The completion date cannot be before the project's start."), field="completed_on"
            )
        project.completed_on = completed_on
        fields.append("completed_on")
    project.status = target
    return _save(actor, project, fields, reason=normalize_text(reason)[:100])


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
