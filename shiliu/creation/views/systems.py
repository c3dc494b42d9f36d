"""Pages of indicator systems: list, tree, editing while draft, publishing, cloning for a new year with the
old → new item mapping."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.views import (
    Column,
    ConfirmActionView,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    SignedInMixin,
    require,
)

from .. import selectors, services
from ..choices import CHILD_LEVEL, SYSTEM_TRANSITIONS, EvidenceKind, IndicatorLevel, SystemStatus, TargetKind
from ..forms import IndicatorForm, MappingForm, SystemCloneForm, SystemForm, VetoItemForm
from ..models import Indicator, IndicatorMapping, IndicatorSystem, VetoItem
from .common import system_crumbs, year_choices


def _may_configure(user, system=None) -> bool:
    """Whether to offer editing: asks the services' own check (which the service calls again on save)."""
    if system is not None:
        return selectors.can_edit_system(user=user, system=system)
    from ..services.systems import ensure_system_editor

    try:
        ensure_system_editor(user, None, area=_own_area(user))
    except NotVisible:
        return False
    return True


def _system_of(view):
    obj = getattr(view, "system", None) or getattr(view, "object", None)
    return obj if isinstance(obj, IndicatorSystem) else None


def _own_area(user):
    return getattr(user, "area", None)


def _get_item(user, pk, model=Indicator):
    """An item of a system the user can read (systems are shared configuration); missing → 404."""
    try:
        item = model.objects.select_related("system").get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None
    selectors.system_get(user=user, pk=item.system_id)
    return item


class SystemListView(ScopedListView):
    title = gettext_lazy("Indicator systems")
    pretitle = gettext_lazy("Versioned indicator systems per target kind")
    selector = staticmethod(selectors.system_list)
    columns = (
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("target_kind", gettext_lazy("Target kind")),
        Column("unit_type__name", gettext_lazy("Unit type")),
        Column("year", gettext_lazy("Year"), sort="year"),
        Column("version", gettext_lazy("Version")),
        Column("status", gettext_lazy("Status")),
        Column("total_points", gettext_lazy("Total points"), css="text-end"),
        Column("pass_line", gettext_lazy("Pass line"), css="text-end"),
        Column("is_demo", gettext_lazy("Demo")),
    )
    filters = (
        ListFilter("target_kind", gettext_lazy("Target kind"), choices=TargetKind.choices),
        ListFilter(
            "year",
            gettext_lazy("Year"),
            choices=lambda request: year_choices(
                selectors.system_list(user=request.user, filters={}).values_list("year", flat=True)
            ),
        ),
        ListFilter("status", gettext_lazy("Status"), choices=SystemStatus.choices),
    )
    search_placeholder = gettext_lazy("Name of the system")
    sort_keys = {"year": "year", "name": "name", "created": "id"}
    sort_labels = {
        "year": gettext_lazy("Year"),
        "name": gettext_lazy("Name"),
        "created": gettext_lazy("Date created"),
    }
    default_sort = "-year"
    detail_url_name = "creation:system_detail"
    create_url_name = "creation:system_create"
    create_label = gettext_lazy("New indicator system")
    empty_title = gettext_lazy("No indicator systems yet")
    empty_message = gettext_lazy("Create a system or import one from Excel; demo systems are marked as such.")

    def can_create(self):
        return _may_configure(self.request.user, _system_of(self))


def build_tree(indicators) -> list[dict]:
    """Nest a system's indicators (already in display order) as ``[{"node", "children"}, ...]``."""
    nodes = {i.pk: {"node": i, "children": []} for i in indicators}
    roots = []
    for item in indicators:
        entry = nodes[item.pk]
        if item.parent_id and item.parent_id in nodes:
            nodes[item.parent_id]["children"].append(entry)
        else:
            roots.append(entry)
    return roots


def flatten_tree(tree, depth=0):
    """The nested tree as display rows with depth and the sibling position (for the move buttons)."""
    for index, entry in enumerate(tree):
        node = entry["node"]
        yield {
            "node": node,
            "depth": depth,
            "indent": depth * 1.5,
            "first": index == 0,
            "last": index == len(tree) - 1,
            "can_add_child": node.level in CHILD_LEVEL,
            "evidence_labels": [
                EvidenceKind(k).label for k in node.evidence_kinds if k in EvidenceKind.values
            ],
        }
        yield from flatten_tree(entry["children"], depth + 1)


class SystemObjectMixin:
    """Systems are shared configuration: fetched through the selector (read by all, 404 when missing)."""

    def get_object(self):
        return selectors.system_get(user=self.request.user, pk=self.kwargs["pk"])


class SystemDetailView(SystemObjectMixin, ScopedDetailView):
    template_name = "creation/system_detail.html"

    def get_breadcrumbs(self):
        return system_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        system = self.object
        indicators = list(system.indicators.order_by("sort", "code", "id"))
        may = _may_configure(self.request.user, system)
        context.update(
            {
                "rows": list(flatten_tree(build_tree(indicators))),
                "veto_items": list(system.veto_items.all()),
                "can_change": may,
                "can_edit_tree": may and system.is_editable,
                "can_publish": may and SystemStatus.PUBLISHED in SYSTEM_TRANSITIONS[system.status],
                "can_clone": may,
                "can_retire": may and SystemStatus.RETIRED in SYSTEM_TRANSITIONS[system.status],
                "scored_total": sum(i.points for i in indicators if i.is_category and not i.is_bonus),
                "bonus_total": sum(i.points for i in indicators if i.is_category and i.is_bonus),
                "clones": list(system.clones.order_by("-year", "-version")),
                "has_mapping": system.cloned_from_id is not None,
            }
        )
        return context


class SystemFormMixin:
    form_class = SystemForm
    success_url_name = "creation:system_detail"
    cancel_url_name = "creation:system_list"

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))


class SystemCreateView(SystemFormMixin, ScopedCreateView):
    title = gettext_lazy("New indicator system")
    submit_label = gettext_lazy("Create system")
    success_message = gettext_lazy("The indicator system has been created as a draft.")

    def get_initial(self):
        from django.utils import timezone

        return {"year": timezone.localdate().year, "total_points": 100, "pass_line": 90, "bonus_cap": 5,
                "area": getattr(self.request.user, "area_id", None)}  # fmt: skip

    def get_breadcrumbs(self):
        return system_crumbs(None, (self.title, None))

    def perform(self, form):
        return services.system_create(actor=self.request.user, **form.cleaned_data)


class SystemEditView(SystemFormMixin, SystemObjectMixin, ScopedEditView):
    title = gettext_lazy("Edit indicator system")
    success_message = gettext_lazy("The indicator system has been saved.")

    def get_initial(self):
        s = self.object
        return {f: getattr(s, f) for f in ("name", "target_kind", "unit_type", "year", "total_points",
                                             "pass_line", "bonus_cap", "note")}  # fmt: skip

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"with_area": False}

    def get_breadcrumbs(self):
        return system_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.system_update(actor=self.request.user, system=self.object, **form.cleaned_data)


class SystemPublishView(SystemObjectMixin, ConfirmActionView):
    title = gettext_lazy("Publish indicator system")
    submit_label = gettext_lazy("Publish")
    success_url_name = "creation:system_detail"
    success_message = gettext_lazy("The indicator system has been published; its items can no longer change.")
    danger = False

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))

    @property
    def question(self):
        return _("Publish this system? Candidates can then be assessed with it, and its items are frozen.")

    def perform(self, form):
        return services.system_publish(actor=self.request.user, system=self.object)


class SystemRetireView(SystemObjectMixin, ConfirmActionView):
    title = gettext_lazy("Retire indicator system")
    submit_label = gettext_lazy("Retire")
    success_url_name = "creation:system_detail"
    success_message = gettext_lazy("The indicator system has been retired; new candidates no longer use it.")

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))

    @property
    def question(self):
        return _(
            "Retire this system? Candidates already assessed with it keep it; new ones use another version."
        )

    def get_breadcrumbs(self):
        return system_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.system_retire(actor=self.request.user, system=self.object)


class SystemCloneView(SystemObjectMixin, ScopedEditView):
    form_class = SystemCloneForm
    title = gettext_lazy("Clone for a new year")
    submit_label = gettext_lazy("Clone")
    success_message = gettext_lazy("The new version has been created; check the mapping of its items.")

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))

    def get_initial(self):
        return {"year": self.object.year + 1}

    def get_breadcrumbs(self):
        return system_crumbs(self.object, (self.title, None))

    def get_success_url(self, result=None):
        return reverse("creation:system_mapping", args=[result.pk])

    def get_cancel_url(self):
        return reverse("creation:system_detail", args=[self.object.pk])

    def perform(self, form):
        return services.system_clone(
            actor=self.request.user, system=self.object, year=form.cleaned_data["year"],
            name=form.cleaned_data["name"] or None,
        )  # fmt: skip


class SystemMappingView(SystemObjectMixin, ScopedEditView):
    """The old → new item mapping of a cloned system: reviewed and corrected after cloning."""

    form_class = MappingForm
    template_name = "creation/system_mapping.html"
    title = gettext_lazy("Item mapping between versions")
    submit_label = gettext_lazy("Save mapping")
    success_url_name = "creation:system_detail"
    success_message = gettext_lazy("The item mapping has been saved.")

    def check_allowed(self):
        if self.object.cloned_from_id is None:
            raise Http404
        if self.request.method == "POST":
            require(_may_configure(self.request.user, _system_of(self)))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        system = self.object
        self.new_items = {i.pk: i for i in system.indicators.order_by("sort", "code", "id")}
        self.old_items = list(system.cloned_from.indicators.order_by("sort", "code", "id"))
        self.current: dict[int, list[int]] = {}
        for old, new in IndicatorMapping.objects.filter(new_indicator__system=system).values_list(
            "old_indicator_id", "new_indicator_id"
        ):
            self.current.setdefault(old, []).append(new)
        kwargs.update(new_items=list(self.new_items.values()), old_items=self.old_items, current=self.current)
        return kwargs

    def get_breadcrumbs(self):
        return system_crumbs(self.object, (self.title, None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["old_system"] = self.object.cloned_from
        context["can_change"] = _may_configure(self.request.user, _system_of(self))
        return context

    def perform(self, form):
        old_by_pk = {i.pk: i for i in self.old_items}
        with transaction.atomic():
            for old_pk, new_pks in form.mapping().items():
                if sorted(self.current.get(old_pk, [])) != new_pks:
                    services.mapping_set(
                        actor=self.request.user,
                        old_indicator=old_by_pk[old_pk],
                        new_indicators=[self.new_items[pk] for pk in new_pks],
                    )
        return self.object


# ---------------------------------------------------------------- items of the tree


def _item_crumbs(system, title):
    return system_crumbs(system, (title, None))


class ItemCreateView(SystemObjectMixin, ScopedEditView):
    """A category at the top (no ``parent``) or a child of ``?parent=``."""

    form_class = IndicatorForm
    title = gettext_lazy("Add an item")
    submit_label = gettext_lazy("Add")
    success_url_name = "creation:system_detail"
    success_message = gettext_lazy("The item has been added.")

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))
        self.parent = None
        raw = self.request.GET.get("parent") or self.request.POST.get("parent")
        if raw:
            try:
                self.parent = self.object.indicators.get(pk=int(raw))
            except (Indicator.DoesNotExist, ValueError):
                raise Http404 from None
        self.level = CHILD_LEVEL[self.parent.level if self.parent else ""] if (
            self.parent is None or self.parent.level in CHILD_LEVEL) else None  # fmt: skip
        if self.level is None:
            raise Http404

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["is_category"] = self.level == IndicatorLevel.CATEGORY
        return kwargs

    def get_initial(self):
        return {"is_bonus": bool(self.parent and self.parent.is_bonus)}

    def get_breadcrumbs(self):
        return _item_crumbs(self.object, self.title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.parent
        return context

    def get_template_names(self):
        return ["creation/item_form.html"]

    def perform(self, form):
        services.item_create(
            actor=self.request.user, system=self.object, parent=self.parent, **form.cleaned_data
        )
        return self.object


class ItemObjectMixin:
    def get_object(self):
        item = _get_item(self.request.user, self.kwargs["pk"])
        self.system = item.system
        return item

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))

    def get_success_url(self, result=None):
        return (
            reverse("creation:system_detail", args=[self.system.pk]) + f"#item-{self.object.parent_id or ''}"
        )

    def get_cancel_url(self):
        return reverse("creation:system_detail", args=[self.system.pk])

    def get_breadcrumbs(self):
        return _item_crumbs(self.system, self.title)


class ItemEditView(ItemObjectMixin, ScopedEditView):
    form_class = IndicatorForm
    title = gettext_lazy("Edit item")
    success_message = gettext_lazy("The item has been saved.")
    template_name = "creation/item_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["is_category"] = self.object.is_category
        return kwargs

    def get_initial(self):
        i = self.object
        return {f: getattr(i, f) for f in ("code", "title", "description", "points", "rule_kind", "rule_params",
                                             "evidence_kinds", "method", "source", "source_params",
                                             "evidence_hint", "is_bonus", "sort")}  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parent"] = self.object.parent
        return context

    def perform(self, form):
        return services.item_update(actor=self.request.user, item=self.object, **form.cleaned_data)


class ItemDeleteView(ItemObjectMixin, ConfirmActionView):
    title = gettext_lazy("Delete item")
    submit_label = gettext_lazy("Delete")
    success_message = gettext_lazy("The item has been deleted.")

    @property
    def question(self):
        count = self.object.children.count()
        if count:
            return _("Delete {item} and the {count} items below it?").format(item=self.object, count=count)
        return _("Delete {item}?").format(item=self.object)

    def perform(self, form):
        services.item_delete(actor=self.request.user, item=self.object)
        return self.system


class ItemMoveView(SignedInMixin, View):
    """POST ``direction`` = up | down: swap an item with its neighbour among its siblings."""

    def post(self, request, pk):
        item = _get_item(request.user, pk)
        require(_may_configure(request.user, item.system))
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            raise Http404
        try:
            services.item_move(actor=request.user, item=item, direction=direction)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return redirect(reverse("creation:system_detail", args=[item.system_id]) + f"#item-{item.pk}")

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class VetoItemCreateView(SystemObjectMixin, ScopedEditView):
    form_class = VetoItemForm
    title = gettext_lazy("Add a veto item")
    submit_label = gettext_lazy("Add")
    success_url_name = "creation:system_detail"
    success_message = gettext_lazy("The veto item has been added.")

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))

    def get_breadcrumbs(self):
        return _item_crumbs(self.object, self.title)

    def perform(self, form):
        services.veto_item_create(actor=self.request.user, system=self.object, **form.cleaned_data)
        return self.object


class VetoItemDeleteView(ConfirmActionView):
    title = gettext_lazy("Delete veto item")
    submit_label = gettext_lazy("Delete")
    success_message = gettext_lazy("The veto item has been deleted.")

    def get_object(self):
        item = _get_item(self.request.user, self.kwargs["pk"], VetoItem)
        self.system = item.system
        return item

    def check_allowed(self):
        require(_may_configure(self.request.user, _system_of(self)))

    @property
    def question(self):
        return _("Delete the veto item {item}?").format(item=self.object)

    def get_success_url(self, result=None):
        return reverse("creation:system_detail", args=[self.system.pk])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_breadcrumbs(self):
        return _item_crumbs(self.system, self.title)

    def perform(self, form):
        services.veto_item_delete(actor=self.request.user, veto_item=self.object)
        return self.system
