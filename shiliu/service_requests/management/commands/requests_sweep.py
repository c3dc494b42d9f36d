from django.core.management.base import BaseCommand

from shiliu.service_requests.tasks import DEFAULT_CHUNK, request_deadline_sweep, sweep_deadlines


class Command(BaseCommand):
    help = (
        "Send the reminders, overdue notices and supervision escalations of service requests that are due. "
        "Idempotent; several copies may run at once. --enqueue queues it for the task workers instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK)
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task instead of running it here"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = request_deadline_sweep.enqueue(chunk_size=options["chunk_size"])
            self.stdout.write(f"queued {result.id}")
            return
        counts = sweep_deadlines(chunk_size=options["chunk_size"])
        self.stdout.write(
            "{requests} request(s) handled, {reminders} reminder(s) created, {chunks} chunk(s)".format(
                **counts
            )
        )
