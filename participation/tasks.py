from celery import shared_task

from . import services


@shared_task(name="participation.queue_event_reminders_task", acks_late=True)
def queue_event_reminders_task() -> int:
    return services.queue_event_reminders()


@shared_task(name="participation.log_closed_consultations_task", acks_late=True)
def log_closed_consultations_task() -> int:
    return services.log_closed_consultations()
