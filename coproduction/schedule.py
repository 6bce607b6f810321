"""Periodic tasks of this rung; settings.py adds them to Celery beat's schedule."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Owners of overdue actions: once per action and due date (the outbox's dedupe key), so
    # running twice a day is harmless and an action whose date moves is reminded again.
    "coproduction-remind-overdue-actions": {
        "task": "coproduction.remind_overdue_actions_task",
        "schedule": crontab(hour=9, minute=0),
    },
}
