"""Reads of pairings and their records, and the pairing figures. Every read takes the user and goes through
scope; a figure and the list it links to come from the same selector and the same filters."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum, Value
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

CENTS = Decimal("0.01")


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


def _common_q(*, user, filters: Mapping, unit_field: str, within=UNRESOLVED) -> Q | None:
    """Area subtree (picker), unit and pairing filters shared by every pairing list, as one condition; None when
    they select nothing.

    ``within`` is the ``area`` filter already resolved by ``area_filter_param`` (None: outside the scope), so a
    caller that builds several lists looks the area up once."""
    q = Q()
    if filters.get("area"):
        if within is UNRESOLVED:
            within = area_filter_param(user=user, value=filters.get("area"))
        if not within:
            return None
        q &= Q(area_path__startswith=within.path)
    if filters.get("unit"):
        unit = _int(filters.get("unit"))
        if not unit:
            return None
        q &= Q(**{unit_field: unit})
    if filters.get("pairing") and unit_field != "unit_id":
        pairing = _int(filters.get("pairing"))
        if not pairing:
            return None
        q &= Q(pairing_id=pairing)
    return q


def _dated_q(filters: Mapping, field: str) -> Q | None:
    """The ``year``, ``start`` and ``end`` filters on one date field (a malformed value gives nothing)."""
    q = Q()
    if year := filters.get("year"):
        if not str(year).isdigit():
            return None
        q &= Q(**{f"{field}__year": int(year)})
    days = {}
    for key in ("start", "end"):
        if raw := filters.get(key):
            if not (day := parse_day(raw)):
                return None
            days[key] = day
    if len(days) == 2:  # one BETWEEN
        q &= Q(**{f"{field}__range": (days["start"], days["end"])})
    elif days:
        q &= Q(**{f"{field}__{'gte' if 'start' in days else 'lte'}": next(iter(days.values()))})
    return q


def _both(*conditions: Q | None) -> Q | None:
    """The conjunction of conditions, None (nothing) as soon as one of them is None."""
    q = Q()
    for condition in conditions:
        if condition is None:
            return None
        q &= condition
    return q


def _narrowed(qs: QuerySet, q: Q | None) -> QuerySet:
    """``qs`` filtered once by ``q``: every condition of a list goes into a single ``filter()``."""
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def _common(qs: QuerySet, *, user, filters: Mapping, unit_field: str, within=UNRESOLVED) -> QuerySet:
    return _narrowed(qs, _common_q(user=user, filters=filters, unit_field=unit_field, within=within))


# ---------------------------------------------------------------- lists


def pairing_get(*, user, pk, action: str = VIEW) -> Pairing:
    return get_visible_or_404(
        Pairing.objects.select_related("unit", "unit__area", "village"), user, action, pk=pk
    )


def _pairing_q(*, user, filters: Mapping, within=UNRESOLVED) -> Q | None:
    """The conditions of the pairing list; ``start``/``end``/``year`` select the pairings active at some time in
    that period."""
    q = _common_q(user=user, filters=filters, unit_field="unit_id", within=within)
    if q is None:
        return None
    if year := filters.get("year"):
        if not str(year).isdigit():
            return None
        q &= Q(start__year__lte=int(year), end__year__gte=int(year))
    for key, lookup in (("start", "end__gte"), ("end", "start__lte")):
        if raw := filters.get(key):
            day = parse_day(raw)
            if not day:
                return None
            q &= Q(**{lookup: day})
    if state := filters.get("state"):
        today = timezone.localdate()
        conditions = {
            PairingState.UPCOMING: Q(start__gt=today),
            PairingState.ACTIVE: Q(start__lte=today, end__gte=today),
            PairingState.ENDED: Q(end__lt=today),
        }
        if state not in conditions:
            return None
        q &= conditions[state]
    if text := normalize_text(filters.get("q")):
        q &= Q(unit__name__contains=text) | Q(village__name__contains=text)
    return q


def pairing_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[Pairing]:
    """Pairings in scope; ``start``/``end``/``year`` select the pairings active at some time in that period."""
    qs = visible_to(Pairing.objects.select_related("unit", "village"), user)
    return _narrowed(qs, _pairing_q(user=user, filters=filters or {}, within=within))


# Each record ledger: the date its period filters apply to, the text fields ``q`` searches, and the fields that
# filter by exact value.
RECORD_LEDGERS = {
    PairingVisit: ("visited_on", ("activities",), ()),
    PairingFund: ("paid_on", ("purpose",), ("source",)),
    PairingProject: ("started_on", ("name",), ("status",)),
    PairingOutcome: ("reported_on", ("description",), ()),
}


def _record_q(model, *, user, filters: Mapping, within=UNRESOLVED) -> Q | None:
    date_field, search, exact = RECORD_LEDGERS[model]
    q = _both(
        _common_q(user=user, filters=filters, unit_field="pairing__unit_id", within=within),
        _dated_q(filters, date_field),
    )
    if q is None:
        return None
    if text := normalize_text(filters.get("q")):
        cond = Q(pairing__unit__name__contains=text) | Q(pairing__village__name__contains=text)
        for field in search:
            cond |= Q(**{f"{field}__contains": text})
        q &= cond
    for field in exact:
        if value := filters.get(field):
            q &= Q(**{field: value})
    return q


def _record_list(model, *, user, filters, within=UNRESOLVED) -> QuerySet:
    qs = visible_to(model.objects.select_related("pairing", "pairing__unit", "pairing__village"), user)
    return _narrowed(qs, _record_q(model, user=user, filters=filters or {}, within=within))


def visit_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingVisit]:
    return _record_list(PairingVisit, user=user, filters=filters, within=within)


def fund_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingFund]:
    return _record_list(PairingFund, user=user, filters=filters, within=within)


def project_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingProject]:
    """Projects in scope; the period filters apply to the project's start date."""
    return _record_list(PairingProject, user=user, filters=filters, within=within)


def outcome_list(*, user, filters: Mapping | None = None, within=UNRESOLVED) -> QuerySet[PairingOutcome]:
    return _record_list(PairingOutcome, user=user, filters=filters, within=within)


def _assessment_q(*, user, filters: Mapping, within=UNRESOLVED) -> Q | None:
    q = _common_q(user=user, filters=filters, unit_field="pairing__unit_id", within=within)
    if q is None:
        return None
    if year := filters.get("year"):
        if not str(year).isdigit():
            return None
        q &= Q(year=int(year))
    for key, lookup in (("start", "year__gte"), ("end", "year__lte")):
        if raw := filters.get(key):
            day = parse_day(raw)
            if not day:
                return None
            q &= Q(**{lookup: day.year})
    if grade := filters.get("grade"):
        q &= Q(grade=grade)
    if status := filters.get("status"):
        q &= Q(status=status)
    if text := normalize_text(filters.get("q")):
        q &= Q(pairing__unit__name__contains=text) | Q(pairing__village__name__contains=text)
    return q


def assessment_list(
    *, user, filters: Mapping | None = None, within=UNRESOLVED
) -> QuerySet[PairingAssessment]:
    """Assessments in scope; ``start``/``end`` select the assessment years they span."""
    qs = visible_to(
        PairingAssessment.objects.select_related("pairing", "pairing__unit", "pairing__village", "assessor"),
        user,
    )
    return _narrowed(qs, _assessment_q(user=user, filters=filters or {}, within=within))


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


# The ledgers whose totals are grouped, by the field and the values they group by. A row of ``_ledger_totals`` is
# told apart by its key alone: a ledger's name for the others, one of these values for these two.
GROUPED_LEDGERS = {
    "projects": ("status", frozenset(ProjectStatus.values)),
    "assessments": ("grade", frozenset(Grade.values)),
}
UNGROUPED_LEDGERS = ("funds", "pairings", "visits", "outcomes")
assert len(set(UNGROUPED_LEDGERS).union(*(values for _f, values in GROUPED_LEDGERS.values()))) == (
    len(UNGROUPED_LEDGERS) + sum(len(values) for _f, values in GROUPED_LEDGERS.values())
), "the keys of the ledger totals must not collide"


def _ledger_totals(*, user, filters: Mapping, within) -> dict[tuple[str, str], tuple]:
    """The totals of the six ledgers behind the figures, in one statement: a ``UNION ALL`` of one aggregate per
    ledger, each over exactly the rows of its list (the same scope and the same conditions as the list selectors).

    Returns ``(ledger, key) -> (count, x, y)``: ``key`` is the project status or the assessment grade (``""`` for
    the ungrouped ledgers); ``x`` and ``y`` are the ledger's sums (funds: amount; visits: people; projects: amount,
    beneficiaries; outcomes: jobs arranged, problems solved). A ledger outside the scope gives no row. The union
    has four columns (key, count, two sums): every column costs Django time to build and compile in six parts.
    """
    submitted = dict(filters) | {"status": AssessmentStatus.SUBMITTED}
    parts = [
        # ledger, model, conditions, x, y (funds first: its amount column types the union's ``x`` on SQLite)
        ("funds", PairingFund, _record_q(PairingFund, user=user, filters=filters, within=within),
         Sum("amount"), None),
        ("pairings", Pairing, _pairing_q(user=user, filters=filters, within=within), None, None),
        ("visits", PairingVisit, _record_q(PairingVisit, user=user, filters=filters, within=within),
         Sum("people"), None),
        ("projects", PairingProject, _record_q(PairingProject, user=user, filters=filters, within=within),
         Sum("amount"), Sum("beneficiaries")),
        ("outcomes", PairingOutcome, _record_q(PairingOutcome, user=user, filters=filters, within=within),
         Sum("jobs_arranged"), Sum("problems_solved")),
        ("assessments", PairingAssessment, _assessment_q(user=user, filters=submitted, within=within), None, None),
    ]  # fmt: skip
    zero = Value(0)
    statements = []
    for ledger, model, q, x, y in parts:
        qs = _narrowed(visible_to(model.objects.order_by(), user), q)
        group = GROUPED_LEDGERS.get(ledger)
        # A constant is no grouping: the ungrouped ledgers give exactly one row, even over no records.
        key = F(group[0]) if group else Value(ledger)
        statements.append(qs.values(key=key).annotate(n=Count("id"), x=x or zero, y=y or zero))
    first, *rest = statements
    totals = {}
    for row in first.union(*rest, all=True):
        key = row["key"]
        ledger = next((name for name, (_f, values) in GROUPED_LEDGERS.items() if key in values), key)
        totals[(ledger, "" if ledger == key else key)] = (row["n"], row["x"], row["y"])
    return totals


def pairing_figures(*, user, area=None, start=None, end=None) -> dict[str, Figure]:
    """The pairing figures of the user's scope, optionally within an area subtree and a period.

    The numbers come from one statement (``_ledger_totals``, plus the area lookup when an area id is given); each
    figure's records are its list selector called with the same filters and its URL opens that list, both built
    only when asked for.
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
    totals = _ledger_totals(user=user, filters=filters, within=within)

    def total(ledger: str, column: int, key: str = ""):
        row = totals.get((ledger, key))
        return (row[column] or 0) if row else 0

    def records(selector, **extra):
        """The list behind a figure, built only when someone asks for the records."""
        return lambda: selector(user=user, filters=filters | extra, within=within)

    paths: dict[str, str] = {}

    def url(name: str, **extra):
        """The list URL, built only when a page shows the figure."""

        def link() -> str:
            if name not in paths:
                paths[name] = reverse(f"pairing:{name}")
            query = urlencode(filters | extra)
            return paths[name] + (f"?{query}" if query else "")

        return link

    def money(value) -> Decimal:
        # SQLite sums decimals as floats; two places, like the fields.
        return Decimal(value).quantize(CENTS) if not isinstance(value, Decimal) else value

    figures: dict[str, Figure] = {}
    figures["pairings_active"] = Figure(
        "pairings_active", _("Pairings active in the period"), int(total("pairings", 0)),
        records(pairing_list), url("pairing_list"),
    )  # fmt: skip
    visits, visit_url = records(visit_list), url("visit_list")
    figures["visits"] = Figure("visits", _("Visits"), int(total("visits", 0)), visits, visit_url)
    figures["visit_people"] = Figure(
        "visit_people", _("People on visits"), int(total("visits", 1)), visits, visit_url
    )
    figures["funds"] = Figure(
        "funds", _("Funds invested (yuan)"), money(total("funds", 1)), records(fund_list), url("fund_list")
    )
    projects, project_url = records(project_list), url("project_list")
    statuses = ProjectStatus.choices
    figures["projects"] = Figure(
        "projects", _("Projects"), sum(int(total("projects", 0, s)) for s, _l in statuses), projects, project_url,
        breakdown={
            status: Figure(
                f"projects_{status}", label, int(total("projects", 0, status)),
                records(project_list, status=status), url("project_list", status=status),
            )
            for status, label in statuses
        },
    )  # fmt: skip
    for status in ProjectStatus.values:
        figures[f"projects_{status}"] = figures["projects"].breakdown[status]
    figures["projects_amount"] = Figure(
        "projects_amount", _("Project amounts (yuan)"),
        money(sum((money(total("projects", 1, s)) for s, _l in statuses), Decimal(0))), projects, project_url,
    )  # fmt: skip
    figures["beneficiaries"] = Figure(
        "beneficiaries", _("Beneficiaries of projects"),
        sum(int(total("projects", 2, s)) for s, _l in statuses), projects, project_url,
    )  # fmt: skip
    outcomes, outcome_url = records(outcome_list), url("outcome_list")
    figures["jobs_arranged"] = Figure(
        "jobs_arranged", _("Jobs arranged"), int(total("outcomes", 1)), outcomes, outcome_url
    )
    figures["problems_solved"] = Figure(
        "problems_solved", _("Problems solved"), int(total("outcomes", 2)), outcomes, outcome_url
    )
    submitted = {"status": AssessmentStatus.SUBMITTED}
    by_grade = {key: int(row[0]) for (ledger, key), row in totals.items() if ledger == "assessments"}
    figures["assessments"] = Figure(
        "assessments", _("Submitted assessments"), sum(by_grade.values()), records(assessment_list, **submitted),
        url("assessment_list", **submitted),
        breakdown={
            grade: Figure(
                f"grade_{grade}", label, by_grade.get(grade, 0), records(assessment_list, **submitted, grade=grade),
                url("assessment_list", **submitted, grade=grade),
            )
            for grade, label in Grade.choices
        },
    )  # fmt: skip
    return figures
