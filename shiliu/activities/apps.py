from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "shiliu.activities"
    label = "activities"
    verbose_name = _("Activities and publicity")

    def ready(self):
        from shiliu.core.demo import register_seeder
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.views import register_home_panel

        from . import views
        from .demo import flush_activities, seed_activities

        register(
            NavItem(_("Activities"), "activities:activity_list", group="ledgers", order=40),
            NavItem(_("Publicity"), "activities:publicity_list", group="ledgers", order=41),
        )
        register_home_panel(views.home_panel)
        register_seeder("activities", seed_activities, order=30, flush=flush_activities)
