"""The worker keeps one connection to the mail server and reuses it, and recovers when the server
has closed it."""

import pytest

from forum_portal.notify import services
from forum_portal.notify.models import OutgoingEmail
from forum_portal.notify.services import Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.host
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield smtp_sink
    services._close_connections()


def queued(n: int) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        kind="account",
        recipient=f"reader{n}@example.org",
        subject=f"Message {n}",
        body_text="Hello",
        dedupe_key=f"t:{n}",
    )


def test_send_queued_email_reuses_one_connection(smtp_settings):
    first, second = queued(1), queued(2)

    assert services.send_queued_email(first.pk).outcome == Outcome.SENT
    connection = next(iter(services._open_connection.values()))
    assert services.send_queued_email(second.pk).outcome == Outcome.SENT

    assert next(iter(services._open_connection.values())) is connection
    assert sorted(mail.recipients[0] for mail in smtp_settings.delivered()) == [
        "reader1@example.org",
        "reader2@example.org",
    ]


def test_send_queued_email_connection_closed_by_server_sends_on_a_new_one(smtp_settings):
    first, second = queued(1), queued(2)
    services.send_queued_email(first.pk)
    # The server drops the idle connection (as servers do after a few minutes).
    next(iter(services._open_connection.values())).connection.sock.close()

    result = services.send_queued_email(second.pk)

    second.refresh_from_db()
    assert (result.outcome, second.status, second.attempts) == (Outcome.SENT, OutgoingEmail.Status.SENT, 1)
    assert len(smtp_settings.delivered()) == 2
