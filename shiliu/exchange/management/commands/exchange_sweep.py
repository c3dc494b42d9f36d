from django.core.management.base import BaseCommand

from shiliu.exchange.services import jobs_sweep


class Command(BaseCommand):
    help = "Queue again (or fail) import/export jobs whose worker stopped sending heartbeats."

    def handle(self, *args, **options):
        stale = jobs_sweep()
        self.stdout.write(f"{len(stale)} stale job(s) handled")
