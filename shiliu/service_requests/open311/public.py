"""What the public Open311 endpoints publish: services (request categories) and requests, public fields only.

The request list is open to anyone, as GeoReport v2 has it. What it never carries: the requester's name, phone or
email (the first two are stored encrypted, the last is not stored), the free-text address the caller typed (it is
often a home address), the office's and departments' notes, and anything from an account. What it carries, and how:

- ``description``: only once the office has accepted the request (reviewed it), redacted of phone numbers, ID
  numbers, email addresses and long digit runs (``redact.py``); never for requests flagged as involving ethnic
  factors or rejected ones; never at all when ``OPEN311_PUBLIC_DESCRIPTIONS`` is False. Names in free text cannot
  be found reliably; that is the residual risk the setting exists for.
- ``address``: the names of the request's area and its ancestors (grid or village up to the county), most specific
  first; ``address_id`` its division code; ``lat``/``long`` rounded to 3 decimals (about 100 m), and left out
  for requests flagged as involving ethnic factors (with their ``media_url``).
- ``status_notes``: built from the status and the result (choices), never from free text.
- ``agency_responsible``: the lead department's name (an organisation, not a person).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from shiliu.orgs.models import Area
from shiliu.orgs.services import ancestor_paths

from ..choices import OPEN_STATUSES, DeadlineStep, Priority, RequestStatus
from ..models import DeadlineRule, RequestCategory, ServiceRequest

OPEN = "open"
CLOSED = "closed"
# The levels whose names make a public address (county and below; the province and city are the jurisdiction).
ADDRESS_MIN_PATH = 6
COORDINATE_PLACES = Decimal("0.001")


def publishes_descriptions() -> bool:
    return getattr(settings, "OPEN311_PUBLIC_DESCRIPTIONS", True)


# ---------------------------------------------------------------- services


def active_categories():
    return RequestCategory.objects.filter(is_active=True).select_related("parent").order_by("sort", "code")


def category_by_code(code: str) -> RequestCategory | None:
    if not code:
        return None
    return active_categories().filter(code=code).first()


def _root(category: RequestCategory) -> RequestCategory:
    node, seen = category, set()
    while node.parent_id and node.parent_id not in seen:
        seen.add(node.pk)
        node = node.parent
    return node


def service_dict(category: RequestCategory) -> dict:
    root = _root(category)
    keywords = [category.code]
    if category.parent_id:
        keywords.append(category.parent.name)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        # Every service has the priority and location attributes of its definition.
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": root.name,
    }


def reply_limit(category: RequestCategory) -> DeadlineRule | None:
    """The reply deadline rule for a request of ``category`` at normal priority: nearest category up the tree, then
    the default (the same precedence the deadline computation uses)."""
    rules = {
        rule.category_id: rule
        for rule in DeadlineRule.objects.filter(
            Q(category_id__in=category.ancestor_ids()) | Q(category__isnull=True),
            step=DeadlineStep.REPLY,
            priority="",
            is_active=True,
        )
    }
    for category_id in [*category.ancestor_ids(), None]:
        if category_id in rules:
            return rules[category_id]
    return None


def service_notice(category: RequestCategory) -> str:
    rule = reply_limit(category)
    if rule is None:
        return ""
    return _("A department replies within {amount} {unit} of dispatch (emergencies the same day).").format(
        amount=rule.amount, unit=rule.get_unit_display().lower()
    )


def service_definition(category: RequestCategory) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "priority",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("One of the keys below; normal when not given."),
                "order": 1,
                "description": _("How urgent is it? Emergencies are handled the same day."),
                "values": [{"key": value, "name": str(label)} for value, label in Priority.choices],
            },
            {
                "variable": True,
                "code": "area_code",
                "datatype": "string",
                "required": False,
                "datatype_description": _(
                    "A 12-digit administrative division code (village or community) or a 15-digit grid code."
                ),
                "order": 2,
                "description": _(
                    "Where the matter is: the village, community or grid. The same as address_id; without either "
                    "the request is filed at the area the client is registered for."
                ),
                "values": [],
            },
            {
                "variable": False,
                "code": "deadline",
                "datatype": "text",
                "required": False,
                "datatype_description": None,
                "order": 3,
                "description": service_notice(category),
                "values": [],
            },
        ],
    }


# ---------------------------------------------------------------- requests


def public_status(request: ServiceRequest) -> str:
    return OPEN if request.status in OPEN_STATUSES else CLOSED


def status_notes(request: ServiceRequest) -> str:
    status = request.status
    if status == RequestStatus.CLOSED and request.result:
        return _("Closed: {result}.").format(result=request.get_result_display().lower())
    if status == RequestStatus.REJECTED:
        if request.duplicate_of_id:
            return _("Rejected as a duplicate of {ticket}.").format(ticket=request.duplicate_of.ticket)
        return _("Rejected: not accepted for handling.")
    if request.paused_at is not None:
        return _("{status}; waiting on information from the resident.").format(
            status=request.get_status_display()
        )
    return str(request.get_status_display())


def _description(request: ServiceRequest) -> str:
    from .redact import redact

    if not publishes_descriptions():
        return ""
    if request.status in (RequestStatus.SUBMITTED, RequestStatus.REJECTED) or request.involves_ethnic_factors:
        return ""
    return redact(request.description)[:4000]


def _coordinate(value):
    if value is None:
        return None
    return float(Decimal(value).quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP))


def area_names(paths) -> dict[str, str]:
    """Public address of each area path: its name and its ancestors' names down from the county, most specific
    first (one query for a whole page of requests)."""
    wanted = set()
    for path in paths:
        wanted.add(path)
        wanted.update(p for p in ancestor_paths(path) if len(p) >= ADDRESS_MIN_PATH)
    names = dict(Area.objects.filter(path__in=wanted).values_list("path", "name"))
    out = {}
    for path in paths:
        chain = [path, *reversed([p for p in ancestor_paths(path) if len(p) >= ADDRESS_MIN_PATH])]
        out[path] = ", ".join(names[p] for p in chain if p in names)
    return out


def public_requests_queryset():
    return ServiceRequest.objects.select_related("category", "area", "lead_department", "duplicate_of")


def request_dict(request: ServiceRequest, *, addresses: dict[str, str]) -> dict:
    accepted = request.status not in (RequestStatus.SUBMITTED, RequestStatus.REJECTED)
    closed = public_status(request) == CLOSED
    updated = (request.closed_at or request.updated_at) if closed else request.updated_at
    return {
        "service_request_id": request.ticket,
        "status": public_status(request),
        "status_notes": status_notes(request),
        "service_name": request.category.name,
        "service_code": request.category.code,
        "description": _description(request),
        "agency_responsible": request.lead_department.name if request.lead_department_id else "",
        "service_notice": "",
        "requested_datetime": request.submitted_at,
        "updated_datetime": updated,
        "expected_datetime": None if closed else request.reply_due,
        "address": addresses.get(request.area_path, ""),
        "address_id": request.area.code,
        "zipcode": None,
        "lat": None if request.involves_ethnic_factors else _coordinate(request.latitude),
        "long": None if request.involves_ethnic_factors else _coordinate(request.longitude),
        "media_url": (getattr(request, "media_url", "") or "")
        if accepted and not request.involves_ethnic_factors
        else "",
    }


def request_dicts(requests) -> list[dict]:
    requests = list(requests)
    addresses = area_names({r.area_path for r in requests})
    return [request_dict(r, addresses=addresses) for r in requests]
