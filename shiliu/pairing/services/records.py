"""Writes of the records under a pairing: visits, funds, outcomes and projects with their transitions."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.validators import normalize_text

from ..choices import PROJECT_TRANSITIONS, FundSource, ProjectStatus
from ..models import (
    Pairing,
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
)
from .common import _amount, _apply, _count, _date, _record_writable, _save, _text, _within_period

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
