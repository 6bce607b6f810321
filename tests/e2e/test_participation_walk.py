"""Events, parent reps and the funder's report, walked through in Chromium."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from participation.models import Booking, Event, Interest, Opportunity, RepSeat
from tests.e2e.accounts import sign_in
from tests.factories.consultations import open_consultation
from tests.factories.participation import ActivityFactory, EventFactory, GroupFactory, OpportunityFactory
from tests.factories.people import ForumStaffFactory, OrganisationFactory, ParentCarerFactory

pytestmark = pytest.mark.e2e


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
    context.set_default_timeout(15_000)
    return context.new_page()


def test_event_booking_waiting_list_promotion_and_calendar(page, check, browser, live_server):
    organisation = OrganisationFactory(name="Brookshire Council")
    staff = ForumStaffFactory(full_name="Sam Okafor")
    parents = [ParentCarerFactory(full_name=name) for name in ["Jo Bennett", "Chris Walker", "Aisha Rahman"]]
    consultation = open_consultation(title="Moving schools: your views", organisation=organisation)

    sign_in(page, staff, code=True)
    page.goto("/get-involved/")
    check(page)
    page.goto("/")
    check(page)
    page.goto("/get-involved/")
    page.get_by_role("link", name="Manage events").click()
    check(page)
    page.get_by_role("button", name="Create an event").click()
    check(page)
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)

    start = (timezone.localtime() + timedelta(days=5)).replace(hour=10, minute=0)
    page.get_by_label("Title").fill("Transition to secondary school")
    page.get_by_label("Kind of event").select_option("workshop")
    page.get_by_label("Description").fill("What to ask a **new school**.")
    page.get_by_label("Organisation running it").select_option(label="Brookshire Council")
    page.get_by_label("Consultation (optional)").select_option(label="Moving schools: your views")
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Address").fill("Brookshire Library\nHigh Street")
    page.get_by_label("Number of places").fill("2")
    page.get_by_label("Accessibility information").fill("Step-free entrance at the side.")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transition to secondary school")
    check(page)
    page.get_by_role("button", name="Publish the event").click()
    expect(page.get_by_text("The event is published.")).to_be_visible()
    check(page)
    event = Event.objects.get(title="Transition to secondary school")
    assert (event.status, event.capacity, event.organisation) == ("published", 2, organisation)

    parent_pages = []
    for parent in parents:
        parent_page = new_page(browser, live_server)
        sign_in(parent_page, parent)
        parent_page.goto("/get-involved/events/")
        check(parent_page)
        parent_page.get_by_role("link", name="Transition to secondary school").click()
        check(parent_page)
        expect(parent_page.get_by_role("link", name="Moving schools: your views")).to_have_attribute(
            "href", consultation.get_absolute_url()
        )
        parent_page.get_by_role("button", name=re.compile("Book a place|Join the waiting list")).click()
        check(parent_page)
        parent_page.get_by_label("Step-free access").check()
        parent_page.get_by_role("button", name="Book a place").click()
        parent_pages.append(parent_page)

    for booked in parent_pages[:2]:
        expect(booked.get_by_text("You have a place at this event.")).to_be_visible()
        check(booked)
    expect(
        parent_pages[2].get_by_text("You are on the waiting list. We will email you if a place comes up.", exact=True)
    ).to_be_visible()
    check(parent_pages[2])
    statuses = [Booking.objects.get(event=event, user=parent).status for parent in parents]
    assert statuses == ["booked", "booked", "waitlisted"]

    first = parent_pages[0]
    first.get_by_role("link", name="Cancel your booking").click()
    check(first)
    first.get_by_role("button", name="Cancel my booking").click()
    expect(first.get_by_text("Your booking is cancelled.")).to_be_visible()
    check(first)

    assert Booking.objects.get(event=event, user=parents[2]).status == "booked"
    promoted = [message for message in mail.outbox if message.to == [parents[2].email]]
    assert [message.subject for message in promoted] == [
        "You are on the waiting list for Transition to secondary school",
        "A place came up: you are booked on Transition to secondary school",
    ]

    third = parent_pages[2]
    third.reload()
    expect(third.get_by_text("You have a place at this event.")).to_be_visible()
    with third.expect_download() as download_info:
        third.get_by_role("link", name="Add this event to your calendar (.ics file)").click()
    ics = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "SUMMARY:Transition to secondary school" in ics
    assert "LOCATION:Brookshire Library\\, High Street" in ics

    third.goto("/get-involved/my-involvement/")
    check(third)
    expect(third.get_by_text("Transition to secondary school")).to_be_visible()

    page.goto(f"/get-involved/manage/events/{event.pk}/")
    check(page)
    expect(page.get_by_role("heading", name="Booked (2)")).to_be_visible()
    expect(page.get_by_text("You can record attendance once the event has started.")).to_be_visible()
    expect(page.get_by_role("link", name="Record attendance and outcome")).to_have_count(0)

    coffee = EventFactory(title="Summer coffee morning", organisation=organisation)
    page.goto(f"/get-involved/manage/events/{coffee.pk}/")
    page.get_by_role("link", name="Cancel the event").click()
    check(page)
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_text("The event is cancelled.")).to_be_visible()
    check(page)
    assert Event.objects.get(pk=coffee.pk).status == "cancelled"

    # The workshop has taken place.
    held = timezone.now() - timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=held, ends_at=held + timedelta(hours=2))
    page.goto(f"/get-involved/manage/events/{event.pk}/")
    page.get_by_role("link", name="Record attendance and outcome").click()
    check(page)
    page.get_by_label("Chris Walker").check()
    page.get_by_label("Outcome").fill("Parents asked for a visit day in June.")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance is saved")).to_be_visible()
    check(page)
    assert Event.objects.get(pk=event.pk).activity.parent_carers_involved == 1
    for parent_page in parent_pages:
        parent_page.context.close()


def test_member_is_appointed_as_parent_rep_and_staff_download_the_report(page, check, browser, live_server):
    group = GroupFactory(name="SEND Partnership Board", slug="send-partnership-board", kind="board")
    OpportunityFactory(group=group, title="Parent rep for the SEND Partnership Board")
    ActivityFactory(title="Short breaks focus group", parent_carers_involved=12, organisation=group.organisation)
    parent = ParentCarerFactory(full_name="Jo Bennett")
    staff = ForumStaffFactory()

    sign_in(page, parent)
    page.goto("/get-involved/")
    check(page)
    page.get_by_role("link", name="Parent rep for the SEND Partnership Board").click()
    check(page)
    page.get_by_role("button", name="Express interest").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page)
    page.get_by_label("Why are you interested?").fill("I have a child with autism and chair a parent group.")
    page.get_by_role("button", name="Express interest").click()
    expect(page.get_by_text("Forum staff will let you know their decision by email.").first).to_be_visible()
    check(page)

    staff_page = new_page(browser, live_server)
    sign_in(staff_page, staff, code=True)
    staff_page.goto("/dashboard/")
    check(staff_page)
    staff_page.get_by_role("link", name="Jo Bennett").click()
    check(staff_page)
    staff_page.get_by_label("Appoint").check()
    staff_page.get_by_role("button", name="Save decision").click()
    expect(staff_page.get_by_text("Jo Bennett is appointed.")).to_be_visible()
    check(staff_page)
    assert Interest.objects.get(user=parent).status == "appointed"
    assert RepSeat.objects.filter(user=parent, group=group).count() == 1
    assert [message.subject for message in mail.outbox if message.to == [parent.email]] == [
        "You are appointed: Parent rep for the SEND Partnership Board"
    ]

    page.goto("/get-involved/groups/")
    check(page)
    page.get_by_role("link", name="SEND Partnership Board").click()
    check(page)
    page.get_by_role("link", name="Write your report from a meeting").click()
    check(page)
    page.get_by_label("Date of the meeting").fill(timezone.localdate().isoformat())
    page.get_by_label("What you took in").fill("Families' views on waiting times")
    page.get_by_label("What was decided").fill("A new triage nurse")
    page.get_by_label("What you report back to members").fill("Tell us how the new service goes")
    page.get_by_role("button", name="Publish report").click()
    expect(page.get_by_text("A new triage nurse")).to_be_visible()
    check(page)

    staff_page.goto("/get-involved/manage/log/")
    check(staff_page)
    staff_page.get_by_label("From").fill((timezone.localdate() - timedelta(days=7)).isoformat())
    staff_page.get_by_label("To").fill(timezone.localdate().isoformat())
    staff_page.get_by_role("button", name="Show the log").click()
    expect(staff_page.get_by_role("link", name="Short breaks focus group")).to_be_visible()
    check(staff_page)
    staff_page.get_by_role("button", name="Add an activity").click()
    check(staff_page)
    staff_page.goto("/get-involved/manage/log/")
    staff_page.get_by_role("link", name="Short breaks focus group").click()
    check(staff_page)
    staff_page.get_by_label("Impact").fill("The council kept the Saturday club open.")
    staff_page.get_by_role("button", name="Save").click()
    expect(staff_page.get_by_text("The activity is saved.")).to_be_visible()
    check(staff_page)
    staff_page.goto("/get-involved/manage/opportunities/")
    check(staff_page)
    staff_page.get_by_role("link", name="Parent rep for the SEND Partnership Board").click()
    check(staff_page)
    staff_page.get_by_role("link", name="Change the call").click()
    check(staff_page)
    staff_page.get_by_label("Term in months").fill("")
    staff_page.get_by_role("button", name="Save opportunity").click()
    expect(staff_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(staff_page)
    staff_page.get_by_label("Term in months").fill("24")
    staff_page.get_by_role("button", name="Save opportunity").click()
    expect(staff_page.get_by_text("The opportunity is saved.")).to_be_visible()
    assert Opportunity.objects.get(group=group).seat_term_months == 24
    staff_page.goto("/get-involved/manage/opportunities/")
    staff_page.get_by_role("button", name="Publish a call").click()
    check(staff_page)
    staff_page.goto("/get-involved/manage/groups/")
    check(staff_page)
    staff_page.get_by_role("link", name="SEND Partnership Board").click()
    check(staff_page)
    staff_page.get_by_label("Email address of the member").fill("nobody@example.org")
    staff_page.get_by_role("button", name="Add member").click()
    expect(staff_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(staff_page)
    staff_page.get_by_role("link", name="Change the group").click()
    check(staff_page)
    staff_page.goto("/get-involved/manage/members/")
    check(staff_page)
    staff_page.get_by_label("Need category of children").select_option("ASD")
    staff_page.get_by_role("button", name="Filter members").click()
    check(staff_page)
    staff_page.goto("/get-involved/manage/representativeness/")
    check(staff_page)
    staff_page.get_by_label("Kind of group").select_option("need")
    staff_page.get_by_label("Group", exact=True).fill("XYZ")
    staff_page.get_by_label("Children and young people with SEND").fill("120")
    staff_page.get_by_role("button", name="Save figure").click()
    expect(staff_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(staff_page)
    staff_page.get_by_label("Group", exact=True).fill("ASD")
    staff_page.get_by_role("button", name="Save figure").click()
    expect(staff_page.get_by_text("The figure is saved.")).to_be_visible()
    check(staff_page)
    staff_page.goto("/get-involved/manage/report/")
    check(staff_page)
    expect(staff_page.get_by_role("cell", name="13", exact=True)).to_have_count(2)  # 12 at the focus group, 1 rep
    with staff_page.expect_download() as download_info:
        staff_page.get_by_role("link", name="Download the report as a spreadsheet (XLSX)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with staff_page.expect_download() as download_info:
        staff_page.get_by_role("link", name="Download the report as CSV").click()
    assert download_info.value.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    organisation = group.organisation.name
    assert [row for row in rows if row and row[0] in ("Participation", organisation)] == [
        ["Participation", "2", "13", "2.0"],
        [organisation, "2", "13", "2.0"],
    ]
    staff_page.context.close()
