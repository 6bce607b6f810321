"""The people every trust test uses: one of each kind, and the organisations they belong to."""

from types import SimpleNamespace

import pytest

from forum_portal.notify import kinds
from forum_portal.people.models import Organisation
from tests.factories import ForumStaffFactory, OfficerFactory, OrganisationFactory, ParentCarerFactory, UserFactory
from tests.factories.people import activate_totp


def make_world() -> SimpleNamespace:
    """Two partner organisations, the forum, and a person in each role the tables name.

    Officers, forum staff and the forum admin have two-factor sign-in, as the portal requires.
    """
    owning = OrganisationFactory(name="Brookshire Council", slug="brookshire-council")
    other = OrganisationFactory(name="Brookshire NHS Board", slug="brookshire-nhs", kind=Organisation.Kind.NHS)
    admin_user = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    activate_totp(admin_user)
    people = {
        "parent": ParentCarerFactory(email="parent@example.org", full_name="Pat Parent"),
        "other_parent": ParentCarerFactory(email="other-parent@example.org", full_name="Sam Other"),
        "officer": OfficerFactory(email="officer@council.example.org", membership__organisation=owning),
        "other_officer": OfficerFactory(email="officer@nhs.example.org", membership__organisation=other),
        "staff": ForumStaffFactory(email="staff@example.org"),
        "admin": admin_user,
    }
    return SimpleNamespace(
        owning_organisation=owning,
        other_organisation=other,
        forum=Organisation.objects.get(kind=Organisation.Kind.FORUM),
        people=people,
        **people,
    )


@pytest.fixture
def world(db):
    return make_world()


# A kind of email people may switch off, so unsubscribe links can be made before any rung has one.
TRUST_NEWS = kinds.EmailKind(key="trust_news", label="Forum news (trust tests)", description="News.")


@pytest.fixture(autouse=True)
def _switchable_kind():
    kinds.register(TRUST_NEWS)
    yield
    kinds._KINDS.pop(TRUST_NEWS.key, None)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories hash a password for every person; the fast hasher keeps the walk quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
