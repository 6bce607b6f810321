"""The outbox with a real Celery worker on Redis, sending to a real SMTP server."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from forum_portal.notify import services
from forum_portal.notify.models import OutgoingEmail
from forum_portal.notify.tasks import send_email_task
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Status = OutgoingEmail.Status
SEND_TASK = "notify.send_email_task"


def queue(dedupe_key="worker:1", **kwargs):
    return services.queue_email(
        kind="account",
        to="robin@example.org",
        dedupe_key=dedupe_key,
        subject="Your forum account",
        body_text="Hello Robin.",
        **kwargs,
    )


def status_of(email) -> str:
    return OutgoingEmail.objects.values_list("status", flat=True).get(pk=email.pk)


def wait_until_sent(email, timeout=20) -> OutgoingEmail:
    wait_for(lambda: status_of(email) == Status.SENT, timeout=timeout, message=f"email {email.pk} to be sent")
    return OutgoingEmail.objects.get(pk=email.pk)


def test_send_task_published_twice_at_once_delivers_once(celery_worker, smtp_sink):
    email = queue()  # publishes the send task once, on commit
    send_email_task.delay(email.pk)  # and once more, as a retried job or a sweeper run would
    smtp_sink.hold()

    worker = celery_worker(concurrency=2)
    # One pool process holds the row mid-send while the other takes the second task.
    assert smtp_sink.data_started.wait(20)
    wait_for(lambda: worker.task_results(SEND_TASK) == ["skipped"], message="the second task to skip the row")
    smtp_sink.release()
    sent = wait_until_sent(email)

    wait_for(lambda: len(worker.task_results(SEND_TASK)) == 2, message="both tasks to finish")
    assert sorted(worker.task_results(SEND_TASK)) == ["sent", "skipped"]
    assert (sent.attempts, sent.last_error) == (1, "")
    delivered = smtp_sink.delivered()
    assert [(message.recipients, message.message["Subject"]) for message in delivered] == [
        (["robin@example.org"], "Your forum account")
    ]
    assert delivered[0].message["X-Portal-Email-Id"] == str(email.pk)
    assert delivered[0].message.get_content() == "Hello Robin.\n"


def test_worker_killed_mid_send_delivers_once_after_the_sweep(celery_worker, smtp_sink):
    smtp_sink.hold()
    first = celery_worker(concurrency=1)
    email = queue()
    assert smtp_sink.data_started.wait(20)
    wait_for(lambda: status_of(email) == Status.SENDING, message="the worker to take the row")

    first.kill()
    # The sink sees the connection end while the reply is held: nothing was delivered.
    wait_for(lambda: smtp_sink.aborted == 1, message="the sink to notice the dead connection")
    smtp_sink.release()
    assert smtp_sink.delivered() == []
    assert status_of(email) == Status.SENDING

    later = timezone.now() + settings.NOTIFY_STALE_AFTER + timedelta(seconds=1)
    assert services.sweep_outbox(now=later) == {"requeued": 1, "failed": 0, "dispatched": 1}
    celery_worker(concurrency=1)
    sent = wait_until_sent(email)

    assert sent.attempts == 2
    assert [message.message["X-Portal-Email-Id"] for message in smtp_sink.delivered()] == [str(email.pk)]


def test_email_queued_with_no_worker_is_sent_once_a_worker_and_the_sweeper_run(celery_worker, smtp_sink):
    # Queued a few minutes ago for a minute ago (a scheduled email): nothing was handed to a worker.
    due_at = timezone.now() - timedelta(minutes=1)
    with time_machine.travel(due_at - timedelta(minutes=4), tick=False):
        email = queue(not_before=due_at)
    assert OutgoingEmail.objects.values_list("status", "dispatched_at").get(pk=email.pk) == (Status.QUEUED, None)

    celery_worker(concurrency=1)
    result = services.sweep_outbox()
    sent = wait_until_sent(email)

    assert result == {"requeued": 0, "failed": 0, "dispatched": 1}
    assert (sent.attempts, sent.not_before) == (1, due_at)
    assert [message.message["X-Portal-Email-Id"] for message in smtp_sink.delivered()] == [str(email.pk)]
