"""Forms of the service-request pages: shape and types only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shiliu.core.forms import (
    PhotosField,
    StyledForm,
    TreeChoiceField,
)
from shiliu.core.scope import visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.choices import AreaLevel
from shiliu.orgs.models import Area, Unit
from shiliu.venues.forms import DateInput
from shiliu.venues.models import Venue

from .choices import Channel, DeadlineStep, DeadlineUnit, Priority, Rating, RejectReason, Result
from .models import RequestCategory

DESCRIPTION_MAX = 2000
NOTE_MAX = 2000

ETHNIC_GUIDANCE = _(
    "Flag a case only when ethnic factors are what the case is about: a complaint of discrimination, or a matter of "
    "customs, language or religious practice of a group. A civil dispute between neighbours who belong to different "
    "groups (noise, a wall, parking) is not an ethnic case and is not flagged. The flag describes the case, never a "
    "person; nobody's ethnicity or religion is recorded."
)


# ---------------------------------------------------------------- widgets and fields


def category_tree() -> list[tuple[RequestCategory, int]]:
    """Active categories depth-first with their depth, for an indented select."""
    categories = list(RequestCategory.objects.filter(is_active=True).order_by("sort", "code"))
    by_parent: dict[int | None, list] = {}
    ids = {c.pk for c in categories}
    for category in categories:
        parent = category.parent_id if category.parent_id in ids else None
        by_parent.setdefault(parent, []).append(category)
    ordered: list[tuple[RequestCategory, int]] = []

    def walk(parent, depth):
        for category in by_parent.get(parent, []):
            ordered.append((category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


class CategoryTreeIterator(forms.models.ModelChoiceIterator):
    """The active categories depth-first, each label indented by its depth."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for category, depth in category_tree():
            yield (
                forms.models.ModelChoiceIteratorValue(category.pk, category),
                "\u2003" * depth + category.name,
            )

    def __len__(self):
        return RequestCategory.objects.filter(is_active=True).count() + (self.field.empty_label is not None)


class CategoryField(forms.ModelChoiceField):
    """The configurable category tree as an indented select."""

    iterator = CategoryTreeIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Category"))
        kwargs.setdefault("empty_label", _("Choose a category"))
        super().__init__(queryset=RequestCategory.objects.filter(is_active=True), **kwargs)


def resolve_named(queryset, text: str, *, extra: Q | None = None):
    """The one row of ``queryset`` whose name (or ``extra``) matches ``text``, else None."""
    text = normalize_text(text)
    if not text:
        return None
    condition = Q(name=text) | extra if extra is not None else Q(name=text)
    matches = list(queryset.filter(condition)[:2])
    return matches[0] if len(matches) == 1 else None


# ---------------------------------------------------------------- intake


class RequestIntakeForm(StyledForm):
    """A request recorded by office staff (for a caller) or by a grid worker (from a visit)."""

    channel = forms.ChoiceField(label=_("Channel"), choices=[(Channel.PHONE, Channel.PHONE.label),
                                                             (Channel.WALK_IN, Channel.WALK_IN.label)])  # fmt: skip
    category = CategoryField()
    area = TreeChoiceField(
        queryset=Area.objects.none(),
        label=_("Grid or area"),
        placeholder=_("Choose the grid"),
        help_text=_("The grid where the matter lies, or the lowest area you know."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    address = forms.CharField(label=_("Address or place"), max_length=200, required=False)
    unit_name = forms.CharField(
        label=_("Unit concerned"),
        max_length=120,
        required=False,
        help_text=_("Optional: the full name or credit code of a unit in your scope the request is about."),
    )
    venue_name = forms.CharField(
        label=_("Venue concerned"),
        max_length=120,
        required=False,
        help_text=_("Optional: the name of a venue in your scope the request is about."),
    )
    requester_name = forms.CharField(
        label=_("Resident's name"),
        max_length=50,
        required=False,
        help_text=_("Stored encrypted and shown masked; every reveal is recorded."),
    )
    requester_phone = forms.CharField(label=_("Resident's phone"), max_length=20, required=False)
    photos = PhotosField()

    def __init__(self, *args, user, grids=None, visits=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if grids is not None:
            # A grid worker chooses among the grids assigned to them and records from a visit.
            self.fields["channel"] = forms.CharField(
                widget=forms.HiddenInput, initial=Channel.GRID, required=False
            )
            self.fields["area"] = forms.ModelChoiceField(
                queryset=grids, label=_("Grid"), empty_label=_("Choose the grid")
            )
            self.fields["area"].widget.attrs["class"] = "form-select"
            self.fields["visit"] = forms.ModelChoiceField(
                queryset=visits if visits is not None else grids.none(),
                label=_("Raised during visit"),
                required=False,
                empty_label=_("Not during a recorded visit"),
            )
            self.fields["visit"].widget.attrs["class"] = "form-select"
        else:
            self.fields["area"].queryset = visible_to(Area.objects.all(), user)
        self.order_fields(["channel", "category", "area", "visit", "priority", "description", "address"])

    def clean(self):
        cleaned = super().clean()
        cleaned["unit"] = cleaned["venue"] = None
        if text := cleaned.get("unit_name"):
            units = visible_to(Unit.objects.all(), self.user)
            cleaned["unit"] = resolve_named(units, text, extra=Q(credit_code=normalize_text(text).upper()))
            if cleaned["unit"] is None:
                self.add_error("unit_name", _("No single unit in your scope has this name or credit code."))
        if text := cleaned.get("venue_name"):
            cleaned["venue"] = resolve_named(visible_to(Venue.objects.all(), self.user), text)
            if cleaned["venue"] is None:
                self.add_error("venue_name", _("No single venue in your scope has this name."))
        return cleaned

    def service_data(self) -> dict:
        data = self.cleaned_data
        result = {
            key: data.get(key)
            for key in (
                "category",
                "area",
                "priority",
                "description",
                "unit",
                "venue",
                "requester_name",
                "requester_phone",
                "address",
                "photos",
            )  # fmt: skip
        }
        result["channel"] = data.get("channel") or Channel.GRID
        if "visit" in self.fields:
            result["visit"] = data.get("visit")
        return result


# ---------------------------------------------------------------- public pages


class PublicAreaField(forms.ModelChoiceField):
    """A village, community or grid, chosen level by level in the browser (``static/js/public_areas.js`` reads
    ``public_areas`` one level at a time): a province has tens of thousands of them, too many for one select."""

    widget = forms.HiddenInput

    def label_from_instance(self, obj):
        parent = obj.parent.name if obj.parent_id else ""
        return f"{parent} · {obj.name}" if parent else obj.name


class PublicRequestForm(StyledForm):
    """The residents' form: no login, no captcha. ``website`` is a honeypot; ``started`` a signed timestamp."""

    category = CategoryField()
    area = PublicAreaField(
        queryset=Area.objects.none(),
        label=_("Community or grid"),
        empty_label=_("Choose where the matter lies"),
    )
    description = forms.CharField(
        label=_("What is the matter?"),
        min_length=10,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe what happened, where and since when. Do not write other people's personal details."
        ),
    )
    address = forms.CharField(label=_("Address or place"), max_length=200, required=False)
    requester_name = forms.CharField(label=_("Your name"), max_length=50)
    requester_phone = forms.RegexField(
        label=_("Your phone"),
        regex=r"^\+?[0-9 \-]{6,20}$",
        max_length=20,
        error_messages={"invalid": _("Enter a phone number of digits only.")},
        help_text=_(
            "Only the staff handling your request can see your name and phone, and each look is recorded."
        ),
    )
    photos = PhotosField()
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import PUBLIC_AREA_LEVELS

        self.fields["area"].queryset = Area.objects.filter(
            level__in=PUBLIC_AREA_LEVELS, is_active=True
        ).select_related("parent")

    def area_chain(self) -> list[int]:
        """The ids from the top of the tree down to the chosen area (to rebuild the picker after an error)."""
        value = self.data.get("area") if self.is_bound else self.initial.get("area")
        area = Area.objects.filter(pk=value, is_active=True).first() if str(value or "").isdigit() else None
        if area is None:
            return []
        paths = area.ancestor_paths() + [area.path]
        return list(Area.objects.filter(path__in=paths).order_by("level").values_list("pk", flat=True))


class PublicLookupForm(StyledForm):
    ticket = forms.CharField(
        label=_("Ticket code"),
        max_length=30,
        help_text=_("The code you received when you submitted the request, such as SR-7KQ4-M2XD-9H."),
    )


class PublicRateForm(StyledForm):
    rating_code = forms.RegexField(
        label=_("Rating code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The rating code has six digits.")},
        help_text=_("The six-digit code you received together with the ticket code."),
    )
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


# ---------------------------------------------------------------- actions on a request


def _note(label=None, *, required=False, help_text=""):
    return forms.CharField(
        label=label or _("Note"),
        max_length=NOTE_MAX,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class NoteForm(StyledForm):
    note = _note()


class RequiredNoteForm(StyledForm):
    note = _note(required=True)


class ReasonForm(StyledForm):
    reason = _note(_("Reason"), required=True)


class RejectForm(StyledForm):
    kind = forms.ChoiceField(label=_("Why"), choices=RejectReason.choices)
    duplicate_ticket = forms.CharField(
        label=_("Ticket of the original request"),
        max_length=30,
        required=False,
        help_text=_("Required for a duplicate: the request this one repeats."),
    )
    reason = _note(_("Reason"), required=True)


class DepartmentField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Lead department"))
        kwargs.setdefault("empty_label", _("Choose a department"))
        super().__init__(queryset=Unit.objects.none(), **kwargs)


class DispatchForm(StyledForm):
    department = DepartmentField()
    assisting = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Assisting departments"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    note = _note()

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["assisting"].queryset = departments


class TransferForm(StyledForm):
    department = DepartmentField(label=_("New lead department"))
    note = _note(_("Reason for the transfer"), required=True)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ExtensionRequestForm(StyledForm):
    until = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = _note(_("Reason"), required=True)


class ExtensionDecideForm(StyledForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=(("1", _("Approve the extension")), ("0", _("Refuse the extension"))),
        coerce=lambda v: v == "1",
    )
    note = _note()


class ReplyForm(StyledForm):
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices)
    note = _note(
        _("Reply to the resident"), required=True, help_text=_("What was done; the resident sees it.")
    )
    reason = _note(
        _("Reason"), help_text=_("Required when the matter is only partly resolved or unresolved.")
    )


class FlagEthnicForm(StyledForm):
    is_ethnic = forms.TypedChoiceField(
        label=_("Involves ethnic factors"),
        choices=(("1", _("Yes")), ("0", _("No"))),
        coerce=lambda v: v == "1",
        help_text=ETHNIC_GUIDANCE,
    )
    reason = _note(_("Reason"), required=True, help_text=_("Why the case is (or is no longer) flagged."))


# ---------------------------------------------------------------- grid visits


class VisitForm(StyledForm):
    grid = forms.ModelChoiceField(
        queryset=Area.objects.none(), label=_("Grid"), empty_label=_("Choose the grid")
    )
    date = forms.DateField(label=_("Date of visit"), widget=DateInput())
    households = forms.IntegerField(
        label=_("Households visited"),
        min_value=0,
        max_value=10000,
        help_text=_("A count only: no household or person files are kept."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw and heard, without names of residents."),
    )
    photos = PhotosField()

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class GridAssignmentForm(StyledForm):
    worker = forms.ModelChoiceField(
        queryset=None, label=_("Grid worker"), empty_label=_("Choose a grid worker")
    )
    grid = TreeChoiceField(queryset=Area.objects.none(), label=_("Grid"), placeholder=_("Choose the grid"))
    start = forms.DateField(label=_("Start date"), widget=DateInput())

    def __init__(self, *args, user, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["grid"].queryset = visible_to(Area.objects.filter(level=AreaLevel.GRID), user)


class EndAssignmentForm(StyledForm):
    end = forms.DateField(label=_("End date"), widget=DateInput())


# ---------------------------------------------------------------- configuration


class CategoryForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("A stable identifier of lower-case letters, digits and underscores (used by Open311)."),
    )
    parent = forms.ModelChoiceField(
        queryset=RequestCategory.objects.all(), label=_("Parent category"), required=False,
        empty_label=_("None: a top-level category"),
    )  # fmt: skip
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    sort = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["parent"].queryset = RequestCategory.objects.exclude(pk=instance.pk)
            self.fields["code"].disabled = True


class DeadlineRuleForm(StyledForm):
    category = forms.ModelChoiceField(
        queryset=RequestCategory.objects.all(), label=_("Category"), required=False,
        empty_label=_("Any category (default)"),
    )  # fmt: skip
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", _("Any priority"))] + list(Priority.choices), required=False
    )
    step = forms.ChoiceField(label=_("Step"), choices=DeadlineStep.choices)
    amount = forms.IntegerField(label=_("Limit"), min_value=0, max_value=1000)
    unit = forms.ChoiceField(label=_("Unit"), choices=DeadlineUnit.choices)
    remind_before_hours = forms.IntegerField(
        label=_("Remind before (working hours)"), min_value=0, max_value=1000, initial=1
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class RoutingRuleForm(StyledForm):
    category = forms.ModelChoiceField(queryset=RequestCategory.objects.all(), label=_("Category"))
    area = TreeChoiceField(
        queryset=Area.objects.none(),
        label=_("Area"),
        placeholder=_("Choose the area"),
        help_text=_("The rule applies in this area and below, unless a rule for a lower area exists."),
    )
    department = DepartmentField(label=_("Suggested lead department"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible_to(Area.objects.all(), user)
        self.fields["department"].queryset = departments


class CalendarOverrideForm(StyledForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label=_("This date is"),
        choices=(("1", _("A working day")), ("0", _("A day off"))),
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=120,
        required=False,
        help_text=_("For example: the State Council's notice."),
    )


class RankingSettingsForm(StyledForm):
    min_requests = forms.IntegerField(
        label=_("Minimum number of requests to be ranked"),
        min_value=1,
        max_value=100000,
        help_text=_(
            "Departments with fewer requests in the period are left out of the ranking (and counted)."
        ),
    )
    weight_response = forms.IntegerField(
        label=_("Weight of the response rate, in percent"), min_value=0, max_value=100
    )
    weight_on_time = forms.IntegerField(
        label=_("Weight of the on-time rate, in percent"), min_value=0, max_value=100
    )
    weight_resolution = forms.IntegerField(
        label=_("Weight of the resolution rate, in percent"), min_value=0, max_value=100
    )
    weight_satisfaction = forms.IntegerField(
        label=_("Weight of the satisfaction rate, in percent"), min_value=0, max_value=100
    )
