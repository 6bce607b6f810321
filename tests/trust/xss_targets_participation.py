"""The participation rung's XSS targets: what members, reps and forum staff write, shown on the
rung's pages (an event's title and description are in xss_targets.py)."""

from datetime import timedelta

from django.utils import timezone

from participation import services
from participation.models import Event


def _written_by_people(world, payloads):
    """Plain text: a group's name, a member's name, access needs, a statement of interest, a rep's
    report, an event's outcome and log entries, as forum staff see them."""
    world.parent.full_name = payloads[0]
    world.parent.save(update_fields=["full_name"])
    group = services.save_group(
        by=world.staff,
        name=payloads[1][:200],
        slug="xss-group",
        kind="working_group",
        organisation=world.owning_organisation,
        purpose="Plain purpose",
        meeting_pattern=payloads[2][:200],
    )
    services.add_group_member(group, user=world.parent, by=world.staff)
    start = timezone.now() - timedelta(hours=3)
    event = Event.objects.create(
        title="Drop-in",
        kind=Event.Kind.DROP_IN,
        description="Plain",
        organisation=world.owning_organisation,
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        address=payloads[3],
        capacity=5,
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    services.book_place(event, user=world.parent, access_needs=["bsl"], access_needs_detail=payloads[4])
    held = Event.objects.create(
        title=payloads[5][:200],
        kind=Event.Kind.WORKSHOP,
        description="Plain",
        organisation=world.owning_organisation,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address="Library",
        capacity=5,
        status=Event.Status.PUBLISHED,
        published_at=start - timedelta(days=7),
    )
    services.record_attendance(held, attended=[], outcome=payloads[6], by=world.staff)
    opportunity = services.save_opportunity(
        by=world.staff,
        title=payloads[7][:200],
        group=group,
        description="Plain",
        closes_on=timezone.localdate() + timedelta(days=7),
    )
    services.express_interest(opportunity, user=world.parent, statement=payloads[8])
    seat = services.decide_interest(
        services.express_interest(opportunity, user=world.other_parent, statement="Plain"), appoint=True, by=world.staff
    ).seat
    for payload in payloads[9:]:
        services.file_rep_report(
            seat, meeting_on=timezone.localdate(), took_in=payload, decided=payload, report_back=payload
        )
    return [
        "/get-involved/groups/",
        f"/get-involved/groups/{group.slug}/",
        f"/get-involved/manage/groups/{group.pk}/",
        f"/get-involved/manage/events/{event.pk}/",
        f"/get-involved/manage/events/{held.pk}/",
        f"/get-involved/manage/opportunities/{opportunity.pk}/",
        "/get-involved/manage/opportunities/",
        "/get-involved/manage/log/",
        "/get-involved/manage/members/",
    ]


def _markdown(world, payloads):
    """A group's purpose and a call's description, written in Markdown, as visitors see them."""
    text = "\n\n".join(payloads)
    group = services.save_group(
        by=world.staff,
        name="Markdown group",
        slug="markdown-group",
        kind="board",
        organisation=world.owning_organisation,
        purpose=text,
    )
    opportunity = services.save_opportunity(
        by=world.staff,
        title="Parent rep",
        group=group,
        description=text,
        closes_on=timezone.localdate() + timedelta(days=7),
    )
    return [f"/get-involved/groups/{group.slug}/", f"/get-involved/opportunities/{opportunity.pk}/"]


def targets(XssTarget):  # noqa: N803 - the dataclass, passed in to keep this module free of a cycle
    return [
        XssTarget("participation text members, reps and staff write", "staff", _written_by_people),
        XssTarget("participation Markdown: group purposes and calls", "visitor", _markdown, markdown=True),
    ]
