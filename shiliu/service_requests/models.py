"""Closed-loop service requests (网格吹哨、部门报到; 接诉即办): grids and visits, requests, their timeline,
deadlines on the working-day calendar, reminders and the configuration behind them.

Scope: a request lies in its grid (or lowest area) through ``area_path``; department liaisons (users with a unit)
see the requests their unit leads *or* assists (``scope_unit_field`` is a tuple OR'ed by the scope engine).
No field anywhere records anyone's ethnicity or religion: ``involves_ethnic_factors`` describes the case.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.crypto import EncryptedCharField
from shiliu.core.models import ScopedModel, TimeStampedModel
from shiliu.core.roles import Role
from shiliu.orgs.models import Area, Unit

from .choices import (
    Channel,
    DeadlineStep,
    DeadlineUnit,
    ExtensionStatus,
    Priority,
    Rating,
    ReminderKind,
    RequestAction,
    RequestStatus,
    Result,
)

OFFICE_ONLY = frozenset({Role.OFFICE})


class RequestCategory(TimeStampedModel):
    """A category of request (诉求类别): a configurable tree; codes are stable identifiers (Open311 service codes)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["sort", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="sr_category_not_own_parent")
        ]

    def __str__(self):
        return self.name

    def ancestor_ids(self) -> list[int]:
        """This category's id and its ancestors' ids, nearest first."""
        ids, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            ids.append(node.pk)
            seen.add(node.pk)
            node = node.parent
        return ids


# ---------------------------------------------------------------- grids and visits


class GridAssignment(ScopedModel):
    """A grid worker (网格员) assigned to a grid for a period."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grid_assignments",
        verbose_name=_("grid worker"),
    )
    grid = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="grid_assignments", verbose_name=_("grid")
    )
    area_path = models.CharField(max_length=15, editable=False)
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("grid assignment")
        verbose_name_plural = _("grid assignments")
        ordering = ["area_path", "-start", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="sr_assign_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="sr_assignment_end_not_before_start",
            ),
            models.UniqueConstraint(fields=["worker", "grid", "start"], name="sr_assignment_unique_start"),
        ]

    def __str__(self):
        return f"{self.worker} → {self.grid}"


class GridVisit(ScopedModel):
    """A grid worker's visit round (入户走访) in a grid on one day: households counted, never listed."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grid_visits",
        verbose_name=_("grid worker"),
    )
    grid = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="grid_visits", verbose_name=_("grid")
    )
    area_path = models.CharField(max_length=15, editable=False)
    visited_on = models.DateField(_("date of visit"))
    households_visited = models.PositiveIntegerField(_("households visited"))
    notes = models.TextField(_("notes"), blank=True)

    has_attachments = True  # photos (core attachments)
    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = frozenset({Role.GRID, Role.OFFICE})

    class Meta:
        verbose_name = _("grid visit")
        verbose_name_plural = _("grid visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "visited_on"],
                name="sr_visit_path_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["worker", "visited_on"], name="sr_visit_worker_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(households_visited__lte=10000), name="sr_visit_households_max"
            ),
        ]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} {self.grid}"

    def get_absolute_url(self):
        return reverse("service_requests:visit_detail", args=[self.pk])


# ---------------------------------------------------------------- requests


class ServiceRequest(ScopedModel):
    """A resident's request (诉求工单), from intake to rating. Its status moves only through the services."""

    ticket = models.CharField(_("ticket"), max_length=20, unique=True, editable=False)
    # HMAC of the secret rating code handed to the resident (the code itself is never stored).
    rating_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        RequestCategory,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("category"),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    unit = models.ForeignKey(
        Unit, db_index=False, on_delete=models.PROTECT, null=True, blank=True, related_name="concerning_requests",
        verbose_name=_("unit concerned"),
    )  # fmt: skip
    venue = models.ForeignKey(
        "venues.Venue", db_index=False, on_delete=models.PROTECT, null=True, blank=True, related_name="service_requests",
        verbose_name=_("venue concerned"),
    )  # fmt: skip
    visit = models.ForeignKey(
        GridVisit, db_index=False, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests",
        verbose_name=_("raised during visit"),
    )  # fmt: skip
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    requester_name = EncryptedCharField(_("requester's name"), blank=True)
    requester_phone = EncryptedCharField(_("requester's phone"), blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)  # Open311 media_url
    open311_client = models.ForeignKey(
        "Open311Client", db_index=False, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests",
        verbose_name=_("Open311 client"),
    )  # fmt: skip
    # An identifier from the source system (import row, Open311 client), for idempotent intake.
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_index=False, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip

    # A property of the case, never of a person; set by office staff only, with a reason.
    involves_ethnic_factors = models.BooleanField(_("involves ethnic factors"), default=False)
    ethnic_factors_reason = models.TextField(_("reason for the ethnic factors flag"), blank=True)
    ethnic_factors_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_index=False, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ethnic factors flag set by"),
    )  # fmt: skip
    ethnic_factors_set_at = models.DateTimeField(_("ethnic factors flag set at"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    lead_department = models.ForeignKey(
        Unit, db_index=False, on_delete=models.PROTECT, null=True, blank=True, related_name="led_requests",
        verbose_name=_("lead department"),
    )  # fmt: skip
    assisting_departments = models.ManyToManyField(
        Unit, through="RequestAssist", related_name="assisted_requests", blank=True,
        verbose_name=_("assisting departments"),
    )  # fmt: skip
    duplicate_of = models.ForeignKey(
        "self", db_index=False, on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates",
        verbose_name=_("duplicate of"),
    )  # fmt: skip
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    result_reason = models.TextField(_("reason (partly resolved or unresolved)"), blank=True)
    reply_note = models.TextField(_("reply"), blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Wrong rating codes entered since the last success (the public form locks rating after too many).
    rating_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    transfer_count = models.PositiveSmallIntegerField(_("times transferred"), default=0)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    is_supervised = models.BooleanField(_("under supervision"), default=False)
    supervised_at = models.DateTimeField(_("supervised since"), null=True, blank=True)

    # When each step happened.
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    # Deadlines per step (computed from DeadlineRule on the working-day calendar, shifted by paused time).
    accept_due = models.DateTimeField(_("acceptance due"), null=True, blank=True)
    sign_due = models.DateTimeField(_("signing due"), null=True, blank=True)
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True)
    verify_due = models.DateTimeField(_("verification due"), null=True, blank=True)
    # The deadline of the step the request now waits for (None when nobody owes anything or the clock is paused).
    next_step = models.CharField(_("next step"), max_length=10, choices=DeadlineStep.choices, blank=True)
    next_due = models.DateTimeField(_("next deadline"), null=True, blank=True)
    # When the sweep sends the reminder for next_due, when it escalates to supervision (督办), and when it must
    # look at the request next (None: nothing to send); see tasks.py.
    remind_at = models.DateTimeField(_("reminder at"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("escalation at"), null=True, blank=True)
    sweep_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Frozen when the step is done: the basis of the response and on-time rates.
    signed_on_time = models.BooleanField(_("signed for on time"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("replied on time"), null=True, blank=True)

    # The clock stops while waiting on the resident.
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for pausing"), max_length=300, blank=True)
    paused_seconds = models.PositiveIntegerField(_("working seconds paused"), default=0)

    scope_unit_field = ("lead_department_id", "assists__department_id")
    scope_write_roles = frozenset({Role.OFFICE, Role.DEPARTMENT, Role.GRID})
    scope_reveal_roles = OFFICE_ONLY
    personal_fields = {"requester_name": "name", "requester_phone": "phone"}
    has_attachments = True  # photos (core attachments)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="sr_request_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            # Lets the rates, rankings and figures (one grouped statement over a subtree and a period) read the
            # index alone on PostgreSQL (INCLUDE columns are ignored by SQLite).
            models.Index(
                fields=["area_path", "submitted_at"],
                name="sr_request_path_submitted_cov",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                include=[
                    "lead_department",
                    "dispatched_at",
                    "signed_on_time",
                    "replied_at",
                    "replied_on_time",
                    "result",
                    "rating",
                    "status",
                    "id",
                ],
            ),  # fmt: skip
            models.Index(fields=["submitted_at", "id"], name="sr_request_submitted_id"),
            # Equality filters carrying the default keyset order (-submitted_at, -id): page 1 and page N read the
            # index in order on both databases.
            models.Index(
                fields=["lead_department", "submitted_at", "id"], name="sr_request_dept_submitted_id"
            ),
            models.Index(fields=["status", "submitted_at", "id"], name="sr_request_status_submitted"),
            models.Index(fields=["category", "submitted_at", "id"], name="sr_request_category_submitted"),
            models.Index(
                fields=["next_due", "id"], name="sr_request_next_due", condition=Q(next_due__isnull=False)
            ),
            models.Index(
                fields=["external_ref"], name="sr_request_external_ref", condition=~Q(external_ref="")
            ),
            models.Index(fields=["open311_client", "submitted_at"], name="sr_request_client_submitted"),
            models.Index(
                fields=["sweep_at", "id"], name="sr_request_sweep_at", condition=Q(sweep_at__isnull=False)
            ),
            # Foreign keys that are mostly empty get partial indexes (the others are covered by the composite
            # indexes above): fewer indexes to maintain on every write of a 2-million-row table.
            *[
                models.Index(
                    fields=[name], name=f"sr_request_{name}", condition=Q(**{f"{name}__isnull": False})
                )
                for name in ("duplicate_of", "visit", "unit", "venue")
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="sr_request_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="sr_request_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(involves_ethnic_factors=False) | ~Q(ethnic_factors_reason=""),
                name="sr_request_ethnic_flag_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.REJECTED) | ~Q(reject_reason=""),
                name="sr_request_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("id")),
                name="sr_request_not_own_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(result=Result.RESOLVED) | ~Q(result_reason=""),
                name="sr_request_unresolved_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(reopened_count__lte=1), name="sr_request_reopened_at_most_once"
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rated_at__isnull=False), name="sr_request_rating_has_time"
            ),
        ]

    def __str__(self):
        return self.ticket

    def get_absolute_url(self):
        return reverse("service_requests:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def deadline_at(self):
        """The deadline of the step the request now waits for (None while paused or when nobody owes anything)."""
        return self.next_due

    @property
    def deadline_status(self) -> str:
        """on_time / due_soon / overdue / paused / "" (see deadlines.deadline_state)."""
        from django.utils import timezone

        from .deadlines import deadline_state

        return deadline_state(self, timezone.now())


class RequestAssist(models.Model):
    """An assisting department (协办单位) of a request."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="assists")
    department = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="request_assists")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assisting department")
        verbose_name_plural = _("assisting departments")
        constraints = [
            models.UniqueConstraint(fields=["request", "department"], name="sr_assist_unique"),
        ]
        indexes = [models.Index(fields=["department", "request"], name="sr_assist_dept_request")]

    def __str__(self):
        return f"{self.request_id} + {self.department_id}"


class RequestEvent(models.Model):
    """One row of a request's timeline: who did what, when, with which note (the request's history)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=RequestAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=RequestStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    # Who acted when there is no user: "resident", "system", "open311" (shown translated by the UI).
    actor_label = models.CharField(_("by (no account)"), max_length=40, blank=True)
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="sr_event_request_time")]

    def __str__(self):
        return f"{self.request_id} {self.action}"


class RequestExtension(models.Model):
    """A lead department's request for more time (延期申请), decided by the office."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="extensions")
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    step = models.CharField(
        _("step"), max_length=10, choices=DeadlineStep.choices, default=DeadlineStep.REPLY
    )
    previous_due = models.DateTimeField(_("previous deadline"), null=True, blank=True)
    requested_until = models.DateTimeField(_("requested until"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="sr_extension_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status=ExtensionStatus.PENDING) | Q(decided_at__isnull=False),
                name="sr_extension_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.request_id} → {self.requested_until:%Y-%m-%d}"


class RequestReminder(models.Model):
    """A reminder, overdue notice or supervision escalation sent for one step's deadline. Unique per
    (request, step, kind, due): the sweep may run any number of times, in parallel, and sends each once."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(_("step"), max_length=10, choices=DeadlineStep.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    due = models.DateTimeField(_("deadline"))
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("department")
    )
    area_path = models.CharField(max_length=15, editable=False, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    # The inbox (selectors.reminder_list): the office sees its area's reminders, a department only its own.
    scope_path_field = "area_path"
    scope_unit_field = "department_id"

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "step", "kind", "due"], name="sr_reminder_unique"),
        ]

    def __str__(self):
        return f"{self.request_id} {self.step} {self.kind}"


# ---------------------------------------------------------------- configuration


class DeadlineRule(TimeStampedModel):
    """How long a step may take, per category (None: any) and priority (blank: any). The most specific rule
    wins: a matching priority first, then the nearest category up the tree, then the default."""

    category = models.ForeignKey(
        RequestCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="deadline_rules",
        verbose_name=_("category"),
    )  # fmt: skip
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    step = models.CharField(_("step"), max_length=10, choices=DeadlineStep.choices)
    amount = models.PositiveSmallIntegerField(_("limit"))
    unit = models.CharField(_("unit"), max_length=14, choices=DeadlineUnit.choices)
    remind_before_hours = models.PositiveSmallIntegerField(_("remind before (working hours)"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["step", "category__sort", "priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "priority", "step"],
                condition=Q(category__isnull=False),
                name="sr_deadline_rule_unique",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["priority", "step"],
                condition=Q(category__isnull=True),
                name="sr_deadline_rule_default_unique",
            ),
            models.CheckConstraint(
                condition=~Q(unit=DeadlineUnit.WORKING_HOURS) | Q(amount__gte=1),
                name="sr_deadline_rule_hours_min",
            ),
        ]

    def __str__(self):
        return f"{self.step} {self.amount} {self.unit}"


class CalendarOverride(TimeStampedModel):
    """The office's correction of the official holiday calendar for one date (or its entry for a year the
    package has no data for)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=120, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("set by"),
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


class RoutingRule(ScopedModel):
    """Suggests the lead department for a category in an area and below; the most specific area wins."""

    category = models.ForeignKey(
        RequestCategory, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("category")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="routing_rules", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="routing_rules", verbose_name=_("department")
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__sort", "area_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="sr_routing_rule_unique"),
        ]

    def __str__(self):
        return f"{self.category} @ {self.area} → {self.department}"


class RankingSettings(ScopedModel):
    """Ranking settings of an area office (and the areas below unless they have their own): the minimum number
    of requests for a department to be ranked, and the weights of the overall score (percent)."""

    area = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    area_path = models.CharField(max_length=15, editable=False)
    min_requests = models.PositiveIntegerField(_("minimum number of requests to be ranked"), default=10)
    weight_response = models.PositiveSmallIntegerField(_("weight of the response rate"), default=25)
    weight_on_time = models.PositiveSmallIntegerField(_("weight of the on-time rate"), default=25)
    weight_resolution = models.PositiveSmallIntegerField(_("weight of the resolution rate"), default=25)
    weight_satisfaction = models.PositiveSmallIntegerField(_("weight of the satisfaction rate"), default=25)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = OFFICE_ONLY

    class Meta:
        verbose_name = _("ranking settings")
        verbose_name_plural = _("ranking settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_response__lte=100)
                & Q(weight_on_time__lte=100)
                & Q(weight_resolution__lte=100)
                & Q(weight_satisfaction__lte=100),
                name="sr_ranking_weights_max",
            ),  # fmt: skip
        ]

    def __str__(self):
        return str(self.area)


class Open311Client(models.Model):
    """A system allowed to submit requests through Open311 (GeoReport v2) with an API key into one area's subtree.
    Only the SHA-256 digest of the key is stored."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    is_active = models.BooleanField(_("active"), default=True)
    rate_limit_per_hour = models.PositiveIntegerField(_("submissions per hour"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @staticmethod
    def hash(raw: str) -> str:
        import hashlib

        return hashlib.sha256(raw.encode()).hexdigest()
