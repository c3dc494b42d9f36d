"""Sign-in, password change and the users pages for office staff and administrators."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy

from shiliu.core.roles import Role
from shiliu.core.scope import CHANGE, role_may, visible_to
from shiliu.core.validators import normalize_text
from shiliu.core.views import (
    Column,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    SignedInMixin,
    picker_resolve,
    require,
)

from . import services
from .forms import LoginForm, PasswordChangeStyledForm, UserCreateForm
from .models import User


def may_manage_users(user) -> bool:
    return getattr(user, "is_system_admin", False) or role_may(user, User, CHANGE)


def user_list(*, user, filters) -> "QuerySet[User]":  # noqa: F821
    """Users whose area lies in the viewer's scope, filtered by search, role and area subtree."""
    qs = visible_to(User.objects.select_related("area", "unit"), user)
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__contains=q))
    if (role := filters.get("role")) in Role.values:
        qs = qs.filter(role=role)
    elif role:
        qs = qs.none()
    if filters.get("area"):
        area = picker_resolve(user, filters.get("area"))
        qs = qs.filter(area__path__startswith=area.path) if area else qs.none()
    if filters.get("active") in ("1", "0"):
        qs = qs.filter(is_active=filters["active"] == "1")
    return qs


class ManageUsersMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(may_manage_users(request.user))
        return super().dispatch(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(SignedInMixin, auth_views.PasswordChangeView):
    allow_while_password_expired = True
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeStyledForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext_lazy("Your password has been changed."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": gettext_lazy("Change password"),
                "submit_label": gettext_lazy("Change password"),
                "cancel_url": reverse("core:home"),
                "breadcrumbs": [(gettext_lazy("Change password"), None)],
            }
        )
        return context


class UserListView(ManageUsersMixin, ScopedListView):
    title = gettext_lazy("Users")
    pretitle = gettext_lazy("Accounts in your area")
    selector = staticmethod(user_list)
    columns = (
        Column("username", gettext_lazy("Username"), sort="username", link=True),
        Column("full_name", gettext_lazy("Full name")),
        Column("role", gettext_lazy("Role"), sort="role"),
        Column("area__name", gettext_lazy("Area")),
        Column("unit__name", gettext_lazy("Unit")),
        Column("is_active", gettext_lazy("Active")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("role", gettext_lazy("Role"), choices=Role.choices),
        ListFilter(
            "active", gettext_lazy("Active"), choices=(("1", gettext_lazy("Yes")), ("0", gettext_lazy("No")))
        ),
    )
    search_placeholder = gettext_lazy("Username or name")
    sort_keys = {"username": "username", "role": "role", "created": "id"}
    sort_labels = {
        "username": gettext_lazy("Username"),
        "role": gettext_lazy("Role"),
        "created": gettext_lazy("Date created"),
    }
    default_sort = "username"
    detail_url_name = "accounts:user_detail"
    create_url_name = "accounts:user_create"
    create_label = gettext_lazy("New user")
    empty_title = gettext_lazy("No users yet")
    empty_message = gettext_lazy("Accounts of people working in your area appear here once they are created.")

    def can_create(self):
        return may_manage_users(self.request.user)


class UserDetailView(ManageUsersMixin, ScopedDetailView):
    queryset = User.objects.select_related("area", "unit")
    template_name = "accounts/user_detail.html"

    def get_breadcrumbs(self):
        return [(gettext_lazy("Users"), reverse("accounts:user_list")), (str(self.object), None)]


class UserCreateView(ManageUsersMixin, ScopedCreateView):
    form_class = UserCreateForm
    title = gettext_lazy("New user")
    submit_label = gettext_lazy("Create user")
    success_url_name = "accounts:user_detail"
    cancel_url_name = "accounts:user_list"
    success_message = gettext_lazy("The user has been created.")
    error_field_map = {"password": "password1"}

    def get_initial(self):
        return {"area": self.request.GET.get("area")} if self.request.GET.get("area") else {}

    def get_breadcrumbs(self):
        return [(gettext_lazy("Users"), reverse("accounts:user_list")), (self.title, None)]

    def perform(self, form):
        data = form.cleaned_data
        return services.user_create(
            actor=self.request.user,
            username=data["username"],
            password=data["password1"],
            role=data["role"],
            area=data["area"],
            unit=data["unit"],
            full_name=data["full_name"],
        )
