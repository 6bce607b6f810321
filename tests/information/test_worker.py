"""The weekly digest with a real Celery worker on Redis, delivered to a real SMTP server."""

import datetime

import pytest
import time_machine

from forum_portal.notify.models import OutgoingEmail
from information import services
from tests.factories import ParentCarerFactory
from tests.factories.information import PublishedArticleFactory, TopicFactory
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A weekday afternoon in the past: outside quiet hours, so the digest is due at once.
AFTERNOON = datetime.datetime(2026, 3, 6, 14, 0, tzinfo=datetime.UTC)


def test_digest_reaches_the_follower_through_the_worker(celery_worker, smtp_sink):
    health = TopicFactory(name="Health", slug="health")
    parent = ParentCarerFactory(email="robin@example.org")
    services.set_followed_topics(parent, topics=[health])
    PublishedArticleFactory(
        title="New sleep clinic", topics=[health], published_at=AFTERNOON - datetime.timedelta(days=1)
    )
    celery_worker()

    with time_machine.travel(AFTERNOON, tick=True):
        assert services.send_topic_digests() == 1

    email = OutgoingEmail.objects.get(kind="information_digest")
    wait_for(
        lambda: OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENT).exists(),
        timeout=30,
        message="the digest to be sent",
    )
    [delivered] = smtp_sink.delivered()
    assert delivered.recipients == ["robin@example.org"]
    assert delivered.message["Subject"] == "1 new in the topics you follow"
    assert "/email/unsubscribe/" in delivered.message["List-Unsubscribe"]
    assert "New sleep clinic" in delivered.message.get_body(preferencelist=("plain",)).get_content()
