"""The coproduction rung's pages.

The world has two projects, one team-only and one public, each with the same team: the parent is
the parent-carer lead and the officer the professional lead. Everyone else is outside the team.
Pages that only take a form's POST answer 405 to a GET from people who may use them.
"""

from django.utils import timezone

from coproduction import services
from coproduction.models import Project, Side

from .walker import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, admin_model, row


def build(world):
    """A team-only and a public project, each with an agenda item, meeting, action and document."""
    for attribute, visibility in [("private_project", Project.Visibility.TEAM), ("public_project", "public")]:
        project = services.create_project(
            title=f"Trust {attribute.replace('_', ' ')}", aims="Aims", visibility=visibility, by=world.staff
        )
        parent = services.add_team_member(
            project, user=world.parent, side=Side.PARENT_CARER, is_lead=True, by=world.staff
        )
        officer = services.add_team_member(
            project, user=world.officer, side=Side.PROFESSIONAL, is_lead=True, by=world.staff
        )
        item = services.propose_agenda_item(project, by=parent, title="Waiting lists")
        meeting = services.record_meeting(
            project, by=officer, title="First", held_on=timezone.localdate(), attendees=[parent, officer]
        )
        action = services.add_action(project, by=parent, description="Call", owner=officer, due_on=timezone.localdate())
        document = services.start_document(project, by=parent, title="Charter", body="Text")
        services.sign_off_version(document.latest_version, by=parent)
        services.comment_on_version(document.latest_version, by=officer, text="Fine")
        services.record_decision(project, by=parent, text="Publish a guide", agreed_by=[parent, officer])
        services.rate_project(project, by=parent, welcome=4, value=4, communicate=4, partnership=4)
        invitation = services.invite_to_team(
            project, email=f"invited-{attribute}@example.org", side=Side.PARENT_CARER, by=world.staff
        )
        setattr(world, attribute, project)
        setattr(world, f"{attribute}_objects", {
            "member": officer.pk, "item": item.pk, "meeting": meeting.pk, "action": action.pk,
            "document": document.pk, "invitation": invitation.pk,
        })  # fmt: skip
        setattr(world, f"{attribute}_invitation", invitation)


def _private(**extra):
    return lambda world: {
        "slug": world.private_project.slug,
        **{k: world.private_project_objects[v] for k, v in extra.items()},
    }


def _public(**extra):
    return lambda world: {
        "slug": world.public_project.slug,
        **{k: world.public_project_objects[v] for k, v in extra.items()},
    }


TEAM_ONLY = "a team-only project"
TEAM = {"parent": OK, "officer": OK}  # the two leads
# Working pages: the team only; a forum admin (whose superuser status passes every check) too is
# kept out, since only the team works in a project.
WORK = {"visitor": LOGIN, **TEAM, "others": NOT_FOUND}
WORK_POST = {"visitor": LOGIN, "parent": NOT_ALLOWED, "officer": NOT_ALLOWED, "others": NOT_FOUND}
# Pages forum staff need to run a project. The overview shows staff and admins outside the team
# only a team-only project's settings, not its work (tests/coproduction/test_views.py).
MANAGE = {"visitor": LOGIN, **TEAM, "staff": OK, "admin": OK, "others": NOT_FOUND}

ROWS = [
    row("coproduction:project-list", everyone=OK),
    row("coproduction:project-create", visitor=LOGIN, staff=OK, admin=OK, others=FORBIDDEN),
    row("coproduction:project-detail", state=TEAM_ONLY, kwargs=_private(), **MANAGE),
    row("coproduction:project-detail", state="a public project", kwargs=_public(), everyone=OK),
    row("coproduction:project-edit", state=TEAM_ONLY, kwargs=_private(), **MANAGE),
    row("coproduction:team", state=TEAM_ONLY, kwargs=_private(), **MANAGE),
    row(
        "coproduction:team-member-change",
        state=TEAM_ONLY,
        kwargs=_private(pk="member"),
        visitor=LOGIN,
        parent=NOT_ALLOWED,
        officer=NOT_ALLOWED,
        staff=NOT_ALLOWED,
        admin=NOT_ALLOWED,
        others=NOT_FOUND,
    ),
    row(
        "coproduction:invitation-withdraw",
        state=TEAM_ONLY,
        kwargs=_private(pk="invitation"),
        visitor=LOGIN,
        parent=NOT_ALLOWED,
        officer=NOT_ALLOWED,
        staff=NOT_ALLOWED,
        admin=NOT_ALLOWED,
        others=NOT_FOUND,
    ),
    # The page an invitation's link opens: whoever holds the link reads it (and may decline);
    # only the invited address can accept. An unknown token is a 404.
    row(
        "coproduction:invitation",
        state="an invitation to a team-only project, waiting",
        kwargs=lambda world: {"token": world.private_project_invitation.token},
        everyone=OK,
    ),
    row("coproduction:team-leave", state=TEAM_ONLY, kwargs=_private(), **WORK_POST),
    row("coproduction:team-show-name", state=TEAM_ONLY, kwargs=_private(), **WORK_POST),
    row("coproduction:agenda", state=TEAM_ONLY, kwargs=_private(), **WORK),
    # A public project's summary is open; its workspace is still the team's.
    row("coproduction:agenda", state="a public project", kwargs=_public(), **WORK),
    row("coproduction:agenda-agree", state=TEAM_ONLY, kwargs=_private(pk="item"), **WORK_POST),
    row("coproduction:agenda-park", state=TEAM_ONLY, kwargs=_private(pk="item"), **WORK),
    row("coproduction:meeting-list", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:meeting-create", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:meeting-detail", state=TEAM_ONLY, kwargs=_private(pk="meeting"), **WORK),
    row("coproduction:decisions", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:actions", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:action-edit", state=TEAM_ONLY, kwargs=_private(pk="action"), **WORK),
    row("coproduction:action-done", state=TEAM_ONLY, kwargs=_private(pk="action"), **WORK_POST),
    row("coproduction:cornerstones", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:activity", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:document-list", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:document-create", state=TEAM_ONLY, kwargs=_private(), **WORK),
    row("coproduction:document-detail", state=TEAM_ONLY, kwargs=_private(pk="document"), **WORK),
    row("coproduction:document-edit", state=TEAM_ONLY, kwargs=_private(pk="document"), **WORK),
    row("coproduction:document-compare", state=TEAM_ONLY, kwargs=_private(pk="document"), **WORK),
    row(
        "coproduction:document-sign-off",
        state=TEAM_ONLY,
        kwargs=lambda world: {**_private(pk="document")(world), "number": 1},
        **WORK_POST,
    ),
]


# The admin's pages of this rung's models, listed in permission_table_admin.py, whose build calls
# this table's build so each model has a row to open.
ADMIN_ROWS = [
    *admin_model("coproduction.project", thorough=False),
    # Everything else is made on the portal's pages, by the services that keep the rules: the admin
    # adds none of it. The team, versions and sign-offs are there to read.
    *admin_model("coproduction.teammember", thorough=False, add=FORBIDDEN, delete=FORBIDDEN),
    *admin_model("coproduction.invitation", thorough=False, add=FORBIDDEN),
    *admin_model("coproduction.agendaitem", thorough=False, add=FORBIDDEN),
    *admin_model("coproduction.meeting", thorough=False, add=FORBIDDEN),
    *admin_model("coproduction.decision", thorough=False, add=FORBIDDEN),
    *admin_model("coproduction.action", thorough=False, add=FORBIDDEN),
    *admin_model("coproduction.document", thorough=False, add=FORBIDDEN),
    *admin_model("coproduction.documentversion", add=FORBIDDEN, delete=FORBIDDEN),
    *admin_model("coproduction.signoff", add=FORBIDDEN, delete=FORBIDDEN),
    *admin_model("coproduction.documentcomment", thorough=False, add=FORBIDDEN),
    *admin_model("coproduction.cornerstonesrating", thorough=False, add=FORBIDDEN),
    # The record of who changed what cannot be written or deleted by hand.
    *admin_model("coproduction.activity", add=FORBIDDEN, delete=FORBIDDEN),
]
