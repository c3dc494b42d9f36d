"""Reads of service requests: lists with the contract's filters, one request, its timeline and the actions a user
may take, the public status by ticket, and the rates, rankings and figures. Every read takes the user and goes
through scope; every figure links to the list of exactly the records it counts (numerator and denominator).

Rates (their texts are in ``FORMULAS`` for the pages):
- response = signed for within the limit ÷ dispatched;
- on-time = replied within the deadline ÷ replied;
- resolution = replied "resolved" ÷ replied;
- satisfaction = (satisfied + basically satisfied) ÷ rated.
A request counts for its current lead department, in the period by its submission time.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.figures import Figure
from shiliu.core.roles import Role
from shiliu.core.scope import CHANGE, VIEW, get_visible_or_404, scope_of, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.models import Area, Unit
from shiliu.orgs.selectors import area_filter_param
from shiliu.orgs.services import ancestor_paths

from .calendar import time_zone
from .choices import (
    Channel,
    DeadlineStep,
    ExtensionStatus,
    Priority,
    RateKind,
    RatePart,
    Rating,
    ReminderKind,
    RequestAction,
    RequestStatus,
    Result,
)
from .models import (
    CalendarOverride,
    DeadlineRule,
    GridAssignment,
    GridVisit,
    RankingSettings,
    RequestCategory,
    RequestEvent,
    RequestReminder,
    RoutingRule,
    ServiceRequest,
)
from .services.common import ACTION_ROLES, capacities
from .tickets import normalize_ticket

A = RequestAction

# ---------------------------------------------------------------- rates: the one place their definitions live

FORMULAS = {
    RateKind.RESPONSE: gettext_lazy(
        "Response rate = requests signed for within the limit ÷ requests dispatched"
    ),
    RateKind.ON_TIME: gettext_lazy(
        "On-time rate = requests replied to within the deadline ÷ requests replied to"
    ),
    RateKind.RESOLUTION: gettext_lazy(
        "Resolution rate = requests replied to as resolved ÷ requests replied to"
    ),
    RateKind.SATISFACTION: gettext_lazy(
        "Satisfaction rate = (satisfied + basically satisfied ratings) ÷ requests rated"
    ),
}
# (denominator, numerator) conditions of each rate; the aggregates and the drill-down lists both use them.
RATE_Q = {
    RateKind.RESPONSE: (Q(dispatched_at__isnull=False), Q(dispatched_at__isnull=False, signed_on_time=True)),
    RateKind.ON_TIME: (Q(replied_at__isnull=False), Q(replied_at__isnull=False, replied_on_time=True)),
    RateKind.RESOLUTION: (Q(replied_at__isnull=False), Q(replied_at__isnull=False, result=Result.RESOLVED)),
    RateKind.SATISFACTION: (~Q(rating=""), Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
}
RATE_WEIGHT_FIELDS = {
    RateKind.RESPONSE: "weight_response",
    RateKind.ON_TIME: "weight_on_time",
    RateKind.RESOLUTION: "weight_resolution",
    RateKind.SATISFACTION: "weight_satisfaction",
}


def rate_q(kind: str, part: str) -> Q:
    denominator, numerator = RATE_Q[RateKind(kind)]
    return numerator if part == RatePart.NUMERATOR else denominator


def _aggregates(prefix: str = "") -> dict:
    """Count annotations for every rate part (plus all requests), named ``<kind>_<part>``."""
    out = {"requests": Count("pk")}
    for kind, (denominator, numerator) in RATE_Q.items():
        out[f"{kind}_{RatePart.DENOMINATOR}"] = Count("pk", filter=denominator)
        out[f"{kind}_{RatePart.NUMERATOR}"] = Count("pk", filter=numerator)
    out["closed"] = Count("pk", filter=Q(status=RequestStatus.CLOSED))
    return out


def fraction(numerator: int, denominator: int) -> float | None:
    """A rate as a fraction 0..1 (None without a denominator); pages format it as a percentage."""
    return round(numerator / denominator, 4) if denominator else None


# ---------------------------------------------------------------- helpers


def parse_day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, time_zone())


def _int(value) -> int | None:
    return int(value) if str(value or "").strip().isdigit() else None


def list_url(filters: Mapping) -> str:
    """The request list filtered by ``filters`` (empty when the list view is not mounted yet)."""
    try:
        base = reverse("service_requests:request_list")
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return base + (f"?{query}" if query else "")


# ---------------------------------------------------------------- lists

SORTS = {
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
    "deadline": ("next_due", "id"),
    "-deadline": ("-next_due", "-id"),
    "id": ("id",),
    "-id": ("-id",),
    "ticket": ("ticket",),
}
DEFAULT_SORT = "-submitted"


def category_subtree_ids(code: str) -> list[int]:
    """The ids of the category with ``code`` and of every category below it."""
    rows = list(RequestCategory.objects.values_list("pk", "parent_id", "code"))
    root = next((pk for pk, _parent, c in rows if c == code), None)
    if root is None:
        return []
    found, frontier = {root}, {root}
    while frontier:
        frontier = {pk for pk, parent, _c in rows if parent in frontier and pk not in found}
        found |= frontier
    return sorted(found)


def request_filter_q(*, user, filters: Mapping) -> Q | None:
    """The contract's list filters as one condition (None: the filters select nothing)."""
    q = Q()
    text = normalize_text(filters.get("q"))
    if text:
        ticket = normalize_ticket(text)
        q &= Q(ticket=ticket) if ticket else Q(description__icontains=text)
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        if within is None:
            return None
        q &= Q(area_path__startswith=within.path)
    if code := filters.get("category"):
        ids = category_subtree_ids(str(code))
        if not ids:
            return None
        q &= Q(category_id__in=ids)
    for name, choices in (("status", RequestStatus), ("priority", Priority), ("channel", Channel)):
        value = filters.get(name)
        if value:
            if value not in choices.values:
                return None
            q &= Q(**{name: value})
    if filters.get("status_group") == "open":
        q &= ~Q(status__in=[RequestStatus.CLOSED, RequestStatus.REJECTED])
    if filters.get("department"):
        department = _int(filters.get("department"))
        if department is None:
            return None
        q &= Q(lead_department_id=department)
    if str(filters.get("ethnic") or "") == "1":
        q &= Q(involves_ethnic_factors=True)
    if str(filters.get("overdue") or "") == "1":
        q &= Q(next_due__lt=timezone.now())
    if str(filters.get("supervised") or "") == "1":
        q &= Q(is_supervised=True)
    if filters.get("date_from"):
        day = parse_day(filters.get("date_from"))
        if day is None:
            return None
        q &= Q(submitted_at__gte=day_start(day))
    if filters.get("date_to"):
        day = parse_day(filters.get("date_to"))
        if day is None:
            return None
        q &= Q(submitted_at__lt=day_start(day + datetime.timedelta(days=1)))
    if filters.get("rate"):
        kind, part = filters.get("rate"), filters.get("part") or RatePart.DENOMINATOR
        if kind not in RateKind.values or part not in RatePart.values:
            return None
        q &= rate_q(kind, part)
    if filters.get("visit"):
        visit = _int(filters.get("visit"))
        if visit is None:
            return None
        q &= Q(visit_id=visit)
    return q


def request_list(*, user, filters: Mapping | None = None) -> QuerySet[ServiceRequest]:
    """The requests the user may see, filtered (see CONTRACTS.md) and sorted by ``sort`` (``SORTS``)."""
    filters = filters or {}
    qs = visible_to(ServiceRequest.objects.all(), user)
    q = request_filter_q(user=user, filters=filters)
    if q is None:
        return qs.none()
    order = SORTS.get(filters.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    return qs.filter(q).select_related("category", "area", "lead_department").order_by(*order)


def request_get(*, user, pk, action: str = VIEW) -> ServiceRequest:
    qs = ServiceRequest.objects.select_related(
        "category", "area", "unit", "venue", "visit", "lead_department", "duplicate_of", "created_by",
        "ethnic_factors_set_by",
    )  # fmt: skip
    return get_visible_or_404(qs, user, action, pk=pk)


def request_timeline(*, request: ServiceRequest) -> QuerySet[RequestEvent]:
    """Every step of a request the caller already fetched through scope: who, when, what, with which note."""
    return request.events.select_related("actor", "department").order_by("created_at", "id")


def request_actions(*, user, request: ServiceRequest) -> list[str]:
    """The actions (contract slugs) ``user`` may take on ``request`` now: the transition table, the user's
    capacity (office, lead, assisting, grid) and write scope together."""
    if not visible_to(ServiceRequest.objects.filter(pk=request.pk), user, CHANGE).exists():
        return []
    held = capacities(user, request)
    from .choices import TRANSITIONS

    actions = []
    for action, roles in ACTION_ROLES.items():
        if request.status not in TRANSITIONS[action].sources or not roles & held:
            continue
        if action == A.PAUSE and request.paused_at is not None:
            continue
        if action == A.RESUME and request.paused_at is None:
            continue
        if (
            action == A.EXTENSION_DECIDE
            and not request.extensions.filter(status=ExtensionStatus.PENDING).exists()
        ):
            continue
        if (
            action == A.EXTENSION_REQUEST
            and request.extensions.filter(status=ExtensionStatus.PENDING).exists()
        ):
            continue
        actions.append(str(action))
    return actions


def request_pending_extension(*, request: ServiceRequest):
    return request.extensions.filter(status=ExtensionStatus.PENDING).first()


# Steps shown to the public, without actors, departments' notes or personal data.
PUBLIC_ACTIONS = (A.SUBMIT, A.ACCEPT, A.REJECT, A.DISPATCH, A.TRANSFER, A.SIGN, A.START, A.REPLY, A.CLOSE, A.RATE,
                  A.REOPEN)  # fmt: skip


def request_public_status(*, ticket) -> dict | None:
    """What anyone with the ticket may see: status, category, dates and steps; no names, phones or notes."""
    normalized = normalize_ticket(ticket)
    if not normalized:
        return None
    request = (
        ServiceRequest.objects.select_related("category", "area", "lead_department")
        .filter(ticket=normalized)
        .first()
    )
    if request is None:
        return None
    steps = []
    for e in request.events.filter(action__in=PUBLIC_ACTIONS).order_by("created_at", "id"):
        # Only what the resident may read: the answer to the request and the grounds of a rejection.
        note = ""
        if e.action == A.REPLY and request.result and request.replied_at:
            note = request.reply_note
        elif e.action == A.REJECT:
            note = request.reject_reason
        steps.append(
            {"action": e.action, "label": RequestAction(e.action).label, "at": e.created_at, "note": note}
        )
    answered = request.status in {RequestStatus.REPLIED, RequestStatus.VERIFIED, RequestStatus.CLOSED}
    return {
        "ticket": request.ticket,
        "status": request.status,
        "status_label": RequestStatus(request.status).label,
        "category": request.category.name,
        "area": request.area.name,
        "submitted_at": request.submitted_at,
        "lead_department": request.lead_department.name if request.lead_department_id else "",
        "result": request.result,
        "result_label": Result(request.result).label if request.result else "",
        "closed_at": request.closed_at,
        "deadline_at": request.next_due,
        "rating": request.rating,
        "rating_label": Rating(request.rating).label if request.rating else "",
        "reply": request.reply_note if answered else "",
        "reject_reason": request.reject_reason if request.status == RequestStatus.REJECTED else "",
        "can_rate": request.status == RequestStatus.CLOSED and not request.rating,
        "steps": steps,
    }


# ---------------------------------------------------------------- rates, ranking, figures


def _period_q(start, end) -> Q:
    q = Q()
    start, end = parse_day(start), parse_day(end)
    if start:
        q &= Q(submitted_at__gte=day_start(start))
    if end:
        q &= Q(submitted_at__lt=day_start(end + datetime.timedelta(days=1)))
    return q


def _base(user, area, start, end) -> tuple[QuerySet, dict] | tuple[None, dict]:
    """Requests in scope, in ``area`` (object or id) and the period, and the list filters that select them."""
    filters: dict[str, str] = {}
    qs = visible_to(ServiceRequest.objects.all(), user)
    if area is not None and area != "":
        area_obj = area if isinstance(area, Area) else area_filter_param(user=user, value=area)
        if area_obj is None or not visible_to(Area.objects.filter(pk=area_obj.pk), user).exists():
            return None, filters
        filters["area"] = str(area_obj.pk)
        qs = qs.filter(area_path__startswith=area_obj.path)
    if parse_day(start):
        filters["date_from"] = parse_day(start).isoformat()
    if parse_day(end):
        filters["date_to"] = parse_day(end).isoformat()
    return qs.filter(_period_q(start, end)), filters


def _rate_figures(counts: Mapping, filters: Mapping, *, user=None) -> dict[str, Figure]:
    """``<kind>_rate`` Figures: value a fraction (None without a denominator), url the numerator's list;
    ``breakdown`` holds the formula and the numerator and denominator as Figures with their own lists."""
    figures = {}
    for kind in RateKind:
        numerator = counts.get(f"{kind}_{RatePart.NUMERATOR}") or 0
        denominator = counts.get(f"{kind}_{RatePart.DENOMINATOR}") or 0
        num_filters = {**filters, "rate": kind.value, "part": RatePart.NUMERATOR.value}
        den_filters = {**filters, "rate": kind.value, "part": RatePart.DENOMINATOR.value}

        def records(f):
            return (lambda: request_list(user=user, filters=f)) if user is not None else None

        num = Figure(f"{kind}_numerator", _("Numerator"), numerator, records(num_filters),
                     url=lambda f=num_filters: list_url(f))  # fmt: skip
        den = Figure(f"{kind}_denominator", _("Denominator"), denominator, records(den_filters),
                     url=lambda f=den_filters: list_url(f))  # fmt: skip
        figures[f"{kind}_rate"] = Figure(
            f"{kind}_rate", str(kind.label), fraction(numerator, denominator), records(num_filters),
            url=lambda f=num_filters: list_url(f),
            breakdown={"numerator": num, "denominator": den, "formula": FORMULAS[kind],
                       "numerator_filters": num_filters, "denominator_filters": den_filters},
        )  # fmt: skip
    return figures


@dataclass
class DepartmentRates:
    """One department's row: ``requests`` and the four rates as Figures (also as attributes ``response``,
    ``on_time``, ``resolution``, ``satisfaction``), ``score`` (percent) and ``rank`` when ranked."""

    department: Unit
    request_count: int
    counts: dict
    figures: dict[str, Figure]
    score: float | None = None
    rank: int | None = None

    @property
    def requests(self) -> Figure:
        return self.figures["requests"]

    @property
    def response(self) -> Figure:
        return self.figures["response_rate"]

    @property
    def on_time(self) -> Figure:
        return self.figures["on_time_rate"]

    @property
    def resolution(self) -> Figure:
        return self.figures["resolution_rate"]

    @property
    def satisfaction(self) -> Figure:
        return self.figures["satisfaction_rate"]

    def rate(self, kind: str) -> float | None:
        return self.figures[f"{kind}_rate"].value


def department_rates(*, user, area=None, start=None, end=None) -> list[DepartmentRates]:
    """Per lead department: the counts behind the four rates (one grouped statement) and the rates as Figures
    whose URL lists the numerator's records (``breakdown`` holds both parts and their URLs)."""
    qs, filters = _base(user, area, start, end)
    if qs is None:
        return []
    rows = list(
        qs.filter(lead_department__isnull=False)
        .order_by()
        .values("lead_department_id")
        .annotate(**_aggregates())
    )
    units = Unit.objects.in_bulk([r["lead_department_id"] for r in rows])
    result = []
    for row in rows:
        unit = units[row["lead_department_id"]]
        dept_filters = {**filters, "department": str(unit.pk)}
        figures = _rate_figures(row, dept_filters, user=user)
        figures["requests"] = Figure(
            "requests",
            _("Requests"),
            row["requests"],
            lambda f=dept_filters: request_list(user=user, filters=f),
            url=lambda f=dept_filters: list_url(f),
        )
        result.append(
            DepartmentRates(department=unit, request_count=row["requests"], counts=row, figures=figures)
        )
    result.sort(key=lambda r: (r.department.name, r.department.pk))
    return result


def ranking_settings_for(area: Area | None = None) -> RankingSettings:
    """The settings of the nearest area at or above ``area`` that has its own, else the defaults."""
    default_min = getattr(settings, "REQUEST_RANKING_MIN_REQUESTS", 10)
    if area is not None:
        paths = [*ancestor_paths(area.path), area.path]
        found = RankingSettings.objects.filter(area_path__in=paths).order_by("-area_path").first()
        if found is not None:
            return found
    return RankingSettings(area=area, area_path=area.path if area else "", min_requests=default_min)


@dataclass
class Ranking:
    """``rows`` ranked best first; ``hidden_rows`` below the minimum (``hidden`` is their number)."""

    rows: list[DepartmentRates]
    hidden_rows: list[DepartmentRates]
    min_requests: int
    weights: dict[str, int]
    formulas: dict = field(default_factory=lambda: dict(FORMULAS))

    @property
    def hidden(self) -> int:
        return len(self.hidden_rows)


def department_ranking(*, user, area=None, start=None, end=None, min_requests=None) -> Ranking:
    """Departments ranked by the weighted mean of their rates (rates without a denominator are left out of the
    mean); departments with fewer than ``min_requests`` requests (default: the area's ranking settings) are not
    ranked but listed in ``hidden``."""
    area_obj = (
        area if isinstance(area, Area) else (area_filter_param(user=user, value=area) if area else None)
    )
    if area_obj is None and area is None:
        scope = scope_of(user)
        area_obj = Area.objects.filter(path=scope.area_path).first() if scope.area_path else None
    config = ranking_settings_for(area_obj)
    minimum = config.min_requests if min_requests in (None, "") else max(0, int(min_requests))
    weights = {kind.value: getattr(config, RATE_WEIGHT_FIELDS[kind]) for kind in RateKind}
    rows = department_rates(user=user, area=area, start=start, end=end)
    ranked, hidden = [], []
    for row in rows:
        parts = [(row.rate(kind), weights[kind]) for kind in weights if row.rate(kind) is not None]
        total_weight = sum(w for _v, w in parts)
        row.score = round(100 * sum(v * w for v, w in parts) / total_weight, 1) if total_weight else None
        (ranked if row.request_count >= minimum else hidden).append(row)
    ranked.sort(
        key=lambda r: (-(r.score if r.score is not None else -1), -r.request_count, r.department.name)
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    return Ranking(rows=ranked, hidden_rows=hidden, min_requests=minimum, weights=weights)


def request_figures(*, user, area=None, start=None, end=None) -> dict[str, Figure]:
    """requests, closed and the four rates in the user's scope (one statement); every figure links to the list of
    the requests it counts."""
    qs, filters = _base(user, area, start, end)
    counts = {} if qs is None else qs.order_by().aggregate(**_aggregates())
    figures = {
        "requests": Figure(
            "requests", _("Requests"), counts.get("requests") or 0, url=lambda: list_url(filters),
            records=lambda: request_list(user=user, filters=filters) if qs is not None else ServiceRequest.objects.none(),
        ),
        "closed": Figure(
            "closed", _("Closed requests"), counts.get("closed") or 0,
            url=lambda: list_url({**filters, "status": RequestStatus.CLOSED.value}),
            records=lambda: request_list(user=user, filters={**filters, "status": RequestStatus.CLOSED.value}),
        ),
    }  # fmt: skip
    figures.update(_rate_figures(counts, filters, user=user))
    return figures


# ---------------------------------------------------------------- choices for forms


def department_choices(*, user, request: ServiceRequest | None = None) -> QuerySet[Unit]:
    """Member departments a request can be dispatched to: those whose area covers the request's area (or, without
    a request, the user's area: departments above it and in its subtree)."""
    qs = Unit.objects.filter(is_member_department=True, status=UnitStatus.ACTIVE)
    if request is not None:
        base = request.area_path
        return qs.filter(area_path__in=[*ancestor_paths(base), base]).order_by("area_path", "name")
    scope = scope_of(user)
    if scope.unrestricted:
        return qs.order_by("area_path", "name")
    if scope.is_empty:
        return qs.none()
    return qs.filter(
        Q(area_path__in=[*ancestor_paths(scope.area_path), scope.area_path])
        | Q(area_path__startswith=scope.area_path)
    ).order_by("area_path", "name")


def grid_choices(*, user) -> QuerySet[Area]:
    """Grids a grid worker is assigned to today; for others, the grids in their scope."""
    grids = Area.objects.filter(level=AreaLevel.GRID, is_active=True)
    if getattr(user, "role", None) == Role.GRID:
        from .services.visits import assigned_grid_ids

        return visible_to(grids.filter(pk__in=assigned_grid_ids(user)), user).order_by("path")
    return visible_to(grids, user).order_by("path")


# ---------------------------------------------------------------- visits and configuration lists


# Where a resident's matter can lie: a village or community, or one of its grids.
PUBLIC_AREA_LEVELS = (AreaLevel.VILLAGE, AreaLevel.GRID)


def public_area_children(*, parent_id=None) -> list[dict] | None:
    """One level of the public form's area picker: the active children of ``parent_id`` (the top of the tree
    without one), down to grids, each with whether a resident may choose it (a village, community or grid) and
    whether it has children to go on with. Area names are public; nothing else is given. None: no such parent."""
    if parent_id is None:
        qs = Area.objects.filter(parent__isnull=True)
    else:
        parent = Area.objects.filter(pk=parent_id, is_active=True, level__lt=AreaLevel.GRID).first()
        if parent is None:
            return None
        qs = Area.objects.filter(parent=parent)
    children = Area.objects.filter(parent=OuterRef("pk"), is_active=True)
    rows = (
        qs.filter(is_active=True, level__lte=AreaLevel.GRID)
        .annotate(has_children=Exists(children))
        .order_by("code")
        .values("pk", "name", "level", "has_children")
    )
    return [
        {"id": r["pk"], "name": r["name"], "selectable": r["level"] in PUBLIC_AREA_LEVELS,
         "has_children": r["has_children"] and r["level"] < AreaLevel.GRID}
        for r in rows
    ]  # fmt: skip


def reminder_list(*, user, filters: Mapping | None = None) -> QuerySet[RequestReminder]:
    """The reminders, overdue notices and supervision escalations the sweep sent, as an inbox: the office sees
    those of its area subtree, a department those addressed to it. ``open=1`` keeps the ones whose step is
    still outstanding (the request still waits for that step with that deadline)."""
    filters = filters or {}
    qs = visible_to(
        RequestReminder.objects.select_related("request", "request__category", "department"), user
    )
    if scope_of(user).unit_id is not None:
        # A department keeps only the reminders of requests it can still open (a transfer moves the request on).
        qs = qs.filter(request__in=visible_to(ServiceRequest.objects.all(), user))
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        if within is None:
            return qs.none()
        qs = qs.filter(area_path__startswith=within.path)
    if (kind := filters.get("kind")) in ReminderKind.values:
        qs = qs.filter(kind=kind)
    elif kind:
        return qs.none()
    if (step := filters.get("step")) in DeadlineStep.values:
        qs = qs.filter(step=step)
    elif step:
        return qs.none()
    if filters.get("department"):
        department = _int(filters.get("department"))
        qs = qs.filter(department_id=department) if department else qs.none()
    if str(filters.get("open") or "") == "1":
        qs = qs.filter(request__next_step=F("step"), request__next_due=F("due"))
    if day := parse_day(filters.get("date_from")):
        qs = qs.filter(sent_at__gte=day_start(day))
    if day := parse_day(filters.get("date_to")):
        qs = qs.filter(sent_at__lt=day_start(day + datetime.timedelta(days=1)))
    if text := normalize_text(filters.get("q")):
        ticket = normalize_ticket(text)
        qs = qs.filter(request__ticket=ticket) if ticket else qs.filter(request__description__icontains=text)
    return qs


def open_reminders_figure(*, user) -> Figure:
    """The reminders still outstanding for the user (their inbox with ``open=1``), linked to that list."""
    reminders = reminder_list(user=user, filters={"open": "1"})
    return Figure(
        "open_reminders", _("Reminders still outstanding"), reminders.count(), reminders,
        reverse("service_requests:reminder_list") + "?open=1",
    )  # fmt: skip


def visit_list(*, user, filters: Mapping | None = None) -> QuerySet[GridVisit]:
    filters = filters or {}
    qs = visible_to(GridVisit.objects.select_related("grid", "worker"), user)
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        if within is None:
            return qs.none()
        qs = qs.filter(area_path__startswith=within.path)
    if filters.get("grid"):
        grid = _int(filters.get("grid"))
        qs = qs.filter(grid_id=grid) if grid else qs.none()
    if str(filters.get("mine") or "") == "1":
        qs = qs.filter(worker=user)
    if filters.get("worker"):
        worker = _int(filters.get("worker"))
        qs = qs.filter(worker_id=worker) if worker else qs.none()
    if day := parse_day(filters.get("date")):
        qs = qs.filter(visited_on=day)
    if day := parse_day(filters.get("date_from")):
        qs = qs.filter(visited_on__gte=day)
    if day := parse_day(filters.get("date_to")):
        qs = qs.filter(visited_on__lte=day)
    if text := normalize_text(filters.get("q")):
        qs = qs.filter(notes__icontains=text)
    return qs.annotate(requests_raised=Count("requests")).order_by("-visited_on", "-id")


def visit_get(*, user, pk, action: str = VIEW) -> GridVisit:
    return get_visible_or_404(GridVisit.objects.select_related("grid", "worker"), user, action, pk=pk)


def category_list(*, include_inactive: bool = True) -> QuerySet[RequestCategory]:
    qs = RequestCategory.objects.select_related("parent")
    return qs if include_inactive else qs.filter(is_active=True)


def deadline_rule_list() -> QuerySet[DeadlineRule]:
    return DeadlineRule.objects.select_related("category")


def routing_rule_list(*, user, filters: Mapping | None = None) -> QuerySet[RoutingRule]:
    filters = filters or {}
    qs = visible_to(RoutingRule.objects.select_related("category", "area", "department"), user)
    if code := filters.get("category"):
        qs = qs.filter(category__code=code)
    return qs


def calendar_override_list(*, year: int | None = None) -> QuerySet[CalendarOverride]:
    qs = CalendarOverride.objects.select_related("set_by")
    return qs.filter(date__year=year) if year else qs


def grid_assignment_list(*, user, filters: Mapping | None = None) -> QuerySet[GridAssignment]:
    filters = filters or {}
    qs = visible_to(GridAssignment.objects.select_related("grid", "worker"), user)
    if str(filters.get("current") or "") == "1":
        today = timezone.localdate()
        qs = qs.filter(start__lte=today).exclude(end__lt=today)
    if filters.get("worker"):
        worker = _int(filters.get("worker"))
        qs = qs.filter(worker_id=worker) if worker else qs.none()
    return qs
