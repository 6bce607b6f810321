"""Co-production's share of the benchmark data: projects with full teams, agendas, decisions,
actions and documents, built with bulk inserts."""

import datetime

from django.utils import timezone

from forum_portal.benchdata import BenchPage
from forum_portal.markdown import render_markdown

from .models import Action, AgendaItem, Decision, Document, DocumentVersion, Project, Side, TeamMember

# Large: 200 projects with 25 agenda items, decisions and actions each (5,000 actions).
SIZES = {"small": {"projects": 5, "rows": 10}, "large": {"projects": 200, "rows": 25}}


def seed(scale: str, people) -> None:
    sizes = SIZES[scale]
    now = timezone.now()
    today = timezone.localdate()
    aims = "Better **short breaks** for families.\n\n* one list\n* one way to ask"
    projects = Project.objects.bulk_create(
        Project(
            title=f"Bench project {n}",
            slug=f"bench-project-{n}",
            aims=aims,
            aims_html=render_markdown(aims),
            visibility=Project.Visibility.PUBLIC if n % 2 == 0 else Project.Visibility.TEAM,
        )
        for n in range(sizes["projects"])
    )
    members = []
    for n, project in enumerate(projects):
        parents = people.members[(2 * n) % len(people.members) :][:2]
        officers = [people.officers[n % len(people.officers)], people.officers[(n + 1) % len(people.officers)]]
        members += [
            TeamMember(project=project, user=user, side=Side.PARENT_CARER, is_lead=i == 0, show_name=i == 0)
            for i, user in enumerate(parents)
        ]
        members += [
            TeamMember(project=project, user=user, side=Side.PROFESSIONAL, is_lead=i == 0)
            for i, user in enumerate(dict.fromkeys(officers))
        ]
    members = TeamMember.objects.bulk_create(members)
    team = {}
    for member in members:
        team.setdefault(member.project_id, []).append(member)

    rows = sizes["rows"]
    items, decisions, documents = [], [], []
    for project in projects:
        lead = team[project.pk][0]
        items += [
            AgendaItem(project=project, title=f"Agenda item {i}", proposed_by=lead, proposed_at=now)
            for i in range(rows)
        ]
        decisions += [
            Decision(project=project, text=f"Decision {i}: publish a clear list.", recorded_by=lead, decided_on=today)
            for i in range(rows)
        ]
        documents += [Document(project=project, title=f"Document {i}") for i in range(3)]
    AgendaItem.objects.bulk_create(items)
    decisions = Decision.objects.bulk_create(decisions)
    Decision.agreed_by.through.objects.bulk_create(
        Decision.agreed_by.through(decision=decision, teammember=member)
        for decision in decisions
        for member in team[decision.project_id]
    )
    Action.objects.bulk_create(
        Action(
            project_id=decision.project_id,
            decision=decision,
            description=f"Action for {decision.text[:20]}",
            owner=team[decision.project_id][i % len(team[decision.project_id])],
            created_by=team[decision.project_id][0],
            due_on=today + datetime.timedelta(days=i - rows // 2),
        )
        for i, decision in enumerate(decisions)
    )
    documents = Document.objects.bulk_create(documents)
    body = "# Charter\n\nFamilies choose the breaks that suit them."
    versions = DocumentVersion.objects.bulk_create(
        DocumentVersion(
            document=document, number=1, body=body, body_html=render_markdown(body), author=team[document.project_id][0]
        )
        for document in documents
    )
    for document, version in zip(documents, versions, strict=True):
        document.latest_version = version
        document.is_coproduced = True
    Document.objects.bulk_update(documents, ["latest_version", "is_coproduced"])


def _busiest_public_project() -> str:
    project = Project.objects.filter(visibility=Project.Visibility.PUBLIC).order_by("pk").first()
    return project.get_absolute_url() if project else "/coproduction/"


PAGES = [
    BenchPage("project list", lambda: "/coproduction/"),
    BenchPage("project page", _busiest_public_project),
]
