"""The benchmark data set, built with bulk inserts: ``manage.py seed_bench --scale small|large``.

Each installed app may add its share in a ``benchdata.py`` module with ``seed(scale, people)``.
It refuses to run on a database that already has people in it, so it cannot touch a live portal.
"""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from forum_portal.people.models import (
    AgeBand,
    ChildAgeBand,
    ChildNeed,
    Membership,
    NeedCategory,
    Organisation,
    ParentCarerProfile,
    User,
)

SCALES = {
    "small": {"members": 50, "organisations": 4},
    "large": {"members": 10_000, "organisations": 40},
}
BATCH = 2000


@dataclass
class BenchPeople:
    scale: str
    forum: Organisation
    partners: list[Organisation] = field(default_factory=list)
    officers: list[User] = field(default_factory=list)
    members: list[User] = field(default_factory=list)
    staff: User | None = None


class Command(BaseCommand):
    help = "Build the benchmark data set with bulk inserts (on an empty database)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")

    def handle(self, *args, scale, **options):
        if User.objects.exists():
            raise CommandError("seed_bench runs only on an empty database (it has people in it already).")
        started = time.monotonic()
        random.seed(2026)
        with transaction.atomic():
            people = seed_people(scale)
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.benchdata"
                if app_config.name != "forum_portal" and find_spec(module_name) is not None:
                    module = import_module(module_name)
                    if hasattr(module, "seed"):
                        module.seed(scale, people)
        if connection.vendor == "postgresql":
            # A live database has planner statistics (autovacuum keeps them); a freshly bulk-loaded
            # one has none until autovacuum gets round to it, and the planner then guesses a handful
            # of rows per table (a nested loop over 2,000 services took 90 ms instead of 8).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"seed_bench --scale {scale}: done in {time.monotonic() - started:.1f} s")


def seed_people(scale: str) -> BenchPeople:
    sizes = SCALES[scale]
    now = timezone.now()
    password = make_password("bench-password-not-secret")  # hashed once, shared by every bench account
    forum = Organisation.objects.create(name="Bench Parent Carer Forum", slug="forum", kind=Organisation.Kind.FORUM)
    kinds = [Organisation.Kind.LOCAL_AUTHORITY, Organisation.Kind.NHS, Organisation.Kind.SCHOOL]
    partners = Organisation.objects.bulk_create(
        Organisation(name=f"Partner {n}", slug=f"partner-{n}", kind=kinds[n % len(kinds)])
        for n in range(sizes["organisations"])
    )
    people = BenchPeople(scale=scale, forum=forum, partners=partners)

    officers = User.objects.bulk_create(
        User(email=f"officer{n}@bench.example.org", full_name=f"Officer {n}", password=password)
        for n in range(len(partners))
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation) for user, organisation in zip(officers, partners, strict=True)
    )
    people.officers = officers
    people.staff = User.objects.create(email="staff@bench.example.org", full_name="Bench Staff", password=password)
    Membership.objects.create(user=people.staff, organisation=forum)
    # Officers and staff pages need two-factor set up; the benchmark signs them in directly.
    for user in [people.staff, *officers]:
        TOTP.activate(user, generate_totp_secret())

    members = User.objects.bulk_create(
        (
            User(email=f"member{n}@bench.example.org", full_name=f"Member {n}", password=password)
            for n in range(sizes["members"])
        ),
        batch_size=BATCH,
    )
    districts = [f"BS{n}" for n in range(1, 17)]
    profiles = ParentCarerProfile.objects.bulk_create(
        (
            ParentCarerProfile(
                user=user,
                privacy_notice_accepted_at=now,
                postcode_district=random.choice(districts),
                postcode_consented_at=now,
                age_bands_consented_at=now,
                needs_consented_at=now,
            )
            for user in members
        ),
        batch_size=BATCH,
    )
    ChildAgeBand.objects.bulk_create(
        (ChildAgeBand(profile=profile, age_band=random.choice(AgeBand.values)) for profile in profiles),
        batch_size=BATCH,
    )
    ChildNeed.objects.bulk_create(
        (ChildNeed(profile=profile, need=random.choice(NeedCategory.values)) for profile in profiles),
        batch_size=BATCH,
    )
    people.members = members
    return people
