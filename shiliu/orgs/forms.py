"""Forms for areas and units: shape and types only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shiliu.core.forms import StyledForm, TreeChoiceField
from shiliu.core.scope import visible_to
from shiliu.core.validators import normalize_text

from .choices import AreaLevel
from .models import Area, Unit
from .selectors import unit_type_list


def scoped_areas(user):
    return visible_to(Area.objects.all(), user)


def resolve_unit_name(form, cleaned: dict) -> None:
    """Turn ``unit_name`` into ``unit``, among the units of the chosen ``area`` within ``form.user``'s scope
    (an error on ``unit_name`` when there is none of that name)."""
    name = normalize_text(cleaned.get("unit_name"))
    area = cleaned.get("area")
    cleaned["unit"] = None
    if name and area is not None:
        unit = visible_to(Unit.objects.select_related("area"), form.user).filter(area=area, name=name).first()
        if unit is None:
            form.add_error(
                "unit_name", _("No unit of that name in {area} is within your scope.").format(area=area)
            )
        cleaned["unit"] = unit


class AreaAndUnitNameMixin:
    """For forms with an ``area`` (a TreeChoiceField) and an optional ``unit_name``: the areas offered are the
    user's, and the unit is found by its name within the chosen area."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = scoped_areas(user)

    def clean(self):
        cleaned = super().clean()
        resolve_unit_name(self, cleaned)
        return cleaned


class AreaCreateForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.TypedChoiceField(label=_("Level"), choices=AreaLevel.choices, coerce=int)
    code = forms.CharField(
        label=_("Division code"),
        max_length=15,
        help_text=_("12 digits (15 for a grid), starting with the parent area's significant digits."),
    )
    parent = TreeChoiceField(
        queryset=Area.objects.none(),
        label=_("Parent area"),
        required=False,
        placeholder=_("Choose the parent area"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = scoped_areas(user)


class AreaEditForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class AreaMoveForm(StyledForm):
    parent = TreeChoiceField(
        queryset=Area.objects.none(), label=_("New parent area"), placeholder=_("Choose the new parent area")
    )
    code = forms.CharField(
        label=_("New division code"),
        max_length=15,
        help_text=_("The codes of all areas below are re-based to start with the new code."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = scoped_areas(user)


class UnitForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    unit_type = forms.ModelChoiceField(
        queryset=unit_type_list(), label=_("Type"), empty_label=_("Choose a type")
    )
    area = TreeChoiceField(queryset=Area.objects.none(), label=_("Area"), placeholder=_("Choose the area"))
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    is_member_department = forms.BooleanField(
        label=_("Member department of the leading group"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped_areas(user)
