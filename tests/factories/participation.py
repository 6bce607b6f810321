from datetime import timedelta

import factory
from django.utils import timezone

from forum_portal.people.models import Organisation
from participation.models import Activity, Booking, Event, Group, Interest, LadderStep, Opportunity, RepSeat

from .people import OrganisationFactory, ParentCarerFactory


def forum_organisation() -> Organisation:
    return Organisation.objects.get_or_create(
        kind=Organisation.Kind.FORUM, defaults={"name": "Test Parent Carer Forum", "slug": "forum"}
    )[0]


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Coffee morning {n}")
    kind = Event.Kind.COFFEE_MORNING
    description = "Come and meet other parents."
    description_html = '<p class="govuk-body">Come and meet other parents.</p>'
    organisation = factory.LazyFunction(forum_organisation)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    address = "Brookshire Library, High Street"
    capacity = 10
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(ParentCarerFactory)
    status = Booking.Status.BOOKED


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Short breaks working group {n}")
    slug = factory.Sequence(lambda n: f"short-breaks-{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    purpose = "Shape the short breaks offer."
    purpose_html = '<p class="govuk-body">Shape the short breaks offer.</p>'
    meeting_pattern = "Every other month, online."


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    title = factory.Sequence(lambda n: f"Parent rep for board {n}")
    group = factory.SubFactory(GroupFactory)
    description = "We are looking for a parent rep."
    description_html = '<p class="govuk-body">We are looking for a parent rep.</p>'
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    opportunity = factory.SubFactory(OpportunityFactory)
    user = factory.SubFactory(ParentCarerFactory)
    statement = "I have sat on a school panel before."


class RepSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepSeat

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(ParentCarerFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Workshop {n}")
    kind = Activity.Kind.EVENT
    happened_on = factory.LazyFunction(timezone.localdate)
    organisation = factory.SubFactory(OrganisationFactory)
    ladder_step = LadderStep.PARTICIPATION
    parent_carers_involved = 6
    hours = 2
