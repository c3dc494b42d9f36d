from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreationConfig(AppConfig):
    name = "shiliu.creation"
    label = "creation"
    verbose_name = _("Demonstration creation")

    def ready(self):
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.views import register_home_panel

        from .views.home import home_panel

        # Navigation and home panel (C2).
        register(
            NavItem(_("Creation candidates"), "creation:candidate_list", group="creation", order=10),
            NavItem(_("Demonstration titles"), "creation:title_list", group="creation", order=11),
            NavItem(_("Naming batches"), "creation:batch_list", group="creation", order=12),
            NavItem(_("Indicator systems"), "creation:system_list", group="creation", order=13),
            NavItem(_("Veto events"), "creation:veto_event_list", group="creation", order=14),
            NavItem(_("Annual checks"), "creation:check_list", group="creation", order=15),
            NavItem(_("Rectifications"), "creation:rectification_list", group="creation", order=16),
        )
        register_home_panel(home_panel)

        # Demo seeder (C1).
        from shiliu.core.demo import register_seeder

        from .demo import flush_creation, seed_creation

        register_seeder("creation", seed_creation, order=80, flush=flush_creation)
