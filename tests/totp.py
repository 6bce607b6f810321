import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` now (or at ``at``, a Unix time)."""
    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))
