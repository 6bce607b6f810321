from celery import shared_task

from . import services


@shared_task(name="coproduction.remind_overdue_actions_task", acks_late=True, ignore_result=True)
def remind_overdue_actions_task() -> int:
    return services.send_overdue_action_reminders()
