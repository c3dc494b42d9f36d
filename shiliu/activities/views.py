"""Pages of activities and publicity items. Each view declares what to fetch and which service to call."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

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
from shiliu.orgs.models import Unit
from shiliu.orgs.selectors import unit_type_list

from . import selectors, services
from .choices import PublicityKind
from .forms import ActivityForm, PublicityForm
from .models import Activity, PublicityItem

UNIT_FILTER_LIMIT = 300


def can_record(user, model) -> bool:
    """Office staff and unit or department liaisons record; leaders and grid workers read."""
    return role_may(user, model, CHANGE) and not scope_of(user).is_empty


def _activity_type_choices(request):
    return [(t.code, t.name) for t in selectors.activity_type_list()]


def _entry_type_choices(request):
    return [(selectors.NO_UNIT, _("Area offices")), *((t.code, t.name) for t in unit_type_list())]


def _unit_choices(request):
    units = visible_to(Unit.objects.all(), request.user).order_by("name")
    return [(u.pk, u.name) for u in units[:UNIT_FILTER_LIMIT]]


def _campaign_choices(request):
    return [(c.pk, c.name) for c in selectors.campaign_list()]


def _who(row):
    return row.unit.name if row.unit_id else _("{area} office").format(area=row.area.name)


def _period(row):
    if row.start_date == row.end_date:
        return row.start_date.isoformat()
    return f"{row.start_date.isoformat()} – {row.end_date.isoformat()}"


COMMON_FILTERS = (
    ListFilter("area", gettext_lazy("Within area"), kind="area"),
    ListFilter("unit", gettext_lazy("Unit"), choices=_unit_choices),
    ListFilter("campaign", gettext_lazy("Campaign"), choices=_campaign_choices),
    ListFilter("date_from", gettext_lazy("From"), kind="date"),
    ListFilter("date_to", gettext_lazy("To"), kind="date"),
)


class LedgerFormMixin:
    """Create and edit forms of ledgers: multipart (the create form takes a photo)."""

    template_name = "activities/form.html"
    with_photo = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["with_photo"] = self.with_photo
        return kwargs

    def service_data(self, form) -> dict:
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        if self.with_photo:
            data["photos"] = [photo] if photo else []
        data.setdefault("area", None)
        return data


# ---------------------------------------------------------------- activities


class ActivityListView(ScopedListView):
    title = gettext_lazy("Activities")
    pretitle = gettext_lazy("Activity ledger")
    selector = staticmethod(selectors.activity_list)
    columns = (
        Column("title", gettext_lazy("Title"), sort="title", link=True),
        Column("activity_type__name", gettext_lazy("Type")),
        Column(_period, gettext_lazy("Date"), sort="start"),
        Column(_who, gettext_lazy("Unit or office")),
        Column("area__name", gettext_lazy("Area")),
        Column("participants", gettext_lazy("Participants"), sort="participants", css="text-end"),
    )
    filters = (
        COMMON_FILTERS[0],
        ListFilter("activity_type", gettext_lazy("Type"), choices=_activity_type_choices),
        ListFilter("entry_type", gettext_lazy("Entry type"), choices=_entry_type_choices),
        *COMMON_FILTERS[1:],
    )
    search_placeholder = gettext_lazy("Title or organisers")
    sort_keys = {"start": "start_date", "title": "title", "participants": "participants", "created": "id"}
    sort_labels = {
        "start": gettext_lazy("Start date"),
        "title": gettext_lazy("Title"),
        "participants": gettext_lazy("Participants"),
        "created": gettext_lazy("Date recorded"),
    }
    default_sort = "-start"
    detail_url_name = "activities:activity_detail"
    create_url_name = "activities:activity_create"
    create_label = gettext_lazy("Record an activity")
    export_sheet = "activities"
    import_sheet = "activities"
    empty_title = gettext_lazy("No activities yet")
    empty_message = gettext_lazy("Activities in your scope appear here once they are recorded or imported.")

    def can_create(self):
        return can_record(self.request.user, Activity)


def activity_crumbs(activity, *extra):
    return [
        (gettext_lazy("Activities"), reverse("activities:activity_list")),
        (activity.title, reverse("activities:activity_detail", args=[activity.pk]) if extra else None),
        *extra,
    ]


class ActivityDetailView(ScopedDetailView):
    template_name = "activities/activity_detail.html"

    def get_object(self):
        return selectors.activity_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return activity_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venue = self.object.venue
        context["venue_visible"] = bool(venue) and can_see(self.request.user, venue)
        context["attachments"] = attachment_panel(self.request.user, self.object)
        return context


def can_see(user, obj) -> bool:
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


class ActivityCreateView(LedgerFormMixin, ScopedCreateView):
    form_class = ActivityForm
    with_photo = True
    title = gettext_lazy("Record an activity")
    submit_label = gettext_lazy("Save activity")
    success_url_name = "activities:activity_detail"
    cancel_url_name = "activities:activity_list"
    success_message = gettext_lazy("The activity has been recorded.")

    def check_allowed(self):
        require(can_record(self.request.user, Activity))

    def get_initial(self):
        scope = scope_of(self.request.user)
        return {"unit": scope.unit_id} if scope.unit_id else {}

    def get_breadcrumbs(self):
        return [(gettext_lazy("Activities"), reverse("activities:activity_list")), (self.title, None)]

    def perform(self, form):
        return services.activity_create(actor=self.request.user, **self.service_data(form))


class ActivityEditView(LedgerFormMixin, ScopedEditView):
    queryset = Activity.objects.select_related("activity_type", "area", "unit", "venue")
    form_class = ActivityForm
    title = gettext_lazy("Edit activity")
    success_url_name = "activities:activity_detail"
    success_message = gettext_lazy("The activity has been saved.")

    def get_initial(self):
        a = self.object
        return {f: getattr(a, f) for f in services.ACTIVITY_INPUT} | {
            "activity_type": a.activity_type_id,
            "unit": a.unit_id,
            "area": a.area_id if a.unit_id is None else None,
            "venue": a.venue_id,
        }

    def get_breadcrumbs(self):
        return activity_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.activity_update(
            actor=self.request.user, activity=self.object, **self.service_data(form)
        )


class ActivityDeleteView(ConfirmActionView):
    model = Activity
    form_class = ReasonForm
    title = gettext_lazy("Delete activity")
    submit_label = gettext_lazy("Delete")
    success_message = gettext_lazy("The activity has been deleted.")

    @property
    def question(self):
        return _(
            "Delete the activity {title} and its attachments? The change history keeps a record."
        ).format(title=self.object.title)

    def get_breadcrumbs(self):
        return activity_crumbs(self.object, (self.title, None))

    def get_cancel_url(self):
        return reverse("activities:activity_detail", args=[self.object.pk])

    def get_success_url(self, result=None):
        return reverse("activities:activity_list")

    def perform(self, form):
        services.activity_delete(
            actor=self.request.user, activity=self.object, reason=form.cleaned_data["reason"]
        )


# ---------------------------------------------------------------- publicity


class PublicityListView(ScopedListView):
    title = gettext_lazy("Publicity")
    pretitle = gettext_lazy("Publicity ledger")
    selector = staticmethod(selectors.publicity_list)
    columns = (
        Column("title", gettext_lazy("Title"), sort="title", link=True),
        Column("kind", pgettext_lazy("publicity", "Kind")),
        Column(_period, gettext_lazy("Date"), sort="start"),
        Column(_who, gettext_lazy("Unit or office")),
        Column("outlet", gettext_lazy("Outlet")),
        Column("reach", gettext_lazy("Reach"), sort="reach", css="text-end"),
    )
    filters = (
        COMMON_FILTERS[0],
        ListFilter("kind", pgettext_lazy("publicity", "Kind"), choices=PublicityKind.choices),
        *COMMON_FILTERS[1:],
    )
    search_placeholder = gettext_lazy("Title or outlet")
    sort_keys = {"start": "start_date", "title": "title", "reach": "reach", "created": "id"}
    sort_labels = {
        "start": gettext_lazy("Start date"),
        "title": gettext_lazy("Title"),
        "reach": gettext_lazy("Reach"),
        "created": gettext_lazy("Date recorded"),
    }
    default_sort = "-start"
    detail_url_name = "activities:publicity_detail"
    create_url_name = "activities:publicity_create"
    create_label = gettext_lazy("Record publicity")
    export_sheet = "publicity"
    import_sheet = "publicity"
    empty_title = gettext_lazy("No publicity yet")
    empty_message = gettext_lazy("Publicity in your scope appears here once it is recorded or imported.")

    def can_create(self):
        return can_record(self.request.user, PublicityItem)


def publicity_crumbs(item, *extra):
    return [
        (gettext_lazy("Publicity"), reverse("activities:publicity_list")),
        (item.title, reverse("activities:publicity_detail", args=[item.pk]) if extra else None),
        *extra,
    ]


class PublicityDetailView(ScopedDetailView):
    template_name = "activities/publicity_detail.html"

    def get_object(self):
        return selectors.publicity_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return publicity_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attachments"] = attachment_panel(self.request.user, self.object)
        return context


class PublicityCreateView(LedgerFormMixin, ScopedCreateView):
    form_class = PublicityForm
    with_photo = True
    title = gettext_lazy("Record publicity")
    submit_label = gettext_lazy("Save")
    success_url_name = "activities:publicity_detail"
    cancel_url_name = "activities:publicity_list"
    success_message = gettext_lazy("The publicity item has been recorded.")

    def check_allowed(self):
        require(can_record(self.request.user, PublicityItem))

    def get_initial(self):
        scope = scope_of(self.request.user)
        return {"unit": scope.unit_id} if scope.unit_id else {}

    def get_breadcrumbs(self):
        return [(gettext_lazy("Publicity"), reverse("activities:publicity_list")), (self.title, None)]

    def perform(self, form):
        return services.publicity_create(actor=self.request.user, **self.service_data(form))


class PublicityEditView(LedgerFormMixin, ScopedEditView):
    queryset = PublicityItem.objects.select_related("area", "unit")
    form_class = PublicityForm
    title = gettext_lazy("Edit publicity item")
    success_url_name = "activities:publicity_detail"
    success_message = gettext_lazy("The publicity item has been saved.")

    def get_initial(self):
        item = self.object
        return {f: getattr(item, f) for f in services.PUBLICITY_FIELDS} | {
            "unit": item.unit_id,
            "area": item.area_id if item.unit_id is None else None,
        }

    def get_breadcrumbs(self):
        return publicity_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.publicity_update(actor=self.request.user, item=self.object, **self.service_data(form))


class PublicityDeleteView(ConfirmActionView):
    model = PublicityItem
    form_class = ReasonForm
    title = gettext_lazy("Delete publicity item")
    submit_label = gettext_lazy("Delete")
    success_message = gettext_lazy("The publicity item has been deleted.")

    @property
    def question(self):
        return _("Delete {title} and its attachments? The change history keeps a record.").format(
            title=self.object.title
        )

    def get_breadcrumbs(self):
        return publicity_crumbs(self.object, (self.title, None))

    def get_cancel_url(self):
        return reverse("activities:publicity_detail", args=[self.object.pk])

    def get_success_url(self, result=None):
        return reverse("activities:publicity_list")

    def perform(self, form):
        services.publicity_delete(
            actor=self.request.user, item=self.object, reason=form.cleaned_data["reason"]
        )


# ---------------------------------------------------------------- home panel


def home_panel(request):
    """Ledger figures of the user's scope (all periods, or the latest campaign); each links to its list."""
    if scope_of(request.user).is_empty:
        return None
    campaign = selectors.campaign_list().first()
    figures = selectors.activity_figures(user=request.user)
    keys = ("activities", "participants", "publicity", "publicity_reach", "venues", "venue_visitors")
    return {
        "template": "activities/home_panel.html",
        "figures": [figures[k] for k in keys],
        "by_type": list(figures["activities_by_type"].breakdown.values()),
        "campaign": campaign,
        "campaign_activities": (
            selectors.activity_figures(user=request.user, campaign=campaign)["activities"]
            if campaign
            else None
        ),
    }
