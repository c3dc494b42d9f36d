"""States, actions and the explicit transition table of a service request (诉求工单), plus the other choices."""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    IN_PROGRESS = "in_progress", _("In progress")
    RETURNED = "returned", _("Returned by the department")
    REPLIED = "replied", _("Replied")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


S = RequestStatus

# States in which a request still waits for someone (the deadline clock runs unless paused).
OPEN_STATUSES = frozenset({S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURNED, S.REPLIED,
                           S.VERIFIED})  # fmt: skip
FINAL_STATUSES = frozenset({S.REJECTED, S.CLOSED})
# States in which the lead department holds the order.
DEPARTMENT_STATUSES = frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS})


class RequestAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Rejected")
    DISPATCH = "dispatch", _("Dispatched")
    TRANSFER = "transfer", _("Transferred")
    SIGN = "sign", _("Signed for")
    RETURN = "return", _("Returned as mis-routed")
    START = "start", _("Started")
    EXTENSION_REQUEST = "extension_request", _("Extension requested")
    EXTENSION_DECIDE = "extension_decide", _("Extension decided")
    REPLY = "reply", _("Replied")
    VERIFY = "verify", _("Verified")
    SEND_BACK = "send_back", _("Sent back for rework")
    CLOSE = "close", _("Closed")
    RATE = "rate", _("Rated")
    REOPEN = "reopen", _("Reopened after a dissatisfied rating")
    PAUSE = "pause", _("Clock paused (waiting on the resident)")
    RESUME = "resume", _("Clock resumed")
    SUPERVISE = "supervise", _("Put under supervision")
    FLAG_ETHNIC = "flag_ethnic", _("Ethnic factors flag set")
    NOTE = "note", _("Note added")
    REMIND = "remind", _("Reminder sent")
    ESCALATE = "escalate", _("Escalated to supervision (overdue)")


A = RequestAction


class Transition(NamedTuple):
    """An action is allowed from ``sources``; ``target`` None keeps the status."""

    sources: frozenset
    target: str | None


_HANDLING = frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS})

# The only moves a request may make. Every service checks the request's status against this table.
TRANSITIONS: dict[str, Transition] = {
    A.ACCEPT: Transition(frozenset({S.SUBMITTED}), S.ACCEPTED),
    A.REJECT: Transition(frozenset({S.SUBMITTED}), S.REJECTED),
    A.DISPATCH: Transition(frozenset({S.ACCEPTED, S.RETURNED}), S.DISPATCHED),
    A.TRANSFER: Transition(_HANDLING | {S.RETURNED}, S.DISPATCHED),
    A.SIGN: Transition(frozenset({S.DISPATCHED}), S.SIGNED),
    A.RETURN: Transition(frozenset({S.DISPATCHED, S.SIGNED}), S.RETURNED),
    A.START: Transition(frozenset({S.SIGNED}), S.IN_PROGRESS),
    A.EXTENSION_REQUEST: Transition(frozenset({S.SIGNED, S.IN_PROGRESS}), None),
    A.EXTENSION_DECIDE: Transition(frozenset({S.SIGNED, S.IN_PROGRESS}), None),
    A.REPLY: Transition(frozenset({S.IN_PROGRESS}), S.REPLIED),
    A.VERIFY: Transition(frozenset({S.REPLIED}), S.VERIFIED),
    A.SEND_BACK: Transition(frozenset({S.REPLIED}), S.IN_PROGRESS),
    A.CLOSE: Transition(frozenset({S.VERIFIED}), S.CLOSED),
    A.RATE: Transition(frozenset({S.CLOSED}), None),
    A.REOPEN: Transition(frozenset({S.CLOSED}), S.IN_PROGRESS),
    A.PAUSE: Transition(frozenset({S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}), None),
    A.RESUME: Transition(frozenset({S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}), None),
    A.SUPERVISE: Transition(frozenset(OPEN_STATUSES), None),
    A.FLAG_ETHNIC: Transition(frozenset(RequestStatus), None),
    A.NOTE: Transition(frozenset(RequestStatus), None),
    A.REMIND: Transition(frozenset(OPEN_STATUSES), None),
    A.ESCALATE: Transition(frozenset(OPEN_STATUSES), None),
}

# Status -> the statuses it may move to (derived from TRANSITIONS; for diagrams and tests).
STATUS_TRANSITIONS: dict[str, frozenset] = {
    status: frozenset(t.target for t in TRANSITIONS.values() if status in t.sources and t.target)
    for status in RequestStatus
}


def actions_from(status: str) -> list[str]:
    """The actions the table allows from ``status`` (roles and scope are checked by the services)."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources]


class Channel(models.TextChoices):
    GRID = "grid", _("Grid worker")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    WEB = "web", _("Public web form")
    OPEN311 = "open311", _("Open311")
    IMPORT = "import", _("Import")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class Result(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    PARTLY = "partly", _("Partly resolved")
    UNRESOLVED = "unresolved", _("Unresolved")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RejectReason(models.TextChoices):
    INVALID = "invalid", _("Invalid")
    DUPLICATE = "duplicate", _("Duplicate")
    OUT_OF_SCOPE = "out_of_scope", _("Not a matter for this platform")


class DeadlineStep(models.TextChoices):
    """The steps with a deadline, and the timestamp each one starts from."""

    ACCEPT = "accept", _("Acceptance by the office")  # from submission
    SIGN = "sign", _("Signing for by the department")  # from dispatch
    REPLY = "reply", _("Reply by the department")  # from dispatch (working days count from the next day)
    VERIFY = "verify", _("Verification and closure by the office")  # from the reply


class DeadlineUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("Working hours")
    WORKING_DAYS = "working_days", _("Working days")
    NATURAL_DAYS = "natural_days", _("Calendar days")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    OVERDUE = "overdue", _("Overdue notice (催办)")
    SUPERVISION = "supervision", _("Supervision (督办)")


class RateKind(models.TextChoices):
    RESPONSE = "response", _("Response rate")
    ON_TIME = "on_time", _("On-time rate")
    RESOLUTION = "resolution", _("Resolution rate")
    SATISFACTION = "satisfaction", _("Satisfaction rate")


class RatePart(models.TextChoices):
    NUMERATOR = "numerator", _("Numerator")
    DENOMINATOR = "denominator", _("Denominator")


# The default category tree (codes are stable; names are data in the platform's working language).
DEFAULT_CATEGORIES = [
    # code, name, sort
    ("employment", "就业", 10),
    ("schooling", "就学", 20),
    ("medical_care", "就医", 30),
    ("social_security", "社会保障", 40),
    ("housing", "住房", 50),
    ("legal_aid", "法律援助", 60),
    ("dispute", "矛盾纠纷", 70),
    ("discrimination", "歧视投诉", 80),
    ("infrastructure", "基础设施", 90),
    ("other", "其他", 100),
]
# Complaints and reports get the longer reply limit (≤13 working days); enquiries and help ≤3 working days.
COMPLAINT_CATEGORIES = ("dispute", "discrimination")

# Default deadline rules: (category code or None, priority or "", step, amount, unit, remind before hours).
DEFAULT_DEADLINE_RULES = [
    (None, "", DeadlineStep.ACCEPT, 4, DeadlineUnit.WORKING_HOURS, 1),
    (None, "", DeadlineStep.SIGN, 2, DeadlineUnit.WORKING_HOURS, 1),
    (None, "", DeadlineStep.REPLY, 3, DeadlineUnit.WORKING_DAYS, 8),
    (None, "", DeadlineStep.VERIFY, 2, DeadlineUnit.WORKING_DAYS, 4),
    ("dispute", "", DeadlineStep.REPLY, 13, DeadlineUnit.WORKING_DAYS, 16),
    ("discrimination", "", DeadlineStep.REPLY, 13, DeadlineUnit.WORKING_DAYS, 16),
    (None, Priority.URGENT, DeadlineStep.ACCEPT, 1, DeadlineUnit.WORKING_HOURS, 0),
    (None, Priority.URGENT, DeadlineStep.SIGN, 1, DeadlineUnit.WORKING_HOURS, 0),
    (None, Priority.URGENT, DeadlineStep.REPLY, 1, DeadlineUnit.WORKING_DAYS, 2),
    # Emergencies: the same (calendar) day, whatever the category.
    (None, Priority.EMERGENCY, DeadlineStep.ACCEPT, 0, DeadlineUnit.NATURAL_DAYS, 1),
    (None, Priority.EMERGENCY, DeadlineStep.SIGN, 0, DeadlineUnit.NATURAL_DAYS, 1),
    (None, Priority.EMERGENCY, DeadlineStep.REPLY, 0, DeadlineUnit.NATURAL_DAYS, 2),
]
