"""Accounts for the load test: parent carers, officers and forum staff, one per simulated person.

Run by loadtest/run.py against the drill database: ``python loadtest/accounts.py COUNT OUT.json``.
Every account has the same password (hashed once), a signed-in session, and officers and staff
each have their own authenticator, so no two simulated people share a two-factor code.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402

from forum_portal.people import services  # noqa: E402
from forum_portal.people.models import Organisation, User  # noqa: E402

PASSWORD = "load-test-passphrase-2026"


def signed_in_session(user: User) -> str:
    """A session as signing in leaves it, so most simulated people start signed in: sign-in
    itself is limited to 30 a minute per address, and every simulated person shares one."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def make_accounts(count: int) -> dict[str, list[dict]]:
    password = make_password(PASSWORD)
    forum = Organisation.objects.get(kind=Organisation.Kind.FORUM)
    council = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).order_by("pk").first()
    accounts: dict[str, list[dict]] = {"parent": [], "officer": [], "staff": []}
    with transaction.atomic():
        for role in accounts:
            for number in range(count):
                email = f"load-{role}-{number}@example.org"
                user, _ = User.objects.update_or_create(
                    email=email, defaults={"password": password, "full_name": f"Load {role.title()} {number}"}
                )
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                entry = {"email": email, "password": PASSWORD}
                if role == "parent":
                    services.join_forum(user)
                else:
                    services.add_membership(user, forum if role == "staff" else council)
                    user.authenticator_set.all().delete()
                    secret = generate_totp_secret()
                    TOTP.activate(user, secret)
                    entry["totp_secret"] = secret
                entry["session"] = signed_in_session(user)
                accounts[role].append(entry)
    return accounts


if __name__ == "__main__":
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    out.write_text(json.dumps(make_accounts(count), indent=1))
