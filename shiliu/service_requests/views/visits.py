"""Grid visits (入户走访) and grid assignments: the worker's log and day list, the office's assignments."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from shiliu.core.attachment_views import attachment_panel
from shiliu.core.attachments import attachment_add
from shiliu.core.roles import Role
from shiliu.core.scope import visible_to
from shiliu.core.views import (
    BreadcrumbsMixin,
    Column,
    ListFilter,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    SignedInMixin,
)

from .. import selectors, services
from ..forms import EndAssignmentForm, GridAssignmentForm, VisitForm
from ..models import GridAssignment, GridVisit
from .common import can_intake, can_record_visit, is_grid_worker, is_office, parse_day, today


def visit_crumbs(*extra):
    return [(gettext_lazy("Grid visits"), reverse("service_requests:visit_list")), *extra]


class VisitListView(ScopedListView):
    title = gettext_lazy("Grid visits")
    pretitle = gettext_lazy("Visit rounds of the grid workers: households counted, never listed")
    selector = staticmethod(selectors.visit_list)
    columns = (
        Column("visited_on", gettext_lazy("Date of visit"), sort="date", link=True),
        Column("grid__name", gettext_lazy("Grid")),
        Column("worker", gettext_lazy("Grid worker")),
        Column("households_visited", gettext_lazy("Households visited"), sort="households"),
        Column("requests_raised", gettext_lazy("Requests raised")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("mine", gettext_lazy("My visits only"), choices=(("1", gettext_lazy("Yes")),)),
        ListFilter("date_from", gettext_lazy("From"), kind="date"),
        ListFilter("date_to", gettext_lazy("To"), kind="date"),
    )
    search_placeholder = gettext_lazy("Words of the notes")
    sort_keys = {"date": "visited_on", "households": "households_visited", "id": "id"}
    sort_labels = {"date": gettext_lazy("Date of visit"), "households": gettext_lazy("Households visited"),
                   "id": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-date"
    detail_url_name = "service_requests:visit_detail"
    create_url_name = "service_requests:visit_create"
    create_label = gettext_lazy("Record a visit")
    empty_title = gettext_lazy("No visits yet")
    empty_message = gettext_lazy("Visit rounds recorded by grid workers in your scope appear here.")

    def get_queryset(self):
        return super().get_queryset().select_related("grid", "worker")

    def can_create(self):
        return can_record_visit(self.request.user)


class VisitDetailView(ScopedDetailView):
    template_name = "service_requests/visit_detail.html"

    def get_object(self):
        return selectors.visit_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return visit_crumbs((str(self.object), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["attachments"] = attachment_panel(user, self.object)
        context["raised"] = (
            selectors.request_list(user=user, filters={}).filter(visit=self.object).select_related("category")
        )
        context["can_raise"] = can_intake(user) and self.object.worker_id == user.pk
        return context


class VisitCreateView(ServiceFormView):
    form_class = VisitForm
    template_name = "service_requests/visit_form.html"
    title = gettext_lazy("Record a visit")
    submit_label = gettext_lazy("Record the visit")
    success_url_name = "service_requests:visit_detail"
    cancel_url_name = "service_requests:visit_day"
    success_message = gettext_lazy("The visit has been recorded.")
    error_field_map = {"households": "households", "visited_on": "date"}

    def check_allowed(self):
        if not can_record_visit(self.request.user):
            raise PermissionDenied

    def get_breadcrumbs(self):
        return visit_crumbs((self.title, None))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user", None)
        kwargs["grids"] = selectors.grid_choices(user=self.request.user)
        return kwargs

    def get_form(self, form_class=None):
        return (form_class or self.get_form_class())(**self.get_form_kwargs())

    def get_initial(self):
        return {"date": today()}

    def form_valid(self, form):
        self._photos = form.cleaned_data.get("photos") or []
        return super().form_valid(form)

    def perform(self, form):
        data = form.cleaned_data
        visit = services.visit_record(
            actor=self.request.user, grid=data["grid"], date=data["date"], households=data["households"],
            notes=data["notes"],
        )  # fmt: skip
        for photo in self._photos:
            attachment_add(actor=self.request.user, owner=visit, uploaded=photo)
        return visit


class VisitDayView(SignedInMixin, BreadcrumbsMixin, TemplateView):
    """The worker's day at phone width: their visits and the requests they raised on one day."""

    template_name = "service_requests/visit_day.html"

    def get_breadcrumbs(self):
        return visit_crumbs((gettext_lazy("My day"), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        day = parse_day(self.request.GET.get("date")) or today()
        visits = (
            selectors.visit_list(user=user, filters={})
            .filter(worker=user, visited_on=day)
            .select_related("grid")
        )
        start = datetime.datetime.combine(day, datetime.time.min)
        from django.utils import timezone

        start = timezone.make_aware(start)
        raised = (
            selectors.request_list(user=user, filters={})
            .filter(
                created_by=user, submitted_at__gte=start, submitted_at__lt=start + datetime.timedelta(days=1)
            )
            .select_related("category", "area")
        )
        context.update(
            {
                "day": day,
                "previous": day - datetime.timedelta(days=1),
                "next": day + datetime.timedelta(days=1) if day < today() else None,
                "visits": visits,
                "raised": raised,
                "households": sum(v.households_visited for v in visits),
                "can_record": can_record_visit(user),
                "can_raise": can_intake(user),
                "grids": selectors.grid_choices(user=user) if is_grid_worker(user) else [],
            }
        )
        return context


# ---------------------------------------------------------------- assignments (office)


class GridAssignmentListView(ScopedListView):
    title = gettext_lazy("Grid assignments")
    pretitle = gettext_lazy("Which grid worker looks after which grid")
    selector = staticmethod(selectors.grid_assignment_list)
    columns = (
        Column("grid__name", gettext_lazy("Grid"), link=True),
        Column("worker", gettext_lazy("Grid worker")),
        Column("start", gettext_lazy("Start date"), sort="start"),
        Column("end", gettext_lazy("End date")),
    )
    filters = (ListFilter("current", gettext_lazy("Current only"), choices=(("1", gettext_lazy("Yes")),)),)
    search = False
    sort_keys = {"start": "start", "id": "id"}
    sort_labels = {"start": gettext_lazy("Start date"), "id": gettext_lazy("Date created")}
    default_sort = "-start"
    create_url_name = "service_requests:grid_assignment_create"
    create_label = gettext_lazy("Assign a grid")
    empty_title = gettext_lazy("No grid assignments yet")
    empty_message = gettext_lazy("Assign grid workers to the grids of your area here.")

    def get_queryset(self):
        return super().get_queryset().select_related("grid", "worker")

    def detail_url(self, row):
        return reverse("service_requests:grid_assignment_end", args=[row.pk]) if row.end is None else None

    def can_create(self):
        return is_office(self.request.user)


class GridAssignmentCreateView(ServiceFormView):
    form_class = GridAssignmentForm
    title = gettext_lazy("Assign a grid")
    submit_label = gettext_lazy("Assign")
    cancel_url_name = "service_requests:grid_assignment_list"
    success_message = gettext_lazy("The grid has been assigned.")
    error_field_map = {"start_date": "start"}

    def check_allowed(self):
        if not is_office(self.request.user):
            raise PermissionDenied

    def get_breadcrumbs(self):
        return [
            (gettext_lazy("Grid assignments"), reverse("service_requests:grid_assignment_list")),
            (self.title, None),
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        workers = visible_to(
            get_user_model().objects.filter(role=Role.GRID, is_active=True), self.request.user
        )
        kwargs["workers"] = workers.order_by("username")
        return kwargs

    def get_initial(self):
        return {"start": today()}

    def perform(self, form):
        data = form.cleaned_data
        return services.grid_assignment_create(
            actor=self.request.user, worker=data["worker"], grid=data["grid"], start=data["start"]
        )

    def get_success_url(self, result=None):
        return reverse("service_requests:grid_assignment_list")


class GridAssignmentEndView(ServiceFormView):
    model = GridAssignment
    form_class = EndAssignmentForm
    title = gettext_lazy("End the assignment")
    submit_label = gettext_lazy("End the assignment")
    cancel_url_name = "service_requests:grid_assignment_list"
    success_message = gettext_lazy("The assignment has been ended.")
    danger = True

    def check_allowed(self):
        if not is_office(self.request.user):
            raise PermissionDenied

    def get_cancel_url(self):
        return reverse("service_requests:grid_assignment_list")

    def get_breadcrumbs(self):
        return [
            (gettext_lazy("Grid assignments"), reverse("service_requests:grid_assignment_list")),
            (self.title, None),
        ]

    def get_initial(self):
        return {"end": today()}

    def perform(self, form):
        return services.grid_assignment_end(
            actor=self.request.user, assignment=self.object, end=form.cleaned_data["end"]
        )

    def get_success_url(self, result=None):
        return reverse("service_requests:grid_assignment_list")


__all__ = ["GridVisit"]
