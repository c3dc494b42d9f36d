"""Titles (命名) and their dynamic management (动态管理): annual checks, rectification, revocation, expiry and
re-verification; veto events entered by offices; and gap-list snapshots computed in the background."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import ScopedModel
from shiliu.core.roles import Role

from ..choices import (
    CheckResult,
    CreationLevel,
    RectificationStatus,
    TitleStatus,
    VetoEventStatus,
    VetoKind,
    VetoStatus,
)
from .candidates import Batch, Candidate
from .systems import POINTS, IndicatorSystem

OFFICE_ONLY = frozenset({Role.OFFICE})


class Title(ScopedModel):
    """A demonstration title (示范单位/示范区 命名) held by a unit or an area, valid until ``valid_until``."""

    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="creation_titles",
        verbose_name=_("unit"),
    )
    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="creation_titles", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=CreationLevel.choices)
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="titles", verbose_name=_("batch")
    )
    candidate = models.OneToOneField(
        Candidate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="title",
        verbose_name=_("candidate"),
    )
    name = models.CharField(_("title conferred"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60)
    named_on = models.DateField(_("named on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=14, choices=TitleStatus.choices, default=TitleStatus.ACTIVE
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    status_reason = models.TextField(_("reason of the last status change"), blank=True)
    reverified_on = models.DateField(_("re-verified on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    has_attachments = True
    scope_unit_field = "unit"
    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        ordering = ["-named_on", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="creation_title_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["status", "valid_until"], name="creation_title_status_valid"),
            models.Index(fields=["unit", "level"], name="creation_title_unit_level"),
            models.Index(fields=["area", "level"], name="creation_title_area_level"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("named_on")), name="title_validity_after_naming"
            ),
            models.CheckConstraint(condition=Q(status__in=TitleStatus.values), name="title_status_known"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("creation:title_detail", args=[self.pk])

    @property
    def holder_name(self) -> str:
        return self.unit.name if self.unit_id else self.area.name


class TitleEvent(models.Model):
    """One status change of a title: who, when, from which status to which, and why."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="events", verbose_name=_("title"))
    from_status = models.CharField(_("from"), max_length=14, choices=TitleStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=14, choices=TitleStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("title status change")
        verbose_name_plural = _("title status changes")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.title_id}: {self.from_status} → {self.to_status}"


class AnnualCheck(ScopedModel):
    """The yearly check (年度复核) of a named unit or area; a warning opens a rectification."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="checks", verbose_name=_("title"))
    year = models.PositiveSmallIntegerField(_("year"))
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=10, choices=CheckResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )

    scope_path_field = "title__area_path"
    scope_unit_field = "title__unit"
    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("annual check")
        verbose_name_plural = _("annual checks")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["title", "year"], name="annual_check_once_a_year")]

    def __str__(self):
        return f"{self.title} {self.year}"


class Rectification(ScopedModel):
    """Rectification (整改) after a warning: the problems, a deadline, and how it ended."""

    title = models.ForeignKey(
        Title, on_delete=models.CASCADE, related_name="rectifications", verbose_name=_("title")
    )
    annual_check = models.ForeignKey(
        AnnualCheck,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("annual check"),
    )
    problems = models.TextField(_("problems to rectify"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    has_attachments = True
    scope_path_field = "title__area_path"
    scope_unit_field = "title__unit"
    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RectificationStatus.OPEN) | ~Q(outcome=""),
                name="rectification_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.title} → {self.deadline}"

    def get_absolute_url(self):
        return reverse("creation:title_detail", args=[self.title_id])


class Revocation(ScopedModel):
    """The revocation (撤销命名) of a title, with its reason and the decision document (number + attachment)."""

    title = models.OneToOneField(
        Title, on_delete=models.CASCADE, related_name="revocation", verbose_name=_("title")
    )
    reason = models.TextField(_("reason"))
    decision_document = models.CharField(_("decision document number"), max_length=60)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    has_attachments = True
    scope_path_field = "title__area_path"
    scope_unit_field = "title__unit"
    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="") & ~Q(decision_document=""), name="revocation_reason_and_document"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.decision_document})"

    def get_absolute_url(self):
        return reverse("creation:title_detail", args=[self.title_id])


class VetoEvent(ScopedModel):
    """A veto ground that happened in a unit or area (entered by the office, linked to the record behind it).

    Once confirmed it triggers the veto of that unit's/area's assessments of the year and flags its standing
    titles for review (services/veto.py).
    """

    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="creation_veto_events", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="creation_veto_events",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("ground"), max_length=20, choices=VetoKind.choices)
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("description"))
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("record type"),
    )
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VetoEventStatus.choices, default=VetoEventStatus.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or dismissed by"),
    )
    decided_at = models.DateTimeField(_("confirmed or dismissed at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    has_attachments = True
    scope_unit_field = "unit"
    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("veto event")
        verbose_name_plural = _("veto events")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="creation_veto_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["status", "occurred_on"], name="creation_veto_status_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="veto_record_link_complete",
            ),
            models.CheckConstraint(
                condition=Q(status=VetoEventStatus.ENTERED) | ~Q(decision_reason=""),
                name="veto_decision_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"

    def get_absolute_url(self):
        return reverse("creation:veto_event_list") + f"?id={self.pk}"


class GapSnapshot(ScopedModel):
    """A unit's, area's or candidate's provisional score against one system, as the background task computed it.

    ``subject_key`` is ``c<id>`` for a candidate, ``u<id>`` for a unit without an open candidacy and ``a<id>`` for
    an area; ``items`` holds per item ``[indicator id, points, max, suggested, measured]`` rows. Peers are the
    snapshots of the same system and level.
    """

    system = models.ForeignKey(
        IndicatorSystem,
        on_delete=models.CASCADE,
        related_name="snapshots",
        verbose_name=_("indicator system"),
    )
    subject_key = models.CharField(max_length=24)
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="snapshots",
        verbose_name=_("candidate"),
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    area = models.ForeignKey("orgs.Area", on_delete=models.CASCADE, related_name="+", verbose_name=_("area"))
    area_path = models.CharField(max_length=15)
    level = models.CharField(_("level"), max_length=10, choices=CreationLevel.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    computed_at = models.DateTimeField(_("computed at"))
    score = models.DecimalField(_("score"), **POINTS)
    bonus = models.DecimalField(_("bonus"), **POINTS, default=0)
    total = models.DecimalField(_("total"), **POINTS)
    pass_line = models.DecimalField(_("pass line"), **POINTS)
    veto = models.CharField(_("veto"), max_length=10, choices=VetoStatus.choices, default=VetoStatus.CLEAR)
    is_passing = models.BooleanField(_("passing"), default=False)
    items = models.JSONField(_("items"), default=list)

    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("gap snapshot")
        verbose_name_plural = _("gap snapshots")
        ordering = ["system", "-total"]
        constraints = [
            models.UniqueConstraint(fields=["system", "subject_key"], name="gap_snapshot_subject_once"),
        ]
        indexes = [
            models.Index(fields=["system", "level", "total"], name="gap_snapshot_peers"),
            models.Index(
                fields=["area_path", "id"],
                name="gap_snapshot_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.subject_key} {self.total}/{self.pass_line}"


class GapPeerGroup(models.Model):
    """The distribution of snapshot totals of one peer group, stored by the background computation so that a gap
    list ranks a candidate with one indexed read: ``group`` is ``type`` (every unit or area the system applies
    to) or a level code (the candidates of that level); ``distribution`` maps each total (text) to its count."""

    system = models.ForeignKey(
        IndicatorSystem,
        on_delete=models.CASCADE,
        related_name="peer_groups",
        verbose_name=_("indicator system"),
    )
    group = models.CharField(max_length=12)
    computed_at = models.DateTimeField(_("computed at"))
    count = models.PositiveIntegerField(default=0)
    total_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    distribution = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")
        constraints = [models.UniqueConstraint(fields=["system", "group"], name="gap_peer_group_once")]

    def __str__(self):
        return f"{self.system_id}/{self.group}: {self.count}"
