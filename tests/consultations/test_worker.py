"""A receipt, delivered by a real Celery worker to an SMTP server."""

import pytest

from consultations import services
from consultations.models import Question
from tests.factories import ParentCarerFactory
from tests.factories.consultations import QuestionFactory, open_consultation
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_receipt_reaches_the_parent_with_a_copy_of_the_answers(celery_worker, smtp_sink):
    celery_worker(concurrency=1)
    consultation = open_consultation(title="Short breaks")
    question = QuestionFactory(consultation=consultation, kind=Question.Kind.LONG_TEXT, text="What would help?")
    parent = ParentCarerFactory(email="robin@example.org")
    response = services.start_response(consultation, user=parent)
    services.save_answers(response, answers={question: "Evening sessions"})

    services.submit_response(response, share_name=False, hear_back=False)

    delivered = wait_for(smtp_sink.delivered, message="the receipt to arrive")
    assert [(m.recipients, m.message["Subject"]) for m in delivered] == [
        (["robin@example.org"], "Your answers to “Short breaks”")
    ]
    assert "Evening sessions" in delivered[0].message.get_body(("plain",)).get_content()
