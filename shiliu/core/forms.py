"""Form helpers shared by every app: Tabler styling, the area picker widget, ApplicationError → field errors."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError


def apply_application_error(form: forms.Form, exc: ApplicationError, field_map: dict | None = None) -> None:
    """Show a service's refusal on the field it names, or above the form when the field is not on it.

    ``field_map`` renames service argument names to form field names (``{"password": "password1"}``).
    """
    field = (field_map or {}).get(exc.field, exc.field)
    field = field if field in form.fields else None
    form.add_error(field, str(exc.message))


class StyledFormMixin:
    """Adds Tabler's CSS classes to widgets so templates can render any field the same way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, TreePickerWidget | forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    widget = self.fields[name].widget
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass


class TreePickerWidget(forms.Widget):
    """A hidden input plus a lazily loaded tree (``core:area_picker``) to choose one node from.

    The node's label comes from the field's queryset, so a value outside the user's scope shows as empty.
    """

    template_name = "core/widgets/area_picker.html"
    picker_url_name = "core:area_picker"

    def __init__(self, attrs=None, *, placeholder=None):
        super().__init__(attrs)
        self.placeholder = placeholder or _("Any area")
        self.queryset = None

    def label_for(self, value) -> str:
        if value in (None, "") or self.queryset is None:
            return ""
        try:
            obj = self.queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return ""
        return str(obj) if obj else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "label": self.label_for(value),
                "placeholder": self.placeholder,
                "picker_url_name": self.picker_url_name,
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered with the project's template engine so the widget lives in templates/ with the other partials.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def format_value(self, value):
        if isinstance(value, int | str) and value != "":
            return str(value)
        pk = getattr(value, "pk", None)
        return "" if pk is None else str(pk)


class TreeChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose choices are only ever the given (scoped) queryset, shown as a tree picker."""

    widget = TreePickerWidget

    def __init__(self, queryset, *, placeholder=None, **kwargs):
        kwargs.setdefault("widget", TreePickerWidget(placeholder=placeholder))
        super().__init__(queryset, **kwargs)
        self.widget.queryset = self.queryset

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        if hasattr(self, "widget"):
            self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(StyledForm):
    """An empty form: the POST itself is the confirmation."""


PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
MAX_PHOTOS = 6


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (checked by their bytes in core.attachments, not here)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault("help_text", _("Up to {n} JPEG, PNG or WebP photos.").format(n=MAX_PHOTOS))
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": PHOTO_ACCEPT, "multiple": True})

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most {n} photos can be added at once.").format(n=MAX_PHOTOS))
        return files
