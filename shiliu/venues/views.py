"""Pages of venues and their visitor counts. Each view declares what to fetch and which service to call."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.attachment_views import attachment_panel
from shiliu.core.forms import ReasonForm
from shiliu.core.scope import CHANGE, role_may, scope_of, visible_to
from shiliu.core.views import (
    Column,
    ConfirmActionView,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    require,
)

from . import selectors, services
from .choices import VenueLevel, VenueStatus
from .forms import VenueForm, VisitCountForm
from .models import Venue, VenueVisitCount


def can_write(user, model) -> bool:
    scope = scope_of(user)
    return role_may(user, model, CHANGE) and not scope.is_empty and scope.unit_id is None


def _venue_type_choices(request):
    return [(t.code, t.name) for t in selectors.venue_type_list()]


class VenueListView(ScopedListView):
    title = gettext_lazy("Venues")
    pretitle = gettext_lazy("Venues of publicity and education")
    selector = staticmethod(selectors.venue_list)
    columns = (
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("venue_type__name", gettext_lazy("Type")),
        Column("area__name", gettext_lazy("Area")),
        Column("level", gettext_lazy("Level")),
        Column("capacity", gettext_lazy("Capacity"), css="text-end"),
        Column("status", gettext_lazy("Status")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("venue_type", gettext_lazy("Type"), choices=_venue_type_choices),
        ListFilter("level", gettext_lazy("Level"), choices=VenueLevel.choices),
        ListFilter("status", gettext_lazy("Status"), choices=VenueStatus.choices),
    )
    search_placeholder = gettext_lazy("Name or address")
    sort_keys = {"name": "name", "created": "id"}
    sort_labels = {"name": gettext_lazy("Name"), "created": gettext_lazy("Date created")}
    default_sort = "name"
    detail_url_name = "venues:venue_detail"
    create_url_name = "venues:venue_create"
    create_label = gettext_lazy("New venue")
    export_sheet = "venues"
    import_sheet = "venues"
    empty_title = gettext_lazy("No venues yet")
    empty_message = gettext_lazy("Venues in your scope appear here once they are created or imported.")

    def can_create(self):
        return can_write(self.request.user, Venue)


def venue_crumbs(venue, *extra):
    return [
        (gettext_lazy("Venues"), reverse("venues:venue_list")),
        (venue.name, reverse("venues:venue_detail", args=[venue.pk]) if extra else None),
        *extra,
    ]


class VenueDetailView(ScopedDetailView):
    template_name = "venues/venue_detail.html"

    def get_object(self):
        return selectors.venue_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return venue_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, venue = self.request.user, self.object
        # Activities hosted, through the reverse relation (venues do not import the activities app).
        hosted = visible_to(venue.activities.select_related("activity_type", "unit", "area"), user)
        visits = selectors.visit_list(user=user, filters={"venue": venue.pk})
        totals = visits.aggregate(n=Count("id"), visitors=Sum("visitors"))
        context.update(
            {
                "hosted": hosted.order_by("-start_date", "-id")[:50],
                "hosted_count": hosted.count(),
                "hosted_url": f"{reverse('activities:activity_list')}?venue={venue.pk}",
                "visits": visits.order_by("-period_start")[:50],
                "visitors_total": totals["visitors"] or 0,
                "visits_url": f"{reverse('venues:visit_list')}?venue={venue.pk}",
                "is_archived": venue.status == VenueStatus.ARCHIVED,
                "can_count": can_write(user, VenueVisitCount) and context["can_change"],
                "attachments": attachment_panel(user, venue),
            }
        )
        return context


class VenueCreateView(ScopedCreateView):
    form_class = VenueForm
    title = gettext_lazy("New venue")
    submit_label = gettext_lazy("Create venue")
    success_url_name = "venues:venue_detail"
    cancel_url_name = "venues:venue_list"
    success_message = gettext_lazy("The venue has been created.")

    def check_allowed(self):
        require(can_write(self.request.user, Venue))

    def get_breadcrumbs(self):
        return [(gettext_lazy("Venues"), reverse("venues:venue_list")), (self.title, None)]

    def perform(self, form):
        return services.venue_create(actor=self.request.user, **form.cleaned_data)


class VenueEditView(ScopedEditView):
    queryset = Venue.objects.select_related("venue_type", "area")
    form_class = VenueForm
    title = gettext_lazy("Edit venue")
    success_url_name = "venues:venue_detail"
    success_message = gettext_lazy("The venue has been saved.")

    def get_initial(self):
        venue = self.object
        return {f: getattr(venue, f) for f in services.VENUE_FIELDS} | {
            "venue_type": venue.venue_type_id,
            "area": venue.area_id,
        }

    def get_breadcrumbs(self):
        return venue_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.venue_update(actor=self.request.user, venue=self.object, **form.cleaned_data)


class VenueArchiveView(ConfirmActionView):
    model = Venue
    form_class = ReasonForm
    title = gettext_lazy("Archive venue")
    submit_label = gettext_lazy("Archive")
    success_url_name = "venues:venue_detail"
    success_message = gettext_lazy("The venue has been archived.")

    @property
    def question(self):
        return _("Archive {name}? Its activities and visitor counts are kept; it can be restored.").format(
            name=self.object.name
        )

    def get_breadcrumbs(self):
        return venue_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.venue_archive(
            actor=self.request.user, venue=self.object, reason=form.cleaned_data["reason"]
        )


class VenueRestoreView(ConfirmActionView):
    model = Venue
    title = gettext_lazy("Restore venue")
    submit_label = gettext_lazy("Restore")
    success_url_name = "venues:venue_detail"
    success_message = gettext_lazy("The venue has been restored.")
    danger = False

    @property
    def question(self):
        return _("Restore {name} to the active venues?").format(name=self.object.name)

    def get_breadcrumbs(self):
        return venue_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.venue_restore(actor=self.request.user, venue=self.object)


class VisitCountCreateView(ScopedEditView):
    """Enter the visitors of one venue over a period (the venue is fetched through scope for writing)."""

    model = Venue
    form_class = VisitCountForm
    title = gettext_lazy("Record visitors")
    submit_label = gettext_lazy("Record")
    success_url_name = "venues:venue_detail"
    success_message = gettext_lazy("The visitor count has been recorded.")

    def check_allowed(self):
        require(can_write(self.request.user, VenueVisitCount))

    def get_breadcrumbs(self):
        return venue_crumbs(self.object, (self.title, None))

    def perform(self, form):
        services.visit_count_create(actor=self.request.user, venue=self.object, **form.cleaned_data)
        return self.object


class VisitCountDeleteView(ConfirmActionView):
    model = VenueVisitCount
    title = gettext_lazy("Delete visitor count")
    submit_label = gettext_lazy("Delete")
    success_message = gettext_lazy("The visitor count has been deleted.")

    @property
    def question(self):
        return _("Delete the count of {visitors} visitors from {start} to {end}?").format(
            visitors=self.object.visitors, start=self.object.period_start, end=self.object.period_end
        )

    def get_cancel_url(self):
        return reverse("venues:venue_detail", args=[self.object.venue_id])

    def get_success_url(self, result=None):
        return reverse("venues:venue_detail", args=[self.object.venue_id])

    def perform(self, form):
        services.visit_count_delete(actor=self.request.user, visit=self.object)


class VisitListView(ScopedListView):
    title = gettext_lazy("Venue visitors")
    pretitle = gettext_lazy("Visitor counts entered by office staff")
    selector = staticmethod(selectors.visit_list)
    columns = (
        Column("venue__name", gettext_lazy("Venue"), link=True),
        Column("venue__area__name", gettext_lazy("Area")),
        Column("period_start", gettext_lazy("From"), sort="start"),
        Column("period_end", gettext_lazy("To")),
        Column("visitors", gettext_lazy("Visitors"), sort="visitors", css="text-end"),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("venue_type", gettext_lazy("Venue type"), choices=_venue_type_choices),
        ListFilter("date_from", gettext_lazy("From"), kind="date"),
        ListFilter("date_to", gettext_lazy("To"), kind="date"),
    )
    search_placeholder = gettext_lazy("Venue name")
    sort_keys = {"start": "period_start", "visitors": "visitors"}
    sort_labels = {"start": gettext_lazy("From"), "visitors": gettext_lazy("Visitors")}
    default_sort = "-start"
    empty_title = gettext_lazy("No visitor counts yet")
    empty_message = gettext_lazy("Visitor counts appear here once office staff enter them on a venue's page.")

    def detail_url(self, row):
        return reverse("venues:venue_detail", args=[row.venue_id])
