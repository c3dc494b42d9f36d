from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "shiliu.honors"
    label = "honors"
    verbose_name = _("Model individuals and collectives")

    def ready(self):
        from shiliu.core.demo import register_seeder
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.views import register_home_panel

        from . import views
        from .demo import flush_honors, seed_honors

        register(
            NavItem(_("Model candidates"), "honors:candidate_list", group="honors", order=60),
            NavItem(_("Honours"), "honors:honour_list", group="honors", order=61),
        )
        register_home_panel(views.home_panel)
        register_seeder("honors", seed_honors, order=50, flush=flush_honors)
