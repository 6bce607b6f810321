from collections import Counter

from celery import shared_task

from . import services


@shared_task(name="notify.send_email_task", bind=True, acks_late=True, max_retries=None, ignore_result=True)
def send_email_task(self, email_id: int) -> str:
    result = services.send_queued_email(email_id)
    if result.retry_in is not None:
        # The row is queued again with a later not_before; this retry (or the sweeper) sends it.
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value


@shared_task(name="notify.send_emails_task", acks_late=True, ignore_result=True)
def send_emails_task(email_ids: list[int]) -> dict[str, int]:
    """Send emails handed over together (a reminder sweep, the outbox sweeper), one by one. A
    passing failure leaves its row queued with a later ``not_before``, and the outbox sweeper hands
    it over again then; a worker that dies mid-batch leaves the rest queued for the same sweeper."""
    return dict(Counter(services.send_queued_email(email_id).outcome.value for email_id in email_ids))


@shared_task(name="notify.sweep_outbox_task", acks_late=True, ignore_result=True)
def sweep_outbox_task() -> dict[str, int]:
    return services.sweep_outbox()
