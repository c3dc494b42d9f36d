from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceRequestsConfig(AppConfig):
    name = "shiliu.service_requests"
    label = "service_requests"
    verbose_name = _("Service requests")

    def ready(self):
        # Demo data (R1).
        from shiliu.core.demo import register_seeder

        from .demo import flush_service_requests, seed_service_requests

        register_seeder("service_requests", seed_service_requests, order=60, flush=flush_service_requests)

        # Navigation (R2).
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.roles import Role
        from shiliu.core.views import register_home_panel

        from .views.requests import home_panel

        office = frozenset({Role.ADMIN, Role.OFFICE})
        register(
            NavItem(
                _("My day"),
                "service_requests:visit_day",
                roles=frozenset({Role.GRID}),
                group="requests",
                order=69,
            ),
            NavItem(_("Service requests"), "service_requests:request_list", group="requests", order=70),
            NavItem(
                _("Grid visits"),
                "service_requests:visit_list",
                roles=office | {Role.GRID, Role.LEADER},
                group="requests",
                order=71,
            ),  # fmt: skip
            NavItem(
                _("Reminders"),
                "service_requests:reminder_list",
                roles=office | {Role.DEPARTMENT, Role.LEADER},
                group="requests",
                order=72,
            ),
            NavItem(_("Department ranking"), "service_requests:ranking", group="requests", order=72),
            NavItem(
                _("Request settings"),
                "service_requests:category_list",
                roles=office,
                group="requests",
                order=73,
            ),
        )
        register_home_panel(home_panel)
