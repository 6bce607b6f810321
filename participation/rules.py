"""Who may do what in Participation. Staff work needs two-factor sign-in (through has_two_factor)."""

import rules
from django.utils import timezone

from forum_portal.people.rules import has_two_factor, is_forum_staff, is_parent_carer

from .models import Booking, Event

is_staff_signed_in_safely = is_forum_staff & has_two_factor


@rules.predicate
def is_published(user, event) -> bool:
    return event is not None and event.status == Event.Status.PUBLISHED


@rules.predicate
def is_draft(user, event) -> bool:
    return event is not None and event.status == Event.Status.DRAFT


@rules.predicate
def is_yet_to_start(user, event) -> bool:
    return event is not None and event.starts_at > timezone.now()


@rules.predicate
def has_started(user, event) -> bool:
    return event is not None and event.starts_at <= timezone.now()


@rules.predicate
def is_open_for_booking(user, event) -> bool:
    return event is not None and event.is_open_for_booking()


@rules.predicate
def is_own_booking(user, booking) -> bool:
    return booking is not None and user.is_authenticated and booking.user_id == user.pk


@rules.predicate
def is_active_booking(user, booking) -> bool:
    return booking is not None and booking.status != Booking.Status.CANCELLED


@rules.predicate
def is_open_opportunity(user, opportunity) -> bool:
    return opportunity is not None and opportunity.is_open()


@rules.predicate
def is_rep_of_seat(user, seat) -> bool:
    return seat is not None and user.is_authenticated and seat.user_id == user.pk


@rules.predicate
def is_current_seat(user, seat) -> bool:
    return seat is not None and seat.is_current()


rules.add_perm("participation.view_event", is_published | is_staff_signed_in_safely)
rules.add_perm("participation.book_event", is_parent_carer & is_open_for_booking)
rules.add_perm("participation.cancel_booking", is_own_booking & is_active_booking)
rules.add_perm("participation.manage_events", is_staff_signed_in_safely)
rules.add_perm("participation.publish_event", is_staff_signed_in_safely & is_draft)
rules.add_perm("participation.cancel_event", is_staff_signed_in_safely & is_published & is_yet_to_start)
rules.add_perm("participation.record_attendance", is_staff_signed_in_safely & is_published & has_started)

rules.add_perm("participation.express_interest", is_parent_carer & is_open_opportunity)
rules.add_perm("participation.manage_groups", is_staff_signed_in_safely)
rules.add_perm("participation.file_rep_report", is_rep_of_seat & is_current_seat)
rules.add_perm("participation.view_rep_reports", is_parent_carer | is_staff_signed_in_safely)

rules.add_perm("participation.view_own_involvement", is_parent_carer)
rules.add_perm("participation.manage_log", is_staff_signed_in_safely)
rules.add_perm("participation.view_report", is_staff_signed_in_safely)
rules.add_perm("participation.view_members", is_staff_signed_in_safely)
