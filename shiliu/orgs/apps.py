from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "shiliu.orgs"
    label = "orgs"
    verbose_name = _("Areas and units")

    def ready(self):
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.views import configure_area_picker, register_home_panel

        from . import views

        register(
            NavItem(_("Units"), "orgs:unit_list", group="orgs", order=20),
            NavItem(_("Area tree"), "orgs:area_tree", group="orgs", order=30),
            NavItem(_("Areas"), "orgs:area_list", group="orgs", order=31),
            NavItem(_("Area statistics"), "orgs:stats_list", group="orgs", order=32),
        )
        configure_area_picker(views.AREA_PICKER)
        register_home_panel(views.home_panel)
