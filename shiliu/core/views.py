"""Generic, declarative base views. Apps declare a selector, columns, filters and a service; these do the rest.

Every view here fetches through the scope engine: lists through the app's selector (which calls
``visible_to``), single objects through ``get_visible_or_404`` so that missing and forbidden objects give the
same 404, and writes through one service whose ``ApplicationError`` becomes a form error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from .errors import ApplicationError
from .forms import ConfirmForm, apply_application_error
from .models import PersonalDataAccess
from .pagination import capped_count, keyset_page
from .privacy import MASKERS
from .scope import CHANGE, REVEAL, VIEW, get_visible_or_404, visible_to

PASSWORD_CHANGE_URL_NAME = "accounts:password_change"

# ---------------------------------------------------------------- signed-in users


def _login_redirect(request):
    """Back to the sign-in page; an HTMX fragment request sends the whole window there instead."""
    if getattr(request, "htmx", False):
        current = request.htmx.current_url_abs_path or reverse("core:home")
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect_to_login(current)["Location"]
        return response
    return redirect_to_login(request.get_full_path())


def _must_change_password(request) -> bool:
    return bool(getattr(request.user, "must_change_password", False))


class SignedInMixin:
    """Sign-in required; a user flagged ``must_change_password`` is sent to the password change page first."""

    allow_while_password_expired = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        if _must_change_password(request) and not self.allow_while_password_expired:
            return redirect(PASSWORD_CHANGE_URL_NAME)
        return super().dispatch(request, *args, **kwargs)


def signed_in(view):
    """The function-view form of :class:`SignedInMixin`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _login_redirect(request)
        if _must_change_password(request):
            return redirect(PASSWORD_CHANGE_URL_NAME)
        return view(request, *args, **kwargs)

    return wrapper


def client_ip(request) -> str | None:
    """The peer address. Proxies must set REMOTE_ADDR correctly; forwarded headers are not trusted here."""
    return request.META.get("REMOTE_ADDR") or None


def can_change(user, obj: models.Model) -> bool:
    """Whether ``user`` may change ``obj``, decided by the scope engine alone."""
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user, CHANGE).exists()


class BreadcrumbsMixin:
    """Views return ``[(label, url or None), ...]``; the home crumb is added by the template."""

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("breadcrumbs", self.get_breadcrumbs())
        return context


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class Column:
    """One table column. ``accessor`` is an attribute path (``area__name``) or a callable taking the row."""

    accessor: str | Callable[[Any], Any]
    label: Any
    sort: str | None = None  # the list's public sort key for this column
    link: bool = False  # link the cell to the row's detail page
    mask: str | None = None  # key into core.privacy.MASKERS
    css: str = ""


@dataclass(frozen=True)
class ListFilter:
    """One filter control. ``kind`` is ``select``, ``area`` (the scoped area picker), ``date`` or ``year``."""

    name: str
    label: Any
    kind: str = "select"
    choices: Callable | list | tuple = ()


YES_NO = (("1", gettext_lazy("Yes")), ("0", gettext_lazy("No")))


def resolve_accessor(row, accessor):
    if callable(accessor):
        return accessor(row)
    value = row
    for part in accessor.split("__"):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        value = display() if display is not None else getattr(value, part)
    return value() if callable(value) else value


def format_cell(value):
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return value


@dataclass
class Cell:
    value: Any
    url: str | None = None
    css: str = ""
    masked: bool = False


@dataclass
class Row:
    obj: Any
    cells: list[Cell] = field(default_factory=list)


class ScopedListView(SignedInMixin, BreadcrumbsMixin, TemplateView):
    """A list over one selector with search, filters, sorting and keyset pagination.

    Subclasses declare: ``selector`` (``(*, user, filters) -> QuerySet``), ``columns``, ``filters``,
    ``sort_keys`` (public key → field lookup) and ``default_sort``; optionally ``detail_url_name``,
    ``create_url_name``, ``export_sheet`` and ``import_sheet``.
    """

    template_name = "core/list.html"
    results_template_name = "core/list.html#results"
    title: Any = ""
    pretitle: Any = ""
    selector: Callable[..., models.QuerySet] | None = None
    columns: tuple[Column, ...] = ()
    filters: tuple[ListFilter, ...] = ()
    search: bool = True
    search_placeholder: Any = gettext_lazy("Search")
    sort_keys: dict[str, str] = {"id": "id"}
    sort_labels: dict[str, Any] = {}
    default_sort: str = "-id"
    detail_url_name: str | None = None
    create_url_name: str | None = None
    create_label: Any = gettext_lazy("Create")
    export_sheet: str | None = None
    import_sheet: str | None = None
    empty_title: Any = gettext_lazy("Nothing here yet")
    empty_message: Any = gettext_lazy("Records appear here once they are created or imported.")

    def get_breadcrumbs(self):
        return [(self.title, None)]

    def get_queryset(self) -> models.QuerySet:
        return type(self).selector(user=self.request.user, filters=self.request.GET)

    def can_create(self) -> bool:
        return False

    def get_sort(self) -> tuple[str, str]:
        """(public key with sign, field lookup with sign); unknown keys fall back to the default."""
        raw = self.request.GET.get("sort") or self.default_sort
        key = raw.lstrip("-")
        if key not in self.sort_keys:
            raw, key = self.default_sort, self.default_sort.lstrip("-")
        sign = "-" if raw.startswith("-") else ""
        return sign + key, sign + self.sort_keys[key]

    def detail_url(self, row) -> str | None:
        if self.detail_url_name:
            return reverse(self.detail_url_name, args=[row.pk])
        return None

    def build_rows(self, objects) -> list[Row]:
        rows = []
        for obj in objects:
            url = self.detail_url(obj)
            row = Row(obj=obj)
            for column in self.columns:
                value = resolve_accessor(obj, column.accessor)
                masked = False
                if column.mask:
                    value, masked = MASKERS[column.mask](value), True
                row.cells.append(
                    Cell(
                        value=format_cell(value),
                        url=url if column.link else None,
                        css=column.css,
                        masked=masked,
                    )
                )
            rows.append(row)
        return rows

    def filter_controls(self) -> list[dict]:
        controls = []
        for spec in self.filters:
            choices = spec.choices(self.request) if callable(spec.choices) else spec.choices
            control = {"spec": spec, "value": self.request.GET.get(spec.name, ""), "choices": choices}
            if spec.kind == "area":
                control["widget"] = {
                    "name": spec.name,
                    "value": control["value"],
                    "label": self.area_filter_label(control["value"]),
                    "placeholder": _("Any area"),
                    "attrs": {"id": f"filter-{spec.name}"},
                }
            controls.append(control)
        return controls

    def area_filter_label(self, value) -> str:
        node = picker_resolve(self.request.user, value)
        return str(node) if node else ""

    def sort_options(self, current: str) -> list[dict]:
        options = []
        for key in self.sort_keys:
            label = self.sort_labels.get(key, key)
            for sign, suffix in (("", _("ascending")), ("-", _("descending"))):
                options.append(
                    {
                        "value": sign + key,
                        "label": _("{field}, {direction}").format(field=label, direction=suffix),
                        "selected": sign + key == current,
                    }
                )
        return options

    def get(self, request, *args, **kwargs):
        if request.GET.get("count") == "exact":
            # The exact total of a list larger than the cap, fetched on demand by the pagination footer.
            total = self.get_queryset().count()
            return render(request, "core/list_total.html", {"total": total, "total_exact": True})
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.get_queryset()
        total, total_exact = capped_count(queryset, getattr(settings, "LIST_COUNT_CAP", 10000))
        sort_key, sort_lookup = self.get_sort()
        page = keyset_page(
            queryset,
            sort=sort_lookup,
            cursor=self.request.GET.get("cursor"),
            page_size=getattr(settings, "LIST_PAGE_SIZE", 25),
        )
        active_filters = any(self.request.GET.get(f.name) for f in self.filters) or bool(
            self.request.GET.get("q")
        )
        context.update(
            {
                "title": self.title,
                "pretitle": self.pretitle,
                "page": page,
                "rows": self.build_rows(page.rows),
                "columns": [
                    {"column": c, "sort_asc": c.sort, "sort_desc": f"-{c.sort}" if c.sort else None}
                    for c in self.columns
                ],
                "total": total,
                "total_exact": total_exact,
                "sort": sort_key,
                "sort_options": self.sort_options(sort_key),
                "filter_controls": self.filter_controls(),
                "has_active_filters": active_filters,
                "q": self.request.GET.get("q", ""),
                "create_url": reverse(self.create_url_name)
                if self.create_url_name and self.can_create()
                else None,
            }
        )
        return context

    def is_results_request(self) -> bool:
        """HTMX paging and sorting swap only the results, not the whole page."""
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx) and htmx.target == "list-results" and not htmx.history_restore_request

    def get_template_names(self):
        if self.is_results_request():
            return [self.results_template_name]
        return super().get_template_names()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response


# ---------------------------------------------------------------- history


def _display(model, name: str, value, related: dict):
    if value is None or value == "":
        return "—"
    if name in getattr(model, "personal_fields", {}):
        return MASKERS[model.personal_fields[name]](str(value))
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if model_field.is_relation:
        obj = related.get((model_field.related_model, value))
        return str(obj) if obj is not None else f"#{value}"
    return value


def history_entries(obj: models.Model, *, limit: int = 20) -> list[dict]:
    """Who changed what and when, newest first, each with its fields as old → new (personal data masked)."""
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    diffs = []
    wanted: dict[type, set] = {}
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = (
            record.diff_against(older).changes if older is not None and record.history_type == "~" else []
        )
        for change in changes:
            model_field = model._meta.get_field(change.field)
            if model_field.is_relation:
                wanted.setdefault(model_field.related_model, set()).update(
                    v for v in (change.old, change.new) if v is not None
                )
        diffs.append((record, changes))
    related = {}
    for related_model, pks in wanted.items():
        for pk, item in related_model._default_manager.in_bulk(pks).items():
            related[(related_model, pk)] = item
    kinds = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    entries = []
    for record, changes in diffs:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": kinds.get(record.history_type, record.history_type),
                "reason": record.history_change_reason or "",
                "changes": [
                    {
                        "label": model._meta.get_field(c.field).verbose_name,
                        "old": _display(model, c.field, c.old, related),
                        "new": _display(model, c.field, c.new, related),
                    }
                    for c in changes
                ],
            }
        )
    return entries


# ---------------------------------------------------------------- details


class ScopedDetailView(SignedInMixin, BreadcrumbsMixin, TemplateView):
    """One object fetched through scope, with its change history."""

    model: type[models.Model] | None = None
    queryset: models.QuerySet | None = None
    action = VIEW
    history_limit = 20
    context_object_name = "object"

    def get_object(self):
        source = self.queryset.all() if self.queryset is not None else self.model
        return get_visible_or_404(source, self.request.user, self.action, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = context[self.context_object_name] = self.object
        context["can_change"] = can_change(self.request.user, self.object)
        context["history"] = (
            history_entries(self.object, limit=self.history_limit) if hasattr(self.object, "history") else []
        )
        return context


# ---------------------------------------------------------------- forms that call one service


class ServiceFormView(SignedInMixin, BreadcrumbsMixin, FormView):
    """A form whose valid data goes to exactly one service; ``ApplicationError`` becomes a form error.

    Subclasses implement ``perform(form) -> object``. Edit views set ``model`` and get the object through
    scope with ``action = CHANGE``; create views leave ``model`` unset and may override ``check_allowed``.
    """

    template_name = "core/form.html"
    title: Any = ""
    submit_label: Any = gettext_lazy("Save")
    success_message: Any = ""
    model: type[models.Model] | None = None
    queryset: models.QuerySet | None = None
    action = CHANGE
    danger = False
    object = None
    error_field_map: dict[str, str] = {}  # service argument name -> form field name

    def check_allowed(self) -> None:
        """Raise PermissionDenied when the user's role may not use this form at all."""

    def get_object(self):
        if self.model is None and self.queryset is None:
            return None
        source = self.queryset.all() if self.queryset is not None else self.model
        return get_visible_or_404(source, self.request.user, self.action, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _must_change_password(request):
            self.object = self.get_object()
            self.check_allowed()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_form(self, form_class=None):
        form_class = form_class or self.get_form_class()
        kwargs = self.get_form_kwargs()
        if not _accepts_user(form_class):
            kwargs.pop("user")
        return form_class(**kwargs)

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ApplicationError as exc:
            apply_application_error(form, exc, self.error_field_map)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))

    success_url_name: str | None = None  # a detail URL taking the result's pk
    cancel_url_name: str | None = None  # a list URL, used when there is no object yet

    def get_success_url(self, result=None):
        target = result if result is not None else self.object
        if target is not None and self.success_url_name:
            return reverse(self.success_url_name, args=[target.pk])
        return reverse("core:home")

    def get_cancel_url(self) -> str:
        if self.object is not None and self.success_url_name:
            return reverse(self.success_url_name, args=[self.object.pk])
        return reverse(self.cancel_url_name or "core:home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "object": self.object,
                "title": self.title,
                "submit_label": self.submit_label,
                "cancel_url": self.get_cancel_url(),
                "danger": self.danger,
            }
        )
        return context


def _accepts_user(form_class) -> bool:
    import inspect

    try:
        return "user" in inspect.signature(form_class.__init__).parameters
    except (TypeError, ValueError):
        return False


class ScopedCreateView(ServiceFormView):
    action = CHANGE


class ScopedEditView(ServiceFormView):
    action = CHANGE


class ConfirmActionView(ServiceFormView):
    """A confirmation page for destructive actions (archive, restore): GET asks, POST calls the service."""

    template_name = "core/confirm.html"
    form_class = ConfirmForm
    danger = True
    question: Any = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.question
        return context


# ---------------------------------------------------------------- home

_HOME_PANELS: list[Callable] = []


def register_home_panel(func: Callable) -> None:
    """Apps add panels to the landing page: ``func(request) -> dict | None`` (template + context)."""
    if func not in _HOME_PANELS:
        _HOME_PANELS.append(func)


class HomeView(SignedInMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        panels = []
        for func in _HOME_PANELS:
            panel = func(self.request)
            if panel:
                panels.append(panel)
        context["panels"] = panels
        return context


# ---------------------------------------------------------------- area picker


@dataclass(frozen=True)
class TreePickerProvider:
    """How the picker reaches the area tree, supplied by the app that owns areas (core knows no domain app).

    ``children(user, parent_or_None)`` and ``search(user, q)`` return querysets already restricted to the
    user's scope (annotated with ``has_children``); ``resolve(user, value)`` returns a node in scope or None.
    """

    children: Callable
    resolve: Callable
    search: Callable


_AREA_PICKER: dict[str, TreePickerProvider] = {}


def configure_area_picker(provider: TreePickerProvider) -> None:
    _AREA_PICKER["provider"] = provider


def picker_resolve(user, value):
    """The area with id ``value`` if it lies in the user's scope, else None (for apps that cannot import orgs)."""
    provider = _AREA_PICKER.get("provider")
    return provider.resolve(user, value) if provider and value else None


@signed_in
def area_picker(request):
    """HTMX fragment: the children of one area in scope (``parent``), search hits (``q``), or the top panel."""
    provider = _AREA_PICKER.get("provider")
    if provider is None:
        raise Http404
    name = request.GET.get("name", "area")
    if not name.isidentifier():
        name = "area"
    context = {"name": name}
    if parent := request.GET.get("parent"):
        node = provider.resolve(request.user, parent)
        if node is None:
            raise Http404
        context["nodes"] = provider.children(request.user, node)
        return render(request, "core/partials/area_picker.html#nodes", context)
    if q := request.GET.get("q", "").strip():
        context["nodes"] = provider.search(request.user, q)[:30]
        context["search"] = True
        return render(request, "core/partials/area_picker.html#nodes", context)
    context["nodes"] = provider.children(request.user, None)
    return render(request, "core/partials/area_picker.html#panel", context)


# ---------------------------------------------------------------- reveal personal data


def log_personal_access(request, obj: models.Model, field_name: str, *, purpose: str = "") -> None:
    """Record that ``request.user`` saw ``field_name`` of ``obj`` in clear."""
    PersonalDataAccess.objects.create(
        user=request.user,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        field=field_name,
        purpose=str(purpose)[:200],
        ip_address=client_ip(request),
    )


class RevealView(SignedInMixin, View):
    """POST: show one personal-data field in clear and record who saw it, when and from where."""

    def post(self, request, app_label, model, pk, field):
        try:
            model_class = apps.get_model(app_label, model)
        except (LookupError, ValueError):
            raise Http404 from None
        if field not in getattr(model_class, "personal_fields", {}):
            raise Http404
        obj = get_visible_or_404(model_class, request.user, REVEAL, pk=pk)
        log_personal_access(request, obj, field, purpose=request.POST.get("purpose", ""))
        return render(request, "core/partials/revealed.html", {"value": getattr(obj, field) or ""})

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


def reveal_url(obj, field_name: str) -> str | None:
    try:
        return reverse("core:reveal", args=[obj._meta.app_label, obj._meta.model_name, obj.pk, field_name])
    except NoReverseMatch:
        return None


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


# ---------------------------------------------------------------- errors


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No request context: the failure may lie in the database or a context processor.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))
