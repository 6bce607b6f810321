"""``manage.py bench_email --count N``: queue N emails and time how long the workers take to send
them all. Used by ``make bench`` with a real worker and an SMTP sink on 127.0.0.1; prints JSON."""

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from forum_portal.notify.models import OutgoingEmail
from forum_portal.notify.services import queue_email


class Command(BaseCommand):
    help = "Queue N emails and print how many the workers sent per second (for make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000)
        parser.add_argument("--timeout", type=float, default=180.0)

    def handle(self, *args, count, timeout, **options):
        run = f"bench-{time.time_ns()}"
        started = time.monotonic()
        with transaction.atomic():
            for n in range(count):
                queue_email(
                    kind="account",  # essential: never held back by an opt-out or quiet hours
                    to=f"reader{n}@bench.example.org",
                    dedupe_key=f"{run}:{n}",
                    subject=f"Benchmark message {n}",
                    body_text="A message of the email benchmark.\n",
                )
        queued = time.monotonic()
        batch = OutgoingEmail.objects.filter(dedupe_key__startswith=f"{run}:")
        while (sent := batch.filter(status=OutgoingEmail.Status.SENT).count()) < count:
            if time.monotonic() - queued > timeout:
                raise CommandError(f"only {sent} of {count} emails were sent within {timeout:.0f} s")
            time.sleep(0.2)
        finished = time.monotonic()
        self.stdout.write(
            json.dumps(
                {
                    "count": count,
                    "queue_seconds": round(queued - started, 2),
                    "send_seconds": round(finished - queued, 2),
                    "per_second": round(count / (finished - queued), 1),
                }
            )
        )
