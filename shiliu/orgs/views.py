"""Pages for areas, area statistics and units. Each view declares what to fetch and which service to call."""

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from shiliu.core.forms import ReasonForm
from shiliu.core.privacy import MASKERS
from shiliu.core.roles import Role
from shiliu.core.scope import CHANGE, REVEAL, role_may, scope_of
from shiliu.core.views import (
    YES_NO,
    BreadcrumbsMixin,
    Column,
    ConfirmActionView,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    SignedInMixin,
    TreePickerProvider,
    log_personal_access,
    require,
    reveal_url,
)

from . import selectors, services
from .choices import AreaLevel, UnitStatus
from .forms import AreaCreateForm, AreaEditForm, AreaMoveForm, UnitForm
from .models import Area, Unit

# ---------------------------------------------------------------- shared helpers


def area_crumbs(user, area: Area, *, link_self: bool = False) -> list[tuple[str, str | None]]:
    """Breadcrumbs down to ``area`` through the part of the tree the user can see."""
    crumbs = [(gettext_lazy("Areas"), reverse("orgs:area_tree"))]
    for ancestor in selectors.area_ancestors(user=user, area=area):
        crumbs.append((ancestor.name, reverse("orgs:area_detail", args=[ancestor.pk])))
    crumbs.append((area.name, reverse("orgs:area_detail", args=[area.pk]) if link_self else None))
    return crumbs


def with_has_children(queryset):
    return queryset.annotate(has_children=Exists(Area.objects.filter(parent=OuterRef("pk"))))


def with_tree_counts(user, parent: Area | None, children):
    """Attach sub-area and unit counts to ``children`` in two grouped queries (no query per child).

    The unit counts come from ``unit_list`` so that each figure and the list it links to agree.
    """
    children = list(children.annotate(n_children=Count("children")))
    if not children:
        return children
    units = selectors.unit_list(user=user, filters={"area": parent.pk} if parent else {})
    counts: dict[str, int] = {}
    for length in {len(child.path) for child in children}:
        grouped = (
            units.annotate(prefix=Substr("area_path", 1, length))
            .values("prefix")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts.update({row["prefix"]: row["n"] for row in grouped})
    for child in children:
        child.n_units = counts.get(child.path, 0)
    return children


def _picker_children(user, parent):
    return with_has_children(selectors.area_children(user=user, area=parent))


def _picker_search(user, q):
    return with_has_children(selectors.area_list(user=user, filters={"q": q})).order_by("path")


def _picker_resolve(user, value):
    return selectors.area_filter_param(user=user, value=value)


AREA_PICKER = TreePickerProvider(children=_picker_children, resolve=_picker_resolve, search=_picker_search)


def _can_write(user, model) -> bool:
    """Whether the user may create records of ``model``; users tied to one unit can only edit that unit."""
    scope = scope_of(user)
    return role_may(user, model, CHANGE) and not scope.is_empty and scope.unit_id is None


# ---------------------------------------------------------------- home panel


def home_panel(request):
    """Counts of areas and units in the user's scope; every figure links to the list it counts."""
    user = request.user
    scope = scope_of(user)
    if scope.is_empty:
        return {"template": "orgs/home_panel.html", "empty_scope": True}
    areas = selectors.area_list(user=user, filters={})
    by_level = [
        {
            "level": AreaLevel(row["level"]).label,
            "n": row["n"],
            "url": f"{reverse('orgs:area_list')}?level={row['level']}",
        }
        for row in areas.values("level").annotate(n=Count("id")).order_by("level")
    ]
    units = selectors.unit_list(user=user, filters={})
    unit_url = reverse("orgs:unit_list")
    by_status = {row["status"]: row["n"] for row in units.values("status").annotate(n=Count("id")).order_by()}
    by_type = [
        {
            "name": row["unit_type__name"],
            "n": row["n"],
            "url": f"{unit_url}?unit_type={row['unit_type__code']}",
        }
        for row in units.values("unit_type__code", "unit_type__name", "unit_type__order")
        .annotate(n=Count("id"))
        .order_by("unit_type__order")
    ]
    own_unit = None
    if scope.role in (Role.UNIT, Role.DEPARTMENT) and getattr(user, "unit_id", None):
        own_unit = selectors.unit_list(user=user, filters={}).filter(pk=user.unit_id).first()
    return {
        "template": "orgs/home_panel.html",
        "root": selectors.area_root_for(user),
        "areas_total": sum(row["n"] for row in by_level),
        "areas_url": reverse("orgs:area_list"),
        "by_level": by_level,
        "units_total": sum(by_status.values()),
        "units_url": unit_url,
        "units_active": by_status.get(UnitStatus.ACTIVE, 0),
        "units_active_url": f"{unit_url}?status={UnitStatus.ACTIVE}",
        "units_archived": by_status.get(UnitStatus.ARCHIVED, 0),
        "units_archived_url": f"{unit_url}?status={UnitStatus.ARCHIVED}",
        "members": units.filter(is_member_department=True).count(),
        "members_url": f"{unit_url}?member=1",
        "by_type": by_type,
        "own_unit": own_unit,
    }


# ---------------------------------------------------------------- areas


class AreaListView(ScopedListView):
    title = gettext_lazy("Areas")
    pretitle = gettext_lazy("Administrative divisions and grids")
    selector = staticmethod(selectors.area_list)
    columns = (
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("code", gettext_lazy("Division code"), sort="code"),
        Column("level", gettext_lazy("Level"), sort="level"),
        Column("parent__name", gettext_lazy("Parent area")),
        Column("is_active", gettext_lazy("Active")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("level", gettext_lazy("Level"), choices=AreaLevel.choices),
        ListFilter("active", gettext_lazy("Active"), choices=YES_NO),
    )
    search_placeholder = gettext_lazy("Name or start of the code")
    sort_keys = {"code": "code", "name": "name", "level": "level"}
    sort_labels = {
        "code": gettext_lazy("Division code"),
        "name": gettext_lazy("Name"),
        "level": gettext_lazy("Level"),
    }
    default_sort = "code"
    detail_url_name = "orgs:area_detail"
    create_url_name = "orgs:area_create"
    create_label = gettext_lazy("New area")
    export_sheet = "areas"
    import_sheet = "areas"
    empty_title = gettext_lazy("No areas in your scope")
    empty_message = gettext_lazy("Areas appear here once your administrator has set up the division tree.")

    def can_create(self):
        return _can_write(self.request.user, Area)


class AreaTreeView(SignedInMixin, BreadcrumbsMixin, TemplateView):
    """Browse the tree one level at a time: an area, its ancestors and its children with their counts."""

    template_name = "orgs/area_tree.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        node = selectors.area_filter_param(user=user, value=self.request.GET.get("area"))
        if node is None:
            node = selectors.area_root_for(user)
        children = with_tree_counts(user, node, selectors.area_children(user=user, area=node)) if node else []
        context.update(
            {
                "node": node,
                "children": children,
                "ancestors": selectors.area_ancestors(user=user, area=node) if node else [],
                "can_create": _can_write(user, Area),
            }
        )
        return context

    def get_breadcrumbs(self):
        return [(gettext_lazy("Area tree"), None)]


class AreaDetailView(ScopedDetailView):
    template_name = "orgs/area_detail.html"

    def get_object(self):
        return selectors.area_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return area_crumbs(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, area = self.request.user, self.object
        units = selectors.unit_list(user=user, filters={"area": area.pk})
        unit_url = reverse("orgs:unit_list")
        context.update(
            {
                "children": with_tree_counts(user, area, selectors.area_children(user=user, area=area)),
                "units_count": units.count(),
                "units_url": f"{unit_url}?area={area.pk}",
                "units_active_count": units.filter(status=UnitStatus.ACTIVE).count(),
                "units_active_url": f"{unit_url}?area={area.pk}&status={UnitStatus.ACTIVE}",
                "statistics": selectors.area_statistics_list(user=user, filters={"area": area.pk})
                .filter(area=area)
                .order_by("-year"),
                "statistics_url": f"{reverse('orgs:stats_list')}?area={area.pk}",
                "level_label": AreaLevel(area.level).label,
            }
        )
        return context


class AreaCreateView(ScopedCreateView):
    form_class = AreaCreateForm
    title = gettext_lazy("New area")
    submit_label = gettext_lazy("Create area")
    success_url_name = "orgs:area_detail"
    cancel_url_name = "orgs:area_list"
    success_message = gettext_lazy("The area has been created.")

    def check_allowed(self):
        require(_can_write(self.request.user, Area))

    def get_initial(self):
        parent = selectors.area_filter_param(user=self.request.user, value=self.request.GET.get("parent"))
        if parent is None:
            return {}
        initial = {"parent": parent.pk}
        if parent.level < AreaLevel.GRID:
            initial["level"] = parent.level + 1
        return initial

    def get_breadcrumbs(self):
        return [(gettext_lazy("Areas"), reverse("orgs:area_list")), (self.title, None)]

    def perform(self, form):
        data = form.cleaned_data
        return services.area_create(
            actor=self.request.user,
            name=data["name"],
            code=data["code"],
            level=data["level"],
            parent=data["parent"],
        )


class AreaEditView(ScopedEditView):
    model = Area
    form_class = AreaEditForm
    title = gettext_lazy("Edit area")
    success_url_name = "orgs:area_detail"
    success_message = gettext_lazy("The area has been saved.")

    def get_initial(self):
        return {"name": self.object.name, "is_active": self.object.is_active}

    def get_breadcrumbs(self):
        return [*area_crumbs(self.request.user, self.object, link_self=True), (self.title, None)]

    def perform(self, form):
        data = form.cleaned_data
        return services.area_update(
            actor=self.request.user, area=self.object, name=data["name"], is_active=data["is_active"]
        )


class AreaMoveView(ScopedEditView):
    model = Area
    form_class = AreaMoveForm
    title = gettext_lazy("Move area")
    submit_label = gettext_lazy("Move")
    success_url_name = "orgs:area_detail"
    success_message = gettext_lazy("The area and everything below it have been moved.")
    danger = True

    def get_initial(self):
        return {"code": self.object.code}

    def get_breadcrumbs(self):
        return [*area_crumbs(self.request.user, self.object, link_self=True), (self.title, None)]

    def perform(self, form):
        data = form.cleaned_data
        return services.area_move(
            actor=self.request.user, area=self.object, new_parent=data["parent"], new_code=data["code"]
        )


class AreaStatisticsListView(ScopedListView):
    title = gettext_lazy("Area statistics")
    pretitle = gettext_lazy("Aggregate figures by year; no person is recorded")
    selector = staticmethod(selectors.area_statistics_list)
    columns = (
        Column("area__name", gettext_lazy("Area"), sort="area", link=True),
        Column("year", gettext_lazy("Year"), sort="year"),
        Column("households", gettext_lazy("Households"), css="text-end"),
        Column("population", gettext_lazy("Population"), sort="population", css="text-end"),
        Column("minority_population", gettext_lazy("Minority population"), css="text-end"),
        Column("ethnic_groups", gettext_lazy("Ethnic groups present"), css="text-end"),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter(
            "year", gettext_lazy("Year"), choices=lambda request: AreaStatisticsListView.year_choices(request)
        ),
    )
    search = False
    sort_keys = {"year": "year", "area": "area_path", "population": "population"}
    sort_labels = {
        "year": gettext_lazy("Year"),
        "area": gettext_lazy("Area"),
        "population": gettext_lazy("Population"),
    }
    default_sort = "-year"
    export_sheet = "area_statistics"
    empty_title = gettext_lazy("No statistics yet")
    empty_message = gettext_lazy(
        "Yearly figures of the areas in your scope appear here once they are entered or imported."
    )

    @staticmethod
    def year_choices(request):
        years = (
            selectors.area_statistics_list(user=request.user, filters={})
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return [(year, year) for year in years]

    def detail_url(self, row):
        return reverse("orgs:area_detail", args=[row.area_id])


# ---------------------------------------------------------------- units


def _unit_type_choices(request):
    return [(t.code, t.name) for t in selectors.unit_type_list()]


class UnitListView(ScopedListView):
    title = gettext_lazy("Units")
    pretitle = gettext_lazy("Units taking part in creation")
    selector = staticmethod(selectors.unit_list)
    columns = (
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("unit_type__name", gettext_lazy("Type"), sort="type"),
        Column("area__name", gettext_lazy("Area")),
        Column("contact_name", gettext_lazy("Contact person"), mask="name"),
        Column("contact_phone", gettext_lazy("Contact phone"), mask="phone"),
        Column("is_member_department", gettext_lazy("Member department")),
        Column("status", gettext_lazy("Status")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("unit_type", gettext_lazy("Type"), choices=_unit_type_choices),
        ListFilter("status", gettext_lazy("Status"), choices=UnitStatus.choices),
        ListFilter("member", gettext_lazy("Member department"), choices=YES_NO),
    )
    search_placeholder = gettext_lazy("Name or start of the credit code")
    # "created" follows the id: ids grow with creation time and have an index, created_at has none.
    sort_keys = {"name": "name", "created": "id", "type": "unit_type_id"}
    sort_labels = {
        "name": gettext_lazy("Name"),
        "created": gettext_lazy("Date created"),
        "type": gettext_lazy("Type"),
    }
    default_sort = "name"
    detail_url_name = "orgs:unit_detail"
    create_url_name = "orgs:unit_create"
    create_label = gettext_lazy("New unit")
    export_sheet = "units"
    import_sheet = "units"
    empty_title = gettext_lazy("No units yet")
    empty_message = gettext_lazy("Units in your scope appear here once they are created or imported.")

    def can_create(self):
        return _can_write(self.request.user, Unit)


def unit_crumbs(unit, *extra):
    return [
        (gettext_lazy("Units"), reverse("orgs:unit_list")),
        (unit.name, reverse("orgs:unit_detail", args=[unit.pk]) if extra else None),
        *extra,
    ]


class UnitDetailView(ScopedDetailView):
    template_name = "orgs/unit_detail.html"

    def get_object(self):
        return selectors.unit_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return unit_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        may_reveal = role_may(self.request.user, Unit, REVEAL)
        context["personal"] = [
            {
                "label": Unit._meta.get_field(name).verbose_name,
                "masked": MASKERS[kind](getattr(unit, name)),
                "reveal_url": reveal_url(unit, name) if may_reveal else None,
            }
            for name, kind in Unit.personal_fields.items()
        ]
        context["is_archived"] = unit.status == UnitStatus.ARCHIVED
        return context


class UnitCreateView(ScopedCreateView):
    form_class = UnitForm
    template_name = "orgs/unit_form.html"
    title = gettext_lazy("New unit")
    submit_label = gettext_lazy("Create unit")
    success_url_name = "orgs:unit_detail"
    cancel_url_name = "orgs:unit_list"
    success_message = gettext_lazy("The unit has been created.")

    def check_allowed(self):
        require(_can_write(self.request.user, Unit))

    def get_initial(self):
        area = selectors.area_filter_param(user=self.request.user, value=self.request.GET.get("area"))
        return {"area": area.pk} if area else {}

    def get_breadcrumbs(self):
        return [(gettext_lazy("Units"), reverse("orgs:unit_list")), (self.title, None)]

    def perform(self, form):
        return services.unit_create(actor=self.request.user, **form.cleaned_data)


class UnitEditView(ScopedEditView):
    queryset = Unit.objects.select_related("unit_type", "area")
    form_class = UnitForm
    template_name = "orgs/unit_form.html"
    title = gettext_lazy("Edit unit")
    success_url_name = "orgs:unit_detail"
    success_message = gettext_lazy("The unit has been saved.")

    def get_initial(self):
        unit = self.object
        return {
            "name": unit.name,
            "unit_type": unit.unit_type_id,
            "area": unit.area_id,
            "credit_code": unit.credit_code,
            "address": unit.address,
            "contact_name": unit.contact_name,
            "contact_phone": unit.contact_phone,
            "is_member_department": unit.is_member_department,
        }

    def get(self, request, *args, **kwargs):
        # The form shows the contact in clear, so opening it counts as an access to personal data.
        for name in Unit.personal_fields:
            if getattr(self.object, name):
                log_personal_access(request, self.object, name, purpose=_("edit form"))
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return unit_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.unit_update(actor=self.request.user, unit=self.object, **form.cleaned_data)


class UnitArchiveView(ConfirmActionView):
    queryset = Unit.objects.select_related("area")
    form_class = ReasonForm
    title = gettext_lazy("Archive unit")
    submit_label = gettext_lazy("Archive")
    success_url_name = "orgs:unit_detail"
    success_message = gettext_lazy("The unit has been archived.")

    @property
    def question(self):
        return _(
            "Archive {name}? An archived unit keeps its records and history and can be restored at any time."
        ).format(name=self.object.name)

    def get_breadcrumbs(self):
        return unit_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.unit_archive(
            actor=self.request.user, unit=self.object, reason=form.cleaned_data["reason"]
        )


class UnitRestoreView(ConfirmActionView):
    queryset = Unit.objects.select_related("area")
    title = gettext_lazy("Restore unit")
    submit_label = gettext_lazy("Restore")
    success_url_name = "orgs:unit_detail"
    success_message = gettext_lazy("The unit has been restored.")
    danger = False

    @property
    def question(self):
        return _("Restore {name} to the active units?").format(name=self.object.name)

    def get_breadcrumbs(self):
        return unit_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.unit_restore(actor=self.request.user, unit=self.object)
