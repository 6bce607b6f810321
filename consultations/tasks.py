"""Celery tasks of the consultations rung: thin wrappers, the work is in reminders.py and services.py."""

from celery import shared_task

from . import reminders, services


@shared_task(name="consultations.remind_closing_soon_task", acks_late=True, ignore_result=True)
def remind_closing_soon_task() -> int:
    return reminders.remind_closing_soon()


@shared_task(name="consultations.remind_closing_task", acks_late=True, ignore_result=True)
def remind_closing_task() -> int:
    return reminders.remind_closing()


@shared_task(name="consultations.remind_closed_task", acks_late=True, ignore_result=True)
def remind_closed_task() -> int:
    return reminders.remind_closed()


@shared_task(name="consultations.remind_reply_due_soon_task", acks_late=True, ignore_result=True)
def remind_reply_due_soon_task() -> int:
    return reminders.remind_reply_due_soon()


@shared_task(name="consultations.remind_reply_overdue_task", acks_late=True, ignore_result=True)
def remind_reply_overdue_task() -> int:
    return reminders.remind_reply_overdue()


@shared_task(name="consultations.send_reply_progress_task", acks_late=True, ignore_result=True)
def send_reply_progress_task() -> int:
    return reminders.send_reply_progress()


@shared_task(name="consultations.renew_local_offer_rounds_task", acks_late=True, ignore_result=True)
def renew_local_offer_rounds_task() -> int:
    return len(services.renew_local_offer_rounds())


@shared_task(name="consultations.send_due_reminders_task", acks_late=True, ignore_result=True)
def send_due_reminders_task() -> dict[str, int]:
    return reminders.send_due_reminders()
