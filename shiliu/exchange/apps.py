from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "shiliu.exchange"
    label = "exchange"
    verbose_name = _("Excel import and export")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("sheets")
