"""Configuration pages of the office: categories, deadline rules, routing rules, the calendar, ranking settings.

Everyone signed in may read them (the rules explain deadlines and routing); only office staff change them, and
every change goes through one service.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from shiliu.core.forms import ConfirmForm
from shiliu.core.views import BreadcrumbsMixin, ServiceFormView, SignedInMixin
from shiliu.orgs.selectors import area_root_for

from .. import calendar as work_calendar
from .. import selectors, services
from ..forms import (
    CalendarOverrideForm,
    CategoryForm,
    DeadlineRuleForm,
    RankingSettingsForm,
    RoutingRuleForm,
    category_tree,
)
from ..models import CalendarOverride, DeadlineRule, RankingSettings, RequestCategory, RoutingRule
from .common import config_crumbs, is_office, today

TABS = (
    ("category_list", gettext_lazy("Categories")),
    ("deadline_rule_list", gettext_lazy("Deadline rules")),
    ("routing_rule_list", gettext_lazy("Routing rules")),
    ("calendar_list", gettext_lazy("Working-day calendar")),
    ("ranking_settings", gettext_lazy("Ranking settings")),
    ("grid_assignment_list", gettext_lazy("Grid assignments")),
    ("open311_client_list", gettext_lazy("Open311 clients")),
)
OFFICE_ONLY_TABS = frozenset({"open311_client_list"})


def config_tabs(user, active: str) -> list[dict]:
    """The tabs of the settings pages; office-only pages are left out for everyone else."""
    office = is_office(user)
    return [
        {"url": reverse(f"service_requests:{name}"), "label": label, "active": name == active}
        for name, label in TABS
        if office or name not in OFFICE_ONLY_TABS
    ]


class ConfigPage(SignedInMixin, BreadcrumbsMixin, TemplateView):
    tab = ""
    title = ""

    def get_breadcrumbs(self):
        return config_crumbs(self.title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": self.title,
                "tabs": config_tabs(self.request.user, self.tab),
                "can_edit": is_office(self.request.user),
            }
        )
        return context


class CategoryListView(ConfigPage):
    template_name = "service_requests/config_categories.html"
    tab = "category_list"
    title = gettext_lazy("Request categories")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active = {c.pk for c, _d in category_tree()}
        rows = category_tree()
        inactive = RequestCategory.objects.exclude(pk__in=active).order_by("sort", "code")
        context["rows"] = rows + [(c, 0) for c in inactive]
        return context


class DeadlineRuleListView(ConfigPage):
    template_name = "service_requests/config_deadlines.html"
    tab = "deadline_rule_list"
    title = gettext_lazy("Deadline rules")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = DeadlineRule.objects.select_related("category").order_by(
            "step", "category__sort", "priority", "id"
        )
        return context


class RoutingRuleListView(ConfigPage):
    template_name = "service_requests/config_routing.html"
    tab = "routing_rule_list"
    title = gettext_lazy("Routing rules")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = selectors.routing_rule_list(user=self.request.user, filters=self.request.GET)
        return context


class CalendarView(ConfigPage):
    template_name = "service_requests/config_calendar.html"
    tab = "calendar_list"
    title = gettext_lazy("Working-day calendar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            year = int(self.request.GET.get("year") or today().year)
        except ValueError:
            year = today().year
        year = min(max(year, 2000), 2100)
        rows = work_calendar.year_days(year)
        months = []
        for month in range(1, 13):
            days = [
                {"date": r["date"], "workday": r["is_workday"], "override": r["override"], "holiday": r["holiday"],
                 "weekend": r["date"].weekday() >= 5}
                for r in rows
                if r["date"].month == month
            ]  # fmt: skip
            first = days[0]["date"]
            months.append({"first": first, "lead": range(first.weekday()), "days": days,
                           "workdays": sum(1 for d in days if d["workday"])})  # fmt: skip
        overrides = [r["override"] for r in rows if r["override"] is not None]
        context.update(
            {
                "year": year,
                "years": (year - 1, year + 1),
                "official": work_calendar.calendar_has_official_data(year),
                "overrides": overrides,
                "months": months,
                "workdays": sum(m["workdays"] for m in months),
            }
        )
        return context


class RankingSettingsView(ServiceFormView):
    form_class = RankingSettingsForm
    template_name = "service_requests/config_form.html"
    title = gettext_lazy("Ranking settings")
    submit_label = gettext_lazy("Save")
    success_message = gettext_lazy("The ranking settings have been saved.")

    def check_allowed(self):
        pass  # read by everyone; the POST below checks the role

    def post(self, request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return config_crumbs(self.title)

    def settings_area(self):
        return area_root_for(self.request.user)

    def settings_object(self):
        area = self.settings_area()
        return selectors.ranking_settings_for(area=area) if area is not None else None

    def get_initial(self):
        s = self.settings_object() or RankingSettings()
        return {f: getattr(s, f) for f in ("min_requests", "weight_response", "weight_on_time", "weight_resolution",
                                           "weight_satisfaction")}  # fmt: skip

    def get_cancel_url(self):
        return reverse("service_requests:ranking")

    def perform(self, form):
        area = self.settings_area()
        if area is None:
            raise PermissionDenied
        return services.ranking_settings_update(actor=self.request.user, area=area, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("service_requests:ranking_settings")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = config_tabs(self.request.user, "ranking_settings")
        context["read_only"] = not is_office(self.request.user)
        context["settings_area"] = self.settings_area()
        return context


# ---------------------------------------------------------------- edit forms


class OfficeFormView(ServiceFormView):
    template_name = "service_requests/config_form.html"
    list_url_name = ""

    def check_allowed(self):
        if not is_office(self.request.user):
            raise PermissionDenied

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        from shiliu.core.errors import NotVisible

        obj = self.fetch(self.kwargs["pk"])
        if obj is None:
            raise NotVisible()
        return obj

    def fetch(self, pk):
        return None

    def get_breadcrumbs(self):
        return [*config_crumbs(self.title)[:1], (dict(TABS)[self.list_url_name],
                reverse(f"service_requests:{self.list_url_name}")), (self.title, None)]  # fmt: skip

    def get_cancel_url(self):
        return reverse(f"service_requests:{self.list_url_name}")

    def get_success_url(self, result=None):
        return reverse(f"service_requests:{self.list_url_name}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = config_tabs(self.request.user, self.list_url_name)
        return context


class CategoryFormView(OfficeFormView):
    form_class = CategoryForm
    list_url_name = "category_list"
    success_message = gettext_lazy("The category has been saved.")

    @property
    def title(self):
        return gettext_lazy("Edit category") if "pk" in self.kwargs else gettext_lazy("New category")

    def fetch(self, pk):
        return RequestCategory.objects.filter(pk=pk).first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user", None)
        kwargs["instance"] = self.object
        return kwargs

    def get_form(self, form_class=None):
        return (form_class or self.get_form_class())(**self.get_form_kwargs())

    def get_initial(self):
        c = self.object
        if c is None:
            return {"sort": 100, "is_active": True}
        return {"name": c.name, "code": c.code, "parent": c.parent_id, "description": c.description,
                "sort": c.sort, "is_active": c.is_active}  # fmt: skip

    def perform(self, form):
        data = dict(form.cleaned_data)
        if self.object is not None:
            data["code"] = self.object.code  # the code is stable once created
            return services.category_update(actor=self.request.user, category=self.object, **data)
        return services.category_create(actor=self.request.user, **data)


class DeadlineRuleFormView(OfficeFormView):
    form_class = DeadlineRuleForm
    list_url_name = "deadline_rule_list"
    success_message = gettext_lazy("The deadline rule has been saved.")

    @property
    def title(self):
        return (
            gettext_lazy("Edit deadline rule") if "pk" in self.kwargs else gettext_lazy("New deadline rule")
        )

    def fetch(self, pk):
        return DeadlineRule.objects.filter(pk=pk).first()

    def get_initial(self):
        r = self.object
        if r is None:
            return {"remind_before_hours": 1, "is_active": True}
        return {"category": r.category_id, "priority": r.priority, "step": r.step, "amount": r.amount,
                "unit": r.unit, "remind_before_hours": r.remind_before_hours, "is_active": r.is_active}  # fmt: skip

    def perform(self, form):
        if self.object is not None:
            return services.deadline_rule_update(
                actor=self.request.user, rule=self.object, **form.cleaned_data
            )
        return services.deadline_rule_create(actor=self.request.user, **form.cleaned_data)


class RoutingRuleFormView(OfficeFormView):
    form_class = RoutingRuleForm
    list_url_name = "routing_rule_list"
    success_message = gettext_lazy("The routing rule has been saved.")

    @property
    def title(self):
        return gettext_lazy("Edit routing rule") if "pk" in self.kwargs else gettext_lazy("New routing rule")

    def fetch(self, pk):
        return selectors.routing_rule_list(user=self.request.user, filters={}).filter(pk=pk).first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["departments"] = selectors.department_choices(user=self.request.user)
        return kwargs

    def get_initial(self):
        r = self.object
        if r is None:
            return {"is_active": True}
        return {
            "category": r.category_id,
            "area": r.area_id,
            "department": r.department_id,
            "is_active": r.is_active,
        }

    def perform(self, form):
        if self.object is not None:
            return services.routing_rule_update(
                actor=self.request.user, rule=self.object, **form.cleaned_data
            )
        return services.routing_rule_create(actor=self.request.user, **form.cleaned_data)


class CalendarOverrideFormView(OfficeFormView):
    form_class = CalendarOverrideForm
    list_url_name = "calendar_list"
    title = gettext_lazy("Correct a date")
    success_message = gettext_lazy("The calendar has been corrected.")

    def get_initial(self):
        return {"date": self.request.GET.get("date") or today()}

    def perform(self, form):
        return services.calendar_override_set(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        year = getattr(getattr(result, "date", None), "year", "")
        return reverse("service_requests:calendar_list") + (f"?year={year}" if year else "")


class OfficeDeleteView(OfficeFormView):
    """A confirmation page; the POST calls the delete service."""

    form_class = ConfirmForm
    template_name = "core/confirm.html"
    submit_label = gettext_lazy("Remove")
    danger = True

    def question(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.question()
        return context


class CalendarOverrideDeleteView(OfficeDeleteView):
    list_url_name = "calendar_list"
    title = gettext_lazy("Remove the correction")
    success_message = gettext_lazy("The correction has been removed; the official calendar applies again.")

    def fetch(self, pk):
        return CalendarOverride.objects.filter(pk=pk).first()

    def question(self):
        return _("Remove the correction of {date}?").format(date=self.object.date)

    def perform(self, form):
        services.calendar_override_delete(actor=self.request.user, override=self.object)
        return None


class DeadlineRuleDeleteView(OfficeDeleteView):
    list_url_name = "deadline_rule_list"
    title = gettext_lazy("Remove the deadline rule")
    success_message = gettext_lazy("The deadline rule has been removed.")

    def fetch(self, pk):
        return DeadlineRule.objects.filter(pk=pk).first()

    def question(self):
        return _("Remove this rule? Requests then follow the next more general rule.")

    def perform(self, form):
        services.deadline_rule_delete(actor=self.request.user, rule=self.object)
        return None


class RoutingRuleDeleteView(OfficeDeleteView):
    list_url_name = "routing_rule_list"
    title = gettext_lazy("Remove the routing rule")
    success_message = gettext_lazy("The routing rule has been removed.")

    def fetch(self, pk):
        return selectors.routing_rule_list(user=self.request.user, filters={}).filter(pk=pk).first()

    def question(self):
        return _("Remove the rule {rule}?").format(rule=self.object)

    def perform(self, form):
        services.routing_rule_delete(actor=self.request.user, rule=self.object)
        return None


__all__ = ["RoutingRule"]
