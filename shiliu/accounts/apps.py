from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shiliu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.roles import Role

        register(
            NavItem(_("Users"), "accounts:user_list", roles=frozenset({Role.ADMIN, Role.OFFICE}), order=80)
        )
