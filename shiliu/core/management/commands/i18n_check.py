"""Fail when the zh_Hans catalogue misses a source string or holds fuzzy or untranslated entries."""

import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SKIP_DIRS = [".venv", "var", "node_modules", "static", "bench", "docs", "tests"]


class Command(BaseCommand):
    help = "Extract messages and check that every entry of the Chinese catalogue is translated and not fuzzy."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="Keep the refreshed catalogue in place.")

    def handle(self, *args, update=False, **options):
        po_path = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        backup = Path(tempfile.mkdtemp()) / "django.po"
        if po_path.exists():
            shutil.copy(po_path, backup)
        try:
            call_command(
                "makemessages",
                locale=["zh_Hans"],
                ignore_patterns=[f"{d}/*" for d in SKIP_DIRS] + ["*/tests/*"],
                no_obsolete=True,
                verbosity=0,
            )
            catalogue = polib.pofile(str(po_path))
            problems = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
            problems += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
        finally:
            if not update and backup.exists():
                shutil.copy(backup, po_path)
        if problems:
            for line in problems[:200]:
                self.stderr.write(line)
            raise CommandError(
                f"{len(problems)} catalogue entries need a translation (run i18n_check --update, translate, commit)."
            )
        self.stdout.write(f"catalogue complete: {len(catalogue)} entries")
