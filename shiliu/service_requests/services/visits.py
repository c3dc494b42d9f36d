"""Grid assignments and grid workers' visit log. Visits count households; no household or person is recorded."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.roles import Role
from shiliu.core.scope import ensure_writable, reread_or_rollback
from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.models import Area

from ..models import GridAssignment, GridVisit
from .common import is_office, text


def _grid(value, field="grid") -> Area:
    if not isinstance(value, Area) or value.level != AreaLevel.GRID or not value.is_active:
        raise ApplicationError(_("Choose a grid."), field=field)
    return value


def _save(actor, obj, fields=None):
    obj._history_user = actor
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=[*fields, "updated_at"])
    reread_or_rollback(actor, obj)
    return obj


def assigned_grid_ids(worker, on: datetime.date | None = None) -> set[int]:
    on = on or timezone.localdate()
    return set(
        GridAssignment.objects.filter(worker=worker, start__lte=on)
        .exclude(end__lt=on)
        .values_list("grid_id", flat=True)
    )


@transaction.atomic
def grid_assignment_create(*, actor, worker, grid, start, end=None) -> GridAssignment:
    grid = _grid(grid)
    ensure_writable(actor, GridAssignment, area_path=grid.path)
    if getattr(worker, "role", None) != Role.GRID or not worker.is_active:
        raise ApplicationError(_("Choose an active grid worker."), field="worker")
    if not worker.area_id or not grid.path.startswith(worker.area.path):
        raise ApplicationError(_("The grid must lie within the grid worker's area."), field="grid")
    if not isinstance(start, datetime.date):
        raise ApplicationError(_("Enter the start date."), field="start")
    if end is not None and end < start:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end")
    overlapping = GridAssignment.objects.filter(worker=worker, grid=grid).exclude(end__lt=start)
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    if overlapping.exists():
        raise ApplicationError(
            _("The grid worker is already assigned to this grid in that period."), field="start"
        )
    return _save(actor, GridAssignment(worker=worker, grid=grid, area_path=grid.path, start=start, end=end))


@transaction.atomic
def grid_assignment_end(*, actor, assignment: GridAssignment, end) -> GridAssignment:
    ensure_writable(actor, GridAssignment, area_path=assignment.area_path)
    if not isinstance(end, datetime.date) or end < assignment.start:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end")
    assignment.end = end
    return _save(actor, assignment, ["end"])


def _visit_clean(actor, grid, date, households, notes) -> dict:
    grid = _grid(grid)
    ensure_writable(actor, GridVisit, area_path=grid.path)
    if not isinstance(date, datetime.date):
        raise ApplicationError(_("Enter the date of the visit."), field="date")
    if isinstance(date, datetime.datetime):
        date = date.date()
    if date > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="date")
    try:
        households = int(households)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a whole number."), field="households") from None
    if not 0 <= households <= 10000:
        raise ApplicationError(_("Enter a number of households between 0 and 10,000."), field="households")
    if getattr(actor, "role", None) == Role.GRID and grid.pk not in assigned_grid_ids(actor, date):
        raise ApplicationError(_("You were not assigned to this grid on that date."), field="grid")
    notes = text(notes, "notes", label=_("Notes"), required=False, max_length=4000)
    return {
        "grid": grid,
        "area_path": grid.path,
        "visited_on": date,
        "households_visited": households,
        "notes": notes,
    }


@transaction.atomic
def visit_record(*, actor, grid, date, households, notes="") -> GridVisit:
    """A grid worker's visit round (or the office recording one for them)."""
    if getattr(actor, "role", None) != Role.GRID and not is_office(actor):
        raise ApplicationError(_("Only grid workers and the area office record visits."), code="forbidden")
    cleaned = _visit_clean(actor, grid, date, households, notes)
    return _save(actor, GridVisit(worker=actor, **cleaned))


@transaction.atomic
def visit_update(*, actor, visit: GridVisit, grid=None, date=None, households=None, notes=None) -> GridVisit:
    if visit.worker_id != actor.pk and not is_office(actor):
        raise ApplicationError(_("Only the grid worker who recorded the visit or the office can change it."),
                               code="forbidden")  # fmt: skip
    ensure_writable(actor, GridVisit, area_path=visit.area_path)
    cleaned = _visit_clean(
        actor, grid or visit.grid, date or visit.visited_on,
        visit.households_visited if households is None else households, visit.notes if notes is None else notes,
    )  # fmt: skip
    changed = [k for k, v in cleaned.items() if getattr(visit, k) != v]
    for key in changed:
        setattr(visit, key, cleaned[key])
    return _save(actor, visit, changed)
