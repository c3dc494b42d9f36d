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
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .choices import DeadlineStep, ReminderKind, RequestAction
from .models import RequestEvent, RequestReminder, ServiceRequest

log = logging.getLogger(__name__)
A, K = RequestAction, ReminderKind
DEFAULT_CHUNK = 2000


def _kinds_due(row: dict, now) -> list[str]:
    if row["next_due"] is None:
        return []
    if row["escalate_at"] is not None and now >= row["escalate_at"]:
        return [K.OVERDUE, K.SUPERVISION]
    if now >= row["next_due"]:
        return [K.OVERDUE]
    if row["remind_at"] is not None and now >= row["remind_at"]:
        return [K.REMINDER]
    return []


def _next_sweep(row, now):
    """The next moment after ``now`` at which the sweep has something to send (None: nothing left)."""
    for name in ("remind_at", "next_due", "escalate_at"):
        moment = row[name] if isinstance(row, dict) else getattr(row, name)
        if moment is not None and moment > now:
            return moment
    return None


def _templates() -> dict:
    """The event notes, translated once per chunk."""
    return {
        K.REMINDER: _("Reminder: “{step}” is due at {due}."),
        K.OVERDUE: _("Overdue: “{step}” was due at {due}."),
        K.SUPERVISION: _("Escalated to supervision: “{step}” is still outstanding after its deadline {due}."),
    }


SWEEP_FIELDS = ("id", "area_path", "lead_department_id", "next_step", "next_due", "remind_at", "escalate_at")


def _send_portable(ids: list[int], now) -> list[tuple]:
    """Create the due reminder rows of the locked requests (any database); returns the rows created as
    (request_id, step, kind, due, department_id)."""
    rows = ServiceRequest.objects.filter(pk__in=ids).values(*SWEEP_FIELDS)
    sent = set(
        RequestReminder.objects.filter(request_id__in=ids).values_list("request_id", "step", "kind", "due")
    )
    created, reminders = [], []
    for row in rows:
        for kind in _kinds_due(row, now):
            key = (row["id"], row["next_step"], kind, row["next_due"])
            if key in sent:
                continue
            sent.add(key)
            created.append((*key, row["lead_department_id"]))
            reminders.append(RequestReminder(
                request_id=row["id"], step=row["next_step"], kind=kind, due=row["next_due"],
                department_id=row["lead_department_id"], area_path=row["area_path"],
            ))  # fmt: skip
    RequestReminder.objects.bulk_create(reminders, ignore_conflicts=True)
    return created


def _send_postgresql(ids: list[int], now) -> list[tuple]:
    """The same in one statement on PostgreSQL: the unique constraint decides, RETURNING tells what was new."""
    reminder, request = RequestReminder._meta.db_table, ServiceRequest._meta.db_table
    sql = f"""
        INSERT INTO {reminder} (request_id, step, kind, due, department_id, area_path, sent_at)
        SELECT r.id, r.next_step, k.kind, r.next_due, r.lead_department_id, r.area_path, %(now)s
        FROM {request} r CROSS JOIN (VALUES ('reminder'), ('overdue'), ('supervision')) AS k(kind)
        WHERE r.id = ANY(%(ids)s) AND r.next_due IS NOT NULL AND r.next_step <> '' AND (
            (k.kind = 'supervision' AND r.escalate_at <= %(now)s)
            OR (k.kind = 'overdue' AND r.next_due <= %(now)s)
            OR (k.kind = 'reminder' AND r.remind_at <= %(now)s AND r.next_due > %(now)s))
        ON CONFLICT (request_id, step, kind, due) DO NOTHING
        RETURNING request_id, step, kind, due, department_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": ids, "now": now})
        return sorted(cursor.fetchall(), key=lambda row: (row[0], row[2] == K.SUPERVISION))


def _insert_events(created: list[tuple], now) -> None:
    """One timeline row per reminder created (REMIND, or ESCALATE for supervision)."""
    templates, labels = _templates(), {step: str(step.label) for step in DeadlineStep}
    columns = {"request_id": [], "action": [], "department_id": [], "note": []}
    for request_id, step, kind, due, department_id in created:
        columns["request_id"].append(request_id)
        columns["action"].append(A.ESCALATE.value if kind == K.SUPERVISION else A.REMIND.value)
        columns["department_id"].append(department_id)
        local_due = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
        columns["note"].append(templates[kind].format(step=labels.get(step, ""), due=local_due))
    if not created:
        return
    if connection.vendor == "postgresql":
        table = RequestEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (request_id, action, from_status, to_status, actor_label, department_id, "
                f"note, created_at) SELECT u.request_id, u.action, '', '', 'system', u.department_id, u.note, %s "
                f"FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[], %s::text[]) "
                f"AS u(request_id, action, department_id, note)",
                [now, columns["request_id"], columns["action"], columns["department_id"], columns["note"]],
            )
        return
    RequestEvent.objects.bulk_create([
        RequestEvent(request_id=r, action=a, actor_label="system", department_id=d, note=n)
        for r, a, d, n in zip(*columns.values(), strict=True)
    ])  # fmt: skip


def sweep_chunk(*, now: datetime.datetime, chunk_size: int = DEFAULT_CHUNK) -> tuple[int, int]:
    """Handle one chunk of due requests in one transaction: (requests handled, reminders created)."""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgresql:
            # Idempotent work: a commit lost in a crash is simply redone by the next sweep, so no fsync wait.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        qs = ServiceRequest.objects.filter(sweep_at__lte=now).order_by("sweep_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        ids = list(qs.values_list("id", flat=True)[:chunk_size])
        if not ids:
            return 0, 0
        created = _send_postgresql(ids, now) if postgresql else _send_portable(ids, now)
        _insert_events(created, now)
        # One statement of constant size: the next sweep time and the supervision flag, computed by the database.
        escalated = Q(escalate_at__isnull=False, escalate_at__lte=now)
        ServiceRequest.objects.filter(pk__in=ids).update(
            sweep_at=Case(
                When(remind_at__gt=now, then=F("remind_at")),
                When(next_due__gt=now, then=F("next_due")),
                When(escalate_at__gt=now, then=F("escalate_at")),
                default=Value(None),
            ),
            is_supervised=Case(When(escalated, then=Value(True)), default=F("is_supervised")),
            supervised_at=Case(
                When(escalated & Q(supervised_at__isnull=True), then=Value(now)), default=F("supervised_at")
            ),
        )
        return len(ids), len(created)


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
