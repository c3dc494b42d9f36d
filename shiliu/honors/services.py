"""Writes of model candidates and honours. Each checks scope first and re-reads after; stage changes follow
``STAGE_TRANSITIONS`` only, each recording who, when and why in a CandidateTransition row."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.roles import OFFICE_ROLES
from shiliu.core.scope import ensure_writable, reread_or_rollback, scope_of
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area, Unit

from .choices import STAGE_TRANSITIONS, CandidateKind, CandidateStage, HonourLevel
from .models import CandidateTransition, Honour, ModelCandidate

NAME_MAX = 100
REASON_MAX = 2000


def _unit_id_for_scope(unit: Unit | None) -> int:
    # A candidate without a unit is never the one unit a liaison is bound to: 0 stands for "no unit".
    return unit.pk if unit is not None else 0


def candidate_clean(*, data: dict) -> dict:
    """Normalise and validate candidate data; shared by forms and the importer. Raises ApplicationError."""
    try:
        kind = CandidateKind(data.get("kind"))
    except ValueError:
        raise ApplicationError(_("Choose individual or collective."), field="kind") from None
    name = normalize_text(data.get("name"))
    if not name:
        raise ApplicationError(_("The name is required."), field="name")
    if len(name) > NAME_MAX:
        raise ApplicationError(
            _("The name can have at most {n} characters.").format(n=NAME_MAX), field="name"
        )
    unit = data.get("unit")
    if unit is not None and not isinstance(unit, Unit):
        raise ApplicationError(_("Choose a valid unit."), field="unit")
    if kind == CandidateKind.INDIVIDUAL and unit is None:
        raise ApplicationError(_("An individual must be recorded with their unit."), field="unit")
    area = data.get("area")
    if unit is not None:
        area = unit.area
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the area of the collective."), field="area")
    deeds = (data.get("deeds") or "").strip()
    if not deeds:
        raise ApplicationError(_("Describe the deeds."), field="deeds")
    discovered_on = data.get("discovered_on") or timezone.localdate()
    if not isinstance(discovered_on, datetime.date):
        raise ApplicationError(_("Enter a valid date."), field="discovered_on")
    if discovered_on > timezone.localdate():
        raise ApplicationError(_("The date cannot lie in the future."), field="discovered_on")
    return {
        "kind": kind,
        "name": name,
        "unit": unit,
        "area": area,
        "deeds": deeds,
        "discovered_on": discovered_on,
    }


CANDIDATE_FIELDS = ("kind", "name", "unit", "area", "deeds", "discovered_on")


@transaction.atomic
def candidate_create(
    *, actor, kind: str, name: str, deeds: str, unit: Unit | None = None, area: Area | None = None,
    discovered_on: datetime.date | None = None,
) -> ModelCandidate:  # fmt: skip
    target = unit.area if isinstance(unit, Unit) else area
    # Scope before validation, so that a foreign unit or area answers like a missing one.
    if isinstance(target, Area):
        ensure_writable(actor, ModelCandidate, area_path=target.path, unit_id=_unit_id_for_scope(unit))
    cleaned = candidate_clean(
        data={"kind": kind, "name": name, "deeds": deeds, "unit": unit, "area": area,
              "discovered_on": discovered_on}
    )  # fmt: skip
    ensure_writable(
        actor, ModelCandidate, area_path=cleaned["area"].path, unit_id=_unit_id_for_scope(cleaned["unit"])
    )
    candidate = ModelCandidate(**cleaned, area_path=cleaned["area"].path, stage=CandidateStage.DISCOVERED)
    candidate._history_user = actor
    candidate.save()
    CandidateTransition.objects.create(
        candidate=candidate, from_stage="", to_stage=CandidateStage.DISCOVERED, actor=actor
    )
    reread_or_rollback(actor, candidate)
    return candidate


@transaction.atomic
def candidate_update(*, actor, candidate: ModelCandidate, **data) -> ModelCandidate:
    """Change what is recorded about a candidate (never its stage: that is the transitions' job)."""
    if "stage" in data:
        raise ApplicationError(_("The stage changes only through its own actions."), field="stage")
    unknown = set(data) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    ensure_writable(
        actor, ModelCandidate, area_path=candidate.area_path, unit_id=_unit_id_for_scope(candidate.unit)
    )
    merged = {field: getattr(candidate, field) for field in CANDIDATE_FIELDS} | data
    cleaned = candidate_clean(data=merged)
    ensure_writable(
        actor, ModelCandidate, area_path=cleaned["area"].path, unit_id=_unit_id_for_scope(cleaned["unit"])
    )
    changed = [f for f in CANDIDATE_FIELDS if getattr(candidate, f) != cleaned[f]]
    for field in changed:
        setattr(candidate, field, cleaned[field])
    if "area" in changed or candidate.area_path != cleaned["area"].path:
        candidate.area_path = cleaned["area"].path
        changed.append("area_path")
        Honour.objects.filter(candidate=candidate).update(area_path=candidate.area_path)
    if changed:
        candidate._history_user = actor
        candidate.save(update_fields=[*changed, "updated_at"])
    reread_or_rollback(actor, candidate)
    return candidate


# ---------------------------------------------------------------- stage transitions


def _may_decide(actor) -> bool:
    """Recommending, commending and rejecting are decisions of an area office."""
    scope = scope_of(actor)
    return scope.unrestricted or scope.role in OFFICE_ROLES


def _transition(*, actor, candidate: ModelCandidate, to_stage: str, reason: str = "") -> ModelCandidate:
    """Move ``candidate`` to ``to_stage`` if the table allows it from its current stage; record the change."""
    ensure_writable(
        actor, ModelCandidate, area_path=candidate.area_path, unit_id=_unit_id_for_scope(candidate.unit)
    )
    # Lock and re-read the stage: two people acting at once must not both move it.
    current = ModelCandidate.objects.select_for_update().get(pk=candidate.pk)
    if to_stage not in STAGE_TRANSITIONS.get(current.stage, frozenset()):
        raise ApplicationError(
            _("A candidate at the stage “{current}” cannot be moved to “{target}”.").format(
                current=CandidateStage(current.stage).label, target=CandidateStage(to_stage).label
            ),
            code="illegal_transition",
        )
    if to_stage != CandidateStage.CULTIVATING and not _may_decide(actor):
        raise ApplicationError(
            _("Only an area office may recommend, commend or reject a candidate."), code="forbidden"
        )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ApplicationError(
            _("The reason can have at most {n} characters.").format(n=REASON_MAX), field="reason"
        )
    from_stage = current.stage
    candidate.stage = to_stage
    candidate._history_user = actor
    candidate._change_reason = reason[:100]
    candidate.save(update_fields=["stage", "updated_at"])
    CandidateTransition.objects.create(
        candidate=candidate, from_stage=from_stage, to_stage=to_stage, actor=actor, reason=reason
    )
    reread_or_rollback(actor, candidate)
    return candidate


@transaction.atomic
def candidate_cultivate(*, actor, candidate: ModelCandidate, reason: str = "") -> ModelCandidate:
    """发现 → 培育: the candidate enters the cultivation pool."""
    return _transition(actor=actor, candidate=candidate, to_stage=CandidateStage.CULTIVATING, reason=reason)


@transaction.atomic
def candidate_recommend(*, actor, candidate: ModelCandidate, reason: str = "") -> ModelCandidate:
    """培育 → 推荐: the office recommends the candidate to the deciding body."""
    return _transition(actor=actor, candidate=candidate, to_stage=CandidateStage.RECOMMENDED, reason=reason)


@transaction.atomic
def candidate_reject(*, actor, candidate: ModelCandidate, reason: str) -> ModelCandidate:
    """Any open stage → not pursued; the reason is required and kept on the timeline."""
    if not normalize_text(reason):
        raise ApplicationError(_("Give the reason for not pursuing this candidate."), field="reason")
    return _transition(actor=actor, candidate=candidate, to_stage=CandidateStage.REJECTED, reason=reason)


def honour_clean(*, data: dict) -> dict:
    try:
        level = HonourLevel(data.get("level"))
    except ValueError:
        raise ApplicationError(_("Choose the level of the honour."), field="level") from None
    cleaned = {"level": level}
    for field, max_length, message in (
        ("title", 150, _("Enter the title of the honour.")),
        ("deciding_body", 150, _("Enter the body that decided the honour.")),
    ):
        value = normalize_text(data.get(field))
        if not value:
            raise ApplicationError(message, field=field)
        cleaned[field] = value[:max_length]
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ApplicationError(_("Enter the reason for the honour."), field="reason")
    cleaned["reason"] = reason
    decision_date = data.get("decision_date")
    if not isinstance(decision_date, datetime.date):
        raise ApplicationError(_("Enter the date of the decision."), field="decision_date")
    if decision_date > timezone.localdate():
        raise ApplicationError(_("The date cannot lie in the future."), field="decision_date")
    cleaned["decision_date"] = decision_date
    cleaned["document_number"] = normalize_text(data.get("document_number"))[:60]
    return cleaned


def _honour_save(*, actor, candidate: ModelCandidate, data: dict) -> Honour:
    ensure_writable(actor, Honour, area_path=candidate.area_path, unit_id=_unit_id_for_scope(candidate.unit))
    cleaned = honour_clean(data=data)
    if cleaned["decision_date"] < candidate.discovered_on:
        raise ApplicationError(
            _("The decision cannot precede the candidate's discovery."), field="decision_date"
        )
    honour = Honour(candidate=candidate, area_path=candidate.area_path, **cleaned)
    honour._history_user = actor
    honour.save()
    reread_or_rollback(actor, honour)
    return honour


@transaction.atomic
def candidate_commend(
    *, actor, candidate: ModelCandidate, level: str, title: str, reason: str, deciding_body: str,
    decision_date: datetime.date, document_number: str = "",
) -> Honour:  # fmt: skip
    """推荐 → 表彰, with the honour conferred (level, title, reason, deciding body, decision date)."""
    _transition(actor=actor, candidate=candidate, to_stage=CandidateStage.COMMENDED, reason=reason)
    data = {"level": level, "title": title, "reason": reason, "deciding_body": deciding_body,
            "decision_date": decision_date, "document_number": document_number}  # fmt: skip
    return _honour_save(actor=actor, candidate=candidate, data=data)


@transaction.atomic
def honour_add(
    *, actor, candidate: ModelCandidate, level: str, title: str, reason: str, deciding_body: str,
    decision_date: datetime.date, document_number: str = "",
) -> Honour:  # fmt: skip
    """A further honour for a candidate already commended (e.g. the next level up the ladder)."""
    if candidate.stage != CandidateStage.COMMENDED:
        raise ApplicationError(
            _("Only a commended candidate can receive a further honour."), code="illegal_transition"
        )
    data = {"level": level, "title": title, "reason": reason, "deciding_body": deciding_body,
            "decision_date": decision_date, "document_number": document_number}  # fmt: skip
    return _honour_save(actor=actor, candidate=candidate, data=data)
