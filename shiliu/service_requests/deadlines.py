"""Deadline arithmetic for requests: which rule applies, when a step is due, and the request's clock (the step it
waits for, when to remind, when to escalate, when the sweep must look again).

Steps and where their clock starts: ``accept`` (acceptance and dispatch by the office) from submission or from a
department's return; ``sign`` from dispatch; ``reply`` from dispatch (working days count from the day after);
``verify`` (verification and closure) from the reply. Time paused while waiting on the resident shifts every
deadline still ahead by the paused working time.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from .calendar import WorkCalendar
from .choices import DeadlineStep, DeadlineUnit, RequestStatus

S = RequestStatus
STEP_ORDER = [DeadlineStep.ACCEPT, DeadlineStep.SIGN, DeadlineStep.REPLY, DeadlineStep.VERIFY]
DUE_FIELDS = {step: f"{step}_due" for step in STEP_ORDER}
# The step a request in each status waits for; statuses not listed wait for nobody.
STEP_OF_STATUS = {
    S.SUBMITTED: DeadlineStep.ACCEPT,
    S.ACCEPTED: DeadlineStep.ACCEPT,
    S.RETURNED: DeadlineStep.ACCEPT,
    S.DISPATCHED: DeadlineStep.SIGN,
    S.SIGNED: DeadlineStep.REPLY,
    S.IN_PROGRESS: DeadlineStep.REPLY,
    S.REPLIED: DeadlineStep.VERIFY,
    S.VERIFIED: DeadlineStep.VERIFY,
}
CLOCK_FIELDS = ["next_step", "next_due", "remind_at", "escalate_at", "sweep_at"]
# Fallback when no rule matches at all (the seeded default rules normally do).
FALLBACK = {
    DeadlineStep.ACCEPT: (4, DeadlineUnit.WORKING_HOURS, 1),
    DeadlineStep.SIGN: (2, DeadlineUnit.WORKING_HOURS, 1),
    DeadlineStep.REPLY: (3, DeadlineUnit.WORKING_DAYS, 8),
    DeadlineStep.VERIFY: (2, DeadlineUnit.WORKING_DAYS, 4),
}


def supervision_after_hours() -> float:
    """Working hours after a missed deadline before the request is escalated to supervision (督办)."""
    return getattr(settings, "REQUEST_SUPERVISION_AFTER_WORKING_HOURS", 7)


class RuleBook:
    """The active deadline rules, read once per operation. Most specific wins: a matching priority first, then
    the nearest category up the tree, then the defaults (category None, priority blank)."""

    def __init__(self):
        from .models import DeadlineRule

        self.rules = list(DeadlineRule.objects.filter(is_active=True))
        self._ancestors: dict[int, list[int]] = {}

    def ancestors(self, category) -> list[int]:
        if category.pk not in self._ancestors:
            self._ancestors[category.pk] = category.ancestor_ids()
        return self._ancestors[category.pk]

    def rule_for(self, step: str, category, priority: str):
        chain = self.ancestors(category) if category is not None else []
        best, best_key = None, None
        for rule in self.rules:
            if rule.step != step or (rule.priority and rule.priority != priority):
                continue
            if rule.category_id is None:
                depth = len(chain)  # the default: farther than any category
            elif rule.category_id in chain:
                depth = chain.index(rule.category_id)
            else:
                continue
            key = (0 if rule.priority else 1, depth)
            if best_key is None or key < best_key:
                best, best_key = rule, key
        return best

    def limit(self, step: str, category, priority: str) -> tuple[int, str, int]:
        """(amount, unit, remind before hours) of the rule that applies."""
        rule = self.rule_for(step, category, priority)
        if rule is None:
            return FALLBACK[step]
        return rule.amount, rule.unit, rule.remind_before_hours


def due_after(start: datetime.datetime, amount: int, unit: str, cal: WorkCalendar) -> datetime.datetime:
    """When a step of ``amount`` ``unit`` that starts at ``start`` is due."""
    if unit == DeadlineUnit.WORKING_HOURS:
        return cal.add_working_hours(start, amount)
    local_day = cal.local(start).date()
    if unit == DeadlineUnit.WORKING_DAYS:
        # Counted from the day after receipt; amount 0 means the same working day.
        day = cal.add_working_days(local_day, amount)
        if amount == 0 and not cal.is_workday(day):
            day = cal.add_working_days(day, 1)
        return cal.end_of_working_day(day)
    return cal.end_of_day(local_day + datetime.timedelta(days=amount))


def step_due(
    request, step: str, start: datetime.datetime, cal: WorkCalendar, rules: RuleBook
) -> datetime.datetime:
    amount, unit, _remind = rules.limit(step, request.category, request.priority)
    return due_after(start, amount, unit, cal)


def refresh_clock(request, *, cal: WorkCalendar, rules: RuleBook, now: datetime.datetime) -> list[str]:
    """Set the request's clock fields from its status and step deadlines; returns the fields to save."""
    step = STEP_OF_STATUS.get(request.status)
    due = getattr(request, DUE_FIELDS[step]) if step else None
    if request.paused_at is not None or step is None or due is None:
        request.next_step, request.next_due = "", None
        request.remind_at = request.escalate_at = request.sweep_at = None
        return CLOCK_FIELDS
    _amount, _unit, remind_hours = rules.limit(step, request.category, request.priority)
    request.next_step, request.next_due = step, due
    request.remind_at = cal.subtract_working_seconds(due, remind_hours * 3600) if remind_hours else due
    request.escalate_at = cal.add_working_hours(due, supervision_after_hours())
    request.sweep_at = request.remind_at
    return CLOCK_FIELDS


def shift_dues(request, seconds: int, cal: WorkCalendar) -> list[str]:
    """Move the deadlines of the current and later steps ``seconds`` of working time later (after a pause)."""
    step = STEP_OF_STATUS.get(request.status)
    if step is None or seconds <= 0:
        return []
    fields = []
    for later in STEP_ORDER[STEP_ORDER.index(step) :]:
        field = DUE_FIELDS[later]
        due = getattr(request, field)
        if due is not None:
            setattr(request, field, cal.add_working_seconds(due, seconds))
            fields.append(field)
    return fields


def deadline_state(request, now: datetime.datetime) -> str:
    """on_time / due_soon / overdue for the step the request waits for; paused; or "" when nobody owes anything."""
    if request.paused_at is not None:
        return "paused"
    if request.next_due is None:
        return ""
    if now >= request.next_due:
        return "overdue"
    if request.remind_at is not None and now >= request.remind_at:
        return "due_soon"
    return "on_time"
