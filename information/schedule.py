"""Periodic tasks of this rung; settings.py adds them to Celery beat's schedule."""

BEAT_SCHEDULE: dict = {}
