from celery import shared_task

from . import services


@shared_task(name="notify.send_email_task", bind=True, acks_late=True, max_retries=None, ignore_result=True)
def send_email_task(self, email_id: int) -> str:
    result = services.send_queued_email(email_id)
    if result.retry_in is not None:
        # The row is queued again with a later not_before; this retry (or the sweeper) sends it.
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value


@shared_task(name="notify.sweep_outbox_task", acks_late=True, ignore_result=True)
def sweep_outbox_task() -> dict[str, int]:
    return services.sweep_outbox()
