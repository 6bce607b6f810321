"""Demo data: one public co-production project with its agenda, a meeting, decisions, actions and
a document both leads have signed off. Run again, it changes nothing."""

import datetime

from django.utils import timezone

from . import services
from .models import Project, Side, TeamMember

SLUG = "short-breaks-review"


def seed(people) -> None:
    if Project.objects.filter(slug=SLUG).exists():
        return
    project = services.create_project(
        title="Short breaks review",
        aims="Together, make **short breaks** for disabled children easier to find, fairer to get and simpler "
        "to book.\n\n* a clear list of every short break\n* one way to ask for one\n* families' views in "
        "every review",
        visibility=Project.Visibility.PUBLIC,
        partners=[people.council, people.nhs],
        by=people.staff,
    )

    def join(user, side, lead=False):
        member = TeamMember.objects.filter(project=project, user=user).first()
        return member or services.add_team_member(project, user=user, side=side, is_lead=lead, by=people.staff)

    parent_lead = join(people.parents[0], Side.PARENT_CARER, lead=True)
    parent = join(people.parents[1], Side.PARENT_CARER)
    professional_lead = join(people.council_officer, Side.PROFESSIONAL, lead=True)
    professional = join(people.nhs_officer, Side.PROFESSIONAL)
    services.set_show_name(parent_lead, show=True)

    items = []
    for title, by in [
        ("How families find out about short breaks", parent),
        ("Waiting times for an assessment", professional),
    ]:
        item = services.propose_agenda_item(project, by=by, title=title)
        services.agree_agenda_item(item, by=parent_lead)
        items.append(services.agree_agenda_item(item, by=professional_lead))
    services.propose_agenda_item(
        project, by=parent, title="Holiday clubs for older children", description="Most clubs stop at 11."
    )
    parked = services.propose_agenda_item(project, by=professional, title="School transport")
    services.park_agenda_item(parked, by=parent_lead, reason="The transport working group is looking at this.")

    today = timezone.localdate()
    meeting = services.record_meeting(
        project,
        by=professional_lead,
        title="First meeting",
        held_on=today - datetime.timedelta(days=14),
        agenda_items=items,
        attendees=[parent_lead, parent, professional_lead, professional],
    )
    decision = services.record_decision(
        project,
        by=parent_lead,
        meeting=meeting,
        text="Publish one page that lists every short break, written with families.",
        agreed_by=[parent_lead, parent, professional_lead, professional],
    )
    services.record_decision(
        project,
        by=professional_lead,
        meeting=meeting,
        text="Ask 30 families how long they waited for an assessment.",
        agreed_by=[parent_lead, professional_lead, professional],
        dissent="One parent carer wanted to ask every family, not 30.",
    )
    done = services.add_action(
        project,
        by=professional_lead,
        description="Send the current list of short breaks to the team",
        owner=professional_lead,
        due_on=today - datetime.timedelta(days=7),
        decision=decision,
    )
    services.complete_action(done, by=professional_lead)
    services.add_action(
        project,
        by=parent_lead,
        description="Ask the forum's members which short breaks they use",
        owner=parent,
        due_on=today - datetime.timedelta(days=2),
        decision=decision,
    )
    services.add_action(
        project,
        by=parent_lead,
        description="Check the NHS's list of respite services",
        owner=professional,
        due_on=today + datetime.timedelta(days=14),
    )

    document = services.start_document(
        project,
        by=parent,
        title="Short breaks charter",
        body="# Our short breaks charter\n\nFamilies choose the breaks that suit them.",
    )
    version = services.save_document_version(
        document,
        by=professional,
        body="# Our short breaks charter\n\nFamilies choose the breaks that suit them.\n\n"
        "Every family can ask for a break in one place, online or by phone.",
        based_on=1,
    )
    services.comment_on_version(version, by=parent_lead, text="Please say the phone line is free.")
    services.sign_off_version(version, by=parent_lead)
    services.sign_off_version(version, by=professional_lead)
    services.start_document(
        project,
        by=professional_lead,
        title="Letter to families",
        body="Dear families,\n\nWe are reviewing short breaks together with the forum.",
    )
