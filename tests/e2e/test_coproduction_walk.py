"""A co-production project from set-up to a co-produced document, by people in their own
browsers: forum staff invite two parent carers (one signs up from the invitation) and two
professionals, who accept, and someone who declines without an account."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from coproduction.models import AgendaItem, Decision, Document, Meeting, Project
from forum_portal.notify.models import OutgoingEmail
from forum_portal.people.models import User
from tests.factories.people import PASSWORD, ForumStaffFactory, OfficerFactory, OrganisationFactory, ParentCarerFactory
from tests.totp import totp_code

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_browser(browser, live_server, settings):
    """A fresh browser window signed in as ``user`` (or signed out, for None); each person works in
    their own."""
    settings.SITE_URL = live_server.url
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if user is None:
            return page  # someone with no account yet
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if getattr(user, "totp_secret", None):
            page.get_by_label("Code").fill(totp_code(user.totp_secret))
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")
        return page

    yield open_as
    for context in contexts:
        context.close()


def _invitation_link(email):
    body = OutgoingEmail.objects.get(kind="coproduction_invitation", recipient=email).body_text
    return re.search(r"https?://\S+/coproduction/invitations/\S+/", body).group(0)


def test_team_sets_the_agenda_decides_acts_and_writes_together(page, open_browser, check):
    council = OrganisationFactory(name="Brookshire Council")
    staff = ForumStaffFactory(full_name="Sam Staff")
    parent_lead = ParentCarerFactory(full_name="Jo Parent")
    professional_lead = OfficerFactory(full_name="Priya Officer", membership__organisation=council)
    professional = OfficerFactory(full_name="Tom Officer", membership__organisation=council)
    newcomer = "chris.parent@example.org"  # no account yet: they sign up from the invitation

    # Forum staff set the project up and invite both sides.
    staff_page = open_browser(staff)
    staff_page.goto("/coproduction/")
    check(staff_page)
    staff_page.get_by_role("button", name="Set up a project").click()
    check(staff_page)
    staff_page.get_by_label("Project name").fill("Short breaks review")
    staff_page.get_by_role("button", name="Save the project").click()
    expect(staff_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(staff_page)
    expect(staff_page.get_by_label("Project name")).to_have_value("Short breaks review")
    staff_page.get_by_label("Aims").fill("Make **short breaks** easier to find and to book.")
    staff_page.get_by_label("Brookshire Council").check()
    staff_page.get_by_label("Anyone can read a summary").check()
    staff_page.get_by_label("Co-producing").check()
    staff_page.get_by_role("button", name="Save the project").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Team")
    check(staff_page)
    staff_page.get_by_role("button", name="Send the invitation").click()
    expect(staff_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(staff_page)
    for email, side, lead in [
        (parent_lead.email, "Parent carer", True),
        (newcomer, "Parent carer", False),
        (professional_lead.email, "Professional", True),
        (professional.email, "Professional", False),
        ("wrong.address@example.org", "Professional", False),
        ("busy.parent@example.org", "Parent carer", False),
    ]:
        staff_page.get_by_label("Email address").fill(email)
        staff_page.get_by_label(side, exact=True).check()
        if lead:
            staff_page.get_by_label("They will lead their side").check()
        staff_page.get_by_role("button", name="Send the invitation").click()
        expect(staff_page.get_by_text(f"An invitation is on its way to {email}.")).to_be_visible()
    check(staff_page)
    staff_page.get_by_role("button", name="Withdraw the invitation to wrong.address@example.org").click()
    expect(staff_page.get_by_text("The invitation to wrong.address@example.org is withdrawn.")).to_be_visible()
    check(staff_page)
    project = Project.objects.get()
    assert project.team.count() == 0  # nobody is on the team until they accept
    assert OutgoingEmail.objects.filter(kind="coproduction_invitation").count() == 6

    # Those with accounts accept in their own browsers.
    parent_lead_page = open_browser(parent_lead)
    parent_lead_page.goto(_invitation_link(parent_lead.email))
    expect(parent_lead_page.get_by_role("heading", level=1)).to_have_text("Join the team of Short breaks review")
    check(parent_lead_page)
    parent_lead_page.get_by_role("button", name="Accept and join the team").click()
    expect(parent_lead_page.get_by_text("Welcome to the team of Short breaks review.")).to_be_visible()
    check(parent_lead_page)
    lead_page = open_browser(professional_lead)
    professional_page = open_browser(professional)
    for person_page, person in [(lead_page, professional_lead), (professional_page, professional)]:
        person_page.goto(_invitation_link(person.email))
        person_page.get_by_role("button", name="Accept and join the team").click()
        expect(person_page.get_by_text("Welcome to the team of Short breaks review.")).to_be_visible()

    # A parent with no account reads the invitation, signs up, joins the forum and accepts.
    parent_page = open_browser(None)
    parent_page.goto(_invitation_link(newcomer))
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Join the team of Short breaks review")
    check(parent_page)
    parent_page.get_by_role("button", name="Create an account").click()
    parent_page.get_by_label("Email").fill(newcomer)
    parent_page.get_by_label("Password", exact=True).fill(PASSWORD)
    parent_page.get_by_label("Password (again)").fill(PASSWORD)
    parent_page.get_by_role("button", name="Create account").click()
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Check your email")
    confirm = OutgoingEmail.objects.get(recipient=newcomer, kind="account").body_text
    parent_page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirm).group(0))
    parent_page.get_by_role("button", name="Confirm").click()
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Sign in")
    parent_page.goto(_invitation_link(newcomer))  # the same link, after signing up
    parent_page.get_by_role("button", name="Sign in to accept").click()
    parent_page.get_by_label("Email").fill(newcomer)
    parent_page.get_by_label("Password").fill(PASSWORD)
    parent_page.get_by_role("button", name="Sign in").click()
    expect(parent_page.get_by_text("The parent carer side is for members of the forum.")).to_be_visible()
    check(parent_page)
    parent_page.get_by_role("link", name="Join the forum").click()
    parent_page.get_by_label("Your name (optional)").fill("Chris Parent")
    parent_page.get_by_label("I have read the privacy notice and want to join the forum").check()
    parent_page.get_by_role("button", name="Join the forum").click()
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Your forum profile")
    parent_page.goto(_invitation_link(newcomer))
    parent_page.get_by_role("button", name="Accept and join the team").click()
    expect(parent_page.get_by_text("Welcome to the team of Short breaks review.")).to_be_visible()
    parent = User.objects.get(email=newcomer)

    # Someone who does not want to take part declines, without an account.
    page.goto(_invitation_link("busy.parent@example.org"))
    page.get_by_role("button", name="Decline the invitation").click()
    expect(page.get_by_text("This invitation has been declined.")).to_be_visible()
    check(page)

    assert project.team.count() == 4
    assert set(project.team.filter(is_lead=True).values_list("user__email", flat=True)) == {
        parent_lead.email,
        professional_lead.email,
    }
    assert list(project.invitations.order_by("id").values_list("status", flat=True)) == [
        "accepted", "accepted", "accepted", "accepted", "withdrawn", "declined",
    ]  # fmt: skip

    # A parent proposes an item; both leads agree it.
    parent_page.goto(f"/coproduction/{project.slug}/")
    check(parent_page)
    parent_page.get_by_role("link", name="Shared agenda").click()
    check(parent_page)
    parent_page.get_by_role("button", name="Propose the item").click()
    expect(parent_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(parent_page)
    parent_page.get_by_label("What should the team talk about").fill("How families find short breaks")
    parent_page.get_by_role("button", name="Propose the item").click()
    expect(parent_page.get_by_text("Your item is proposed.")).to_be_visible()
    check(parent_page)

    parent_lead_page.goto(f"/coproduction/{project.slug}/agenda/")
    parent_lead_page.get_by_role("button", name="Agree “How families find short breaks”").click()
    expect(parent_lead_page.get_by_text("It needs the other side's lead too.")).to_be_visible()
    check(parent_lead_page)

    lead_page.goto(f"/coproduction/{project.slug}/agenda/")
    lead_page.get_by_role("button", name="Agree “How families find short breaks”").click()
    expect(lead_page.get_by_text("is on the agenda: both leads agree.")).to_be_visible()
    check(lead_page)
    item = AgendaItem.objects.get()
    assert item.status == AgendaItem.Status.AGREED

    # A second item is parked with a reason.
    parent_page.get_by_label("What should the team talk about").fill("School transport")
    parent_page.get_by_role("button", name="Propose the item").click()
    lead_page.reload()
    lead_page.get_by_role("link", name="Park “School transport”").click()
    check(lead_page)
    lead_page.get_by_label("Why park this item").fill("Another group is reviewing transport this term.")
    lead_page.get_by_role("button", name="Park the item").click()
    expect(lead_page.get_by_text("Another group is reviewing transport this term.")).to_be_visible()
    check(lead_page)

    # A meeting with attendance.
    lead_page.get_by_role("link", name="Meetings").click()
    check(lead_page)
    lead_page.get_by_role("button", name="Record a meeting").click()
    check(lead_page)
    lead_page.get_by_label("Meeting name").fill("First meeting")
    lead_page.get_by_label("Day").fill("20")
    lead_page.get_by_label("Month").fill("11")
    lead_page.get_by_label("Year").fill("2026")
    lead_page.get_by_label("How families find short breaks").check()
    for label in [
        f"{parent_lead.full_name} (parent carer)",
        f"{professional_lead.full_name} (professional)",
        f"{professional.full_name} (professional)",
    ]:
        lead_page.get_by_label(label).check()
    lead_page.get_by_role("button", name="Record the meeting").click()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("First meeting")
    expect(lead_page.get_by_text("3 people, of whom 1 parent carer (33%)")).to_be_visible()
    check(lead_page)
    meeting = Meeting.objects.get()
    assert meeting.attendees.count() == 3
    assert (meeting.participation_activity.kind, meeting.participation_activity.parent_carers_involved) == (
        "coproduction_meeting",
        1,
    )

    # A decision from the meeting, and an action for a parent.
    lead_page.get_by_role("link", name="Record a decision from this meeting").click()
    check(lead_page)
    lead_page.get_by_label("What was decided").fill("Publish one page listing every short break.")
    lead_page.get_by_label(f"{parent_lead.full_name} (parent carer)").check()
    lead_page.get_by_label(f"{professional_lead.full_name} (professional)").check()
    lead_page.get_by_label("Anyone who did not agree, and why (optional)").fill("Tom wanted to wait for prices.")
    lead_page.get_by_role("button", name="Record the decision").click()
    expect(lead_page.get_by_text("The decision is recorded.")).to_be_visible()
    check(lead_page)
    lead_page.get_by_role("link", name="Add an action for this decision").click()
    check(lead_page)
    expect(lead_page.get_by_label("From which decision (optional)")).to_have_value(str(Decision.objects.get().pk))
    lead_page.get_by_label("What needs doing").fill("Ask families which breaks they use")
    lead_page.get_by_label("Who will do it").select_option(label=f"{parent.full_name} (parent carer)")
    lead_page.get_by_label("Day").fill("1")
    lead_page.get_by_label("Month").fill("12")
    lead_page.get_by_label("Year").fill("2026")
    lead_page.get_by_role("button", name="Add the action").click()
    expect(lead_page.get_by_text(f"The action is added for {parent.full_name}.")).to_be_visible()
    check(lead_page)
    assert OutgoingEmail.objects.filter(kind="coproduction_actions", recipient=parent.email).count() == 1
    assert project.actions.get().decision == Decision.objects.get()
    # The due date moves a week.
    lead_page.get_by_role("link", name="Change the action: Ask families which breaks they use").click()
    expect(lead_page.get_by_label("What needs doing")).to_have_value("Ask families which breaks they use")
    check(lead_page)
    lead_page.get_by_label("Day").fill("8")
    lead_page.get_by_role("button", name="Save the action").click()
    expect(lead_page.get_by_text("The action is saved.")).to_be_visible()
    expect(lead_page.get_by_text("8 Dec 2026")).to_be_visible()
    check(lead_page)
    assert project.actions.get().due_on == datetime.date(2026, 12, 8)
    parent_page.goto("/coproduction/")
    expect(parent_page.get_by_role("link", name="Ask families which breaks they use")).to_be_visible()
    check(parent_page)

    # Two people edit a document at once: the second save is refused with both texts shown.
    parent_page.goto(f"/coproduction/{project.slug}/documents/")
    check(parent_page)
    parent_page.get_by_role("button", name="Start a document").click()
    check(parent_page)
    parent_page.get_by_label("Document title").fill("Short breaks charter")
    parent_page.get_by_label("Text").fill("# Our charter\n\nFamilies choose their breaks.")
    parent_page.get_by_role("button", name="Save the document").click()
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Short breaks charter")
    check(parent_page)
    document = Document.objects.get()

    parent_page.get_by_role("button", name="Edit the document").click()
    check(parent_page)
    professional_page.goto(f"/coproduction/{project.slug}/documents/{document.pk}/edit/")
    professional_page.get_by_label("Text").fill("# Our charter\n\nFamilies choose their breaks.\n\nBooking is online.")
    professional_page.get_by_role("button", name="Save a new version").click()
    expect(professional_page.get_by_text("Version 2 is saved.")).to_be_visible()
    check(professional_page)

    parent_page.get_by_label("Text").fill("# Our charter\n\nFamilies choose their breaks, with help if they want it.")
    parent_page.get_by_role("button", name="Save a new version").click()
    expect(parent_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(parent_page.get_by_text(f"{professional.full_name} saved version 2 while you were editing")).to_have_count(2)
    expect(parent_page.get_by_text("Booking is online.")).to_be_visible()
    expect(parent_page.get_by_label("Text")).to_have_value(
        "# Our charter\n\nFamilies choose their breaks, with help if they want it."
    )
    check(parent_page)
    assert document.versions.count() == 2
    parent_page.get_by_label("Text").fill(
        "# Our charter\n\nFamilies choose their breaks, with help if they want it.\n\nBooking is online."
    )
    parent_page.get_by_role("button", name="Save a new version").click()
    expect(parent_page.get_by_text("Version 3 is saved.")).to_be_visible()
    parent_page.get_by_role("link", name="Compare versions").click()
    check(parent_page)

    # Both leads sign off the same version: the document is co-produced.
    parent_lead_page.goto(f"/coproduction/{project.slug}/documents/{document.pk}/")
    parent_lead_page.get_by_role("button", name="Sign off version 3").click()
    expect(parent_lead_page.get_by_text("You signed off version 3.")).to_be_visible()
    check(parent_lead_page)
    lead_page.goto("/dashboard/")
    expect(lead_page.get_by_role("link", name="Short breaks charter")).to_be_visible()
    check(lead_page)
    lead_page.get_by_role("link", name="Short breaks charter").click()
    lead_page.get_by_role("button", name="Sign off version 3").click()
    expect(lead_page.get_by_text("Version 3 is signed off by both sides: it is co-produced.")).to_be_visible()
    check(lead_page)
    document.refresh_from_db()
    assert (document.is_coproduced, document.latest_version.number) == (True, 3)

    lead_page.get_by_role("link", name="Who changed what").click()
    expect(
        lead_page.get_by_text(f"{professional_lead.full_name} signed off version 3 of Short breaks charter")
    ).to_be_visible()
    expect(
        lead_page.get_by_text(f"{parent_lead.full_name} agreed an agenda item: How families find short breaks")
    ).to_be_visible()
    expect(lead_page.get_by_text(f"{parent.full_name} joined the team (parent carer) on an invitation")).to_be_visible()
    check(lead_page)
    lead_page.get_by_role("link", name="Decisions").click()
    check(lead_page)

    # An earlier version can still be read.
    parent_page.goto(f"/coproduction/{project.slug}/documents/{document.pk}/?version=1")
    expect(parent_page.get_by_text("This is version 1, not the latest.")).to_be_visible()
    check(parent_page)

    # Each side rates the project on the Four Cornerstones; the averages show by side.
    parent_page.get_by_role("link", name="Four Cornerstones check").click()
    check(parent_page)
    parent_page.get_by_role("button", name="Save my rating").click()
    expect(parent_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(parent_page)
    for cornerstone, score in [
        ("Welcome and care", "4"),
        ("Value and include", "3"),
        ("Communicate", "2"),
        ("Work in partnership", "3"),
    ]:
        parent_page.get_by_role("group", name=cornerstone).get_by_label(score, exact=True).check()
    parent_page.get_by_role("button", name="Save my rating").click()
    expect(parent_page.get_by_text("Your rating is saved.")).to_be_visible()
    lead_page.goto(f"/coproduction/{project.slug}/cornerstones/")
    for cornerstone in ["Welcome and care", "Value and include", "Communicate", "Work in partnership"]:
        lead_page.get_by_role("group", name=cornerstone).get_by_label("5", exact=True).check()
    lead_page.get_by_role("button", name="Save my rating").click()
    expect(lead_page.get_by_role("img", name="Average rating of each side, by month")).to_be_visible()
    check(lead_page)
    assert project.cornerstones_ratings.count() == 2

    # The parent-carer lead agrees to be named on the public summary; staff change the details.
    parent_lead_page.get_by_role("link", name="Team").click()
    check(parent_lead_page)
    parent_lead_page.get_by_role("button", name="Show my name on the public summary").click()
    expect(parent_lead_page.get_by_text("Your name is shown on the project's public summary.")).to_be_visible()
    check(parent_lead_page)
    staff_page.goto(f"/coproduction/{project.slug}/edit/")
    check(staff_page)
    staff_page.get_by_label("Smallest share of parent carers at a meeting, in per cent").fill("40")
    staff_page.get_by_role("button", name="Save the project").click()
    expect(staff_page.get_by_text("The project's details are saved.")).to_be_visible()
    check(staff_page)
    project.refresh_from_db()
    assert project.parent_share_threshold == 40

    # The first meeting had 1 parent carer in 3 (33.3%): below the new 40%, it now shows a warning.
    lead_page.goto(f"/coproduction/{project.slug}/meetings/{meeting.pk}/")
    expect(
        lead_page.get_by_text("Only 33% of the people present were parent carers. The project asks for at least 40%.")
    ).to_be_visible()
    check(lead_page)

    # Anyone can read the public summary; the workspace stays the team's.
    page.goto(f"/coproduction/{project.slug}/")
    expect(page.get_by_text(f"2 parent carers and 2 professionals, including {parent_lead.full_name}")).to_be_visible()
    expect(page.get_by_text("Publish one page listing every short break.")).to_be_visible()
    expect(page.get_by_text("Families choose their breaks, with help if they want it.")).to_be_visible()
    expect(page.get_by_text(parent.full_name)).to_have_count(0)
    check(page)
    page.goto("/")
    expect(page.get_by_role("link", name="Short breaks review")).to_be_visible()
    check(page)
