"""Demo data: the forum, its partners, staff, officers and parent carers, then each app's own.

Safe to run again: everything is looked up before it is created. Each installed app may add its
own demo data in a ``demo.py`` module with a ``seed(people)`` function, which receives the
``DemoPeople`` made here.
"""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from forum_portal.people import services
from forum_portal.people.models import AgeBand, Membership, NeedCategory, Organisation, User

DEMO_PASSWORD = "demo-portal-2026"


@dataclass
class DemoPeople:
    forum: Organisation
    council: Organisation
    nhs: Organisation
    staff: User
    admin: User
    council_officer: User
    nhs_officer: User
    parents: list[User] = field(default_factory=list)
    totp_secrets: dict[str, str] = field(default_factory=dict)


class Command(BaseCommand):
    help = "Create demo data for every part of the portal and print the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never on a live portal).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo adds demo accounts with a published password; it runs only with DEBUG on.")
        with transaction.atomic():
            people = seed_people()
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is not None:
                    import_module(module_name).seed(people)
        self.print_sign_ins(people)

    def print_sign_ins(self, people: DemoPeople) -> None:
        rows = [
            ("Parent carer", people.parents[0]),
            ("Officer, council", people.council_officer),
            ("Officer, NHS", people.nhs_officer),
            ("Forum staff", people.staff),
            ("Forum admin (Django admin)", people.admin),
        ]
        sign_in_url = f"{settings.SITE_URL}/accounts/login/"
        self.stdout.write(self.style.SUCCESS(f"\nDemo data is ready. Sign in at {sign_in_url}"))
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}\n")
        for role, user in rows:
            line = f"  {role:<28} {user.email:<30}"
            secret = people.totp_secrets.get(user.email)
            if secret:
                line += f"   two-factor secret: {secret}"
            self.stdout.write(line)
        self.stdout.write(
            "\nOfficers, staff and admins need a code from an authenticator app: add the two-factor secret "
            "to the app (as a key entered by hand, time-based) to get codes.\n"
        )


def seed_people() -> DemoPeople:
    forum = _organisation(settings.FORUM_NAME, "forum", Organisation.Kind.FORUM)
    council = _organisation("Brookshire Council", "brookshire-council", Organisation.Kind.LOCAL_AUTHORITY)
    nhs = _organisation("Brookshire Integrated Care Board", "brookshire-icb", Organisation.Kind.NHS)

    people = DemoPeople(
        forum=forum,
        council=council,
        nhs=nhs,
        staff=_user("staff@example.org", "Sam Okafor"),
        admin=_user("admin@example.org", "Alex Morgan", is_staff=True, is_superuser=True),
        council_officer=_user("officer@council.example.org", "Priya Shah"),
        nhs_officer=_user("officer@icb.example.org", "Tom Hughes"),
    )
    services.add_membership(people.staff, forum, role=Membership.Role.MANAGER, job_title="Participation lead")
    services.add_membership(people.council_officer, council, job_title="SEND commissioning officer")
    services.add_membership(people.nhs_officer, nhs, job_title="Children's services lead")
    for user in [people.staff, people.admin, people.council_officer, people.nhs_officer]:
        people.totp_secrets[user.email] = _totp_secret(user)

    parents = [
        ("parent@example.org", "Jo Bennett", "BS16", [AgeBand.AGE_5_10], [NeedCategory.ASD, NeedCategory.SLCN]),
        ("parent2@example.org", "Chris Walker", "BS15", [AgeBand.AGE_11_15], [NeedCategory.SEMH]),
        ("parent3@example.org", "Aisha Rahman", "BS5", [AgeBand.UNDER_5, AgeBand.AGE_5_10], [NeedCategory.PD]),
        ("parent4@example.org", "Dan Evans", None, None, None),
        ("parent5@example.org", "Maria Kowalska", "BS16", [AgeBand.AGE_16_18], None),
    ]
    for email, name, postcode, age_bands, needs in parents:
        user = _user(email, name)
        if not hasattr(user, "parent_carer_profile"):
            profile = services.join_forum(user)
            services.set_profile_data(profile, postcode_district=postcode, age_bands=age_bands, needs=needs)
        people.parents.append(user)
    return people


def _organisation(name: str, slug: str, kind: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    return organisation


def _user(email: str, full_name: str, **flags) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, **flags)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _totp_secret(user: User) -> str:
    """The user's TOTP secret, made the first time, so a person can add it to an authenticator app."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        return decrypt(authenticator.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
