"""Calendar files (.ics) of events, so people can add them to their own calendar."""

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.FORUM_NAME}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{settings.FORUM_NAME} events")
    return calendar


def _entry(event: Event, *, with_link: bool) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{settings.SITE_URL.split('://')[-1]}")
    entry.add("summary", event.title)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("dtstamp", event.published_at or event.created_at)
    entry.add("sequence", event.sequence)
    entry.add("url", settings.SITE_URL + event.get_absolute_url())
    entry.add("description", event.description)
    if event.is_online:
        # The meeting link goes only to people with a place; everyone else gets the event's page.
        entry.add("location", event.online_link if with_link else "Online")
    else:
        entry.add("location", ", ".join(line.strip() for line in event.address.splitlines() if line.strip()))
    if event.status == Event.Status.CANCELLED:
        entry.add("status", "CANCELLED")
    return entry


def event_calendar(event: Event, *, with_link: bool) -> bytes:
    calendar = _calendar()
    calendar.add_component(_entry(event, with_link=with_link))
    return calendar.to_ical()


def events_calendar(events) -> bytes:
    """The feed: coming events, including those cancelled after publishing (marked CANCELLED, so a
    subscribed calendar takes them off rather than keeping a stale copy)."""
    calendar = _calendar()
    for event in events:
        calendar.add_component(_entry(event, with_link=False))
    return calendar.to_ical()
