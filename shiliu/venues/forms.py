"""Forms for venues and visitor counts: shape and types only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shiliu.core.forms import StyledForm, TreeChoiceField
from shiliu.core.scope import visible_to
from shiliu.orgs.models import Area

from .choices import VenueLevel
from .selectors import venue_type_list


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VenueForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    venue_type = forms.ModelChoiceField(
        queryset=venue_type_list(), label=_("Type"), empty_label=_("Choose a type")
    )
    area = TreeChoiceField(queryset=Area.objects.none(), label=_("Area"), placeholder=_("Choose the area"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, help_text=_("From -90 to 90.")
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, help_text=_("From -180 to 180.")
    )
    level = forms.ChoiceField(label=_("Level"), choices=VenueLevel.choices)
    opening_info = forms.CharField(
        label=_("Opening information"),
        max_length=200,
        required=False,
        help_text=_("For example: Tuesday to Sunday 9:00–17:00, free of charge."),
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible_to(Area.objects.all(), user)


class VisitCountForm(StyledForm):
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(
        label=_("To"), widget=DateInput(), required=False, help_text=_("Leave empty for a single day.")
    )
    visitors = forms.IntegerField(label=_("Visitors"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
