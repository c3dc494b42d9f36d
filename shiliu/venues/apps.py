from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "shiliu.venues"
    label = "venues"
    verbose_name = _("Venues")

    def ready(self):
        from shiliu.core.navigation import NavItem, register

        register(
            NavItem(_("Venues"), "venues:venue_list", group="ledgers", order=44),
            NavItem(_("Venue visitors"), "venues:visit_list", group="ledgers", order=45),
        )
