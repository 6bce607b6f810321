"""The participation rung: events and bookings, working groups, calls for parent reps and their
reports, each member's involvement, and forum staff's pages for running them."""

from datetime import timedelta

from django.utils import timezone

from participation.models import Event, GroupMember
from tests.factories.participation import (
    ActivityFactory,
    BookingFactory,
    EventFactory,
    GroupFactory,
    InterestFactory,
    OpportunityFactory,
    RepSeatFactory,
)

from .walker import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, redirect, redirect_matching, row

STAFF_ONLY = {"visitor": LOGIN, "staff": OK, "admin": OK, "others": FORBIDDEN}
STAFF_ONLY_POST = {"visitor": LOGIN, "staff": NOT_ALLOWED, "admin": NOT_ALLOWED, "others": FORBIDDEN}


def build(world):
    world.event = EventFactory(title="Coffee morning")
    world.draft_event = EventFactory(title="Draft workshop", status=Event.Status.DRAFT, published_at=None)
    started = timezone.now() - timedelta(hours=1)
    world.started_event = EventFactory(
        title="Drop-in under way", starts_at=started, ends_at=started + timedelta(hours=3)
    )
    world.booking = BookingFactory(event=world.event, user=world.parent)
    world.group = GroupFactory(name="Short breaks group", slug="short-breaks", organisation=world.owning_organisation)
    world.opportunity = OpportunityFactory(group=world.group)
    world.closed_opportunity = OpportunityFactory(group=world.group, closes_on=timezone.localdate() - timedelta(days=1))
    world.interest = InterestFactory(opportunity=world.opportunity, user=world.other_parent)
    world.seat = RepSeatFactory(group=world.group, user=world.parent)
    world.ended_seat = RepSeatFactory(
        group=world.group,
        user=world.parent,
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() - timedelta(days=35),
    )
    world.group_member = GroupMember.objects.create(group=world.group, user=world.parent)
    world.activity = ActivityFactory(organisation=world.owning_organisation)


def by_pk(name):
    return lambda world: {"pk": getattr(world, name).pk}


ROWS = [
    row("participation:index", everyone=OK),
    row("participation:event-list", everyone=OK),
    row("participation:event-feed", everyone=OK),
    row("participation:event-detail", state="published", kwargs=by_pk("event"), everyone=OK),
    row("participation:event-detail", state="draft", kwargs=by_pk("draft_event"), staff=OK, admin=OK, others=NOT_FOUND),
    row(
        "participation:event-book",
        state="published, places left; the parent has a place",
        kwargs=by_pk("event"),
        visitor=LOGIN,
        parent=redirect_matching("the event's page", r"/get-involved/events/\d+/"),
        other_parent=OK,
        admin=OK,
        others=redirect("people:join"),
    ),
    row("participation:event-calendar", state="published", kwargs=by_pk("event"), everyone=OK),
    row(
        "participation:event-calendar", state="draft", kwargs=by_pk("draft_event"), staff=OK, admin=OK, others=NOT_FOUND
    ),
    row(
        "participation:booking-cancel",
        state="the parent's booking",
        kwargs=by_pk("booking"),
        parent=OK,
        others=NOT_FOUND,
    ),
    row("participation:group-list", everyone=OK),
    row("participation:group-detail", kwargs=lambda world: {"slug": world.group.slug}, everyone=OK),
    row("participation:opportunity-detail", state="open", kwargs=by_pk("opportunity"), everyone=OK),
    row("participation:opportunity-detail", state="closed", kwargs=by_pk("closed_opportunity"), everyone=OK),
    row(
        "participation:repreport-create",
        state="the parent's seat",
        kwargs=by_pk("seat"),
        visitor=LOGIN,
        parent=OK,
        admin=OK,
        others=FORBIDDEN,
    ),
    row(
        "participation:repreport-create",
        state="the parent's seat, its term ended",
        kwargs=by_pk("ended_seat"),
        visitor=LOGIN,
        parent=redirect_matching("the group's page", r"/get-involved/groups/short-breaks/"),
        admin=OK,
        others=FORBIDDEN,
    ),
    row(
        "participation:involvement",
        visitor=LOGIN,
        parent=OK,
        other_parent=OK,
        admin=OK,
        others=redirect("people:join"),
    ),
    row("participation:event-manage-list", **STAFF_ONLY),
    row("participation:event-create", **STAFF_ONLY),
    row("participation:event-manage", kwargs=by_pk("event"), **STAFF_ONLY),
    row("participation:event-edit", kwargs=by_pk("event"), **STAFF_ONLY),
    row("participation:event-publish", state="draft", kwargs=by_pk("draft_event"), **STAFF_ONLY_POST),
    row(
        "participation:event-attendance",
        state="published, not started",
        kwargs=by_pk("event"),
        visitor=LOGIN,
        staff=redirect_matching("the event's staff page", r"/get-involved/manage/events/\d+/"),
        admin=OK,
        others=FORBIDDEN,
    ),
    row("participation:event-attendance", state="published, started", kwargs=by_pk("started_event"), **STAFF_ONLY),
    row("participation:opportunity-manage-list", **STAFF_ONLY),
    row("participation:opportunity-create", **STAFF_ONLY),
    row("participation:opportunity-manage", kwargs=by_pk("opportunity"), **STAFF_ONLY),
    row("participation:opportunity-edit", kwargs=by_pk("opportunity"), **STAFF_ONLY),
    row("participation:interest-decide", kwargs=by_pk("interest"), **STAFF_ONLY),
    row("participation:activity-list", **STAFF_ONLY),
    row("participation:activity-create", **STAFF_ONLY),
    row("participation:activity-edit", kwargs=by_pk("activity"), **STAFF_ONLY),
    row("participation:report", **STAFF_ONLY),
    row("participation:event-cancel", state="published", kwargs=by_pk("event"), **STAFF_ONLY),
    row("participation:group-manage-list", **STAFF_ONLY),
    row("participation:group-create", **STAFF_ONLY),
    row("participation:group-manage", kwargs=by_pk("group"), **STAFF_ONLY),
    row("participation:group-edit", kwargs=by_pk("group"), **STAFF_ONLY),
    row("participation:group-member-remove", kwargs=by_pk("group_member"), **STAFF_ONLY_POST),
    row("participation:member-list", **STAFF_ONLY),
    row("participation:member-download", state="CSV", kwargs=lambda world: {"format": "csv"}, **STAFF_ONLY),
    row("participation:representativeness", **STAFF_ONLY),
    row("participation:report-download", state="CSV", kwargs=lambda world: {"format": "csv"}, **STAFF_ONLY),
]
