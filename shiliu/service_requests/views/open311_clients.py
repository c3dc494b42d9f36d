"""Open311 clients (Open311 接入方) for office staff: the list of the systems allowed to submit requests with an API
key into an area's subtree, creating one (its raw key is shown once, only its digest is stored) and deactivating
one after confirmation. Everything goes through the services; the list is restricted to the areas in scope."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.errors import NotVisible
from shiliu.core.forms import StyledForm, TreeChoiceField
from shiliu.core.scope import visible_to
from shiliu.orgs.models import Area

from .. import services
from ..models import Open311Client
from .common import is_office
from .config import ConfigPage, OfficeDeleteView, OfficeFormView


def open311_clients_for(user) -> QuerySet[Open311Client]:
    """The clients whose area the user can see (the client model reaches scope through its area)."""
    return Open311Client.objects.select_related("area", "created_by").filter(
        area__in=visible_to(Area.objects.all(), user)
    )


class Open311ClientForm(StyledForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy(
            "The system that will submit requests, e.g. the city's 12345 hotline platform."
        ),
    )
    area = TreeChoiceField(
        queryset=Area.objects.none(),
        label=gettext_lazy("Area"),
        placeholder=gettext_lazy("Choose the area"),
        help_text=gettext_lazy("The client may submit requests located in this area and the areas below it."),
    )
    rate_limit_per_hour = forms.IntegerField(
        label=gettext_lazy("Submissions per hour"), min_value=1, max_value=100000, initial=100
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible_to(Area.objects.all(), user)


class Open311ClientListView(ConfigPage):
    template_name = "service_requests/open311_clients.html"
    tab = "open311_client_list"
    title = gettext_lazy("Open311 clients")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show") or "active"
        clients = open311_clients_for(self.request.user).order_by("-is_active", "name", "id")
        if show == "active":
            clients = clients.filter(is_active=True)
        elif show == "inactive":
            clients = clients.filter(is_active=False)
        else:
            show = "all"
        context.update(
            {
                "clients": clients,
                "show": show,
                "show_choices": [
                    ("active", _("Active")),
                    ("inactive", _("Deactivated")),
                    ("all", _("All")),
                ],
                "discovery_url": _discovery_url(self.request),
            }
        )
        return context


def _discovery_url(request) -> str:
    """The Open311 discovery document the clients' developers start from (empty when the API is not mounted)."""
    from django.urls import NoReverseMatch

    try:
        return request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"}))
    except NoReverseMatch:
        return ""


class Open311ClientCreateView(OfficeFormView):
    form_class = Open311ClientForm
    list_url_name = "open311_client_list"
    title = gettext_lazy("New Open311 client")
    submit_label = gettext_lazy("Create and show the key")

    def perform(self, form):
        return services.open311_client_create(actor=self.request.user, **form.cleaned_data)

    def form_valid(self, form):
        from shiliu.core.errors import ApplicationError
        from shiliu.core.views import apply_application_error

        try:
            client, raw_key = self.perform(form)
        except ApplicationError as exc:
            apply_application_error(form, exc, self.error_field_map)
            return self.form_invalid(form)
        # Rendered, not redirected: the raw key exists only in this response and is never stored.
        response = render(
            self.request,
            "service_requests/open311_client_key.html",
            {
                "title": _("Open311 client created"),
                "client": client,
                "raw_key": raw_key,
                "list_url": reverse("service_requests:open311_client_list"),
                "breadcrumbs": self.get_breadcrumbs(),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class Open311ClientDeactivateView(OfficeDeleteView):
    list_url_name = "open311_client_list"
    title = gettext_lazy("Deactivate the Open311 client")
    submit_label = gettext_lazy("Deactivate")
    success_message = gettext_lazy("The Open311 client has been deactivated; its key no longer works.")

    def fetch(self, pk):
        client = open311_clients_for(self.request.user).filter(pk=pk).first()
        if client is not None and not client.is_active:
            raise NotVisible()
        return client

    def question(self):
        return _(
            "Deactivate {name}? Its key stops working at once and requests it sends are refused. "
            "This cannot be undone; a new client with a new key can be created."
        ).format(name=self.object.name)

    def perform(self, form):
        return services.open311_client_deactivate(actor=self.request.user, client=self.object)
