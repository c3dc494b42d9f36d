"""Model individuals and collectives (先进典型) and their honours.

A person is stored with name, unit and honour only: no ethnicity, religion, ID number, phone or any other
personal attribute (see DOMAIN.md, personal information).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import ScopedModel
from shiliu.core.roles import Role

from .choices import CandidateKind, CandidateStage, HonourLevel


class ModelCandidate(ScopedModel):
    """A candidate model individual or collective (先进典型候选), from discovery to commendation."""

    kind = models.CharField(_("kind"), max_length=12, choices=CandidateKind.choices)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="model_candidates",
        verbose_name=_("unit"),
    )
    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="model_candidates", verbose_name=_("area")
    )
    # Copy of area.path, kept in step by the services (and by orgs' area_move through the path prefix).
    area_path = models.CharField(max_length=15, editable=False)
    deeds = models.TextField(_("deeds"))
    discovered_on = models.DateField(_("discovered on"), default=timezone.localdate)
    stage = models.CharField(
        _("stage"), max_length=12, choices=CandidateStage.choices, default=CandidateStage.DISCOVERED
    )

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "unit"
    scope_write_roles = frozenset({Role.OFFICE, Role.UNIT, Role.DEPARTMENT})

    class Meta:
        verbose_name = _("model candidate")
        verbose_name_plural = _("model candidates")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="candidate_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["discovered_on", "id"], name="candidate_discovered_id"),
            models.Index(fields=["name", "id"], name="candidate_name_id"),
            models.Index(fields=["stage", "id"], name="candidate_stage_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CandidateKind.COLLECTIVE) | Q(unit__isnull=False),
                name="candidate_individual_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=CandidateStage.values), name="candidate_stage_known"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STAGES

        return self.stage in OPEN_STAGES


class CandidateTransition(models.Model):
    """One stage change of a candidate: who, when, from which stage to which, and why."""

    candidate = models.ForeignKey(
        ModelCandidate, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("candidate")
    )
    from_stage = models.CharField(_("from"), max_length=12, choices=CandidateStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=CandidateStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_stage=CandidateStage.REJECTED) | ~Q(reason=""),
                name="transition_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.candidate_id}: {self.from_stage} → {self.to_stage}"


class Honour(ScopedModel):
    """An honour (表彰) conferred on a commended candidate by a deciding body at one level."""

    candidate = models.ForeignKey(
        ModelCandidate, on_delete=models.PROTECT, related_name="honours", verbose_name=_("candidate")
    )
    area_path = models.CharField(max_length=15, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=HonourLevel.choices)
    title = models.CharField(_("title of the honour"), max_length=150)
    reason = models.TextField(_("reason"))
    deciding_body = models.CharField(_("deciding body"), max_length=150)
    decision_date = models.DateField(_("decision date"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "candidate__unit"
    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="honour_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["decision_date", "id"], name="honour_date_id"),
            models.Index(fields=["level", "id"], name="honour_level_id"),
        ]

    def __str__(self):
        return self.title
