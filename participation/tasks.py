from celery import shared_task

from . import services


@shared_task(name="participation.queue_event_reminders_task", acks_late=True)
def queue_event_reminders_task() -> int:
    return services.queue_event_reminders()
