"""The Celery app. Workers and beat run ``celery -A forum_portal worker`` / ``beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")

app = Celery("forum_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
