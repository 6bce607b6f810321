"""Participation's share of the benchmark data: events with bookings, groups and the log."""

import random
from datetime import timedelta

from django.utils import timezone

from forum_portal.benchdata import BenchPage

from .models import Activity, Booking, Event, Group, GroupMember, LadderStep

# Large: 1,000 events with 20 bookings each (20,000 bookings).
SIZES = {
    "small": {"events": 20, "bookings": 5, "groups": 5, "activities": 100},
    "large": {"events": 1000, "bookings": 20, "groups": 40, "activities": 5000},
}
BATCH = 2000


def seed(scale, people) -> None:
    sizes = SIZES[scale]
    now = timezone.now()
    organisations = [people.forum, *people.partners]
    groups = Group.objects.bulk_create(
        Group(
            name=f"Bench working group {n}",
            slug=f"bench-group-{n}",
            organisation=organisations[n % len(organisations)],
            purpose="Improve a service.",
            purpose_html='<p class="govuk-body">Improve a service.</p>',
        )
        for n in range(sizes["groups"])
    )
    GroupMember.objects.bulk_create(
        (GroupMember(group=group, user=user) for group in groups for user in random.sample(people.members, 10)),
        batch_size=BATCH,
    )
    events = Event.objects.bulk_create(
        Event(
            title=f"Bench event {n}",
            kind=Event.Kind.WORKSHOP,
            description="A workshop.",
            description_html='<p class="govuk-body">A workshop.</p>',
            organisation=organisations[n % len(organisations)],
            starts_at=now + timedelta(days=1 + n % 90, hours=n % 8),
            ends_at=now + timedelta(days=1 + n % 90, hours=2 + n % 8),
            address="Bench library",
            capacity=30,
            status=Event.Status.PUBLISHED,
            published_at=now,
        )
        for n in range(sizes["events"])
    )
    Booking.objects.bulk_create(
        (
            Booking(event=event, user=user, status=Booking.Status.BOOKED)
            for event in events
            for user in random.sample(people.members, sizes["bookings"])
        ),
        batch_size=BATCH,
    )
    Activity.objects.bulk_create(
        (
            Activity(
                title=f"Bench activity {n}",
                kind=Activity.Kind.EVENT,
                happened_on=(now - timedelta(days=n % 300)).date(),
                organisation=organisations[n % len(organisations)],
                ladder_step=LadderStep.values[n % 4],
                parent_carers_involved=3 + n % 20,
                hours=2,
            )
            for n in range(sizes["activities"])
        ),
        batch_size=BATCH,
    )


def _busiest_event() -> str:
    return Event.objects.filter(title="Bench event 0").get().get_absolute_url()


PAGES = [
    BenchPage("participation index", lambda: "/get-involved/"),
    BenchPage("event list", lambda: "/get-involved/events/"),
    BenchPage("event detail", _busiest_event),
    BenchPage("group list", lambda: "/get-involved/groups/"),
]
