"""What Participation keeps about a person, for "Download my data" and "Delete my account"."""

from forum_portal.people.privacy import PersonalData

from .models import Activity, Booking, Event, GroupMember, Interest, RepSeat
from .services import fill_free_places


def _iso(moment):
    return moment.isoformat() if moment else None


def _bookings(user) -> list[dict]:
    return [
        {
            "event": booking.event.title,
            "starts": _iso(booking.event.starts_at),
            "status": booking.get_status_display(),
            "access_needs": ", ".join(booking.access_need_labels()),
            "access_needs_detail": booking.access_needs_detail,
            "attended": booking.attended,
        }
        for booking in Booking.objects.filter(user=user).select_related("event").order_by("requested_at")
    ]


def _groups(user) -> list[dict]:
    rows = [
        {"group": member.group.name, "joined": _iso(member.joined_at), "role": "Member"}
        for member in GroupMember.objects.filter(user=user).select_related("group")
    ]
    rows += [
        {"group": seat.group.name, "joined": str(seat.starts_on), "role": f"Parent rep until {seat.ends_on}"}
        for seat in RepSeat.objects.filter(user=user).select_related("group")
    ]
    return rows


def _interests(user) -> list[dict]:
    return [
        {
            "opportunity": interest.opportunity.title,
            "statement": interest.statement,
            "decision": interest.get_status_display(),
            "when": _iso(interest.created_at),
        }
        for interest in Interest.objects.filter(user=user).select_related("opportunity")
    ]


def _activities(user) -> list[dict]:
    return [
        {"activity": activity.title, "date": str(activity.happened_on), "organisation": activity.organisation.name}
        for activity in Activity.objects.filter(participants=user).select_related("organisation")
    ]


def _forget_bookings(user) -> None:
    """Bookings and statements go with the account; the log keeps its counts without the name.

    A place freed on an event goes to the first person waiting, who is emailed, as when the person
    cancels. Rep reports stay on their groups' pages, where they were published to members: the
    seat loses its person when the account is deleted (its foreign key sets it to empty).
    """
    freed = list(Booking.objects.filter(user=user, status=Booking.Status.BOOKED).values_list("event_id", flat=True))
    Booking.objects.filter(user=user).delete()
    for event in Event.objects.filter(pk__in=freed).order_by("pk"):
        fill_free_places(event)
    Interest.objects.filter(user=user).delete()
    GroupMember.objects.filter(user=user).delete()
    for activity in Activity.objects.filter(participants=user):
        activity.participants.remove(user)


SECTIONS = [
    PersonalData("participation_bookings", "Events you booked", _bookings, anonymise=_forget_bookings),
    PersonalData("participation_groups", "Groups you are in", _groups),
    PersonalData("participation_interests", "Opportunities you offered to take up", _interests),
    PersonalData("participation_activities", "Activities you took part in", _activities),
]
