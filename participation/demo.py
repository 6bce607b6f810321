"""Demo events, groups, a call for parent reps and log entries. Safe to run again."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from forum_portal.markdown import render_markdown

from .models import Activity, Booking, Event, Group, GroupMember, Interest, LadderStep, Opportunity, RepReport, RepSeat


def seed(people) -> None:
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate()
    parents = people.parents

    board, _ = Group.objects.update_or_create(
        slug="send-partnership-board",
        defaults={
            "name": "SEND Partnership Board",
            "kind": Group.Kind.BOARD,
            "organisation": people.council,
            "purpose": "The council, the NHS, schools and parents agree the local SEND strategy and check it works.",
            "purpose_html": render_markdown(
                "The council, the NHS, schools and parents agree the local SEND strategy and check it works."
            ),
            "meeting_pattern": "Every three months, at the council offices.",
        },
    )
    steering, _ = Group.objects.update_or_create(
        slug="forum-steering-group",
        defaults={
            "name": "Forum steering group",
            "kind": Group.Kind.STEERING_GROUP,
            "organisation": people.forum,
            "purpose": "Parent carers who run the forum: they set its priorities and check its work.",
            "purpose_html": render_markdown(
                "Parent carers who run the forum: they set its priorities and check its work."
            ),
            "meeting_pattern": "Monthly, online, on a Tuesday evening.",
        },
    )
    for parent in parents[:3]:
        GroupMember.objects.get_or_create(group=steering, user=parent)
    seat, _ = RepSeat.objects.get_or_create(
        group=board,
        user=parents[1],
        defaults={"starts_on": today - timedelta(days=120), "ends_on": today + timedelta(days=245)},
    )
    GroupMember.objects.get_or_create(group=board, user=parents[1])
    RepReport.objects.get_or_create(
        seat=seat,
        meeting_on=today - timedelta(days=20),
        defaults={
            "took_in": "What members told us about waiting times for autism assessments.",
            "decided": "The board agreed to fund a family support worker while families wait.",
            "report_back": "Tell us whether the new support reaches you: come to the next coffee morning.",
        },
    )

    opportunity, _ = Opportunity.objects.update_or_create(
        title="Parent rep for the SEND Partnership Board",
        defaults={
            "group": board,
            "description": "We are looking for a second parent rep. The board meets four times a year; "
            "we pay travel and childcare costs.",
            "description_html": render_markdown(
                "We are looking for a second parent rep. The board meets four times a year; "
                "we pay travel and childcare costs."
            ),
            "closes_on": today + timedelta(days=21),
            "seat_term_months": 24,
            "created_by": people.staff,
        },
    )
    Interest.objects.get_or_create(
        opportunity=opportunity,
        user=parents[2],
        defaults={"statement": "I have sat on my school's parent council for three years."},
    )

    events = [
        ("Coffee morning: preparing for annual reviews", Event.Kind.COFFEE_MORNING, 3, 10, False, 2),
        ("Workshop: sleep and your child", Event.Kind.WORKSHOP, 9, 19, True, 3),
        ("Focus group on short breaks", Event.Kind.FOCUS_GROUP, 16, 13, False, 8),
    ]
    for title, kind, days_ahead, hour, online, capacity in events:
        starts_at = (now + timedelta(days=days_ahead)).replace(hour=hour)
        description = f"{title}. Come along, meet other parents and tell us what matters to you."
        event, _ = Event.objects.update_or_create(
            title=title,
            defaults={
                "kind": kind,
                "description": description,
                "description_html": render_markdown(description),
                "organisation": people.council if kind == Event.Kind.FOCUS_GROUP else people.forum,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=2),
                "is_online": online,
                "online_link": "https://meet.example.org/forum-sleep" if online else "",
                "address": "" if online else "Brookshire Library, High Street, BS16 1AA",
                "capacity": capacity,
                "accessibility": "Step-free access. A quiet room is available." if not online else "",
                "status": Event.Status.PUBLISHED,
                "published_at": now - timedelta(days=7),
                "created_by": people.staff,
            },
        )
        for index, parent in enumerate(parents[:3]):
            Booking.objects.get_or_create(
                event=event,
                user=parent,
                defaults={
                    "status": Booking.Status.BOOKED if index < capacity else Booking.Status.WAITLISTED,
                    "access_needs": ["step_free"] if index == 0 else [],
                },
            )

    past_start = (now - timedelta(days=30)).replace(hour=10)
    past, _ = Event.objects.update_or_create(
        title="Forum meeting: the new Local Offer website",
        defaults={
            "kind": Event.Kind.FORUM_MEETING,
            "description": "Members looked at the new Local Offer website with the council's web team.",
            "description_html": render_markdown(
                "Members looked at the new Local Offer website with the council's web team."
            ),
            "organisation": people.council,
            "starts_at": past_start,
            "ends_at": past_start + timedelta(hours=2),
            "address": "Brookshire Library, High Street, BS16 1AA",
            "capacity": 20,
            "status": Event.Status.PUBLISHED,
            "published_at": past_start - timedelta(days=14),
            "created_by": people.staff,
        },
    )
    for parent in parents[:4]:
        Booking.objects.get_or_create(event=past, user=parent, defaults={"status": Booking.Status.BOOKED})

    kind, step = Activity.Kind, LadderStep
    log = [
        ("Short breaks survey", kind.CONSULTATION, 60, people.council, step.CONSULTATION, 48, "1.0"),
        ("EHCP template workshop", kind.COPRODUCTION_MEETING, 45, people.council, step.COPRODUCTION, 7, "3.0"),
        ("Autism pathway working group", kind.GROUP_MEETING, 25, people.nhs, step.PARTICIPATION, 6, "2.0"),
        ("Newsletter: summer holiday activities", kind.OTHER, 10, people.forum, step.INFORMATION, 310, "0.0"),
        ("Neurodiversity drop-in", kind.EVENT, 5, people.nhs, step.PARTICIPATION, 3, "2.0"),
    ]  # fmt: skip
    for title, activity_kind, days_ago, organisation, ladder_step, involved, hours in log:
        Activity.objects.update_or_create(
            title=title,
            defaults={
                "kind": activity_kind,
                "happened_on": today - timedelta(days=days_ago),
                "organisation": organisation,
                "ladder_step": ladder_step,
                "parent_carers_involved": involved,
                "hours": Decimal(hours),
                "recorded_by": people.staff,
            },
        )
