"""A mail backend that fails the way a mail server can, for the outbox's error handling."""

from django.core.mail.backends.base import BaseEmailBackend


class RaisingBackend(BaseEmailBackend):
    """Raises ``RaisingBackend.error`` on every send, as Django's SMTP backend would."""

    error: Exception | None = None

    def send_messages(self, email_messages):
        if RaisingBackend.error is not None:
            raise RaisingBackend.error
        return len(email_messages)
