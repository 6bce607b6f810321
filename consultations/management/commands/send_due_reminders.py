"""``manage.py send_due_reminders [--dry-run]``: queue the consultation reminders due now, or
list them without queueing (for operators checking what the next sweep will send)."""

from django.core.management.base import BaseCommand

from consultations import reminders


class Command(BaseCommand):
    help = "Queue the consultation reminders due now; with --dry-run, list them instead."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be queued, queue nothing.")

    def handle(self, *args, dry_run=False, **options):
        if not dry_run:
            for name, count in reminders.send_due_reminders().items():
                self.stdout.write(f"{name}: {count} queued")
            return
        due = reminders.due_reminders()
        for name, rows in due.items():
            self.stdout.write(f"{name}: {len(rows)} due")
            for reminder in rows:
                self.stdout.write(f"  {reminder}")
        self.stdout.write(f"{sum(len(rows) for rows in due.values())} reminder(s) would be queued.")
