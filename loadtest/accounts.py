"""Accounts for the load test: parent carers, officers and forum staff, one per simulated person.

Run by loadtest/run.py against the drill database:
``python loadtest/accounts.py COUNT OUT.json IN_REVIEW``, where IN_REVIEW is how many consultations
wait for the forum's review.
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
    session[BACKEND_SESSION_KEY] = "forum_portal.people.backends.ModelBackend"
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


# The open consultation's questions: (section, kind, text, required). Two pages, so a person's
# answers are saved twice before they are sent; four required answers, so an answer saved in part
# would show in the fault drills' check.
OPEN_QUESTIONS = [
    ("Booking", "single_choice", "How would you like to book?", True),
    ("Booking", "long_text", "What would make booking easier?", True),
    ("Your family", "scale", "How well do short breaks work for your family now?", True),
    ("Your family", "multiple_choice", "When do you use short breaks?", True),
    ("Your family", "yes_no", "Would you like to hear about events on short breaks?", False),
]
CHOICES = {"single_choice": "Online\nBy phone\nIn person", "multiple_choice": "Weekdays\nWeekends\nSchool holidays"}


def make_consultations(parents: list[dict], *, in_review: int) -> dict:
    """The council's open consultation for parent carers to answer, a closed one with answers for
    its officers' results page, and ``in_review`` consultations waiting for forum staff."""
    from datetime import timedelta

    from django.utils import timezone

    from consultations.models import Answer, Consultation, Question, Response

    now = timezone.now()
    council = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).order_by("pk").first()
    made: dict = {}
    with transaction.atomic():
        for state, opens, closes in (
            ("open", now - timedelta(days=3), now + timedelta(weeks=6)),
            ("closed", now - timedelta(weeks=10), now - timedelta(days=2)),
        ):
            consultation = Consultation.objects.create(
                organisation=council,
                title=f"Short breaks: how should booking work? ({state})",
                summary="We want to change how short breaks are booked.",
                summary_html='<p class="govuk-body">We want to change how short breaks are booked.</p>',
                status=Consultation.Status.APPROVED,
                opens_at=opens,
                closes_at=closes,
                reply_due_at=closes + timedelta(weeks=12),
            )
            questions = [
                Question.objects.create(
                    consultation=consultation,
                    position=position,
                    section=section,
                    kind=kind,
                    text=text,
                    required=required,
                    choices=CHOICES.get(kind, ""),
                )
                for position, (section, kind, text, required) in enumerate(OPEN_QUESTIONS, 1)
            ]
            if state == "closed":
                given = {"single_choice": "Online", "scale": "4", "multiple_choice": "Weekends", "yes_no": "yes"}
                for entry in parents:
                    response = Response.objects.create(
                        consultation=consultation,
                        user=User.objects.get(email=entry["email"]),
                        status=Response.Status.SUBMITTED,
                        submitted_at=closes - timedelta(days=1),
                    )
                    Answer.objects.bulk_create(
                        Answer(response=response, question=question, choice=given[question.kind])
                        if question.kind in given
                        else Answer(response=response, question=question, text="Evenings would help.")
                        for question in questions
                    )
            made[f"{state}_consultation"] = consultation.pk
        # Waiting for the forum: each is approved once by whichever simulated staff member gets
        # there first.
        waiting = Consultation.objects.bulk_create(
            Consultation(
                organisation=council,
                title=f"Transport to school, proposal {number}",
                summary="We propose changes to school transport.",
                summary_html='<p class="govuk-body">We propose changes to school transport.</p>',
                status=Consultation.Status.IN_REVIEW,
                opens_at=now + timedelta(days=14),
                closes_at=now + timedelta(weeks=10),
                reply_due_at=now + timedelta(weeks=22),
            )
            for number in range(1, in_review + 1)
        )
        Question.objects.bulk_create(
            Question(consultation=consultation, position=1, kind="long_text", text="What do you think?")
            for consultation in waiting
        )
        made["in_review"] = [consultation.pk for consultation in waiting]
    return made


if __name__ == "__main__":
    count, out, in_review = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    accounts = make_accounts(count)
    accounts["places"] = make_consultations(accounts["parent"], in_review=in_review)
    out.write_text(json.dumps(accounts, indent=1))
