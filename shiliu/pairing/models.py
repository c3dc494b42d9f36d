"""Pairing assistance (结对帮扶 / 结对认亲): a unit paired with a village or community, and what it did there.

Collective pairing only: visits are counted, funds and projects summed; no household, family or person files.

How scope reaches a pairing, with the single scope engine: ``area_path`` is the paired village's path and
``scope_unit_field`` is the pairing unit. The services only accept a village inside the subtree of the unit's own
area, so every scope that covers the unit's area also covers the village: "visible to whoever covers the unit's
area or the village" is then exactly the prefix filter on the village's path, and a unit liaison (whose scope is
narrowed to their unit) sees the pairings of that unit. The records under a pairing copy its ``area_path`` and
reach the unit through ``pairing__unit_id``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import ScopedModel, TimeStampedModel
from shiliu.core.roles import Role
from shiliu.orgs.models import Area, Unit

from .choices import AssessmentStatus, FundSource, Grade, ProjectStatus

RECORD_WRITE_ROLES = frozenset({Role.OFFICE, Role.DEPARTMENT, Role.UNIT})


class Pairing(ScopedModel):
    """结对帮扶: a unit (usually a member department) paired with one village or community for a period."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("unit"))
    village = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("village or community")
    )
    area_path = models.CharField(max_length=15, editable=False)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"))
    goals = models.TextField(_("goals"), blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "unit"
    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="pairing_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["start", "id"], name="pairing_start_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="pairing_end_not_before_start"),
            models.UniqueConstraint(fields=["unit", "village", "start"], name="pairing_unique_start"),
        ]

    def __str__(self):
        return f"{self.unit} ↔ {self.village}"


class PairingRecord(ScopedModel):
    """What every record under a pairing shares: the pairing, its copied path, scope through the pairing unit."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, verbose_name=_("pairing"))
    area_path = models.CharField(max_length=15, editable=False, db_index=True)

    scope_unit_field = "pairing__unit_id"  # an id, also for owner_scope of attachments
    scope_write_roles = RECORD_WRITE_ROLES

    class Meta:
        abstract = True

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse(f"pairing:{self._meta.model_name.removeprefix('pairing')}_detail", args=[self.pk])


class PairingVisit(PairingRecord):
    """A visit (走访) to the paired village: counted with the number of people, never with names."""

    visited_on = models.DateField(_("date of visit"))
    people = models.PositiveSmallIntegerField(_("number of people"))
    activities = models.CharField(_("activities"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)

    has_attachments = True  # photos and documents (core attachments)
    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    class Meta:
        verbose_name = _("pairing visit")
        verbose_name_plural = _("pairing visits")
        default_related_name = "visits"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["visited_on", "id"], name="pairing_visit_date_id")]
        constraints = [models.CheckConstraint(condition=Q(people__gte=1), name="pairing_visit_people_min")]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} {self.activities}"


class PairingFund(PairingRecord):
    """Funds invested (帮扶资金), in yuan."""

    paid_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=10, choices=FundSource.choices)
    purpose = models.CharField(_("purpose"), max_length=300)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    class Meta:
        verbose_name = _("pairing fund")
        verbose_name_plural = _("pairing funds")
        default_related_name = "funds"
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["paid_on", "id"], name="pairing_fund_date_id")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pairing_fund_amount_positive")]

    def __str__(self):
        return f"{self.paid_on:%Y-%m-%d} {self.amount}"


class PairingProject(PairingRecord):
    """A project (帮扶项目) carried out in the paired village; its status moves only through the services."""

    name = models.CharField(_("name"), max_length=120)
    started_on = models.DateField(_("start date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)
    completed_on = models.DateField(_("completion date"), null=True, blank=True)

    has_attachments = True  # photos and documents (core attachments)
    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    class Meta:
        verbose_name = _("pairing project")
        verbose_name_plural = _("pairing projects")
        default_related_name = "projects"
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["started_on", "id"], name="pairing_project_date_id"),
            models.Index(fields=["name", "id"], name="pairing_project_name_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "name"], name="pairing_project_unique_name"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pairing_project_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status=ProjectStatus.COMPLETED, completed_on__isnull=False)
                | (~Q(status=ProjectStatus.COMPLETED) & Q(completed_on__isnull=True)),
                name="pairing_project_completed_has_date",
            ),
        ]

    def __str__(self):
        return self.name


class PairingOutcome(PairingRecord):
    """Results (帮扶成效) reported on a date: jobs arranged and problems solved, as counts."""

    reported_on = models.DateField(_("date"))
    jobs_arranged = models.PositiveIntegerField(_("jobs arranged"), default=0)
    problems_solved = models.PositiveIntegerField(_("problems solved"), default=0)
    description = models.TextField(_("description"))

    has_attachments = True  # photos and documents (core attachments)
    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    class Meta:
        verbose_name = _("pairing outcome")
        verbose_name_plural = _("pairing outcomes")
        default_related_name = "outcomes"
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["reported_on", "id"], name="pairing_outcome_date_id")]

    def __str__(self):
        return f"{self.reported_on:%Y-%m-%d} {self.description[:30]}"


# ---------------------------------------------------------------- annual assessment


class AssessmentRulebook(ScopedModel):
    """The items and points an area office assesses its pairings by in one year (结对帮扶考核细则).

    Grades compare the total, as a percentage of the items' maximum, with the thresholds (out of 100).
    A pairing is assessed by the rulebook of the nearest area at or above its village.
    """

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="pairing_rulebooks", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=120)
    excellent_from = models.PositiveSmallIntegerField(_("excellent from"), default=90)
    good_from = models.PositiveSmallIntegerField(_("good from"), default=80)
    pass_from = models.PositiveSmallIntegerField(_("pass from"), default=60)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("assessment rulebook")
        verbose_name_plural = _("assessment rulebooks")
        ordering = ["-year", "area_path"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="pairing_rulebook_unique_year"),
            models.CheckConstraint(
                condition=Q(pass_from__gte=0)
                & Q(pass_from__lt=F("good_from"))
                & Q(good_from__lt=F("excellent_from"))
                & Q(excellent_from__lte=100),
                name="pairing_rulebook_thresholds_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


class RulebookItem(TimeStampedModel):
    rulebook = models.ForeignKey(
        AssessmentRulebook, on_delete=models.CASCADE, related_name="items", verbose_name=_("rulebook")
    )
    name = models.CharField(_("name"), max_length=120)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1)
    description = models.CharField(_("description"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rulebook item")
        verbose_name_plural = _("rulebook items")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="pairing_item_points_positive"),
        ]

    def __str__(self):
        return self.name


class PairingAssessment(ScopedModel):
    """The annual assessment of one pairing (年度考核). Total and grade are computed by the service; submitted
    assessments are locked."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("pairing")
    )
    rulebook = models.ForeignKey(
        AssessmentRulebook, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("rulebook")
    )
    area_path = models.CharField(max_length=15, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total points"), max_digits=6, decimal_places=1, default=0)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessor")
    )
    assessed_on = models.DateField(_("date of assessment"))
    comments = models.TextField(_("comments"), blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "pairing__unit_id"  # an id, also for owner_scope of attachments
    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("pairing assessment")
        verbose_name_plural = _("pairing assessments")
        ordering = ["-year", "-id"]
        indexes = [
            # year is a smallint (PositiveSmallIntegerField), hence int2_ops.
            models.Index(
                fields=["area_path", "year"],
                name="pairing_assessment_path_year",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "year"], name="pairing_assessment_unique_year"),
        ]

    def __str__(self):
        return f"{self.pairing} {self.year}"


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(
        PairingAssessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    item = models.ForeignKey(RulebookItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="pairing_score_unique_item"),
            models.CheckConstraint(condition=Q(points__gte=0), name="pairing_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.points}"
