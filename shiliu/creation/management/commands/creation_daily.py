"""Daily upkeep of demonstration creation (run from cron or a scheduler): expire titles past their validity end and
queue the gap-list computation for every unit and area."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Expire titles past their validity end and queue the gap-list snapshots (gap_lists_compute)."

    def add_arguments(self, parser):
        parser.add_argument("--no-gap-lists", action="store_true", help="Only expire titles.")
        parser.add_argument(
            "--now", action="store_true", help="Compute the gap lists here instead of queueing."
        )

    def handle(self, *args, no_gap_lists=False, now=False, **options):
        from shiliu.creation.services import titles_expire

        expired = titles_expire()
        self.stdout.write(f"titles expired: {expired}")
        if no_gap_lists:
            return
        if now:
            from shiliu.creation.gaps import compute_snapshots

            self.stdout.write(f"gap lists: {compute_snapshots()}")
        else:
            from shiliu.creation.tasks import gap_lists_compute

            result = gap_lists_compute.enqueue()
            self.stdout.write(f"gap lists queued: {result.id}")
