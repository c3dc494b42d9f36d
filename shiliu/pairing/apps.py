from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "shiliu.pairing"
    label = "pairing"
    verbose_name = _("Pairing assistance")

    def ready(self):
        from shiliu.core.demo import register_seeder
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.views import register_home_panel

        from . import views
        from .demo import flush_pairing, seed_pairing

        register(
            NavItem(_("Pairings"), "pairing:pairing_list", group="pairing", order=50),
            NavItem(_("Pairing visits"), "pairing:visit_list", group="pairing", order=51),
            NavItem(_("Pairing funds"), "pairing:fund_list", group="pairing", order=52),
            NavItem(_("Pairing projects"), "pairing:project_list", group="pairing", order=53),
            NavItem(_("Pairing outcomes"), "pairing:outcome_list", group="pairing", order=54),
            NavItem(_("Pairing assessments"), "pairing:assessment_list", group="pairing", order=55),
            NavItem(_("Assessment rulebooks"), "pairing:rulebook_list", group="pairing", order=56),
        )
        register_home_panel(views.home_panel)
        register_seeder("pairing", seed_pairing, order=40, flush=flush_pairing)
