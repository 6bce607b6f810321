"""A freed place reaches the first person waiting by real email, through a real worker."""

import pytest

from participation import services
from tests.factories.participation import BookingFactory, EventFactory
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_cancellation_emails_the_promoted_person_once(celery_worker, smtp_sink):
    celery_worker(concurrency=1)
    event = EventFactory(capacity=1, title="Annual reviews coffee morning")
    booked = BookingFactory(event=event)
    waiting = BookingFactory(event=event, status="waitlisted")

    services.cancel_booking(booked, by=booked.user)

    delivered = wait_for(smtp_sink.delivered, message="the promotion email")
    assert [(message.recipients, message.message["Subject"]) for message in delivered] == [
        ([waiting.user.email], "A place came up: you are booked on Annual reviews coffee morning")
    ]
