"""The kinds of email the portal sends.

Each app registers its kinds when it starts (``AppConfig.ready``), so the kernel knows which
kinds a person may switch off without importing the apps that send them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EmailKind:
    key: str
    label: str
    description: str
    # Essential mail (account, receipts) cannot be switched off and carries no unsubscribe link.
    essential: bool = False
    # Mail to parent carers waits in the outbox through quiet hours (21:00 to 08:00 UK time).
    quiet_hours: bool = False
    # Asked of each email (the outbox row) just before it is sent. Mail can wait (quiet hours, a
    # retry, a broker outage); a reminder that is no longer true by then (the parent answered, the
    # consultation was withdrawn or extended) is cancelled instead of sent.
    still_due: Callable | None = None


_KINDS: dict[str, EmailKind] = {}


def register(kind: EmailKind) -> EmailKind:
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> EmailKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown email kind {key!r}: register it in its app's ready().") from None


def find(key: str) -> EmailKind | None:
    return _KINDS.get(key)


def waiting_out_quiet_hours() -> list[str]:
    """The keys of the kinds that are not sent between 21:00 and 08:00 UK time."""
    return [kind.key for kind in _KINDS.values() if kind.quiet_hours]


def switchable() -> list[EmailKind]:
    """Kinds a person may switch off, in a stable order for the preferences page."""
    return sorted((kind for kind in _KINDS.values() if not kind.essential), key=lambda kind: kind.label)


ACCOUNT = register(
    EmailKind(
        key="account",
        label="Your account",
        description="Confirming your email address, resetting your password and other sign-in messages.",
        essential=True,
    )
)
