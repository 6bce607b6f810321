import json
import uuid

import pytest

from forum_portal.notify import kinds
from tests.notify.backends import RaisingBackend
from tests.worker import celery_publishing

NEWS = kinds.EmailKind(key="test_news", label="Forum news (test)", description="News from the forum.")
EVENTS = kinds.EmailKind(key="test_events", label="Events near you (test)", description="Events.")
EVENING = kinds.EmailKind(
    key="test_evening", label="Evening reminders (test)", description="Reminders.", quiet_hours=True
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password for every user; the fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def test_kinds():
    """Two switchable kinds and one with quiet hours, registered as an app would, removed afterwards."""
    for kind in (NEWS, EVENTS, EVENING):
        kinds.register(kind)
    yield {"news": NEWS, "events": EVENTS, "evening": EVENING}
    for kind in (NEWS, EVENTS, EVENING):
        kinds._KINDS.pop(kind.key, None)


@pytest.fixture
def eager_celery():
    """Tasks run in this process when published, so mail goes to Django's test outbox."""
    with celery_publishing(eager=True) as app:
        yield app


class MemoryBroker:
    """Kombu's in-process transport: what the portal publishes waits here, and no worker takes it."""

    def __init__(self, app, queue):
        self.app = app
        self.queue = queue

    def published_ids(self) -> list[int]:
        """Email ids of the send tasks published so far (one email or a batch), in order;
        reading empties the queue."""
        ids = []
        with self.app.connection_for_write() as connection:
            channel = connection.default_channel
            while (message := channel.basic_get(self.queue, no_ack=True)) is not None:
                args, kwargs, _embed = json.loads(message.body)
                if message.headers["task"] == "notify.send_emails_task":
                    ids += args[0] if args else kwargs["email_ids"]
                else:
                    assert message.headers["task"] == "notify.send_email_task"
                    ids.append(args[0] if args else kwargs["email_id"])
        return ids


@pytest.fixture
def memory_broker():
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with celery_publishing(broker_url="memory://", queue=queue) as app:
        yield MemoryBroker(app, queue)


@pytest.fixture
def broker_away():
    """A broker address where nothing listens: publishing fails after the short connection timeout."""
    with celery_publishing(broker_url="redis://127.0.0.1:1/0") as app:
        yield app


@pytest.fixture
def failing_mail(settings):
    """``failing_mail(error)``: every send raises ``error`` from then on in the test."""
    settings.EMAIL_BACKEND = "tests.notify.backends.RaisingBackend"

    def fail_with(error: Exception) -> None:
        RaisingBackend.error = error

    yield fail_with
    RaisingBackend.error = None
