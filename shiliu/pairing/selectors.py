"""Reads of pairings and their records, and the pairing figures. Every read takes the user and goes through
scope; a figure and the list it links to come from the same selector and the same filters."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.figures import Figure
from shiliu.core.scope import VIEW, get_visible_or_404, path_in_scope, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area
from shiliu.orgs.selectors import area_filter_param

from .choices import AssessmentStatus, Grade, PairingState, ProjectStatus
from .models import (
    AssessmentRulebook,
    Pairing,
    PairingAssessment,
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
)


def parse_day(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


# ``within`` left at this default: the list resolves its ``area`` filter itself.
UNRESOLVED = object()


def _common(qs: QuerySet, *, user, filters: Mapping, unit_field: str, within=UNRESOLVED) -> QuerySet:
    """Area subtree (picker), unit and pairing filters shared by every pairing list.

    ``within`` is the ``area`` filter already resolved by ``area_filter_param`` (None: outside the scope), so a
    caller that builds several lists looks the area up once."""
    if filters.get("area"):
        if within is UNRESOLVED:
            within = area_filter_param(user=user, value=filters.get("area"))
        qs = qs.filter(area_path__startswith=within.path) if within else qs.none()
    if filters.get("unit"):
        unit = _int(filters.get("unit"))
        qs = qs.filter(**{unit_field: unit}) if unit else qs.none()
    if filters.get("pairing") and unit_field != "unit_id":
        pairing = _int(filters.get("pairing"))
        qs = qs.filter(pairing_id=pairing) if pairing else qs.none()
    return qs


def _dated(qs: QuerySet, filters: Mapping, field: str) -> QuerySet:
    """The ``year``, ``start`` and ``end`` filters on one date field (a malformed value gives nothing)."""
    if year := filters.get("year"):
        qs = qs.filter(**{f"{field}__year": int(year)}) if str(year).isdigit() else qs.none()
    for key, lookup in (("start", "gte"), ("end", "lte")):
        if raw := filters.get(key):
            day = parse_day(raw)
            qs = qs.filter(**{f"{field}__{lookup}": day}) if day else qs.none()
    return qs


# ---------------------------------------------------------------- lists


def pairing_get(*, user, pk, action: str = VIEW) -> Pairing:
    return get_visible_or_404(
        Pairing.objects.select_related("unit", "unit__area", "village"), user, action, pk=pk
    )


def pairing_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[Pairing]:
    """Pairings in scope; ``start``/``end``/``year`` select the pairings active at some time in that period."""
    filters = filters or {}
    qs = visible_to(Pairing.objects.select_related("unit", "village"), user)
    qs = _common(qs, user=user, filters=filters, unit_field="unit_id", within=within)
    if year := filters.get("year"):
        if not str(year).isdigit():
            return qs.none()
        qs = qs.filter(start__year__lte=int(year), end__year__gte=int(year))
    for key, lookup in (("start", "end__gte"), ("end", "start__lte")):
        if raw := filters.get(key):
            day = parse_day(raw)
            qs = qs.filter(**{lookup: day}) if day else qs.none()
    if state := filters.get("state"):
        today = timezone.localdate()
        conditions = {
            PairingState.UPCOMING: Q(start__gt=today),
            PairingState.ACTIVE: Q(start__lte=today, end__gte=today),
            PairingState.ENDED: Q(end__lt=today),
        }
        qs = qs.filter(conditions[state]) if state in conditions else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(unit__name__contains=q) | Q(village__name__contains=q))
    return qs


def _record_list(model, *, user, filters, date_field, search, within=UNRESOLVED) -> QuerySet:
    filters = filters or {}
    qs = visible_to(model.objects.select_related("pairing", "pairing__unit", "pairing__village"), user)
    qs = _common(qs, user=user, filters=filters, unit_field="pairing__unit_id", within=within)
    qs = _dated(qs, filters, date_field)
    if q := normalize_text(filters.get("q")):
        cond = Q(pairing__unit__name__contains=q) | Q(pairing__village__name__contains=q)
        for field in search:
            cond |= Q(**{f"{field}__contains": q})
        qs = qs.filter(cond)
    return qs


def visit_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingVisit]:
    return _record_list(
        PairingVisit,
        user=user,
        filters=filters,
        date_field="visited_on",
        search=("activities",),
        within=within,
    )


def fund_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingFund]:
    qs = _record_list(
        PairingFund, user=user, filters=filters, date_field="paid_on", search=("purpose",), within=within
    )
    if source := (filters or {}).get("source"):
        qs = qs.filter(source=source)
    return qs


def project_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingProject]:
    """Projects in scope; the period filters apply to the project's start date."""
    qs = _record_list(
        PairingProject, user=user, filters=filters, date_field="started_on", search=("name",), within=within
    )
    if status := (filters or {}).get("status"):
        qs = qs.filter(status=status)
    return qs


def outcome_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingOutcome]:
    return _record_list(
        PairingOutcome,
        user=user,
        filters=filters,
        date_field="reported_on",
        search=("description",),
        within=within,
    )


def assessment_list(
    *, user, filters: Mapping | None = None, within=UNRESOLVED
) -> QuerySet[PairingAssessment]:
    """Assessments in scope; ``start``/``end`` select the assessment years they span."""
    filters = filters or {}
    qs = visible_to(
        PairingAssessment.objects.select_related("pairing", "pairing__unit", "pairing__village", "assessor"),
        user,
    )
    qs = _common(qs, user=user, filters=filters, unit_field="pairing__unit_id", within=within)
    if year := filters.get("year"):
        qs = qs.filter(year=int(year)) if str(year).isdigit() else qs.none()
    for key, lookup in (("start", "year__gte"), ("end", "year__lte")):
        if raw := filters.get(key):
            day = parse_day(raw)
            qs = qs.filter(**{lookup: day.year}) if day else qs.none()
    if grade := filters.get("grade"):
        qs = qs.filter(grade=grade)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(pairing__unit__name__contains=q) | Q(pairing__village__name__contains=q))
    return qs


def rulebook_list(*, user, filters: Mapping | None = None) -> QuerySet[AssessmentRulebook]:
    filters = filters or {}
    qs = visible_to(AssessmentRulebook.objects.select_related("area"), user)
    qs = _common(qs, user=user, filters={"area": filters.get("area")}, unit_field="unit_id")
    if year := filters.get("year"):
        qs = qs.filter(year=int(year)) if str(year).isdigit() else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(name__contains=q)
    return qs


def year_choices(queryset: QuerySet, field: str) -> list[tuple[int, int]]:
    years = (
        queryset.order_by().values_list(f"{field}__year" if field != "year" else "year", flat=True).distinct()
    )
    return [(y, y) for y in sorted(set(years), reverse=True)]


# ---------------------------------------------------------------- figures


def pairing_figures(*, user, area=None, start=None, end=None) -> dict[str, Figure]:
    """The pairing figures of the user's scope, optionally within an area subtree and a period.

    Each figure holds the queryset it counts and the URL of the list that shows exactly those records. The area
    is looked up once and handed to every list; projects are read in one grouped statement, so the set takes one
    statement per ledger (plus the area lookup when an area is given).
    """
    filters: dict[str, str] = {}
    within = UNRESOLVED
    if area is not None:
        filters["area"] = str(getattr(area, "pk", area))
        # An area object the caller already holds is checked against the scope without reading it again.
        if isinstance(area, Area):
            within = area if path_in_scope(user, area.path) else None
        else:
            within = area_filter_param(user=user, value=filters["area"])
    if start is not None:
        filters["start"] = parse_day(start).isoformat()
    if end is not None:
        filters["end"] = parse_day(end).isoformat()

    paths: dict[str, str] = {}

    def link(name: str, **extra) -> str:
        if name not in paths:
            paths[name] = reverse(f"pairing:{name}")
        query = urlencode(filters | extra)
        return paths[name] + (f"?{query}" if query else "")

    def url(name: str, **extra):
        """The list URL, built only when a page shows the figure."""
        return lambda: link(name, **extra)

    figures: dict[str, Figure] = {}
    pairings = pairing_list(user=user, filters=filters, within=within)
    figures["pairings_active"] = Figure(
        "pairings_active", _("Pairings active in the period"), pairings.count(), pairings, url("pairing_list")
    )
    visits = visit_list(user=user, filters=filters, within=within)
    visit_totals = visits.aggregate(n=Count("id"), people=Sum("people"))
    figures["visits"] = Figure("visits", _("Visits"), visit_totals["n"], visits, url("visit_list"))
    figures["visit_people"] = Figure(
        "visit_people", _("People on visits"), visit_totals["people"] or 0, visits, url("visit_list")
    )
    funds = fund_list(user=user, filters=filters, within=within)
    figures["funds"] = Figure(
        "funds",
        _("Funds invested (yuan)"),
        funds.aggregate(s=Sum("amount"))["s"] or 0,
        funds,
        url("fund_list"),
    )
    projects = project_list(user=user, filters=filters, within=within)
    by_status = {
        row["status"]: row
        for row in projects.order_by()
        .values("status")
        .annotate(n=Count("id"), amount=Sum("amount"), beneficiaries=Sum("beneficiaries"))
    }
    totals = {
        key: sum((row[key] for row in by_status.values()), start)
        for key, start in (("n", 0), ("amount", Decimal(0)), ("beneficiaries", 0))
    }
    figures["projects"] = Figure(
        "projects", _("Projects"), totals["n"], projects, url("project_list"),
        breakdown={
            status: Figure(
                f"projects_{status}", label, by_status.get(status, {}).get("n", 0),
                lambda status=status: projects.filter(status=status),
                url("project_list", status=status),
            )
            for status, label in ProjectStatus.choices
        },
    )  # fmt: skip
    for status in ProjectStatus.values:
        figures[f"projects_{status}"] = figures["projects"].breakdown[status]
    figures["projects_amount"] = Figure(
        "projects_amount", _("Project amounts (yuan)"), totals["amount"] or 0, projects, url("project_list")
    )
    figures["beneficiaries"] = Figure(
        "beneficiaries",
        _("Beneficiaries of projects"),
        totals["beneficiaries"] or 0,
        projects,
        url("project_list"),
    )
    outcomes = outcome_list(user=user, filters=filters, within=within)
    outcome_totals = outcomes.aggregate(jobs=Sum("jobs_arranged"), problems=Sum("problems_solved"))
    figures["jobs_arranged"] = Figure(
        "jobs_arranged", _("Jobs arranged"), outcome_totals["jobs"] or 0, outcomes, url("outcome_list")
    )
    figures["problems_solved"] = Figure(
        "problems_solved",
        _("Problems solved"),
        outcome_totals["problems"] or 0,
        outcomes,
        url("outcome_list"),
    )
    assessments = assessment_list(
        user=user, filters=filters | {"status": AssessmentStatus.SUBMITTED}, within=within
    )
    by_grade = dict(assessments.order_by().values_list("grade").annotate(n=Count("id")))
    figures["assessments"] = Figure(
        "assessments", _("Submitted assessments"), sum(by_grade.values()), assessments,
        url("assessment_list", status=AssessmentStatus.SUBMITTED),
        breakdown={
            grade: Figure(
                f"grade_{grade}", label, by_grade.get(grade, 0), lambda grade=grade: assessments.filter(grade=grade),
                url("assessment_list", status=AssessmentStatus.SUBMITTED, grade=grade),
            )
            for grade, label in Grade.choices
        },
    )  # fmt: skip
    return figures
