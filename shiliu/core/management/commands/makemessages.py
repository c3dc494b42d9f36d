"""makemessages that also extracts ``_l(...)``, the alias of gettext_lazy used by the Excel sheet declarations."""

from django.core.management.commands.makemessages import Command as BaseCommand


class Command(BaseCommand):
    xgettext_options = [*BaseCommand.xgettext_options, "--keyword=_l"]
