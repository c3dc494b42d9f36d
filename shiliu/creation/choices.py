"""Kinds, levels, stages and statuses of demonstration creation (民族团结进步示范创建), with their transition tables.

Every state change goes through one service in ``services/`` that checks the source state against the table here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    """What an indicator system assesses: an area (city, county, township) or a unit of one unit type."""

    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    UNIT = "unit", _("Unit of a type")


# orgs.AreaLevel value -> the target kind of an area of that level (other levels are not assessed as areas).
AREA_LEVEL_TARGET = {2: TargetKind.CITY, 3: TargetKind.COUNTY, 4: TargetKind.TOWNSHIP}


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


SYSTEM_TRANSITIONS: dict[str, frozenset[str]] = {
    SystemStatus.DRAFT: frozenset({SystemStatus.PUBLISHED}),
    SystemStatus.PUBLISHED: frozenset({SystemStatus.RETIRED}),
    SystemStatus.RETIRED: frozenset(),
}


class IndicatorLevel(models.TextChoices):
    CATEGORY = "category", _("Category")
    ITEM = "item", _("Item")
    SUB_ITEM = "sub_item", _("Sub-item")


# The level a child of each level has.
CHILD_LEVEL = {
    "": IndicatorLevel.CATEGORY,
    IndicatorLevel.CATEGORY: IndicatorLevel.ITEM,
    IndicatorLevel.ITEM: IndicatorLevel.SUB_ITEM,
}


class RuleKind(models.TextChoices):
    """How an item's points follow from what was measured (see rules.py for the parameters of each)."""

    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    BANDS = "bands", _("Bands")
    DEDUCT_PER_MISSING = "deduct_per_missing", _("Deduct per missing occurrence")
    RATE_THRESHOLD = "rate_threshold", _("Rate against a threshold")
    MANUAL = "manual", _("Scored by hand")


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PHOTO = "photo", _("Photo")
    LEDGER = "ledger", _("Ledger records")
    SURVEY = "survey", _("Survey result")
    FIGURE = "figure", _("System figure")
    SITE_VISIT = "site_visit", _("Site visit")


class AssessmentMethod(models.TextChoices):
    REPORT = "report", _("Report heard")
    MATERIALS = "materials", _("Materials reviewed")
    SITE_CHECK = "site_check", _("Site check")
    KNOWLEDGE = "knowledge", _("Routine knowledge")
    SURVEY = "survey", _("Survey")


class RecordSource(models.TextChoices):
    """Platform records an item's suggested score can be computed from (evidence.py reads them via selectors)."""

    ACTIVITIES = "activities", _("Activities held in the year")
    PUBLICITY = "publicity", _("Publicity items in the year")
    PAIRING_COVERAGE = "pairing_coverage", _("Active pairings")
    PAIRING_PROJECTS = "pairing_projects", _("Pairing projects")
    HONOURS = "honours", _("Honours conferred")
    REQUEST_CLOSURE = "request_closure", _("Request on-time closure rate")
    REQUEST_SATISFACTION = "request_satisfaction", _("Request satisfaction rate")
    SURVEY_RATE = "survey_rate", _("Quiz results, or a survey result entered as evidence")


class VetoKind(models.TextChoices):
    """一票否决 grounds."""

    MASS_INCIDENT = "mass_incident", _("Mass incident involving ethnic factors")
    LEADERSHIP_BREACH = "leadership_breach", _("Serious breach of law or discipline by the leadership")
    FALSIFIED = "falsified", _("Falsified materials")
    PUBLIC_OPINION = "public_opinion", _("Major negative public-opinion event")
    OTHER = "other", _("Other veto ground")


class CreationLevel(models.TextChoices):
    """The level of a batch and of a title, lowest first (the ladder)."""

    COUNTY = "county", _("County")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


LADDER = [CreationLevel.COUNTY, CreationLevel.CITY, CreationLevel.PROVINCE, CreationLevel.NATIONAL]


def level_below(level: str) -> str | None:
    """The level whose active title a candidate for ``level`` must hold (None for the lowest level)."""
    index = LADDER.index(level)
    return LADDER[index - 1] if index > 0 else None


class CandidateStage(models.TextChoices):
    DRAFT = "draft", _("Self-assessment in progress")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RECOMMENDED = "recommended", _("Recommended")
    PRELIMINARY_REVIEW = "preliminary_review", _("Preliminary review")
    SITE_ASSESSMENT = "site_assessment", _("Site assessment")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    APPROVED = "approved", _("Approved")
    NAMED = "named", _("Named")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = CandidateStage
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.RETURNED, S.RECOMMENDED, S.REJECTED, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.RECOMMENDED: frozenset({S.PRELIMINARY_REVIEW, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    S.PRELIMINARY_REVIEW: frozenset({S.SITE_ASSESSMENT, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    S.SITE_ASSESSMENT: frozenset({S.PUBLIC_NOTICE, S.REJECTED, S.WITHDRAWN}),
    S.PUBLIC_NOTICE: frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.NAMED}),
    S.NAMED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
OPEN_STAGES = frozenset(stage for stage, targets in STAGE_TRANSITIONS.items() if targets)
# Stages in which the self-assessment may be edited.
EDITABLE_STAGES = frozenset({S.DRAFT, S.RETURNED})
# Stages in which reviewers of the level above score items.
REVIEW_STAGES = frozenset({S.RECOMMENDED, S.PRELIMINARY_REVIEW, S.SITE_ASSESSMENT, S.PUBLIC_NOTICE})
# Stages that count against a batch's quota.
QUOTA_STAGES = frozenset(
    {S.RECOMMENDED, S.PRELIMINARY_REVIEW, S.SITE_ASSESSMENT, S.PUBLIC_NOTICE, S.APPROVED, S.NAMED}
)
del S


class CandidateAction(models.TextChoices):
    """What a timeline entry records (stage changes and other steps on the candidate)."""

    CREATED = "created", _("Created")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RECOMMENDED = "recommended", _("Recommended")
    PRELIMINARY_REVIEW = "preliminary_review", _("Preliminary review started")
    SITE_ASSESSMENT = "site_assessment", _("Site assessment started")
    SITE_VISIT = "site_visit", _("Site visit recorded")
    PUBLIC_NOTICE = "public_notice", _("Public notice opened")
    OBJECTION = "objection", _("Objection received")
    OBJECTION_RESOLVED = "objection_resolved", _("Objection resolved")
    REVIEW_SUBMITTED = "review_submitted", _("Reviewer scores submitted")
    FINAL_SCORE = "final_score", _("Final score set")
    APPROVED = "approved", _("Approved")
    NAMED = "named", _("Named")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    REVIEW = "review", _("Reviewer scoring")
    FINAL = "final", _("Final score")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted (locked)")


ASSESSMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssessmentStatus.DRAFT: frozenset({AssessmentStatus.SUBMITTED}),
    # Only a return for revision unlocks a submitted self-assessment.
    AssessmentStatus.SUBMITTED: frozenset({AssessmentStatus.DRAFT}),
}


class VisitMethod(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    UNANNOUNCED = "unannounced", _("Unannounced")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ObjectionStatus.OPEN: frozenset({ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED}),
    ObjectionStatus.UPHELD: frozenset(),
    ObjectionStatus.DISMISSED: frozenset(),
}


class TitleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Flagged for review")
    WARNED = "warned", _("Warned (rectifying)")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    REVERIFIED = "reverified", _("Re-verified")


T = TitleStatus
TITLE_TRANSITIONS: dict[str, frozenset[str]] = {
    T.ACTIVE: frozenset({T.UNDER_REVIEW, T.WARNED, T.REVOKED, T.EXPIRED, T.REVERIFIED}),
    T.REVERIFIED: frozenset({T.UNDER_REVIEW, T.WARNED, T.REVOKED, T.EXPIRED, T.REVERIFIED}),
    # A review ends in clearance (back to active), a warning or a revocation.
    T.UNDER_REVIEW: frozenset({T.ACTIVE, T.WARNED, T.REVOKED, T.EXPIRED}),
    # A completed rectification clears the warning; a failed one leads to revocation.
    T.WARNED: frozenset({T.ACTIVE, T.UNDER_REVIEW, T.REVOKED, T.EXPIRED}),
    T.EXPIRED: frozenset({T.REVERIFIED}),
    T.REVOKED: frozenset(),
}
# A title in one of these states still stands (counts for the ladder rule while within its validity).
STANDING_TITLE_STATUSES = frozenset({T.ACTIVE, T.REVERIFIED, T.UNDER_REVIEW, T.WARNED})
del T

TITLE_VALIDITY_YEARS = 5


class CheckResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    WARNING = "warning", _("Warning: rectification required")
    FAILED = "failed", _("Failed")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


RECTIFICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    RectificationStatus.OPEN: frozenset({RectificationStatus.COMPLETED, RectificationStatus.FAILED}),
    RectificationStatus.COMPLETED: frozenset(),
    RectificationStatus.FAILED: frozenset(),
}


class VetoEventStatus(models.TextChoices):
    ENTERED = "entered", _("Entered")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


VETO_TRANSITIONS: dict[str, frozenset[str]] = {
    VetoEventStatus.ENTERED: frozenset({VetoEventStatus.CONFIRMED, VetoEventStatus.DISMISSED}),
    VetoEventStatus.CONFIRMED: frozenset(),
    VetoEventStatus.DISMISSED: frozenset(),
}


class VetoStatus(models.TextChoices):
    """The veto state of an assessment or a gap list."""

    CLEAR = "clear", _("No veto")
    TRIGGERED = "triggered", _("Vetoed")
    PENDING = "pending", _("Veto event awaiting confirmation")
