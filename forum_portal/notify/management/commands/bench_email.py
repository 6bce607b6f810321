"""``manage.py bench_email --count N``: queue N emails as a reminder sweep does and time how long
it takes until the workers have sent them all. Used by ``make bench`` with a real worker and an
SMTP sink on 127.0.0.1; prints JSON.

The clock starts before the first email is queued, so the rate covers everything between a sweep
deciding to send and the last message leaving: the INSERTs, handing the ids to the workers through
the broker (a hundred to a message, when each batch commits) and the sending itself.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from forum_portal.notify.models import OutgoingEmail
from forum_portal.notify.services import queue_emails

# As consultations.reminders.queue_reminders: one transaction (and one hand-over) per 500.
BATCH = 500


class Command(BaseCommand):
    help = "Queue N emails and print how many the workers sent per second (for make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000)
        parser.add_argument("--timeout", type=float, default=180.0)

    def handle(self, *args, count, timeout, **options):
        run = f"bench-{time.time_ns()}"
        emails = [
            {
                "kind": "account",  # essential: never held back by an opt-out or quiet hours
                "to": f"reader{n}@bench.example.org",
                "dedupe_key": f"{run}:{n}",
                "subject": f"Benchmark message {n}",
                "body_text": "A message of the email benchmark.\n",
            }
            for n in range(count)
        ]
        started = time.monotonic()
        for start in range(0, count, BATCH):
            with transaction.atomic():
                queue_emails(emails[start : start + BATCH])
        handed_over = time.monotonic()
        batch = OutgoingEmail.objects.filter(dedupe_key__startswith=f"{run}:")
        not_handed = batch.filter(dispatched_at__isnull=True).count()
        if not_handed:
            raise CommandError(f"{not_handed} of {count} emails were not handed to the workers (is the broker up?)")
        while (sent := batch.filter(status=OutgoingEmail.Status.SENT).count()) < count:
            if time.monotonic() - started > timeout:
                raise CommandError(f"only {sent} of {count} emails were sent within {timeout:.0f} s")
            time.sleep(0.1)
        finished = time.monotonic()
        self.stdout.write(
            json.dumps(
                {
                    "count": count,
                    # Queued and handed to the workers (who were already sending the first batches).
                    "handover_seconds": round(handed_over - started, 2),
                    "total_seconds": round(finished - started, 2),
                    "per_second": round(count / (finished - started), 1),
                }
            )
        )
