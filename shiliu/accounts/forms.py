"""Forms for signing in, changing passwords and creating users: shape and types only."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shiliu.core.forms import StyledForm, StyledFormMixin, TreeChoiceField
from shiliu.core.roles import Role
from shiliu.core.scope import visible_to

from .models import User


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class PasswordChangeStyledForm(StyledFormMixin, PasswordChangeForm):
    """Django's password change (validators from settings); a successful change lifts ``must_change_password``."""

    def save(self, commit=True):
        user = self.user
        user.set_password(self.cleaned_data["new_password1"])
        user.must_change_password = False
        if commit:
            user.save(update_fields=["password", "must_change_password"])
        return user


class UserCreateForm(StyledForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("Role"))
    area = TreeChoiceField(
        queryset=User.objects.none(), label=_("Area"), required=False, placeholder=_("Choose the area")
    )
    unit = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Unit"),
        required=False,
        empty_label=_("No unit"),
        help_text=_(
            "Only for unit and member department liaisons. Choose the area first; the units inside it are offered here."
        ),
    )
    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Initial password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        area_model = User._meta.get_field("area").related_model
        unit_model = User._meta.get_field("unit").related_model
        self.fields["area"].queryset = visible_to(area_model.objects.all(), user)
        # Offer only the units inside the chosen area: a whole province would be far too many options.
        area_value = self.data.get("area") if self.is_bound else self.initial.get("area")
        area = (
            self.fields["area"].queryset.filter(pk=area_value).first()
            if str(area_value or "").isdigit()
            else None
        )
        units = visible_to(unit_model.objects.order_by("name"), user).only("id", "name", "area_path")
        self.fields["unit"].queryset = units.filter(area_path__startswith=area.path) if area else units.none()
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": reverse("accounts:user_create"),
                "hx-trigger": "change from:#id_area",
                "hx-include": "#id_area",
                "hx-select": "#id_unit",
                "hx-target": "this",
                "hx-swap": "outerHTML",
            }
        )
        roles = (
            Role.choices
            if getattr(user, "is_system_admin", False)
            else [c for c in Role.choices if c[0] != Role.ADMIN]
        )
        self.fields["role"].choices = roles

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords do not match."), code="password_mismatch")
        return second
