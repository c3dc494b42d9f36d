from django.core.management.base import BaseCommand

from shiliu.exchange.jobs import files_prune, jobs_sweep


class Command(BaseCommand):
    help = (
        "Queue again (or fail) import/export jobs whose worker stopped sending heartbeats, "
        "and delete old uploads and exports. Run it every minute or so next to db_worker."
    )

    def handle(self, *args, **options):
        stale = jobs_sweep()
        removed = files_prune()
        self.stdout.write(f"{len(stale)} stale job(s) handled, {removed} old file(s) removed")
