"""Pages of service requests: the list, the detail with its timeline, intake, and one POST view per transition."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.attachment_views import attachment_panel
from shiliu.core.errors import ApplicationError
from shiliu.core.forms import apply_application_error
from shiliu.core.privacy import MASKERS
from shiliu.core.scope import REVEAL, role_may, visible_to
from shiliu.core.views import (
    Column,
    ListFilter,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    reveal_url,
    signed_in,
)
from shiliu.orgs.models import Area

from .. import selectors, services
from ..choices import Channel, ExtensionStatus, Priority, RateKind, RatePart, RejectReason, RequestStatus
from ..forms import (
    ETHNIC_GUIDANCE,
    DispatchForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    FlagEthnicForm,
    NoteForm,
    ReasonForm,
    RejectForm,
    ReplyForm,
    RequestIntakeForm,
    RequiredNoteForm,
    TransferForm,
)
from ..models import RequestCategory, ServiceRequest
from ..tickets import normalize_ticket
from .common import (
    can_intake,
    category_options,
    department_options,
    is_grid_worker,
    is_office,
    percent_text,
    request_crumbs,
    requests_crumbs,
)

DEADLINE_LOOK = {
    "paused": (gettext_lazy("Clock paused"), "bg-secondary-lt"),
    "overdue": (gettext_lazy("Overdue"), "bg-red-lt"),
    "due_soon": (gettext_lazy("Due soon"), "bg-yellow-lt"),
    "on_time": (gettext_lazy("On time"), "bg-green-lt"),
}


def deadline_state(obj) -> dict | None:
    """How the step the request waits for stands against its deadline (the state comes from the selector)."""
    due, state = obj.deadline_at, obj.deadline_status
    if state not in DEADLINE_LOOK:
        return None
    label, css = DEADLINE_LOOK[state]
    return {"key": state, "label": label, "css": css, "due": due}


def _deadline_cell(obj):
    state = deadline_state(obj)
    if state is None:
        return "—"
    if state["due"]:
        return "{label} · {due}".format(
            label=state["label"], due=timezone.localtime(state["due"]).strftime("%m-%d %H:%M")
        )
    return state["label"]


# ---------------------------------------------------------------- list

ONLY = (("1", gettext_lazy("Only these")),)


class RequestListView(ScopedListView):
    template_name = "service_requests/request_list.html"
    title = gettext_lazy("Service requests")
    pretitle = gettext_lazy("Residents' requests from intake to rating")
    selector = staticmethod(selectors.request_list)
    columns = (
        Column("ticket", gettext_lazy("Ticket"), sort="id", link=True, css="text-nowrap"),
        Column("submitted_at", gettext_lazy("Submitted"), sort="submitted", css="text-nowrap"),  # fmt: skip
        Column("category__name", gettext_lazy("Category")),
        Column("area__name", gettext_lazy("Grid or area")),
        Column("status", gettext_lazy("Status")),
        Column("priority", gettext_lazy("Priority")),
        Column("lead_department__name", gettext_lazy("Lead department")),
        Column(_deadline_cell, gettext_lazy("Deadline"), sort="deadline", css="text-nowrap"),
        Column("requester_name", gettext_lazy("Resident"), mask="name"),
        Column("requester_phone", gettext_lazy("Phone"), mask="phone", css="text-nowrap"),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("category", gettext_lazy("Category"), choices=category_options),
        ListFilter("status", gettext_lazy("Status"), choices=RequestStatus.choices),
        ListFilter("priority", gettext_lazy("Priority"), choices=Priority.choices),
        ListFilter("channel", gettext_lazy("Channel"), choices=Channel.choices),
        ListFilter("department", gettext_lazy("Lead department"), choices=department_options),
        ListFilter("ethnic", gettext_lazy("Involves ethnic factors"), choices=ONLY),
        ListFilter("overdue", gettext_lazy("Overdue"), choices=ONLY),
        ListFilter("supervised", gettext_lazy("Under supervision"), choices=ONLY),
        ListFilter("date_from", gettext_lazy("Submitted from"), kind="date"),
        ListFilter("date_to", gettext_lazy("Submitted until"), kind="date"),
    )
    search_placeholder = gettext_lazy("Ticket or words of the description")
    sort_keys = {"submitted": "submitted_at", "deadline": "next_due", "id": "id"}
    sort_labels = {
        "submitted": gettext_lazy("Submitted"),
        "deadline": gettext_lazy("Deadline"),
        "id": gettext_lazy("Date created"),
    }
    default_sort = "-submitted"
    detail_url_name = "service_requests:request_detail"
    create_url_name = "service_requests:request_create"
    create_label = gettext_lazy("Record a request")
    export_sheet = "requests"
    empty_title = gettext_lazy("No requests yet")
    empty_message = gettext_lazy(
        "Requests raised by residents, grid workers and the office in your scope appear here."
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("category", "area", "lead_department")
            .defer("description", "reply_note", "rating_comment", "ethnic_factors_reason")
        )

    def can_create(self):
        return can_intake(self.request.user)

    @property
    def import_sheet(self):
        """Historical imports are the office's; the Import button is shown to office staff only."""
        return "requests" if is_office(self.request.user) else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        if get.get("rate") in RateKind.values and get.get("part") in RatePart.values:
            kind, part = RateKind(get["rate"]), RatePart(get["part"])
            context["drill_down"] = {
                "rate": kind.label,
                "part": part.label,
                "formula": selectors.FORMULAS[kind],
                "other_url": "?" + _with(get, part=RatePart.DENOMINATOR if part == RatePart.NUMERATOR
                                         else RatePart.NUMERATOR),
            }  # fmt: skip
        return context


def _with(get, **changes) -> str:
    query = get.copy()
    query.pop("cursor", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


# ---------------------------------------------------------------- detail


@dataclass(frozen=True)
class ActionSpec:
    """One transition: its form, how the form's data becomes the service call, and how it is shown."""

    form_class: type
    call: Any  # (actor, request, cleaned_data, view) -> result
    label: Any
    danger: bool = False
    needs_departments: bool = False
    confirm: Any = ""


def _dup(view, data):
    ticket = normalize_ticket(data.get("duplicate_ticket") or "")
    if not ticket:
        if data.get("kind") == "duplicate":
            raise ApplicationError(_("Enter the ticket of the original request."), field="duplicate_ticket")
        return None
    original = selectors.request_list(user=view.request.user, filters={}).filter(ticket=ticket).first()
    if original is None:
        raise ApplicationError(_("No request in your scope has this ticket."), field="duplicate_ticket")
    return original


def _pending_extension(request_obj):
    extension = request_obj.extensions.filter(status=ExtensionStatus.PENDING).first()
    if extension is None:
        raise ApplicationError(_("There is no pending extension request."), field="approve")
    return extension


def _reject_reason(data) -> str:
    return _("{kind}: {reason}").format(kind=RejectReason(data["kind"]).label, reason=data["reason"])


S = services
ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(NoteForm, lambda a, r, d, v: S.request_accept(actor=a, request=r, note=d["note"]),
                         gettext_lazy("Accept")),
    "reject": ActionSpec(
        RejectForm,
        lambda a, r, d, v: S.request_reject(actor=a, request=r, reason=_reject_reason(d), duplicate_of=_dup(v, d)),
        gettext_lazy("Reject"), danger=True,
        confirm=gettext_lazy("Reject this request? The resident sees the reason."),
    ),
    "dispatch": ActionSpec(
        DispatchForm,
        lambda a, r, d, v: S.request_dispatch(actor=a, request=r, department=d["department"],
                                              assisting=tuple(d["assisting"]), note=d["note"]),
        gettext_lazy("Dispatch"), needs_departments=True,
    ),
    "transfer": ActionSpec(
        TransferForm,
        lambda a, r, d, v: S.request_transfer(actor=a, request=r, department=d["department"], note=d["note"]),
        gettext_lazy("Transfer"), needs_departments=True,
    ),
    "sign": ActionSpec(NoteForm, lambda a, r, d, v: S.request_sign(actor=a, request=r, note=d["note"]),
                       gettext_lazy("Sign for")),
    "return": ActionSpec(
        ReasonForm, lambda a, r, d, v: S.request_return(actor=a, request=r, reason=d["reason"]),
        gettext_lazy("Return as mis-routed"), danger=True,
        confirm=gettext_lazy("Return this order to the office as mis-routed?"),
    ),
    "start": ActionSpec(NoteForm, lambda a, r, d, v: S.request_start(actor=a, request=r, note=d["note"]),
                        gettext_lazy("Start handling")),
    "extension_request": ActionSpec(
        ExtensionRequestForm,
        lambda a, r, d, v: S.request_extension_request(actor=a, request=r, until=d["until"], reason=d["reason"]),
        gettext_lazy("Request an extension"),
    ),
    "extension_decide": ActionSpec(
        ExtensionDecideForm,
        lambda a, r, d, v: S.request_extension_decide(actor=a, extension=_pending_extension(r),
                                                      approve=d["approve"], note=d["note"]),
        gettext_lazy("Decide on the extension"),
    ),
    "reply": ActionSpec(
        ReplyForm,
        lambda a, r, d, v: S.request_reply(actor=a, request=r, result=d["result"], note=d["note"],
                                           reason=d["reason"]),
        gettext_lazy("Reply"),
    ),
    "verify": ActionSpec(NoteForm, lambda a, r, d, v: S.request_verify(actor=a, request=r, note=d["note"]),
                         gettext_lazy("Verify")),
    "send_back": ActionSpec(
        RequiredNoteForm, lambda a, r, d, v: S.request_send_back(actor=a, request=r, note=d["note"]),
        gettext_lazy("Send back for rework"), danger=True,
        confirm=gettext_lazy("Send the reply back to the department for rework?"),
    ),
    "close": ActionSpec(NoteForm, lambda a, r, d, v: S.request_close(actor=a, request=r, note=d["note"]),
                        gettext_lazy("Close")),
    "pause": ActionSpec(ReasonForm, lambda a, r, d, v: S.request_pause(actor=a, request=r, reason=d["reason"]),
                        gettext_lazy("Pause the clock")),
    "resume": ActionSpec(NoteForm, lambda a, r, d, v: S.request_resume(actor=a, request=r, note=d["note"]),
                         gettext_lazy("Resume the clock")),
    "supervise": ActionSpec(
        RequiredNoteForm, lambda a, r, d, v: S.request_supervise(actor=a, request=r, note=d["note"]),
        gettext_lazy("Put under supervision"),
    ),
    "note": ActionSpec(RequiredNoteForm, lambda a, r, d, v: S.request_note(actor=a, request=r, note=d["note"]),
                       gettext_lazy("Add a note")),
    "flag_ethnic": ActionSpec(
        FlagEthnicForm,
        lambda a, r, d, v: S.request_flag_ethnic(actor=a, request=r, is_ethnic=d["is_ethnic"], reason=d["reason"]),
        gettext_lazy("Ethnic factors flag"),
    ),
}  # fmt: skip


def make_action_form(slug: str, *, user, request_obj, data=None):
    spec = ACTIONS[slug]
    kwargs: dict[str, Any] = {"prefix": slug}
    if spec.needs_departments:
        kwargs["departments"] = selectors.department_choices(user=user, request=request_obj)
    if slug == "dispatch" and data is None:
        suggested = services.routing_suggest(category=request_obj.category, area=request_obj.area)
        if suggested is not None:
            kwargs["initial"] = {"department": suggested.pk}
    if slug == "flag_ethnic" and data is None:
        kwargs["initial"] = {"is_ethnic": "0" if request_obj.involves_ethnic_factors else "1"}
    return spec.form_class(data, **kwargs)


def timeline_of(request_obj):
    return request_obj.events.select_related("actor", "department").order_by("created_at", "id")


class RequestDetailView(ScopedDetailView):
    template_name = "service_requests/request_detail.html"

    def get_object(self):
        return selectors.request_get(user=self.request.user, pk=self.kwargs["pk"], action="view")

    def get_breadcrumbs(self):
        return request_crumbs(self.object)

    def action_forms(self, bound: dict | None = None) -> list[dict]:
        bound = bound or {}
        user, obj = self.request.user, self.object
        forms = []
        for slug in selectors.request_actions(user=user, request=obj):
            if slug not in ACTIONS:
                continue
            spec = ACTIONS[slug]
            form = bound.get(slug) or make_action_form(slug, user=user, request_obj=obj)
            forms.append(
                {
                    "slug": slug,
                    "label": spec.label,
                    "danger": spec.danger,
                    "confirm": spec.confirm,
                    "form": form,
                    "url": reverse(f"service_requests:request_{slug}", args=[obj.pk]),
                    "open": slug in bound,
                }
            )
        return forms

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        obj, user = self.object, self.request.user
        may_reveal = role_may(user, ServiceRequest, REVEAL)
        actions = self.action_forms(bound)
        context.update(
            {
                "timeline": timeline_of(obj),
                "deadline": deadline_state(obj),
                "name_masked": MASKERS["name"](obj.requester_name),
                "phone_masked": MASKERS["phone"](obj.requester_phone),
                "name_reveal_url": reveal_url(obj, "requester_name") if may_reveal else None,
                "phone_reveal_url": reveal_url(obj, "requester_phone") if may_reveal else None,
                "attachments": attachment_panel(user, obj),
                "actions": [a for a in actions if a["slug"] != "flag_ethnic"],
                "flag_action": next((a for a in actions if a["slug"] == "flag_ethnic"), None),
                "ethnic_guidance": ETHNIC_GUIDANCE,
                "assists": obj.assists.select_related("department").order_by("added_at"),
                "extensions": obj.extensions.select_related("requested_by", "decided_by", "department"),
                "duplicates": selectors.request_list(user=user, filters={}).filter(duplicate_of=obj),
            }
        )
        return context


class RequestActionView(RequestDetailView):
    """One transition of a request. POST calls the service; a refusal shows on the detail page as form errors.
    GET shows the same form alone (used for confirmation of destructive actions and without JavaScript)."""

    action_slug = ""
    template_name = "service_requests/request_detail.html"

    def get_object(self):
        return selectors.request_get(user=self.request.user, pk=self.kwargs["pk"], action="change")

    def check_action(self):
        if self.action_slug not in selectors.request_actions(user=self.request.user, request=self.object):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.check_action()
        spec = ACTIONS[self.action_slug]
        form = make_action_form(self.action_slug, user=request.user, request_obj=self.object)
        return render(
            request,
            "service_requests/action_form.html",
            {
                "object": self.object,
                "form": form,
                "title": spec.label,
                "submit_label": spec.label,
                "danger": spec.danger,
                "confirm": spec.confirm,
                "cancel_url": reverse("service_requests:request_detail", args=[self.object.pk]),
                "breadcrumbs": request_crumbs(self.object, (spec.label, None)),
                "guidance": ETHNIC_GUIDANCE if self.action_slug == "flag_ethnic" else "",
            },
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.check_action()
        spec = ACTIONS[self.action_slug]
        form = make_action_form(
            self.action_slug, user=request.user, request_obj=self.object, data=request.POST
        )
        if form.is_valid():
            try:
                spec.call(request.user, self.object, form.cleaned_data, self)
            except ApplicationError as exc:
                apply_application_error(form, exc)
            else:
                messages.success(request, _("{action}: done.").format(action=spec.label))
                return redirect("service_requests:request_detail", self.object.pk)
        # Re-read: a refused service rolled back; the page shows the request as stored, with the form's errors.
        self.object = self.get_object()
        return render(
            request, self.template_name, self.get_context_data(bound={self.action_slug: form}), status=400
        )


def action_view(slug: str):
    return type(
        f"Request{slug.title().replace('_', '')}View", (RequestActionView,), {"action_slug": slug}
    ).as_view()


# ---------------------------------------------------------------- intake


class RequestCreateView(ServiceFormView):
    form_class = RequestIntakeForm
    template_name = "service_requests/request_form.html"
    title = gettext_lazy("Record a request")
    submit_label = gettext_lazy("Record the request")
    success_url_name = "service_requests:request_detail"
    cancel_url_name = "service_requests:request_list"
    success_message = gettext_lazy("The request has been recorded.")

    def check_allowed(self):
        if not can_intake(self.request.user):
            raise PermissionDenied

    def get_breadcrumbs(self):
        return requests_crumbs((self.title, None))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        if is_grid_worker(user):
            kwargs["grids"] = selectors.grid_choices(user=user)
            since = timezone.localdate() - datetime.timedelta(days=90)
            kwargs["visits"] = selectors.visit_list(user=user, filters={}).filter(
                worker=user, visited_on__gte=since
            )
        return kwargs

    def get_initial(self):
        initial = {"priority": Priority.NORMAL}
        visit = self.request.GET.get("visit")
        if visit and is_grid_worker(self.request.user):
            found = selectors.visit_list(user=self.request.user, filters={}).filter(pk=visit).first()
            if found is not None:
                initial.update({"visit": found.pk, "area": found.grid_id})
        return initial

    def perform(self, form):
        return services.request_submit(actor=self.request.user, **form.service_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["routing_url"] = reverse("service_requests:routing_suggestion")
        return context


@signed_in
def routing_suggestion(request):
    """HTMX fragment on the intake form: the department the routing rules suggest for a category and area."""
    category = RequestCategory.objects.filter(pk=_int(request.GET.get("category"))).first()
    area = visible_to(Area.objects.filter(pk=_int(request.GET.get("area"))), request.user).first()
    department = services.routing_suggest(category=category, area=area) if category and area else None
    return render(
        request,
        "service_requests/partials/routing_suggestion.html",
        {"department": department, "asked": bool(category and area)},
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------- home panel


def home_panel(request):
    """Requests in the user's scope this year, closed ones and the four rates; each figure links to its list."""
    from shiliu.core.scope import scope_of

    if scope_of(request.user).is_empty:
        return None
    year = timezone.localdate().year
    figures = selectors.request_figures(
        user=request.user, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31)
    )
    if not figures["requests"].value:
        return None
    counts = [figures["requests"], figures["closed"]]
    if not is_grid_worker(request.user):
        counts.append(selectors.open_reminders_figure(user=request.user))
    return {
        "template": "service_requests/home_panel.html",
        "year": year,
        "counts": counts,
        "rates": [
            {"figure": figure, "text": percent_text(figure.value)}
            for figure in (figures[f"{kind}_rate"] for kind in RateKind.values)
        ],
    }
