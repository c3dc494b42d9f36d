from django.urls import path

from .views import config, open311_clients, public, ranking, reminders, requests, visits

app_name = "service_requests"
urlpatterns = [
    path("", requests.RequestListView.as_view(), name="request_list"),
    path("new/", requests.RequestCreateView.as_view(), name="request_create"),
    path("reminders/", reminders.ReminderListView.as_view(), name="reminder_list"),
    path("new/routing/", requests.routing_suggestion, name="routing_suggestion"),
    path("<int:pk>/", requests.RequestDetailView.as_view(), name="request_detail"),
    *[
        path(f"<int:pk>/{slug.replace('_', '-')}/", requests.action_view(slug), name=f"request_{slug}")
        for slug in requests.ACTIONS
    ],
    # Residents, without login.
    path("public/new/", public.public_create, name="public_create"),
    path("public/areas/", public.public_areas, name="public_areas"),
    path("public/received/", public.public_done, name="public_done"),
    path("public/lookup/", public.public_lookup, name="public_lookup"),
    path("public/rate/<str:ticket>/", public.public_rate, name="public_rate"),
    # Grid workers.
    path("visits/", visits.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visits.VisitCreateView.as_view(), name="visit_create"),
    path("visits/day/", visits.VisitDayView.as_view(), name="visit_day"),
    path("visits/<int:pk>/", visits.VisitDetailView.as_view(), name="visit_detail"),
    path("grids/", visits.GridAssignmentListView.as_view(), name="grid_assignment_list"),
    path("grids/new/", visits.GridAssignmentCreateView.as_view(), name="grid_assignment_create"),
    path("grids/<int:pk>/end/", visits.GridAssignmentEndView.as_view(), name="grid_assignment_end"),
    # Ranking and configuration.
    path("ranking/", ranking.RankingView.as_view(), name="ranking"),
    path("settings/categories/", config.CategoryListView.as_view(), name="category_list"),
    path("settings/categories/new/", config.CategoryFormView.as_view(), name="category_create"),
    path("settings/categories/<int:pk>/", config.CategoryFormView.as_view(), name="category_edit"),
    path("settings/deadlines/", config.DeadlineRuleListView.as_view(), name="deadline_rule_list"),
    path("settings/deadlines/new/", config.DeadlineRuleFormView.as_view(), name="deadline_rule_create"),
    path("settings/deadlines/<int:pk>/", config.DeadlineRuleFormView.as_view(), name="deadline_rule_edit"),
    path(
        "settings/deadlines/<int:pk>/remove/",
        config.DeadlineRuleDeleteView.as_view(),
        name="deadline_rule_delete",
    ),
    path("settings/routing/", config.RoutingRuleListView.as_view(), name="routing_rule_list"),
    path("settings/routing/new/", config.RoutingRuleFormView.as_view(), name="routing_rule_create"),
    path("settings/routing/<int:pk>/", config.RoutingRuleFormView.as_view(), name="routing_rule_edit"),
    path(
        "settings/routing/<int:pk>/remove/",
        config.RoutingRuleDeleteView.as_view(),
        name="routing_rule_delete",
    ),
    path("settings/calendar/", config.CalendarView.as_view(), name="calendar_list"),
    path(
        "settings/calendar/new/", config.CalendarOverrideFormView.as_view(), name="calendar_override_create"
    ),
    path(
        "settings/calendar/<int:pk>/remove/",
        config.CalendarOverrideDeleteView.as_view(),
        name="calendar_override_delete",
    ),
    path("settings/ranking/", config.RankingSettingsView.as_view(), name="ranking_settings"),
    path("settings/open311/", open311_clients.Open311ClientListView.as_view(), name="open311_client_list"),
    path(
        "settings/open311/new/",
        open311_clients.Open311ClientCreateView.as_view(),
        name="open311_client_create",
    ),
    path(
        "settings/open311/<int:pk>/deactivate/",
        open311_clients.Open311ClientDeactivateView.as_view(),
        name="open311_client_deactivate",
    ),
]
