"""Background tasks (django-tasks): the deadline sweep sends reminders (催办) before a step's deadline, overdue
notices after it, and escalates to supervision (督办) after a further delay.

Every open request carries ``sweep_at``, the next moment the sweep has something to do for it (the reminder time,
then the deadline, then the escalation time; None when nothing is left), so a sweep reads only the requests that
are due. It works in chunks, each one transaction: the chunk's rows are locked with ``SELECT ... FOR UPDATE SKIP
LOCKED`` where the database supports it, so several workers share the work without waiting on each other; a
reminder row is unique per (request, step, kind, deadline), so nothing is sent twice, whatever runs twice; a
worker killed mid-chunk leaves that chunk untouched (rolled back) for the next run.
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .choices import DeadlineStep, ReminderKind, RequestAction
from .models import RequestEvent, RequestReminder, ServiceRequest

log = logging.getLogger(__name__)
A, K = RequestAction, ReminderKind
DEFAULT_CHUNK = 500


def _kinds_due(request, now) -> list[str]:
    if request.next_due is None:
        return []
    if request.escalate_at is not None and now >= request.escalate_at:
        return [K.OVERDUE, K.SUPERVISION]
    if now >= request.next_due:
        return [K.OVERDUE]
    if request.remind_at is not None and now >= request.remind_at:
        return [K.REMINDER]
    return []


def _next_sweep(request, now):
    for moment in (request.remind_at, request.next_due, request.escalate_at):
        if moment is not None and moment > now:
            return moment
    return None


def _note(kind: str, request) -> str:
    step = DeadlineStep(request.next_step).label if request.next_step else ""
    due = timezone.localtime(request.next_due).strftime("%Y-%m-%d %H:%M")
    if kind == K.REMINDER:
        return _("Reminder: “{step}” is due at {due}.").format(step=step, due=due)
    if kind == K.OVERDUE:
        return _("Overdue: “{step}” was due at {due}.").format(step=step, due=due)
    return _("Escalated to supervision: “{step}” is still outstanding after its deadline {due}.").format(
        step=step, due=due
    )


def sweep_chunk(*, now: datetime.datetime, chunk_size: int = DEFAULT_CHUNK) -> tuple[int, int]:
    """Handle one chunk of due requests in one transaction: (requests handled, reminders created)."""
    with transaction.atomic():
        qs = ServiceRequest.objects.filter(sweep_at__lte=now).order_by("sweep_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        fields = ["id", "area_path", "status", "lead_department_id", "next_step", "next_due", "remind_at",
                  "escalate_at", "sweep_at", "is_supervised", "supervised_at"]  # fmt: skip
        requests = list(qs.only(*fields)[:chunk_size])
        if not requests:
            return 0, 0
        ids = [r.pk for r in requests]
        sent = set(
            RequestReminder.objects.filter(request_id__in=ids).values_list(
                "request_id", "step", "kind", "due"
            )
        )
        reminders, events, changed = [], [], []
        for request in requests:
            for kind in _kinds_due(request, now):
                key = (request.pk, request.next_step, kind, request.next_due)
                if key in sent:
                    continue
                sent.add(key)
                reminders.append(RequestReminder(
                    request_id=request.pk, step=request.next_step, kind=kind, due=request.next_due,
                    department_id=request.lead_department_id, area_path=request.area_path,
                ))  # fmt: skip
                events.append(RequestEvent(
                    request_id=request.pk, action=A.ESCALATE if kind == K.SUPERVISION else A.REMIND,
                    actor_label="system", department_id=request.lead_department_id, note=_note(kind, request),
                ))  # fmt: skip
                if kind == K.SUPERVISION and not request.is_supervised:
                    request.is_supervised, request.supervised_at = True, now
            request.sweep_at = _next_sweep(request, now)
            changed.append(request)
        RequestReminder.objects.bulk_create(reminders, ignore_conflicts=True)
        RequestEvent.objects.bulk_create(events)
        ServiceRequest.objects.bulk_update(changed, ["sweep_at", "is_supervised", "supervised_at"])
        return len(requests), len(reminders)


def sweep_deadlines(*, now: datetime.datetime | None = None, chunk_size: int = DEFAULT_CHUNK,
                    max_chunks: int | None = None) -> dict:  # fmt: skip
    """Sweep until no due request is left (or ``max_chunks``); returns the counts."""
    now = now or timezone.now()
    handled = created = chunks = 0
    while max_chunks is None or chunks < max_chunks:
        done, made = sweep_chunk(now=now, chunk_size=chunk_size)
        if not done:
            break
        handled, created, chunks = handled + done, created + made, chunks + 1
    log.info("request deadline sweep: %s requests, %s reminders, %s chunks", handled, created, chunks)
    return {"requests": handled, "reminders": created, "chunks": chunks}


@task()
def request_deadline_sweep(chunk_size: int = DEFAULT_CHUNK) -> dict:
    """The deadline sweep as a background task (run it every few minutes; any number of workers at once)."""
    return sweep_deadlines(chunk_size=chunk_size)
