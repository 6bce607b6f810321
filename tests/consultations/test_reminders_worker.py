"""Reminders swept and sent by real Celery workers on Redis to a real SMTP server: once each."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consultations import reminders
from consultations.models import Answer, Response
from consultations.tasks import send_due_reminders_task
from forum_portal.notify import services as notify
from forum_portal.notify.models import OutgoingEmail
from tests.factories import OfficerFactory, ParentCarerFactory
from tests.factories.consultations import QuestionFactory, closed_consultation, open_consultation
from tests.worker import celery_publishing, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SWEEP_TASK = "consultations.send_due_reminders_task"


@pytest.fixture
def just_closed():
    """A consultation that closed an hour ago, with three officers and two answers.

    Officers' reminders are not held through quiet hours, so the test does not depend on the hour.
    """
    consultation = closed_consultation(closes_at=timezone.now() - timedelta(hours=1), title="Transport")
    officers = [
        OfficerFactory(email=f"officer{n}@council.example.org", membership__organisation=consultation.organisation)
        for n in range(3)
    ]
    for _ in range(2):
        Response.objects.create(
            consultation=consultation,
            user=ParentCarerFactory(),
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now() - timedelta(days=2),
        )
    return consultation, officers


def sent_count() -> int:
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count()


def test_the_sweep_run_twice_at_once_delivers_each_reminder_once(celery_worker, smtp_sink, just_closed):
    consultation, officers = just_closed
    send_due_reminders_task.delay()
    send_due_reminders_task.delay()  # beat and an operator, or two beats, at the same moment

    worker = celery_worker(concurrency=2)
    wait_for(lambda: len(worker.task_results(SWEEP_TASK)) == 2, timeout=30, message="both sweeps to finish")
    wait_for(lambda: len(smtp_sink.delivered()) >= 3, timeout=30, message="the reminders to arrive")
    wait_for(lambda: sent_count() == 3, message="the outbox to record them as sent")

    delivered = smtp_sink.delivered()
    assert sorted(message.recipients[0] for message in delivered) == [officer.email for officer in officers]
    assert {message.message["Subject"].strip() for message in delivered} == {
        "“Transport” has closed: 2 answers, reply due " + f"{timezone.localtime(consultation.reply_due_at):%-d %B %Y}"
    }
    assert sorted(OutgoingEmail.objects.values_list("dedupe_key", flat=True)) == sorted(
        f"closed:{consultation.pk}:{timezone.localdate(consultation.closes_at).isoformat()}:{officer.pk}"
        for officer in officers
    )


def test_a_worker_killed_mid_batch_still_delivers_each_reminder_once(celery_worker, smtp_sink, just_closed):
    consultation, officers = just_closed
    smtp_sink.hold()
    first = celery_worker(concurrency=1)
    send_due_reminders_task.delay()
    # The sweep queued the batch and the worker is in the middle of sending the first of it.
    assert smtp_sink.data_started.wait(30)
    wait_for(lambda: OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING).count() == 1)
    assert OutgoingEmail.objects.count() == 3

    first.kill()
    wait_for(lambda: smtp_sink.aborted == 1, message="the sink to notice the dead connection")
    smtp_sink.release()
    assert smtp_sink.delivered() == []

    # The outbox sweeper (every minute in production) puts the dead worker's row back and hands
    # every due row to the new worker; beat runs the reminder sweep again too.
    later = timezone.now() + settings.NOTIFY_STALE_AFTER + timedelta(seconds=1)
    assert notify.sweep_outbox(now=later) == {"requeued": 1, "failed": 0, "dispatched": 3}
    second = celery_worker(concurrency=1)
    wait_for(lambda: sent_count() == 3, timeout=30, message="the batch to be sent")
    send_due_reminders_task.delay()
    wait_for(lambda: second.task_results(SWEEP_TASK), timeout=30, message="the second sweep to finish")

    assert OutgoingEmail.objects.count() == 3
    assert sorted(message.recipients[0] for message in smtp_sink.delivered()) == [officer.email for officer in officers]


def test_reminders_due_while_the_broker_is_away_go_out_once_when_it_is_back(
    celery_worker, smtp_sink, just_closed, client
):
    consultation, officers = just_closed
    # The broker is away (nothing listens on port 1): the sweep still queues the reminders in the
    # outbox, each hand-over to a worker fails quickly and is logged, and pages keep working.
    with celery_publishing(broker_url="redis://127.0.0.1:1/0"):
        assert reminders.send_due_reminders()["closed"] == 3
        assert client.get(f"/consultations/{consultation.pk}/").status_code == 200
    assert set(OutgoingEmail.objects.values_list("status", "dispatched_at")) == {(OutgoingEmail.Status.QUEUED, None)}

    # Back: beat runs the sweep again (nothing new) and the outbox sweeper hands the rows over.
    worker = celery_worker(concurrency=1)
    assert reminders.send_due_reminders()["closed"] == 0
    assert notify.sweep_outbox() == {"requeued": 0, "failed": 0, "dispatched": 3}
    wait_for(lambda: sent_count() == 3, timeout=30, message="the reminders to be sent")
    wait_for(lambda: worker.task_results("notify.send_emails_task"), message="the send task to finish")

    assert OutgoingEmail.objects.count() == 3
    assert sorted(message.recipients[0] for message in smtp_sink.delivered()) == [officer.email for officer in officers]


def test_redis_stopped_and_started_again_loses_and_doubles_nothing(
    private_redis, celery_worker, smtp_sink, just_closed, client
):
    consultation, officers = just_closed
    worker = celery_worker(concurrency=1)
    parent = ParentCarerFactory(email="parent@example.org")
    answering = open_consultation(title="Play schemes")
    question = QuestionFactory(consultation=answering, kind="short_text", required=True)
    draft = Response.objects.create(consultation=answering, user=parent)
    Answer.objects.create(response=draft, question=question, text="More places in August")

    private_redis.stop()
    # While Redis is down, a parent sends their answers (which queues their receipt) and the
    # reminder sweep runs: both are kept in the outbox, and the page answers as usual.
    client.force_login(parent)
    sent = client.post(reverse("consultations:answer-check", args=[answering.pk]), {"hear_back": "on"})
    assert reminders.send_due_reminders()["closed"] == 3
    assert sent.status_code == 302 and sent.url == reverse("consultations:answer-sent", args=[answering.pk])
    assert set(OutgoingEmail.objects.values_list("status", "dispatched_at")) == {(OutgoingEmail.Status.QUEUED, None)}

    private_redis.start()  # the same address: the worker finds its broker again
    assert notify.sweep_outbox()["dispatched"] == 4
    wait_for(lambda: sent_count() == 4, timeout=60, message="the receipt and the reminders to be sent")

    assert sorted(message.recipients[0] for message in smtp_sink.delivered()) == sorted(
        [parent.email, *(officer.email for officer in officers)]
    )
    assert worker.is_running()
