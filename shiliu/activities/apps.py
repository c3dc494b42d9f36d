from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "shiliu.activities"
    label = "activities"
    verbose_name = _("Activities and publicity")

    def ready(self):
        from shiliu.core.navigation import NavItem, register

        register(
            NavItem(_("Activities"), "activities:activity_list", group="ledgers", order=40),
            NavItem(_("Publicity"), "activities:publicity_list", group="ledgers", order=41),
        )
