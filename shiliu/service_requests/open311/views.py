"""Open311 GeoReport v2 endpoints (``/open311/v2/``): services, service definitions, requests and tokens, each
as ``.json`` or ``.xml``.

Reads need no key (the spec's rule) and publish public fields only (``public.py``). Filing a request needs an
``api_key`` of an active ``Open311Client``: the request goes through ``request_submit`` with channel
``open311``, into the client's area (or an area below it named by ``address_id`` / ``attribute[area_code]``),
rate-limited per key. Errors are the spec's list of ``{code, description}`` with the matching HTTP status.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from shiliu.core.errors import ApplicationError
from shiliu.orgs.models import Area

from .. import services
from ..choices import FINAL_STATUSES, OPEN_STATUSES, Channel, Priority
from . import keys, public
from .formats import Open311Error, render, render_error

DEFAULT_JURISDICTION_ID = "shiliu"
WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
MAX_DESCRIPTION = 4000
TOKEN_SALT = "shiliu.open311.token"
AREA_CODE = re.compile(r"^\d{12}(\d{3})?$")
PHONE = re.compile(r"^\+?[\d\s-]{5,20}$")


def jurisdiction_id() -> str:
    return getattr(settings, "OPEN311_JURISDICTION_ID", DEFAULT_JURISDICTION_ID)


def _param(request, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def open311(*methods: str):
    """Answer errors in the spec's format (in the format asked for), check the method and the jurisdiction."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, fmt: str, **kwargs):
            try:
                if request.method not in methods:
                    raise Open311Error(
                        405, _("Method {method} is not allowed here.").format(method=request.method)
                    )
                given = _param(request, "jurisdiction_id")
                if given and given != jurisdiction_id():
                    raise Open311Error(404, _("jurisdiction_id {value} was not found.").format(value=given))
                response = view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = render_error(fmt, error)
            except ApplicationError as error:
                description = str(error.message)
                if error.field:
                    description = f"{error.field}: {description}"
                response = render_error(fmt, Open311Error(400, description))
            except Http404:
                response = render_error(fmt, Open311Error(404, _("Not found.")))
            if response.status_code == 405:
                response["Allow"] = ", ".join(methods)
            return response

        return wrapped

    return decorate


# ---------------------------------------------------------------- services


@open311("GET")
def service_list(request, *, fmt: str):
    return render(fmt, "services", [public.service_dict(c) for c in public.active_categories()])


@open311("GET")
def service_definition(request, service_code: str, *, fmt: str):
    category = public.category_by_code(service_code)
    if category is None:
        raise Open311Error(404, _("service_code {code} was not found.").format(code=service_code))
    return render(fmt, "service_definition", public.service_definition(category))


# ---------------------------------------------------------------- requests


@csrf_exempt  # authenticated by api_key in the body, never by a session cookie
@open311("GET", "POST")
def requests_collection(request, *, fmt: str):
    if request.method == "POST":
        return _request_create(request, fmt=fmt)
    return _request_list(request, fmt=fmt)


@open311("GET")
def request_detail(request, service_request_id: str, *, fmt: str):
    found = public.public_requests_queryset().filter(ticket=service_request_id).first()
    if found is None:
        raise Open311Error(404, _("service_request_id {id} was not found.").format(id=service_request_id))
    return render(fmt, "service_requests", public.request_dicts([found]))


@open311("GET")
def token_detail(request, token: str, *, fmt: str):
    try:
        pk = int(signing.Signer(salt=TOKEN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise Open311Error(404, _("token {token} was not found.").format(token=token)) from None
    ticket = public.public_requests_queryset().filter(pk=pk).values_list("ticket", flat=True).first()
    if ticket is None:
        raise Open311Error(404, _("token {token} was not found.").format(token=token))
    return render(fmt, "service_requests", [{"service_request_id": ticket, "token": token}])


def token_for(request_pk: int) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign(str(request_pk))


def _parse_datetime(name: str, value: str):
    parsed = parse_datetime(value) if value else None
    if value and parsed is None:
        raise Open311Error(
            400, _("{name} must be a w3 date and time such as 2025-01-01T00:00:00Z.").format(name=name)
        )
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _request_list(request, *, fmt: str):
    qs = public.public_requests_queryset()
    ids = _comma_list(_param(request, "service_request_id"))
    if ids:
        # service_request_id overrides every other argument (the spec's rule).
        qs = qs.filter(ticket__in=ids[:MAX_RESULTS])
    else:
        start = _parse_datetime("start_date", _param(request, "start_date"))
        end = _parse_datetime("end_date", _param(request, "end_date"))
        if start and end and start > end:
            raise Open311Error(400, _("start_date must not be after end_date."))
        if start and end and end - start > WINDOW:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
        qs = qs.filter(submitted_at__gte=start, submitted_at__lte=end)
        if codes := _comma_list(_param(request, "service_code")):
            qs = qs.filter(category__code__in=codes)
        if wanted := _comma_list(_param(request, "status")):
            unknown = set(wanted) - {public.OPEN, public.CLOSED}
            if unknown:
                raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
            if set(wanted) == {public.OPEN}:
                qs = qs.filter(status__in=OPEN_STATUSES)
            elif set(wanted) == {public.CLOSED}:
                qs = qs.filter(status__in=FINAL_STATUSES)
    requests = qs.order_by("-submitted_at", "-id")[:MAX_RESULTS]
    return render(fmt, "service_requests", public.request_dicts(requests))


def _location(request, client) -> tuple[Area, dict]:
    """The area the request is filed in and the location fields to store; one location parameter is required."""
    lat, lng = _param(request, "lat"), _param(request, "long")
    address = _param(request, "address_string")
    code = _param(request, "address_id") or _param(request, "attribute[area_code]")
    if not ((lat and lng) or address or code):
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    fields: dict = {"address": address[:200]}
    if lat or lng:
        try:
            latitude, longitude = Decimal(lat), Decimal(lng)
        except InvalidOperation:
            raise Open311Error(
                400, _("lat and long must both be given as decimal degrees (WGS84).")
            ) from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise Open311Error(400, _("lat must lie between -90 and 90 and long between -180 and 180."))
        fields["latitude"] = latitude.quantize(Decimal("0.000001"))
        fields["longitude"] = longitude.quantize(Decimal("0.000001"))
    area = client.area
    if code:
        found = None
        if AREA_CODE.match(code):
            found = Area.objects.filter(code=code, is_active=True, path__startswith=client.area.path).first()
        if found is None:
            raise Open311Error(
                400,
                _("address_id {code} is not an area this api_key may file requests in.").format(code=code),
            )
        area = found
    return area, fields


def _request_create(request, *, fmt: str):
    client = keys.client_for_key(_param(request, "api_key"))
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = public.category_by_code(code)
    if category is None:
        raise Open311Error(404, _("service_code {code} was not found.").format(code=code))
    description = _param(request, "description")
    if not description:
        raise Open311Error(400, _("description was not provided."))
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description may not be longer than 4,000 characters."))
    priority = _param(request, "attribute[priority]") or Priority.NORMAL
    if priority not in Priority.values:
        raise Open311Error(
            400, _("attribute[priority] must be one of: {values}.").format(values=", ".join(Priority.values))
        )
    area, location = _location(request, client)
    phone = _param(request, "phone")
    if phone and not PHONE.match(phone):
        raise Open311Error(400, _("phone is not a valid phone number."))
    media_url = _param(request, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, _("media_url must be an http or https URL.")) from None
    # Family name first, as names are written here; only name and phone are kept (encrypted). email, device_id
    # and account_id are not stored: the platform keeps the least personal data a request needs.
    name = (_param(request, "last_name") + _param(request, "first_name"))[:50]
    keys.check_rate(client)
    created = services.request_submit(
        actor=None,
        channel=Channel.OPEN311,
        category=category,
        area=area,
        description=description,
        priority=priority,
        requester_name=name,
        requester_phone=phone,
        media_url=media_url,
        open311_client=client,
        **location,
    )
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": created.ticket,
                "token": token_for(created.pk),
                "service_notice": " ".join(
                    part
                    for part in (
                        public.service_notice(category),
                        _(
                            "Give the resident the ticket {ticket} and the rating code {code}: both are needed to "
                            "rate the outcome, and the code is not shown again."
                        ).format(ticket=created.ticket, code=getattr(created, "rating_code_plain", "")),
                    )
                    if part
                ),
                "account_id": None,
            }
        ],
        status=201,
    )


# ---------------------------------------------------------------- discovery


@open311("GET")
def discovery(request, *, fmt: str):
    base = request.build_absolute_uri("/open311/v2/")
    return render(
        fmt,
        "discovery",
        {
            "changeset": "2026-11-23T00:00:00Z",
            "contact": getattr(settings, "OPEN311_CONTACT", ""),
            "key_service": _("API keys are issued by the area office on the platform."),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-11-23T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )
