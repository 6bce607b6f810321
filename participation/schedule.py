"""Periodic tasks of this rung; settings.py adds them to Celery beat's schedule."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Remind people booked on tomorrow's events. Hourly, so an event is reminded about roughly a day
    # ahead whatever its start time; the dedupe key sends each reminder once.
    "participation-event-reminders": {
        "task": "participation.queue_event_reminders_task",
        "schedule": crontab(minute=15),
    },
    # Put consultations that have closed in the participation log, with the number of people who
    # sent answers. Hourly, so the log is current within the hour; each is logged once.
    "participation-log-closed-consultations": {
        "task": "participation.log_closed_consultations_task",
        "schedule": crontab(minute=35),
    },
}
