"""Signing up, signing in, passwords and two-factor (django-allauth's pages)."""

from .walker import LOGIN, NOT_FOUND, OK, redirect, row

SIGNED_IN_ALREADY = redirect("people:account")
REAUTHENTICATE = redirect("account_reauthenticate")

ROWS = [
    row("account_login", visitor=OK, signed_in=SIGNED_IN_ALREADY),
    row("account_logout", visitor=redirect("home"), signed_in=OK),
    row("account_inactive", everyone=OK),
    row("account_signup", visitor=OK, signed_in=SIGNED_IN_ALREADY),
    row("account_reauthenticate", visitor=LOGIN, signed_in=OK),
    # Confirming again by an emailed code, for those who sign in by code: the code page is
    # reached only after a code was asked for.
    row("account_request_reauthentication_code", visitor=LOGIN, signed_in=OK),
    row(
        "account_confirm_reauthentication_code",
        visitor=LOGIN,
        signed_in=redirect("account_request_reauthentication_code"),
    ),
    row("account_email", visitor=LOGIN, signed_in=OK),
    row("account_email_verification_sent", everyone=OK),
    row("account_change_password", visitor=LOGIN, signed_in=OK),
    # Everyone here has a password already: they change it instead.
    row("account_set_password", visitor=LOGIN, signed_in=redirect("account_change_password")),
    row("account_reset_password", everyone=OK),
    row("account_confirm_login_code", visitor=redirect("account_login"), signed_in=SIGNED_IN_ALREADY),
    row("account_confirm_email", state="an unknown key", kwargs=lambda world: {"key": "unknown-key"}, everyone=OK),
    row("account_reset_password_from_key_done", everyone=OK),
    row(
        "account_reset_password_from_key",
        state="an unknown key",
        kwargs=lambda world: {"uidb36": "zz", "key": "unknown-key"},
        everyone=OK,
    ),
    row("account_reset_password_done", everyone=OK),
    row("mfa_index", visitor=LOGIN, signed_in=OK),
    # Only between the password and the code of a sign-in in progress.
    row("mfa_authenticate", visitor=redirect("account_login"), signed_in=SIGNED_IN_ALREADY),
    # Parent carers have no authenticator, so they confirm with their password.
    row("mfa_reauthenticate", visitor=LOGIN, parent=REAUTHENTICATE, other_parent=REAUTHENTICATE, signed_in=OK),
    # Changing sign-in security asks for the password (or code) again first.
    row("mfa_activate_totp", visitor=LOGIN, signed_in=REAUTHENTICATE),
    row("mfa_deactivate_totp", visitor=LOGIN, parent=NOT_FOUND, other_parent=NOT_FOUND, signed_in=REAUTHENTICATE),
    # Nobody in the walk has made recovery codes yet.
    row("mfa_view_recovery_codes", visitor=LOGIN, signed_in=NOT_FOUND),
    row("mfa_generate_recovery_codes", visitor=LOGIN, signed_in=REAUTHENTICATE),
    row("mfa_download_recovery_codes", visitor=LOGIN, signed_in=NOT_FOUND),
]
