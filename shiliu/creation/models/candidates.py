"""Batches, candidates (创建对象) and their assessments: self-assessment with evidence, reviewers' scores, the
final score, site visits, public notice and objections, and the candidate's timeline."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import ScopedModel, TimeStampedModel
from shiliu.core.roles import Role

from ..choices import (
    AssessmentKind,
    AssessmentStatus,
    CandidateAction,
    CandidateStage,
    CreationLevel,
    EvidenceKind,
    ObjectionStatus,
    VisitMethod,
)
from .systems import POINTS, Indicator, IndicatorSystem, VetoItem

CREATION_WRITE_ROLES = frozenset({Role.OFFICE, Role.UNIT, Role.DEPARTMENT})


class Batch(TimeStampedModel):
    """A round of naming (批次) run by the office of ``area`` at ``level`` for ``year``, with an optional quota.

    A batch is visible to its organising area's subtree and above (selectors decide); the organiser's office edits.
    """

    name = models.CharField(_("name"), max_length=150)
    level = models.CharField(_("level"), max_length=10, choices=CreationLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="creation_batches", verbose_name=_("organised by")
    )
    area_path = models.CharField(max_length=15, editable=False)
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    review_deadline = models.DateField(_("review deadline"), null=True, blank=True)
    is_open = models.BooleanField(_("open for applications"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "level", "name"], name="batch_name_unique"),
        ]
        indexes = [models.Index(fields=["area_path", "year"], name="batch_path_year")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("creation:batch_detail", args=[self.pk])


class Candidate(ScopedModel):
    """A unit or an area (through its office) applying for a title of ``level`` in ``batch``.

    For a unit, ``area`` is the unit's area; for an area candidate ``unit`` is empty and ``area`` is the area
    itself. ``stage`` follows ``STAGE_TRANSITIONS`` only (services/candidates.py).
    """

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("batch")
    )
    level = models.CharField(_("level applied for"), max_length=10, choices=CreationLevel.choices)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="creation_candidacies",
        verbose_name=_("unit"),
    )
    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="creation_candidacies", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    system = models.ForeignKey(
        IndicatorSystem,
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("indicator system"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    stage = models.CharField(
        _("stage"), max_length=20, choices=CandidateStage.choices, default=CandidateStage.DRAFT
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)
    # Cached totals, written by the services when an assessment is saved or submitted.
    self_score = models.DecimalField(_("self-assessed score"), **POINTS, null=True, blank=True)
    final_score = models.DecimalField(_("final score"), **POINTS, null=True, blank=True)
    final_reason = models.TextField(_("reasons for the final score"), blank=True)
    recommended_by = models.ForeignKey(
        "orgs.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommended by"),
    )

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at", "stage_changed_at"])

    scope_unit_field = "unit"
    scope_write_roles = CREATION_WRITE_ROLES

    class Meta:
        verbose_name = _("creation candidate")
        verbose_name_plural = _("creation candidates")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="creation_cand_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["batch", "stage"], name="creation_cand_batch_stage"),
            models.Index(fields=["stage", "id"], name="creation_cand_stage_id"),
            models.Index(fields=["level", "year"], name="creation_cand_level_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit"], condition=Q(unit__isnull=False), name="creation_cand_unit_once"
            ),
            models.UniqueConstraint(
                fields=["batch", "area"], condition=Q(unit__isnull=True), name="creation_cand_area_once"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=CandidateStage.values), name="creation_cand_stage_known"
            ),
        ]

    def __str__(self):
        return str(self.unit) if self.unit_id else str(self.area)

    def get_absolute_url(self):
        return reverse("creation:candidate_detail", args=[self.pk])

    @property
    def target_name(self) -> str:
        return self.unit.name if self.unit_id else self.area.name

    @property
    def is_open(self) -> bool:
        from ..choices import OPEN_STAGES

        return self.stage in OPEN_STAGES


class CandidateEvent(models.Model):
    """One step on a candidate's timeline: who, when, what, from which stage to which, and why."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="events", verbose_name=_("candidate")
    )
    action = models.CharField(_("action"), max_length=24, choices=CandidateAction.choices)
    from_stage = models.CharField(_("from"), max_length=20, choices=CandidateStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=CandidateStage.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_stage__in=[CandidateStage.RETURNED, CandidateStage.REJECTED]) | ~Q(reason=""),
                name="creation_event_return_reject_reason",
            ),
        ]

    def __str__(self):
        return f"{self.candidate_id}: {self.action}"


class Assessment(ScopedModel):
    """A set of item scores for a candidate: its self-assessment, one reviewer's scoring, or the final score.

    Submitting locks it (status ``submitted``); only a return for revision unlocks a self-assessment.
    """

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("candidate")
    )
    system = models.ForeignKey(
        IndicatorSystem,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("indicator system"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="creation_reviews",
        verbose_name=_("reviewer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    score = models.DecimalField(_("score"), **POINTS, default=0)
    bonus = models.DecimalField(_("bonus"), **POINTS, default=0)
    is_vetoed = models.BooleanField(_("vetoed"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    note = models.TextField(_("note"), blank=True)

    scope_path_field = "candidate__area_path"
    scope_unit_field = "candidate__unit"
    scope_write_roles = CREATION_WRITE_ROLES

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["candidate", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "kind"],
                condition=~Q(kind=AssessmentKind.REVIEW),
                name="assessment_one_self_one_final",
            ),
            models.UniqueConstraint(
                fields=["candidate", "reviewer"],
                condition=Q(kind=AssessmentKind.REVIEW),
                name="assessment_one_review_per_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AssessmentKind.REVIEW) | Q(reviewer__isnull=False),
                name="assessment_review_has_reviewer",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} {self.get_kind_display()}"

    def get_absolute_url(self):
        if self.kind == AssessmentKind.SELF:
            return reverse("creation:assessment_edit", args=[self.pk])
        return reverse("creation:review_edit", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED

    @property
    def total(self):
        return self.score + self.bonus


class ItemScore(TimeStampedModel):
    """The points given to one item in one assessment, with a note (the reason, for reviewers and the final
    score) and, for items with a record source, the suggestion computed from records when it was last refreshed."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="item_scores", verbose_name=_("assessment")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="scores", verbose_name=_("item")
    )
    points = models.DecimalField(_("points"), **POINTS, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    suggested_points = models.DecimalField(_("suggested points"), **POINTS, null=True, blank=True)
    measured_value = models.DecimalField(
        _("measured value"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    suggestion_basis = models.TextField(_("basis of the suggestion"), blank=True)
    suggested_at = models.DateTimeField(_("suggested at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["assessment", "indicator__sort", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="item_score_unique"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="item_score_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} = {self.points}"


class VetoCheck(models.Model):
    """One veto item checked in an assessment: triggered or not, why, and the veto event behind it if any."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="veto_checks", verbose_name=_("assessment")
    )
    veto_item = models.ForeignKey(
        VetoItem, on_delete=models.PROTECT, related_name="checks", verbose_name=_("veto item")
    )
    is_triggered = models.BooleanField(_("triggered"), default=False)
    note = models.TextField(_("note"), blank=True)
    veto_event = models.ForeignKey(
        "creation.VetoEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("veto event"),
    )

    class Meta:
        verbose_name = _("veto check")
        verbose_name_plural = _("veto checks")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "veto_item"], name="veto_check_unique"),
        ]

    def __str__(self):
        return f"{self.veto_item}: {self.is_triggered}"


class Evidence(ScopedModel):
    """Evidence for one item score: uploaded files (core attachments on this row), a link to a platform record
    (content type + id, checked through scope when added) or an outside URL, with a note.

    A survey held outside the platform is entered here as kind ``survey`` with its sample size and the measured
    rate, and the survey report uploaded as an attachment; the ``survey_rate`` source reads it when the item's
    subject has no quiz responses in the platform.
    """

    item_score = models.ForeignKey(
        ItemScore, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("item score")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("record type"),
    )
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )

    has_attachments = True
    scope_path_field = "item_score__assessment__candidate__area_path"
    scope_unit_field = "item_score__assessment__candidate__unit"
    scope_write_roles = CREATION_WRITE_ROLES

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["item_score", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="evidence_record")]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="evidence_record_link_complete",
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | (Q(rate__gte=0) & Q(rate__lte=100)),
                name="evidence_rate_percent",
            ),
            models.CheckConstraint(
                condition=~Q(kind=EvidenceKind.SURVEY) | Q(rate__isnull=True) | Q(sample_size__gt=0),
                name="evidence_survey_rate_has_sample",
            ),
        ]

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("creation:assessment_edit", args=[self.item_score.assessment_id])


class SiteVisit(ScopedModel):
    """An on-site assessment (实地考核) of a candidate: date, team, announced or not, findings."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="site_visits", verbose_name=_("candidate")
    )
    visit_date = models.DateField(_("date"))
    team = models.TextField(_("team"))
    method = models.CharField(_("method"), max_length=12, choices=VisitMethod.choices)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    has_attachments = True
    scope_path_field = "candidate__area_path"
    scope_unit_field = "candidate__unit"
    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["candidate", "visit_date", "id"]

    def __str__(self):
        return f"{self.candidate} {self.visit_date}"

    def get_absolute_url(self):
        return reverse("creation:candidate_detail", args=[self.candidate_id])


class PublicNotice(ScopedModel):
    """The public notice (公示) of a candidate, during which objections are received."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="notices", verbose_name=_("candidate")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    channel = models.CharField(_("published where"), max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )

    scope_path_field = "candidate__area_path"
    scope_unit_field = "candidate__unit"
    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["candidate", "start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="notice_period_order"),
        ]

    def __str__(self):
        return f"{self.candidate} {self.start_date}–{self.end_date}"


class Objection(ScopedModel):
    """An objection received during a public notice; unresolved ones block approval."""

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.CASCADE, related_name="objections", verbose_name=_("public notice")
    )
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    scope_path_field = "notice__candidate__area_path"
    scope_unit_field = "notice__candidate__unit"
    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["notice", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ObjectionStatus.OPEN) | ~Q(resolution=""),
                name="objection_resolved_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.notice.candidate} {self.received_on}"
