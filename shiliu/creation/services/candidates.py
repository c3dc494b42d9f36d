"""Batches and the candidate workflow: self-assessment → submission (locks) → return for revision (reason,
unlocks) → recommendation (ladder rule, quota) → preliminary review → site assessment → public notice
(objections) → approval → naming (creates the Title); rejection and withdrawal. Every stage change follows
``STAGE_TRANSITIONS`` and writes a ``CandidateEvent`` (who, when, from, to, why) in the same transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.attachments import attachment_add
from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import ensure_writable
from shiliu.orgs.models import Area, Unit

from ..choices import (
    AREA_LEVEL_TARGET,
    QUOTA_STAGES,
    STANDING_TITLE_STATUSES,
    TITLE_VALIDITY_YEARS,
    AssessmentKind,
    AssessmentStatus,
    CandidateAction,
    CandidateStage,
    CreationLevel,
    ObjectionStatus,
    TitleStatus,
    VisitMethod,
    level_below,
)
from ..models import (
    Assessment,
    Batch,
    Candidate,
    CandidateEvent,
    Indicator,
    ItemScore,
    Objection,
    PublicNotice,
    SiteVisit,
    Title,
    TitleEvent,
    VetoCheck,
)
from .common import (
    check_stage,
    check_transition,
    date_value,
    ensure_office,
    is_office_above,
    reason_value,
    save,
    text_value,
)

# ---------------------------------------------------------------- batches

BATCH_FIELDS = (
    "name",
    "level",
    "year",
    "quota",
    "application_deadline",
    "review_deadline",
    "is_open",
    "note",
)


def batch_clean(*, data: dict) -> dict:
    name = text_value(data.get("name"), "name", max_length=150, required=True, label=_("The name"))
    level = data.get("level")
    if level not in CreationLevel.values:
        raise ApplicationError(_("Choose the level of the batch."), field="level")
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter the year."), field="year") from None
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("Enter a year between 2000 and 2100."), field="year")
    quota = data.get("quota")
    if quota in ("", None):
        quota = None
    else:
        try:
            quota = int(quota)
        except (TypeError, ValueError):
            raise ApplicationError(_("Enter the quota as a whole number."), field="quota") from None
        if quota < 1:
            raise ApplicationError(_("The quota must be at least 1, or left empty."), field="quota")
    dates = {}
    for field in ("application_deadline", "review_deadline"):
        value = data.get(field)
        dates[field] = None if value in (None, "") else date_value(value, field)
    if (
        dates["application_deadline"]
        and dates["review_deadline"]
        and dates["review_deadline"] < dates["application_deadline"]
    ):
        raise ApplicationError(
            _("The review deadline cannot precede the application deadline."), field="review_deadline"
        )
    return {
        "name": name, "level": level, "year": year, "quota": quota, **dates,
        "is_open": bool(data.get("is_open", True)), "note": str(data.get("note") or "").strip(),
    }  # fmt: skip


def _ensure_batch_office(actor, batch: Batch) -> None:
    """The organising office (or one above it) runs a batch's review steps."""
    if not is_office_above(actor, batch.area_path, strictly=False):
        raise NotVisible()


@transaction.atomic
def batch_create(*, actor, area: Area, name: str, level: str, year: int, quota=None, application_deadline=None,
                 review_deadline=None, is_open: bool = True, note: str = "") -> Batch:  # fmt: skip
    ensure_office(actor)
    if not is_office_above(actor, area.path, strictly=False):
        raise NotVisible()
    cleaned = batch_clean(
        data={"name": name, "level": level, "year": year, "quota": quota, "is_open": is_open, "note": note,
              "application_deadline": application_deadline, "review_deadline": review_deadline}
    )  # fmt: skip
    if Batch.objects.filter(area=area, level=cleaned["level"], name=cleaned["name"]).exists():
        raise ApplicationError(_("A batch of this name exists already."), field="name")
    return save(actor, Batch(area=area, area_path=area.path, **cleaned))


@transaction.atomic
def batch_update(*, actor, batch: Batch, **data) -> Batch:
    unknown = set(data) - set(BATCH_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _ensure_batch_office(actor, batch)
    merged = {f: getattr(batch, f) for f in BATCH_FIELDS} | data
    cleaned = batch_clean(data=merged)
    if cleaned["level"] != batch.level and batch.candidates.exists():
        raise ApplicationError(_("The level cannot change once candidates applied."), field="level")
    changed = [f for f in BATCH_FIELDS if getattr(batch, f) != cleaned[f]]
    for f in changed:
        setattr(batch, f, cleaned[f])
    return save(actor, batch, changed)


# ---------------------------------------------------------------- helpers


def _unit_id(candidate_or_unit) -> int:
    # A candidate without a unit is never the one unit a liaison is bound to: 0 stands for "no unit".
    if isinstance(candidate_or_unit, Unit):
        return candidate_or_unit.pk
    return candidate_or_unit.unit_id or 0


def _ensure_candidate_writer(actor, candidate: Candidate) -> None:
    ensure_writable(actor, Candidate, area_path=candidate.area_path, unit_id=_unit_id(candidate))


def _ensure_office_above(actor, candidate: Candidate) -> None:
    """Steps taken by the level above: an office covering the candidate (never an area office for its own area)."""
    if not is_office_above(actor, candidate.area_path, strictly=candidate.unit_id is None):
        raise NotVisible()


def _lock(candidate: Candidate) -> Candidate:
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("batch", "unit", "area", "system")
        .get(pk=candidate.pk)
    )


def _event(candidate, *, actor, action, from_stage="", to_stage="", reason="") -> CandidateEvent:
    return CandidateEvent.objects.create(
        candidate=candidate,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        reason=reason,
    )


def _move(actor, candidate: Candidate, target: str, action: str, reason: str = "") -> Candidate:
    check_stage(candidate, target)
    source = candidate.stage
    candidate.stage = target
    candidate.stage_changed_at = timezone.now()
    if reason:
        candidate._change_reason = reason[:100]
    save(actor, candidate, ["stage", "stage_changed_at"], check_scope=False)
    _event(candidate, actor=actor, action=action, from_stage=source, to_stage=target, reason=reason)
    return candidate


def self_assessment(candidate: Candidate) -> Assessment:
    return candidate.assessments.get(kind=AssessmentKind.SELF)


def final_assessment(candidate: Candidate) -> Assessment | None:
    return candidate.assessments.filter(kind=AssessmentKind.FINAL).first()


def open_assessment(*, candidate: Candidate, kind: str, reviewer=None) -> Assessment:
    """An assessment of ``kind`` with one empty score row per scored item and one check per veto item."""
    assessment = Assessment.objects.create(
        candidate=candidate, system=candidate.system, year=candidate.year, kind=kind, reviewer=reviewer
    )
    leaves = Indicator.objects.filter(system=candidate.system, children__isnull=True)
    ItemScore.objects.bulk_create(ItemScore(assessment=assessment, indicator=leaf) for leaf in leaves)
    VetoCheck.objects.bulk_create(
        VetoCheck(assessment=assessment, veto_item=item) for item in candidate.system.veto_items.all()
    )
    return assessment


def standing_title(*, unit: Unit | None, area: Area | None, level: str, on: datetime.date | None = None):
    """A title of ``level`` the unit (or area) holds and that still stands on ``on``."""
    on = on or timezone.localdate()
    qs = Title.objects.filter(level=level, status__in=STANDING_TITLE_STATUSES, valid_until__gte=on)
    qs = qs.filter(unit=unit) if unit is not None else qs.filter(unit__isnull=True, area=area)
    return qs.order_by("-valid_until").first()


def ladder_problem(candidate: Candidate) -> str | None:
    """Why the ladder rule refuses the candidate (None when it may go up): above the lowest level, the unit or area
    must hold a standing title of the level below."""
    below = level_below(candidate.level)
    if below is None:
        return None
    if standing_title(unit=candidate.unit, area=None if candidate.unit_id else candidate.area, level=below):
        return None
    return _("A candidate for the {level} level must hold a valid title of the {below} level.").format(
        level=CreationLevel(candidate.level).label, below=CreationLevel(below).label
    )


# ---------------------------------------------------------------- application


@transaction.atomic
def candidate_create(*, actor, batch: Batch, unit: Unit | None = None, area: Area | None = None) -> Candidate:
    """Apply a unit (by its liaison or an office) or an area (by an office above... or its own office) to a batch,
    with the applicable published system, and open its self-assessment."""
    from ..selectors import system_for

    if (unit is None) == (area is None):
        raise ApplicationError(_("Choose either a unit or an area."), field="unit")
    if unit is not None:
        area = unit.area
    path = area.path
    ensure_writable(actor, Candidate, area_path=path, unit_id=unit.pk if unit else 0)
    if unit is None and area.level not in AREA_LEVEL_TARGET:
        raise ApplicationError(_("Only a city, county or township applies as an area."), field="area")
    if not path.startswith(batch.area_path) or (unit is None and path == batch.area_path):
        raise ApplicationError(_("The candidate lies outside the batch's area."), field="batch")
    if not batch.is_open:
        raise ApplicationError(_("The batch is closed for applications."), field="batch")
    if batch.application_deadline and timezone.localdate() > batch.application_deadline:
        raise ApplicationError(_("The batch's application deadline has passed."), field="batch")
    if unit is not None and unit.status != "active":
        raise ApplicationError(_("An archived unit cannot apply."), field="unit")
    clash = Candidate.objects.filter(batch=batch)
    clash = clash.filter(unit=unit) if unit else clash.filter(unit__isnull=True, area=area)
    if clash.exists():
        raise ApplicationError(_("This candidate has applied to the batch already."), field="batch")
    system = system_for(unit=unit, area=None if unit else area, year=batch.year)
    if system is None:
        raise ApplicationError(
            _("No published indicator system applies to this candidate for {year}.").format(year=batch.year),
            field="system",
        )
    candidate = Candidate(
        batch=batch, level=batch.level, unit=unit, area=area, area_path=path, system=system, year=batch.year
    )
    save(actor, candidate)
    _event(candidate, actor=actor, action=CandidateAction.CREATED, to_stage=CandidateStage.DRAFT)
    open_assessment(candidate=candidate, kind=AssessmentKind.SELF)
    return candidate


@transaction.atomic
def candidate_submit(*, actor, candidate: Candidate, reason: str = "") -> Candidate:
    """Submit the self-assessment: every regular item must be scored; the assessment locks."""
    _ensure_candidate_writer(actor, candidate)
    candidate = _lock(candidate)
    check_stage(candidate, CandidateStage.SUBMITTED)
    assessment = self_assessment(candidate)
    missing = assessment.item_scores.filter(points__isnull=True, indicator__is_bonus=False).select_related(
        "indicator"
    )
    if missing:
        codes = ", ".join(s.indicator.code for s in missing[:10])
        raise ApplicationError(
            _("Score every item before submitting (not yet scored: {codes}).").format(codes=codes),
            field="scores",
        )
    from .assessments import recount

    recount(assessment)
    check_transition(
        {AssessmentStatus.DRAFT: {AssessmentStatus.SUBMITTED}}, assessment.status, AssessmentStatus.SUBMITTED
    )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    candidate.self_score = assessment.total
    save(actor, candidate, ["self_score"], check_scope=False)
    return _move(
        actor,
        candidate,
        CandidateStage.SUBMITTED,
        CandidateAction.SUBMITTED,
        reason_value(reason, required=False),
    )


@transaction.atomic
def candidate_return(*, actor, candidate: Candidate, reason: str) -> Candidate:
    """Return for revision (the reason is mandatory); unlocks the self-assessment."""
    _ensure_office_above(actor, candidate)
    reason = reason_value(reason, required=True)
    candidate = _lock(candidate)
    check_stage(candidate, CandidateStage.RETURNED)
    assessment = self_assessment(candidate)
    assessment.status = AssessmentStatus.DRAFT
    assessment.save(update_fields=["status", "updated_at"])
    # Reviewers score the revised self-assessment again: their sheets and the final score reopen (kept as drafts).
    candidate.assessments.exclude(kind=AssessmentKind.SELF).update(status=AssessmentStatus.DRAFT)
    if candidate.final_score is not None:
        candidate.final_score = None
        save(actor, candidate, ["final_score"], check_scope=False)
    return _move(actor, candidate, CandidateStage.RETURNED, CandidateAction.RETURNED, reason)


@transaction.atomic
def candidate_recommend(*, actor, candidate: Candidate, reason: str = "") -> Candidate:
    """Recommend upward: the ladder rule and the batch's quota apply."""
    _ensure_office_above(actor, candidate)
    reason = reason_value(reason, required=False)
    # Lock the batch first: two recommendations at once cannot both take the last place of the quota.
    batch = Batch.objects.select_for_update().get(pk=candidate.batch_id)
    candidate = _lock(candidate)
    check_stage(candidate, CandidateStage.RECOMMENDED)
    problem = ladder_problem(candidate)
    if problem:
        raise ApplicationError(problem, field="level", code="ladder")
    if batch.quota is not None:
        taken = batch.candidates.filter(stage__in=QUOTA_STAGES).exclude(pk=candidate.pk).count()
        if taken >= batch.quota:
            raise ApplicationError(
                _("The batch's quota of {n} recommendations is reached.").format(n=batch.quota),
                field="batch",
                code="quota",
            )
    scope_area = getattr(actor, "area", None)
    if isinstance(scope_area, Area):
        candidate.recommended_by = scope_area
        save(actor, candidate, ["recommended_by"], check_scope=False)
    return _move(actor, candidate, CandidateStage.RECOMMENDED, CandidateAction.RECOMMENDED, reason)


@transaction.atomic
def candidate_start_review(*, actor, candidate: Candidate, reason: str = "") -> Candidate:
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    return _move(
        actor, candidate, CandidateStage.PRELIMINARY_REVIEW, CandidateAction.PRELIMINARY_REVIEW,
        reason_value(reason, required=False),
    )  # fmt: skip


@transaction.atomic
def candidate_start_site_assessment(*, actor, candidate: Candidate, reason: str = "") -> Candidate:
    """Needs at least one reviewer's submitted scores."""
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    check_stage(candidate, CandidateStage.SITE_ASSESSMENT)
    if not candidate.assessments.filter(
        kind=AssessmentKind.REVIEW, status=AssessmentStatus.SUBMITTED
    ).exists():
        raise ApplicationError(_("At least one reviewer must submit scores first."), field="reviews")
    return _move(
        actor, candidate, CandidateStage.SITE_ASSESSMENT, CandidateAction.SITE_ASSESSMENT,
        reason_value(reason, required=False),
    )  # fmt: skip


@transaction.atomic
def site_visit_record(
    *, actor, candidate: Candidate, visit_date, team: str, method: str, findings: str, photos=()
) -> SiteVisit:
    """Record an on-site assessment visit with its photos (stored privately, served through scope); a photo that
    is refused (kind, size, count) refuses the whole visit."""
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    if candidate.stage != CandidateStage.SITE_ASSESSMENT:
        raise ApplicationError(_("Site visits are recorded during the site assessment."), field="stage")
    visit_date = date_value(visit_date, "visit_date")
    if visit_date > timezone.localdate():
        raise ApplicationError(_("The date cannot lie in the future."), field="visit_date")
    team = text_value(team, "team", max_length=2000, required=True, label=_("The team"))
    if method not in VisitMethod.values:
        raise ApplicationError(_("Choose announced or unannounced."), field="method")
    findings = text_value(findings, "findings", max_length=10000, required=True, label=_("The findings"))
    visit = SiteVisit(
        candidate=candidate,
        visit_date=visit_date,
        team=team,
        method=method,
        findings=findings,
        recorded_by=actor,
    )
    save(actor, visit, check_scope=False)
    for photo in photos or ():
        attachment_add(actor=actor, owner=visit, uploaded=photo)
    _event(
        candidate, actor=actor, action=CandidateAction.SITE_VISIT,
        reason=_("{date}, {method}").format(date=visit_date.isoformat(), method=VisitMethod(method).label),
    )  # fmt: skip
    return visit


def _final_problem(candidate: Candidate) -> str | None:
    """Why the final score does not carry the candidate forward (None when it passes without veto)."""
    from .assessments import recount

    final = final_assessment(candidate)
    if final is None or final.status != AssessmentStatus.SUBMITTED:
        return _("Set the final score first.")
    recount(final)
    if final.is_vetoed:
        return _("A veto item is triggered; the candidate cannot pass.")
    if final.total < candidate.system.pass_line:
        return _("The final score of {score} is below the pass line of {line}.").format(
            score=final.total, line=candidate.system.pass_line
        )
    return None


@transaction.atomic
def candidate_open_notice(
    *, actor, candidate: Candidate, start_date, end_date, channel: str = ""
) -> PublicNotice:
    """Open the public notice: a site visit is recorded and the final score passes."""
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    check_stage(candidate, CandidateStage.PUBLIC_NOTICE)
    if not candidate.site_visits.exists():
        raise ApplicationError(_("Record the site visit first."), field="site_visit")
    problem = _final_problem(candidate)
    if problem:
        raise ApplicationError(problem, field="final_score")
    start_date = date_value(start_date, "start_date")
    end_date = date_value(end_date, "end_date")
    if end_date < start_date:
        raise ApplicationError(_("The end date cannot precede the start date."), field="end_date")
    channel = text_value(channel, "channel", max_length=200, required=False, label=_("Where it is published"))
    notice = PublicNotice(
        candidate=candidate, start_date=start_date, end_date=end_date, channel=channel, opened_by=actor
    )
    save(actor, notice, check_scope=False)
    _move(
        actor, candidate, CandidateStage.PUBLIC_NOTICE, CandidateAction.PUBLIC_NOTICE,
        _("{start} to {end}").format(start=start_date.isoformat(), end=end_date.isoformat()),
    )  # fmt: skip
    return notice


def current_notice(candidate: Candidate) -> PublicNotice | None:
    return candidate.notices.order_by("-start_date", "-id").first()


@transaction.atomic
def objection_record(*, actor, candidate: Candidate, received_on, content: str) -> Objection:
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    if candidate.stage != CandidateStage.PUBLIC_NOTICE:
        raise ApplicationError(_("Objections are received during the public notice."), field="stage")
    notice = current_notice(candidate)
    received_on = date_value(received_on, "received_on")
    if not notice.start_date <= received_on <= notice.end_date:
        raise ApplicationError(
            _("The objection must be received within the notice period {start} to {end}.").format(
                start=notice.start_date.isoformat(), end=notice.end_date.isoformat()
            ),
            field="received_on",
        )
    content = text_value(content, "content", max_length=10000, required=True, label=_("The content"))
    objection = Objection(notice=notice, received_on=received_on, content=content, recorded_by=actor)
    save(actor, objection, check_scope=False)
    _event(candidate, actor=actor, action=CandidateAction.OBJECTION, reason=content[:500])
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, upheld: bool, resolution: str) -> Objection:
    candidate = objection.notice.candidate
    _ensure_batch_office(actor, candidate.batch)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    target = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    from ..choices import OBJECTION_TRANSITIONS

    check_transition(OBJECTION_TRANSITIONS, objection.status, target, field="status",
                     label=objection.get_status_display())  # fmt: skip
    resolution = reason_value(resolution, required=True, field="resolution")
    objection.status = target
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    save(actor, objection, ["status", "resolution", "resolved_by", "resolved_at"], check_scope=False)
    _event(
        candidate, actor=actor, action=CandidateAction.OBJECTION_RESOLVED,
        reason=f"{ObjectionStatus(target).label}: {resolution}",
    )  # fmt: skip
    return objection


@transaction.atomic
def candidate_approve(
    *, actor, candidate: Candidate, reason: str = "", today: datetime.date | None = None
) -> Candidate:
    """Approve after the notice period: no objection open or upheld, final score passing, no veto."""
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    check_stage(candidate, CandidateStage.APPROVED)
    today = today or timezone.localdate()
    notice = current_notice(candidate)
    if notice is None or today <= notice.end_date:
        raise ApplicationError(
            _("The public notice runs until {end}; approve after it ends.").format(
                end=notice.end_date.isoformat() if notice else "—"
            ),
            field="notice",
        )
    objections = Objection.objects.filter(notice__candidate=candidate)
    if objections.filter(status=ObjectionStatus.OPEN).exists():
        raise ApplicationError(_("Resolve the open objections first."), field="objections", code="objections")
    if objections.filter(status=ObjectionStatus.UPHELD).exists():
        raise ApplicationError(
            _("An upheld objection stands against the candidate; reject it instead."), field="objections"
        )
    problem = _final_problem(candidate)
    if problem:
        raise ApplicationError(problem, field="final_score")
    return _move(
        actor,
        candidate,
        CandidateStage.APPROVED,
        CandidateAction.APPROVED,
        reason_value(reason, required=False),
    )


def default_title_name(level: str, *, is_unit: bool) -> str:
    if is_unit:
        return _("{level} ethnic unity and progress demonstration unit").format(
            level=CreationLevel(level).label
        )
    return _("{level} ethnic unity and progress demonstration area").format(level=CreationLevel(level).label)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def candidate_name(
    *, actor, candidate: Candidate, document_number: str, named_on, valid_until=None, name: str | None = None
) -> Title:
    """Name the approved candidate: the title with level, batch, document number, date and validity end."""
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    check_stage(candidate, CandidateStage.NAMED)
    document_number = text_value(
        document_number, "document_number", max_length=60, required=True, label=_("The document number")
    )
    named_on = date_value(named_on, "named_on")
    valid_until = (
        add_years(named_on, TITLE_VALIDITY_YEARS)
        if valid_until in (None, "")
        else date_value(valid_until, "valid_until")
    )
    if valid_until <= named_on:
        raise ApplicationError(_("The validity must end after the naming date."), field="valid_until")
    name = text_value(
        name or default_title_name(candidate.level, is_unit=candidate.unit_id is not None),
        "name", max_length=200, required=True, label=_("The title"),
    )  # fmt: skip
    title = Title(
        unit=candidate.unit, area=candidate.area, area_path=candidate.area_path, level=candidate.level,
        batch=candidate.batch, candidate=candidate, name=name, document_number=document_number,
        named_on=named_on, valid_until=valid_until, status=TitleStatus.ACTIVE,
    )  # fmt: skip
    save(actor, title, check_scope=False)
    TitleEvent.objects.create(title=title, from_status="", to_status=TitleStatus.ACTIVE, actor=actor,
                              reason=document_number)  # fmt: skip
    _move(actor, candidate, CandidateStage.NAMED, CandidateAction.NAMED, document_number)
    return title


@transaction.atomic
def candidate_reject(*, actor, candidate: Candidate, reason: str) -> Candidate:
    _ensure_office_above(actor, candidate)
    reason = reason_value(reason, required=True)
    candidate = _lock(candidate)
    return _move(actor, candidate, CandidateStage.REJECTED, CandidateAction.REJECTED, reason)


@transaction.atomic
def candidate_withdraw(*, actor, candidate: Candidate, reason: str) -> Candidate:
    _ensure_candidate_writer(actor, candidate)
    reason = reason_value(reason, required=True)
    candidate = _lock(candidate)
    return _move(actor, candidate, CandidateStage.WITHDRAWN, CandidateAction.WITHDRAWN, reason)
