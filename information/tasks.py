from celery import shared_task

from . import services


@shared_task(name="information.send_topic_digests_task", acks_late=True, ignore_result=True)
def send_topic_digests_task() -> int:
    return services.send_topic_digests()


@shared_task(name="information.send_review_reminders_task", acks_late=True, ignore_result=True)
def send_review_reminders_task() -> int:
    return services.send_review_reminders()
