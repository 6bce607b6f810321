import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

PERIOD = 30  # seconds a code is shown for


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` now (or at ``at``, a Unix time).

    Now, a code with under 3 seconds left is waited out, as a person would: typed and sent, it must
    still be the current one when the portal checks it, however busy the machine is."""
    if at is None:
        at = time.time()
        left = PERIOD - at % PERIOD
        if left < 3:
            time.sleep(left)
            at += left
    return format_hotp_value(hotp_value(secret, int(at) // PERIOD))
