"""The co-production rung's XSS targets: text team members write, shown on the project's pages."""

from django.utils import timezone

from coproduction import services
from coproduction.models import Project, Side


def _project(world, title, *, aims="Aims"):
    project = services.create_project(title=title, aims=aims, visibility=Project.Visibility.PUBLIC, by=world.staff)
    parent = services.add_team_member(project, user=world.parent, side=Side.PARENT_CARER, is_lead=True, by=world.staff)
    officer = services.add_team_member(
        project, user=world.officer, side=Side.PROFESSIONAL, is_lead=True, by=world.staff
    )
    return project, parent, officer


def _team_text(world, payloads):
    """Titles, descriptions, decisions, dissent, actions and comments: plain text on every page."""
    world.parent.full_name = payloads[0]
    world.parent.save(update_fields=["full_name"])
    project, parent, officer = _project(world, payloads[1])
    meeting = services.record_meeting(
        project, by=officer, title=payloads[2], held_on=timezone.localdate(), attendees=[parent, officer]
    )
    document = action = None
    for payload in payloads:
        item = services.propose_agenda_item(project, by=parent, title=payload[:200], description=payload)
        services.record_decision(project, by=parent, text=payload, agreed_by=[parent], dissent=payload, meeting=meeting)
        action = services.add_action(
            project, by=parent, description=payload, owner=officer, due_on=timezone.localdate()
        )
        document = services.start_document(project, by=officer, title=payload[:200], body="Plain text")
        services.comment_on_version(document.latest_version, by=parent, text=payload)
    services.park_agenda_item(item, by=officer, reason=payloads[3])
    base = f"/coproduction/{project.slug}"
    return [
        "/coproduction/",
        f"{base}/",
        f"{base}/team/",
        f"{base}/agenda/",
        f"{base}/meetings/",
        f"{base}/meetings/{meeting.pk}/",
        f"{base}/decisions/",
        f"{base}/actions/",
        f"{base}/actions/{action.pk}/edit/",
        f"{base}/documents/",
        f"{base}/documents/{document.pk}/",
        f"{base}/activity/",
    ]


def _markdown(world, payloads):
    """The project's aims and a document's versions, written in Markdown."""
    text = "\n\n".join(payloads)
    project, parent, officer = _project(world, "Markdown project", aims=text)
    document = services.start_document(project, by=parent, title="Charter", body=text)
    services.save_document_version(document, by=officer, body=text + "\n\nMore", based_on=1)
    base = f"/coproduction/{project.slug}"
    return [
        f"{base}/",
        f"{base}/documents/{document.pk}/",
        f"{base}/documents/{document.pk}/?version=1",
        f"{base}/documents/{document.pk}/compare/?from=1&to=2",
        f"{base}/documents/{document.pk}/edit/",
    ]


def targets(XssTarget):  # noqa: N803 - the dataclass, passed in to keep this module free of a cycle
    return [
        XssTarget("co-production text on a project's pages", "parent", _team_text),
        XssTarget("co-production Markdown: aims and documents", "parent", _markdown, markdown=True),
    ]
