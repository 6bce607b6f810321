"""Periodic tasks of this rung; settings.py adds them to Celery beat's schedule."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Weekly digest of new guides and news to people who follow topics (quiet hours respected).
    "information-topic-digests": {
        "task": "information.send_topic_digests_task",
        "schedule": crontab(day_of_week="fri", hour=16, minute=0),
    },
    # Daily: remind owners of pages whose review date has passed (each review date once).
    "information-review-reminders": {
        "task": "information.send_review_reminders_task",
        "schedule": crontab(hour=8, minute=20),
    },
}
