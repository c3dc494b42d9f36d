from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "shiliu.venues"
    label = "venues"
    verbose_name = _("Venues")

    def ready(self):
        from shiliu.core.demo import register_seeder
        from shiliu.core.navigation import NavItem, register

        from .demo import flush_venues, seed_venues

        register(
            NavItem(_("Venues"), "venues:venue_list", group="ledgers", order=44),
            NavItem(_("Venue visitors"), "venues:visit_list", group="ledgers", order=45),
        )
        register_seeder("venues", seed_venues, order=20, flush=flush_venues)
