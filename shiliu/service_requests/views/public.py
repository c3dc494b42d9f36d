"""The residents' pages, without login: submit a request, look up its status, rate it once.

Nothing here shows personal data or staff names. The submit and rate forms are guarded against robots and
floods by :mod:`.guard`; the rating code is checked by the service, and wrong guesses count against the address.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from shiliu.core.errors import ApplicationError
from shiliu.core.forms import apply_application_error

from .. import selectors, services
from ..choices import Channel, Rating
from ..forms import PublicLookupForm, PublicRateForm, PublicRequestForm
from ..tickets import normalize_ticket
from . import guard

SESSION_KEY = "service_requests.public_receipt"


def public_status(ticket: str) -> dict | None:
    """The selector's public status plus the labels the page shows."""
    status = selectors.request_public_status(ticket=ticket) if ticket else None
    if status is not None and status.get("rating") and not status.get("rating_label"):
        status = {**status, "rating_label": Rating(status["rating"]).label}
    return status


def _refuse(form, message):
    form.add_error(None, message)


@never_cache
@csrf_protect
def public_create(request):
    if request.method == "POST":
        form = PublicRequestForm(request.POST, request.FILES)
        if guard.rate_exceeded(request):
            _refuse(form, _("Too many requests have been sent from your network recently. Please try again later "
                            "or call the office."))  # fmt: skip
            return _render_create(request, form, status=429)
        guard.rate_count(request)
        problem = guard.token_problem(request.POST.get("started", ""))
        if request.POST.get("website"):
            # A honeypot answer: pretend to accept nothing happened, say nothing useful to the robot.
            _refuse(form, _("The request could not be accepted. Please try again."))
            return _render_create(request, form, status=400)
        if problem == "too_fast":
            _refuse(form, _("The form was sent too quickly. Please check your request and send it again."))
            return _render_create(request, form, status=400)
        if problem == "stale":
            _refuse(form, _("The form has expired. Please send it again."))
            return _render_create(request, form, status=400)
        if form.is_valid():
            data = form.cleaned_data
            if guard.is_duplicate_text(data["description"]):
                _refuse(form, _("The same request has already been received. You do not need to send it again; "
                                "use your ticket code to follow it."))  # fmt: skip
                return _render_create(request, form, status=400)
            try:
                obj = services.request_submit(
                    actor=None,
                    channel=Channel.WEB,
                    category=data["category"],
                    area=data["area"],
                    description=data["description"],
                    priority="normal",
                    requester_name=data["requester_name"],
                    requester_phone=data["requester_phone"],
                    address=data.get("address") or "",
                    photos=data.get("photos") or [],
                )
            except ApplicationError as exc:
                apply_application_error(form, exc)
            else:
                guard.remember_text(data["description"])
                request.session[SESSION_KEY] = {
                    "ticket": obj.ticket,
                    "rating_code": getattr(obj, "rating_code_plain", ""),
                }
                return redirect("service_requests:public_done")
        return _render_create(request, form, status=400)
    # An office's poster or QR code may link to its community: ?area=<id> starts the picker there.
    initial = {"area": request.GET["area"]} if str(request.GET.get("area") or "").isdigit() else {}
    return _render_create(request, PublicRequestForm(initial=initial))


def public_areas(request):
    """One level of the area picker of the public form (JSON); area names only."""
    raw = request.GET.get("parent") or ""
    if raw and not raw.isdigit():
        raise Http404
    rows = selectors.public_area_children(parent_id=int(raw) if raw else None)
    if rows is None:
        raise Http404
    response = JsonResponse({"areas": rows})
    response["Cache-Control"] = "public, max-age=300"
    return response


def _render_create(request, form, status=200):
    # A fresh signed timestamp each render: the minimum fill time counts from the page the person sees.
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["started"] = guard.render_token()
    else:
        form.initial["started"] = guard.render_token()
    return render(
        request,
        "service_requests/public_create.html",
        {"form": form, "min_seconds": guard.min_fill_seconds(), "area_chain": form.area_chain()},
        status=status,
    )


@never_cache
def public_done(request):
    """The ticket and the rating code, shown once: the receipt is removed from the session as it is shown."""
    receipt = request.session.pop(SESSION_KEY, None)
    if not receipt:
        return redirect("service_requests:public_lookup")
    return render(request, "service_requests/public_done.html", {"receipt": receipt})


@never_cache
def public_lookup(request):
    form = PublicLookupForm(request.GET or None)
    status = None
    code = 200
    if form.is_bound and form.is_valid():
        if guard.rate_exceeded(request, "lookup"):
            form.add_error(None, _("Too many look-ups from your network. Please try again later."))
            code = 429
        else:
            ticket = normalize_ticket(form.cleaned_data["ticket"])
            status = public_status(ticket)
            if status is None:
                guard.rate_count(request, "lookup")
                form.add_error("ticket", _("No request has this ticket code. Check the code and try again."))
                code = 404
    return render(
        request, "service_requests/public_lookup.html", {"form": form, "status": status}, status=code
    )


@never_cache
@csrf_protect
def public_rate(request, ticket):
    ticket = normalize_ticket(ticket)
    status = public_status(ticket)
    if status is None:
        return render(request, "service_requests/public_lookup.html",
                      {"form": PublicLookupForm(), "status": None, "not_found": True}, status=404)  # fmt: skip
    form = PublicRateForm(request.POST or None)
    code = 200
    if request.method == "POST":
        if guard.rate_exceeded(request, "rate"):
            form.add_error(None, _("Too many attempts from your network. Please try again later."))
            code = 429
        elif request.POST.get("website"):
            form.add_error(None, _("The rating could not be accepted. Please try again."))
            code = 400
        elif form.is_valid():
            try:
                services.request_rate(
                    ticket=ticket,
                    rating_code=form.cleaned_data["rating_code"].strip(),
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as exc:
                guard.rate_count(request, "rate")  # wrong codes count: six digits must not be guessable
                apply_application_error(form, exc)
                code = 400
            else:
                messages.success(request, _("Thank you. Your rating has been recorded."))
                return redirect(reverse("service_requests:public_lookup") + "?ticket=" + ticket)
        else:
            code = 400
    return render(
        request,
        "service_requests/public_rate.html",
        {"form": form, "status": status, "ticket": ticket},
        status=code,
    )
