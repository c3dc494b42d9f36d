"""Writes of assessments: the self-assessment's scores, veto checks and evidence, suggestions refreshed from
records, reviewers' scores (several reviewers, each with reasons) and the final score."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import ensure_writable, get_visible_or_404

from .. import rules
from ..choices import (
    EDITABLE_STAGES,
    REVIEW_STAGES,
    AssessmentKind,
    AssessmentStatus,
    CandidateAction,
    EvidenceKind,
)
from ..models import Assessment, Candidate, Evidence, ItemScore, VetoCheck
from .candidates import _ensure_batch_office, _event, _lock, open_assessment
from .common import points_value, reason_value, save, text_value
from .veto import veto_status_for

# Platform records evidence may link to ("app_label.model"); each is fetched through scope when linked.
LINKABLE_RECORDS = frozenset(
    {
        "activities.activity",
        "activities.publicityitem",
        "pairing.pairing",
        "pairing.pairingproject",
        "pairing.pairingvisit",
        "pairing.pairingoutcome",
        "honors.honour",
        "quizzes.quiz",
        "venues.venue",
    }
)


def recount(assessment: Assessment) -> Assessment:
    """Recompute the assessment's score, bonus and veto from its rows (and confirmed veto events)."""
    rows = assessment.item_scores.select_related("indicator")
    leaves = [rules.LeafScore(r.points, r.indicator.points, r.indicator.is_bonus) for r in rows]
    candidate = assessment.candidate
    vetoed = assessment.veto_checks.filter(is_triggered=True).exists() or (
        veto_status_for(unit=candidate.unit, area=candidate.area, year=assessment.year) == "triggered"
    )
    system = assessment.system
    result = rules.total(leaves, pass_line=system.pass_line, bonus_cap=system.bonus_cap, is_vetoed=vetoed)
    assessment.score, assessment.bonus, assessment.is_vetoed = result.score, result.bonus, result.is_vetoed
    assessment.save(update_fields=["score", "bonus", "is_vetoed", "updated_at"])
    return assessment


def _ensure_self_editable(actor, assessment: Assessment) -> Candidate:
    candidate = assessment.candidate
    ensure_writable(actor, Assessment, area_path=candidate.area_path, unit_id=candidate.unit_id or 0)
    if assessment.kind != AssessmentKind.SELF:
        raise NotVisible()
    if assessment.status == AssessmentStatus.SUBMITTED or candidate.stage not in EDITABLE_STAGES:
        raise ApplicationError(
            _(
                "The self-assessment is locked after submission; it opens again only when returned for revision."
            ),
            field="assessment",
            code="locked",
        )
    return candidate


def _apply_scores(actor, assessment: Assessment, scores: dict, *, reasons_required: bool) -> None:
    rows = {r.indicator_id: r for r in assessment.item_scores.select_related("indicator")}
    for key, value in (scores or {}).items():
        indicator_id = int(getattr(key, "pk", key))
        row = rows.get(indicator_id)
        if row is None:
            raise ApplicationError(_("The item is not part of this assessment."), field="scores")
        points, note = value if isinstance(value, list | tuple) else (value, row.note)
        field = f"score_{indicator_id}"
        points = points_value(points, field, maximum=row.indicator.points)
        note = str(note or "").strip()
        if len(note) > 2000:
            raise ApplicationError(_("The note can have at most 2000 characters."), field=field)
        if reasons_required and points is not None and points < row.indicator.points and not note:
            raise ApplicationError(
                _("{code}: give the reason for deducting points.").format(code=row.indicator.code),
                field=field,
            )
        if (row.points, row.note) != (points, note):
            row.points, row.note = points, note
            save(actor, row, ["points", "note"], check_scope=False)


@transaction.atomic
def assessment_save(*, actor, assessment: Assessment, scores: dict) -> Assessment:
    """Score items of the self-assessment: ``scores`` maps indicator (or id) → ``(points, note)``."""
    candidate = _ensure_self_editable(actor, assessment)
    _apply_scores(actor, assessment, scores, reasons_required=False)
    recount(assessment)
    candidate.self_score = assessment.total
    candidate.save(update_fields=["self_score", "updated_at"])
    return assessment


@transaction.atomic
def assessment_suggest(*, actor, assessment: Assessment) -> Assessment:
    """Refresh the suggested points of every item with a record source, from the records ``actor`` may see."""
    from ..evidence import suggest

    candidate = assessment.candidate
    ensure_writable(actor, Assessment, area_path=candidate.area_path, unit_id=candidate.unit_id or 0)
    now = timezone.now()
    for row in assessment.item_scores.select_related("indicator").exclude(indicator__source=""):
        suggestion = suggest(user=actor, indicator=row.indicator, candidate=candidate, assessment=assessment)
        row.suggested_points = suggestion.points
        row.measured_value = suggestion.value
        row.suggestion_basis = suggestion.basis
        row.suggested_at = now
        row.save(
            update_fields=[
                "suggested_points",
                "measured_value",
                "suggestion_basis",
                "suggested_at",
                "updated_at",
            ]
        )
    return assessment


@transaction.atomic
def veto_check_set(*, actor, check: VetoCheck, is_triggered: bool, note: str = "") -> VetoCheck:
    assessment = check.assessment
    candidate = assessment.candidate
    if assessment.kind == AssessmentKind.SELF:
        _ensure_self_editable(actor, assessment)
    else:
        _ensure_reviewer(actor, assessment)
    note = reason_value(note, required=bool(is_triggered), field="note")
    check.is_triggered, check.note = bool(is_triggered), note
    check.save(update_fields=["is_triggered", "note"])
    recount(assessment)
    if assessment.kind == AssessmentKind.SELF:
        candidate.self_score = assessment.total
        candidate.save(update_fields=["self_score", "updated_at"])
    return check


# ---------------------------------------------------------------- evidence


def _ensure_evidence_writable(actor, item_score: ItemScore) -> None:
    assessment = item_score.assessment
    if assessment.kind == AssessmentKind.SELF:
        _ensure_self_editable(actor, assessment)
    else:
        _ensure_reviewer(actor, assessment)


@transaction.atomic
def evidence_add(
    *, actor, item_score: ItemScore, kind: str, title: str = "", note: str = "", url: str = "",
    sample_size=None, rate=None, record=None, uploaded=(),
) -> Evidence:  # fmt: skip
    """Evidence for an item: any of uploaded files (``uploaded``, stored as core attachments), a platform record
    the actor can see (``record``), an outside link (``url``), or a survey result (``sample_size`` and ``rate``)."""
    _ensure_evidence_writable(actor, item_score)
    if kind not in EvidenceKind.values:
        raise ApplicationError(_("Choose the kind of evidence."), field="kind")
    title = text_value(title, "title", max_length=200, required=False, label=_("The title"))
    note = text_value(note, "note", max_length=4000, required=False, label=_("The note"))
    url = str(url or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise ApplicationError(_("Enter a web address starting with http:// or https://."), field="url")
    if len(url) > 500:
        raise ApplicationError(_("The web address is too long."), field="url")
    content_type = object_id = None
    if record is not None:
        label = f"{record._meta.app_label}.{record._meta.model_name}"
        if label not in LINKABLE_RECORDS:
            raise ApplicationError(_("Records of this kind cannot be linked as evidence."), field="record")
        # Same 404 for a foreign record as for a missing one.
        get_visible_or_404(type(record)._default_manager.all(), actor, pk=record.pk)
        content_type = ContentType.objects.get_for_model(type(record))
        object_id = record.pk
        title = title or str(record)[:200]
    # A linked quiz is a survey whose rate the platform counts itself: nothing to type.
    links_quiz = content_type is not None and content_type.app_label == "quizzes"
    if (kind == EvidenceKind.SURVEY and not links_quiz) or rate not in (None, ""):
        if rate in (None, "") or sample_size in (None, ""):
            raise ApplicationError(_("A survey result needs its sample size and its rate."), field="rate")
        try:
            sample_size = int(sample_size)
        except (TypeError, ValueError):
            raise ApplicationError(
                _("Enter the sample size as a whole number."), field="sample_size"
            ) from None
        if sample_size < 1:
            raise ApplicationError(_("The sample size must be at least 1."), field="sample_size")
        rate = points_value(rate, "rate", maximum=Decimal(100), allow_none=False)
    else:
        sample_size = rate = None
    if record is None and not url and not uploaded and rate is None and not note:
        raise ApplicationError(
            _("Attach a file, link a record or a web address, or describe the evidence."), field="kind"
        )
    evidence = Evidence(
        item_score=item_score, kind=kind, content_type=content_type, object_id=object_id, url=url, title=title,
        note=note, sample_size=sample_size, rate=rate, added_by=actor,
    )  # fmt: skip
    save(actor, evidence)
    if uploaded:
        from shiliu.core.attachments import attachment_add

        for file in uploaded:
            attachment_add(actor=actor, owner=evidence, uploaded=file)
    return evidence


@transaction.atomic
def evidence_link(
    *, actor, item_score: ItemScore, kind: str, content_type: str, object_id, note: str = ""
) -> Evidence:
    """Link a platform record named by ``content_type`` ("app_label.model") and id as evidence."""
    if content_type not in LINKABLE_RECORDS:
        raise ApplicationError(_("Records of this kind cannot be linked as evidence."), field="record")
    model = apps.get_model(content_type)
    record = get_visible_or_404(model._default_manager.all(), actor, pk=object_id)
    return evidence_add(actor=actor, item_score=item_score, kind=kind, note=note, record=record)


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    _ensure_evidence_writable(actor, evidence.item_score)
    from shiliu.core.attachments import attachments_remove_all

    attachments_remove_all(actor=actor, owner=evidence)
    evidence.delete()


# ---------------------------------------------------------------- reviewers and the final score


def _ensure_reviewer(actor, assessment: Assessment) -> None:
    candidate = assessment.candidate
    _ensure_batch_office(actor, candidate.batch)
    if assessment.kind == AssessmentKind.REVIEW and assessment.reviewer_id != getattr(actor, "pk", None):
        raise NotVisible()
    if assessment.status == AssessmentStatus.SUBMITTED:
        raise ApplicationError(_("These scores are submitted and locked."), field="assessment", code="locked")
    if candidate.stage not in REVIEW_STAGES:
        raise ApplicationError(
            _("Reviewers score a candidate between recommendation and approval."), field="stage"
        )


@transaction.atomic
def review_open(*, actor, candidate: Candidate) -> Assessment:
    """The acting reviewer's own scoring sheet for the candidate (created on first use)."""
    candidate = Candidate.objects.select_related("batch", "system").get(pk=candidate.pk)  # the current stage
    _ensure_batch_office(actor, candidate.batch)
    if candidate.unit_id and getattr(actor, "unit_id", None) == candidate.unit_id:
        raise NotVisible()
    existing = candidate.assessments.filter(kind=AssessmentKind.REVIEW, reviewer=actor).first()
    if existing:
        return existing
    if candidate.stage not in REVIEW_STAGES:
        raise ApplicationError(
            _("Reviewers score a candidate between recommendation and approval."), field="stage"
        )
    return open_assessment(candidate=candidate, kind=AssessmentKind.REVIEW, reviewer=actor)


@transaction.atomic
def review_save(*, actor, candidate: Candidate, scores: dict, submit: bool = False) -> Assessment:
    """Save (and with ``submit`` lock) the acting reviewer's scores; submitting needs every regular item scored
    and a reason for each deduction."""
    assessment = review_open(actor=actor, candidate=candidate)
    _ensure_reviewer(actor, assessment)
    _apply_scores(actor, assessment, scores, reasons_required=submit)
    if submit:
        return review_submit(actor=actor, assessment=assessment)
    return recount(assessment)


@transaction.atomic
def review_submit(*, actor, assessment: Assessment) -> Assessment:
    _ensure_reviewer(actor, assessment)
    rows = assessment.item_scores.select_related("indicator")
    missing = [r.indicator.code for r in rows if r.points is None and not r.indicator.is_bonus]
    if missing:
        raise ApplicationError(
            _("Score every item before submitting (not yet scored: {codes}).").format(
                codes=", ".join(missing[:10])
            ),
            field="scores",
        )
    unexplained = [
        r.indicator.code
        for r in rows
        if r.points is not None and r.points < r.indicator.points and not r.note
    ]
    if unexplained:
        raise ApplicationError(
            _("Give the reason for each deduction (missing for: {codes}).").format(
                codes=", ".join(unexplained[:10])
            ),
            field="scores",
        )
    recount(assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    _event(
        assessment.candidate, actor=actor, action=CandidateAction.REVIEW_SUBMITTED,
        reason=_("Total {total}").format(total=assessment.total),
    )  # fmt: skip
    return assessment


@transaction.atomic
def review_finalize(*, actor, candidate: Candidate, reason: str, scores: dict | None = None) -> Assessment:
    """Set the final score with its reasons. Without ``scores`` each item takes the mean of the submitted
    reviews (the note says so); given scores must explain every deduction."""
    _ensure_batch_office(actor, candidate.batch)
    candidate = _lock(candidate)
    if candidate.stage not in REVIEW_STAGES:
        raise ApplicationError(
            _("The final score is set between recommendation and approval."), field="stage"
        )
    reason = reason_value(reason, required=True)
    reviews = list(
        candidate.assessments.filter(kind=AssessmentKind.REVIEW, status=AssessmentStatus.SUBMITTED)
    )
    if not reviews:
        raise ApplicationError(_("At least one reviewer must submit scores first."), field="reviews")
    final = candidate.assessments.filter(kind=AssessmentKind.FINAL).first()
    if final is None:
        final = open_assessment(candidate=candidate, kind=AssessmentKind.FINAL)
    elif final.status == AssessmentStatus.SUBMITTED:
        final.status = AssessmentStatus.DRAFT  # a new final score replaces the previous one, on the record
        final.save(update_fields=["status", "updated_at"])
    if scores is None:
        by_item: dict[int, list[Decimal]] = {}
        for row in ItemScore.objects.filter(assessment__in=reviews, points__isnull=False):
            by_item.setdefault(row.indicator_id, []).append(row.points)
        scores = {
            item: (
                (sum(values) / len(values)).quantize(Decimal("0.01")),
                _("Mean of {n} reviewers").format(n=len(values)),
            )
            for item, values in by_item.items()
        }
        # Veto checks: triggered when any reviewer triggered them.
        triggered = VetoCheck.objects.filter(assessment__in=reviews, is_triggered=True)
        for check in final.veto_checks.all():
            hits = [t for t in triggered if t.veto_item_id == check.veto_item_id]
            if hits:
                check.is_triggered = True
                check.note = "; ".join(t.note for t in hits)[:2000]
                check.save(update_fields=["is_triggered", "note"])
        _apply_scores(actor, final, scores, reasons_required=False)
    else:
        _apply_scores(actor, final, scores, reasons_required=True)
    recount(final)
    final.status = AssessmentStatus.SUBMITTED
    final.submitted_at = timezone.now()
    final.submitted_by = actor
    final.note = reason
    final.save(update_fields=["status", "submitted_at", "submitted_by", "note", "updated_at"])
    candidate.final_score = final.total
    candidate.final_reason = reason
    save(actor, candidate, ["final_score", "final_reason"], check_scope=False)
    _event(
        candidate, actor=actor, action=CandidateAction.FINAL_SCORE,
        reason=_("{total}: {reason}").format(total=final.total, reason=reason),
    )  # fmt: skip
    return final
