"""Periodic tasks of this rung; settings.py adds them to Celery beat's schedule.

Every reminder job looks back a day (reminders.LOOK_BACK) and queues with dedupe keys, so running
more often than needed, twice at once, or late after an outage sends each reminder once.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Parent carers: a consultation they have not answered closes in 7 days or tomorrow. Hourly: the
    # reminder falls due at 10:00 on its day, and a run missed then is made good at the next.
    "consultations-remind-closing-soon": {
        "task": "consultations.remind_closing_soon_task",
        "schedule": crontab(minute=5),
    },
    # Owning officers: their consultation closes in 2 days.
    "consultations-remind-closing": {
        "task": "consultations.remind_closing_task",
        "schedule": crontab(minute=10),
    },
    # Owning officers: their consultation has just closed, with the count and the reply due date.
    "consultations-remind-closed": {
        "task": "consultations.remind_closed_task",
        "schedule": crontab(minute=15),
    },
    # Owning officers: the reply is due in 14 days or tomorrow (a Local Offer answer also in 30 days).
    "consultations-remind-reply-due-soon": {
        "task": "consultations.remind_reply_due_soon_task",
        "schedule": crontab(hour=9, minute=0),
    },
    # Owning officers weekly while a reply is overdue, and the forum staff's weekly digest. Daily, so
    # a missed day catches up; the keys name the week, so each goes once a week.
    "consultations-remind-reply-overdue": {
        "task": "consultations.remind_reply_overdue_task",
        "schedule": crontab(hour=9, minute=30),
    },
    # Local Offer feedback stays open all year: a council whose round closed gets the next one.
    "consultations-renew-local-offer-rounds": {
        "task": "consultations.renew_local_offer_rounds_task",
        "schedule": crontab(hour=0, minute=20),
    },
    # People who asked to hear back: yesterday's progress updates on "will change" items, one
    # email per consultation a day (the key names the day the updates were posted).
    "consultations-send-reply-progress": {
        "task": "consultations.send_reply_progress_task",
        "schedule": crontab(hour=10, minute=0),
    },
}
