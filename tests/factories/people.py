import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from forum_portal.people.models import Membership, Organisation, ParentCarerProfile, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """A verified primary email address, as allauth keeps it; pass verified=False to skip."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Partner {n} Council")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = Organisation.Kind.LOCAL_AUTHORITY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def activate_totp(user: User) -> str:
    """Give ``user`` a TOTP authenticator and return its secret, so a test can make codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class OfficerFactory(UserFactory):
    """An officer of a partner organisation, with two-factor sign-in set up unless two_factor=False."""

    membership = factory.RelatedFactory(MembershipFactory, factory_related_name="user")

    @factory.post_generation
    def two_factor(user, create, extracted, **kwargs):
        if create and extracted is not False:
            user.totp_secret = activate_totp(user)


class ForumStaffFactory(UserFactory):
    """A member of the forum's own organisation, with two-factor sign-in unless two_factor=False."""

    membership = factory.RelatedFactory(
        MembershipFactory,
        factory_related_name="user",
        organisation=factory.LazyFunction(
            lambda: Organisation.objects.get_or_create(
                kind=Organisation.Kind.FORUM, defaults={"name": "Test Parent Carer Forum", "slug": "forum"}
            )[0]
        ),
    )

    @factory.post_generation
    def two_factor(user, create, extracted, **kwargs):
        if create and extracted is not False:
            user.totp_secret = activate_totp(user)


class ParentCarerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentCarerProfile

    user = factory.SubFactory(UserFactory)
    privacy_notice_accepted_at = factory.LazyFunction(timezone.now)


class ParentCarerFactory(UserFactory):
    """A signed-up person who has joined the forum as a parent carer."""

    profile = factory.RelatedFactory(ParentCarerProfileFactory, factory_related_name="user")
