"""Pages of titles and their dynamic management: annual checks, warnings and rectifications, revocation, expiry
and re-verification, and veto events (entered and confirmed by offices)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.attachment_views import attachment_panel
from shiliu.core.scope import CHANGE, get_visible_or_404
from shiliu.core.views import (
    Column,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    can_change,
    require,
)

from .. import selectors, services
from ..choices import (
    TITLE_TRANSITIONS,
    VETO_TRANSITIONS,
    CheckResult,
    RectificationStatus,
    TitleStatus,
    VetoEventStatus,
    VetoKind,
)
from ..forms import (
    AnnualCheckForm,
    ReasonRequiredForm,
    RectificationCloseForm,
    ReverifyForm,
    RevocationForm,
    VetoEventForm,
    WarningForm,
)
from ..models import Rectification, VetoEvent
from .common import AREA_FILTER, LEVEL_FILTER, crumbs, is_office, title_crumbs, year_choices

VALIDITY_CHOICES = (
    ("valid", gettext_lazy("Within validity")),
    ("expiring", gettext_lazy("Expiring within 180 days")),
    ("expired", gettext_lazy("Past validity")),
)


def _batch_choices(request):
    return list(selectors.batch_list(user=request.user, filters={}).values_list("pk", "name")[:200])


class TitleListView(ScopedListView):
    title = gettext_lazy("Demonstration titles")
    pretitle = gettext_lazy("Named demonstration units and areas with their validity")
    selector = staticmethod(selectors.title_list)
    columns = (
        Column(lambda t: t.holder_name, gettext_lazy("Holder"), link=True),
        Column("name", gettext_lazy("Title conferred")),
        Column("level", gettext_lazy("Level")),
        Column("batch__name", gettext_lazy("Batch")),
        Column("document_number", gettext_lazy("Document number")),
        Column("named_on", gettext_lazy("Named on"), sort="named"),
        Column("valid_until", gettext_lazy("Valid until"), sort="valid"),
        Column("status", gettext_lazy("Status")),
    )
    filters = (
        AREA_FILTER,
        LEVEL_FILTER,
        ListFilter("status", gettext_lazy("Status"), choices=TitleStatus.choices),
        ListFilter("validity", gettext_lazy("Validity"), choices=VALIDITY_CHOICES),
        ListFilter("batch", gettext_lazy("Batch"), choices=_batch_choices),
    )
    search_placeholder = gettext_lazy("Name of the unit or area, or document number")
    sort_keys = {"named": "named_on", "valid": "valid_until", "created": "id"}
    sort_labels = {"named": gettext_lazy("Named on"), "valid": gettext_lazy("Valid until"),
                   "created": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-named"
    detail_url_name = "creation:title_detail"
    export_sheet = "creation_titles"
    empty_title = gettext_lazy("No titles yet")
    empty_message = gettext_lazy("Units and areas in your scope appear here once they are named.")


TITLE_STEPS = {
    # slug: (target status or None, label, danger)
    "check": (None, gettext_lazy("Record the annual check"), False),
    "warn": (TitleStatus.WARNED, gettext_lazy("Warn and order rectification"), False),
    "clear": (TitleStatus.ACTIVE, gettext_lazy("Clear the review"), False),
    "reverify": (TitleStatus.REVERIFIED, gettext_lazy("Re-verify"), False),
    "revoke": (TitleStatus.REVOKED, gettext_lazy("Revoke the title"), True),
}


def title_steps(user, title) -> list[dict]:
    """Buttons offered on a title: offices with the title in scope, and only where the status table allows."""
    if not (is_office(user) and can_change(user, title)):
        return []
    allowed = TITLE_TRANSITIONS[title.status]
    steps = []
    for slug, (target, label, danger) in TITLE_STEPS.items():
        if target is None:
            offered = title.status not in (TitleStatus.REVOKED, TitleStatus.EXPIRED)
        elif slug == "clear":
            offered = title.status == TitleStatus.UNDER_REVIEW
        else:
            offered = target in allowed
        if offered:
            steps.append({"slug": slug, "label": label, "danger": danger,
                          "url": reverse(f"creation:title_{slug}", args=[title.pk])})  # fmt: skip
    return steps


class TitleDetailView(ScopedDetailView):
    template_name = "creation/title_detail.html"

    def get_object(self):
        return selectors.title_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return title_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title, user = self.object, self.request.user
        holder = {"unit": title.unit_id} if title.unit_id else {"area": title.area_id, "unit__isnull": True}
        revocation = getattr(title, "revocation", None) if title.status == TitleStatus.REVOKED else None
        context.update(
            {
                "steps": title_steps(user, title),
                "events": list(title.events.select_related("actor").order_by("at", "id")),
                "checks": list(title.checks.select_related("checked_by").order_by("-year", "-id")),
                "rectifications": list(
                    title.rectifications.select_related("closed_by").order_by("deadline", "id")
                ),
                "revocation": revocation,
                "veto_events": list(
                    selectors.veto_event_list(user=user, filters={})
                    .filter(**holder)
                    .order_by("-occurred_on")[:10]
                ),
                "may_close": is_office(user) and can_change(user, title),
                "open_rectification": RectificationStatus.OPEN,
                # A revoked title's files are the decision record; otherwise the title's own (certificate, plaque).
                "panel": attachment_panel(user, revocation) if revocation else attachment_panel(user, title),
                "is_flagged": title.status == TitleStatus.UNDER_REVIEW,
            }
        )
        return context


class TitleStepView(ScopedEditView):
    step = ""
    success_url_name = "creation:title_detail"
    error_field_map = {"rectification_deadline": "deadline"}
    FORMS = {
        "check": (AnnualCheckForm, gettext_lazy("The annual check has been recorded.")),
        "warn": (WarningForm, gettext_lazy("The warning has been issued and a rectification opened.")),
        "clear": (ReasonRequiredForm, gettext_lazy("The review has been cleared.")),
        "reverify": (ReverifyForm, gettext_lazy("The title has been re-verified.")),
        "revoke": (RevocationForm, gettext_lazy("The title has been revoked.")),
    }

    def get_object(self):
        return selectors.title_get(user=self.request.user, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        self.form_class, self.success_message = self.FORMS[self.step]
        _target, self.title, self.danger = TITLE_STEPS[self.step]
        self.submit_label = self.title
        return super().dispatch(request, *args, **kwargs)

    def check_allowed(self):
        require(any(s["slug"] == self.step for s in title_steps(self.request.user, self.object)))

    def get_initial(self):
        today = timezone.localdate()
        return {"decided_on": today, "reverified_on": today, "checked_on": today, "year": today.year}

    def get_breadcrumbs(self):
        return title_crumbs(self.object, (self.title, None))

    def perform(self, form):
        data = dict(form.cleaned_data)
        actor, title = self.request.user, self.object
        if self.step == "check":
            result = data["result"]
            services.title_check_record(
                actor=actor, title=title, year=data["year"], checked_on=data["checked_on"], result=result,
                findings=data["findings"],
                rectification_deadline=data["deadline"] if result == CheckResult.WARNING else None,
            )  # fmt: skip
        elif self.step == "warn":
            services.title_warn(actor=actor, title=title, **data)
        elif self.step == "clear":
            services.title_clear_review(actor=actor, title=title, reason=data["reason"])
        elif self.step == "reverify":
            services.title_reverify(
                actor=actor, title=title, valid_until=data["valid_until"], reason=data["reason"]
            )
        elif self.step == "revoke":
            services.title_revoke(actor=actor, title=title, **data)
        return title


def title_step_view(slug):
    return type(f"Title{slug.title()}View", (TitleStepView,), {"step": slug}).as_view()


class RectificationCloseView(ScopedEditView):
    queryset = Rectification.objects.select_related("title")
    form_class = RectificationCloseForm
    title = gettext_lazy("Close the rectification")
    submit_label = gettext_lazy("Close")
    success_message = gettext_lazy("The rectification has been closed.")

    def get_object(self):
        return get_visible_or_404(self.queryset, self.request.user, CHANGE, pk=self.kwargs["pk"])

    def check_allowed(self):
        require(is_office(self.request.user) and self.object.status == RectificationStatus.OPEN)

    def get_success_url(self, result=None):
        return reverse("creation:title_detail", args=[self.object.title_id])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_breadcrumbs(self):
        return title_crumbs(self.object.title, (self.title, None))

    def perform(self, form):
        data = form.cleaned_data
        services.rectification_close(
            actor=self.request.user, rectification=self.object,
            completed=data["status"] == RectificationStatus.COMPLETED, outcome=data["outcome"],
        )  # fmt: skip
        return self.object


class CheckListView(ScopedListView):
    title = gettext_lazy("Annual checks")
    pretitle = gettext_lazy("Yearly checks of named units and areas")
    selector = staticmethod(selectors.check_list)
    columns = (
        Column(lambda c: c.title.holder_name, gettext_lazy("Holder"), link=True),
        Column("title__level", gettext_lazy("Level")),
        Column("year", gettext_lazy("Year"), sort="year"),
        Column("checked_on", gettext_lazy("Checked on"), sort="checked"),
        Column("result", gettext_lazy("Result")),
        Column("findings", gettext_lazy("Findings")),
    )
    filters = (
        AREA_FILTER,
        ListFilter("result", gettext_lazy("Result"), choices=CheckResult.choices),
        ListFilter(
            "year",
            gettext_lazy("Year"),
            choices=lambda request: year_choices(
                selectors.check_list(user=request.user, filters={}).values_list("year", flat=True).distinct()
            ),
        ),
    )
    search_placeholder = gettext_lazy("Name of the unit or area")
    sort_keys = {"year": "year", "checked": "checked_on", "created": "id"}
    sort_labels = {"year": gettext_lazy("Year"), "checked": gettext_lazy("Checked on"),
                   "created": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-checked"
    empty_title = gettext_lazy("No annual checks yet")
    empty_message = gettext_lazy("Checks recorded on titles in your scope appear here.")

    def detail_url(self, row):
        return reverse("creation:title_detail", args=[row.title_id])


class RectificationListView(ScopedListView):
    title = gettext_lazy("Rectifications")
    pretitle = gettext_lazy("Rectifications ordered after warnings, with their deadlines")
    selector = staticmethod(selectors.rectification_list)
    columns = (
        Column(lambda r: r.title.holder_name, gettext_lazy("Holder"), link=True),
        Column("problems", gettext_lazy("Problems to rectify")),
        Column("deadline", gettext_lazy("Deadline"), sort="deadline"),
        Column("status", gettext_lazy("Status")),
        Column("outcome", gettext_lazy("Outcome")),
    )
    filters = (AREA_FILTER, ListFilter("status", gettext_lazy("Status"), choices=RectificationStatus.choices))
    search_placeholder = gettext_lazy("Name of the unit or area")
    sort_keys = {"deadline": "deadline", "created": "id"}
    sort_labels = {"deadline": gettext_lazy("Deadline"), "created": gettext_lazy("Date created")}
    default_sort = "deadline"
    empty_title = gettext_lazy("No rectifications")
    empty_message = gettext_lazy("A warning on a title opens a rectification with a deadline.")

    def detail_url(self, row):
        return reverse("creation:title_detail", args=[row.title_id])


# ---------------------------------------------------------------- veto events

RECORD_KINDS = (
    ("service_requests.servicerequest", gettext_lazy("Service request")),
    ("service_requests.gridvisit", gettext_lazy("Grid visit")),
    ("activities.activity", gettext_lazy("Activity")),
)


class VetoEventListView(ScopedListView):
    title = gettext_lazy("Veto events")
    pretitle = gettext_lazy(
        "Veto grounds entered by offices; a confirmed event flags the holder's titles for review"
    )
    selector = staticmethod(selectors.veto_event_list)
    columns = (
        Column(lambda e: e.unit.name if e.unit_id else e.area.name, gettext_lazy("Unit or area"), link=True),
        Column("kind", gettext_lazy("Ground")),
        Column("occurred_on", gettext_lazy("Occurred on"), sort="occurred"),
        Column("description", gettext_lazy("Description")),
        Column("status", gettext_lazy("Status")),
        Column("decision_reason", gettext_lazy("Reason of the decision")),
    )
    filters = (
        AREA_FILTER,
        ListFilter("kind", gettext_lazy("Ground"), choices=VetoKind.choices),
        ListFilter("status", gettext_lazy("Status"), choices=VetoEventStatus.choices),
    )
    search_placeholder = gettext_lazy("Unit, area or description")
    sort_keys = {"occurred": "occurred_on", "created": "id"}
    sort_labels = {"occurred": gettext_lazy("Occurred on"), "created": gettext_lazy("Date created")}
    default_sort = "-occurred"
    detail_url_name = "creation:veto_event_detail"
    create_url_name = "creation:veto_event_create"
    create_label = gettext_lazy("Enter a veto event")
    empty_title = gettext_lazy("No veto events")
    empty_message = gettext_lazy("Veto grounds entered by offices in your scope appear here.")

    def can_create(self):
        return is_office(self.request.user)


class VetoEventDetailView(ScopedDetailView):
    template_name = "creation/veto_event_detail.html"
    queryset = VetoEvent.objects.select_related("area", "unit", "entered_by", "decided_by", "content_type")

    def get_breadcrumbs(self):
        return crumbs(gettext_lazy("Veto events"), "creation:veto_event_list", None, (str(self.object), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, user = self.object, self.request.user
        holder = {"unit": event.unit_id} if event.unit_id else {"area": event.area_id, "unit__isnull": True}
        context.update(
            {
                "may_decide": is_office(user)
                and context["can_change"]
                and VetoEventStatus.CONFIRMED in VETO_TRANSITIONS[event.status],
                "titles": list(selectors.title_list(user=user, filters={}).filter(**holder)[:20]),
                "record": _linked_record(user, event),
                "panel": attachment_panel(user, event),
            }
        )
        return context


def _linked_record(user, event):
    """The record behind the event, when it still exists and the user may see it (else just its type and id)."""
    if not event.content_type_id:
        return None
    model = event.content_type.model_class()
    obj = None
    if model is not None and hasattr(model, "scope_path_field"):
        from shiliu.core.scope import visible_to

        obj = visible_to(model._default_manager.filter(pk=event.object_id), user).first()
    url = obj.get_absolute_url() if obj is not None and hasattr(obj, "get_absolute_url") else ""
    return {
        "label": str(obj) if obj is not None else f"{event.content_type.name} #{event.object_id}",
        "url": url,
    }


class VetoEventCreateView(ScopedCreateView):
    form_class = VetoEventForm
    title = gettext_lazy("Enter a veto event")
    submit_label = gettext_lazy("Enter")
    cancel_url_name = "creation:veto_event_list"
    success_message = gettext_lazy(
        "The veto event has been entered; confirm it to flag the titles concerned."
    )
    error_field_map = {"unit": "unit_name", "content_type": "record_kind", "object_id": "record_id"}

    def check_allowed(self):
        require(is_office(self.request.user))

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"record_kinds": RECORD_KINDS}

    def get_initial(self):
        return {"area": getattr(self.request.user, "area_id", None), "occurred_on": timezone.localdate()}

    def get_breadcrumbs(self):
        return crumbs(gettext_lazy("Veto events"), "creation:veto_event_list", None, (self.title, None))

    def get_success_url(self, result=None):
        return reverse("creation:veto_event_detail", args=[result.pk])

    def perform(self, form):
        data = form.cleaned_data
        return services.veto_event_create(
            actor=self.request.user, area=data["area"], unit=data["unit"], kind=data["kind"],
            occurred_on=data["occurred_on"], description=data["description"], content_type=data.get("record_kind") or None,
            object_id=data.get("record_id") or None,
        )  # fmt: skip


class VetoEventDecideView(ScopedEditView):
    queryset = VetoEvent.objects.select_related("area", "unit")
    form_class = ReasonRequiredForm
    decision = "confirm"

    def get_object(self):
        return get_visible_or_404(self.queryset, self.request.user, CHANGE, pk=self.kwargs["pk"])

    def check_allowed(self):
        require(is_office(self.request.user))

    @property
    def title(self):
        return _("Confirm the veto event") if self.decision == "confirm" else _("Dismiss the veto event")

    @property
    def submit_label(self):
        return _("Confirm") if self.decision == "confirm" else _("Dismiss")

    @property
    def success_message(self):
        if self.decision == "confirm":
            return _("The veto event has been confirmed; the titles concerned are flagged for review.")
        return _("The veto event has been dismissed.")

    @property
    def danger(self):
        return self.decision == "confirm"

    def get_success_url(self, result=None):
        return reverse("creation:veto_event_detail", args=[self.object.pk])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_breadcrumbs(self):
        return crumbs(gettext_lazy("Veto events"), "creation:veto_event_list", None, (self.title, None))

    def perform(self, form):
        service = services.veto_event_confirm if self.decision == "confirm" else services.veto_event_dismiss
        return service(actor=self.request.user, event=self.object, reason=form.cleaned_data["reason"])
