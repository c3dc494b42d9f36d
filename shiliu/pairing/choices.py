from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The only moves a project may make; completed and cancelled are final.
PROJECT_TRANSITIONS = {
    ProjectStatus.PLANNED: frozenset({ProjectStatus.IN_PROGRESS, ProjectStatus.CANCELLED}),
    ProjectStatus.IN_PROGRESS: frozenset({ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}),
    ProjectStatus.COMPLETED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
}


class FundSource(models.TextChoices):
    OWN = "own", _("The unit's own funds")
    FISCAL = "fiscal", _("Government funds")
    DONATION = "donation", _("Donations")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class PairingState(models.TextChoices):
    """Where a pairing stands today, from its period (not stored)."""

    UPCOMING = "upcoming", _("Not started")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
