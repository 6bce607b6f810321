"""Reads of co-production data, with their joins, and the fetch-and-authorise helpers views use."""

from django.db.models import Avg, CharField, Count, Exists, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.shortcuts import get_object_or_404

from forum_portal.notify.models import OutgoingEmail
from forum_portal.people.rules import has_two_factor, is_forum_staff

from .models import (
    Action,
    Activity,
    AgendaItem,
    CornerstonesRating,
    Decision,
    Document,
    DocumentVersion,
    Invitation,
    Meeting,
    Project,
    Side,
    TeamMember,
)

MEMBER_JOINS = ("user",)


def project_for(user, slug: str, perm: str = "coproduction.view_project") -> Project:
    """The project, if the person may see it in this way; a 404 otherwise, since a private
    project's existence is itself private."""
    project = get_object_or_404(Project, slug=slug)
    if not user.has_perm(perm, project):
        raise Http404
    return project


def projects_visible_to(user):
    """Public projects, the person's own projects, and every project for forum staff."""
    projects = Project.objects.annotate(
        parent_carers=Count(
            "team", filter=Q(team__side=Side.PARENT_CARER, team__left_at__isnull=True, team__user__isnull=False)
        ),
        professionals=Count(
            "team", filter=Q(team__side=Side.PROFESSIONAL, team__left_at__isnull=True, team__user__isnull=False)
        ),
    ).order_by("title")
    if user.is_authenticated and is_forum_staff(user) and has_two_factor(user):
        return projects
    visible = Q(visibility=Project.Visibility.PUBLIC)
    if user.is_authenticated:
        visible |= Q(pk__in=TeamMember.objects.current().filter(user=user).values("project"))
    return projects.filter(visible)


def public_projects():
    return Project.objects.filter(visibility=Project.Visibility.PUBLIC).order_by("-created_at")


def team_of(project: Project):
    return TeamMember.objects.current().filter(project=project).select_related(*MEMBER_JOINS)


def activity_of(project: Project):
    """The project's record of changes, newest first, with who made each."""
    return Activity.objects.filter(project=project).select_related("member__user", "actor")


def invitations_waiting(project: Project):
    """Invitations nobody has answered or withdrawn, newest first, run out or not."""
    return Invitation.objects.waiting().filter(project=project).select_related("invited_by")


def team_counts(project: Project) -> dict[str, int]:
    counts = dict(team_of(project).values_list("side").annotate(n=Count("id")).values_list("side", "n"))
    return {"parent_carers": counts.get(Side.PARENT_CARER, 0), "professionals": counts.get(Side.PROFESSIONAL, 0)}


def agenda_of(project: Project):
    return AgendaItem.objects.filter(project=project).select_related(
        "proposed_by__user",
        "agreed_by_parent_lead__user",
        "agreed_by_professional_lead__user",
        "parked_by__user",
    )


def meetings_of(project: Project):
    return (
        Meeting.objects.filter(project=project)
        .annotate(
            present=Count("attendees", distinct=True),
            parent_carers_present=Count("attendees", filter=Q(attendees__side=Side.PARENT_CARER), distinct=True),
        )
        .select_related("project", "recorded_by__user")
    )


def meeting_detail(project: Project, pk: int) -> Meeting:
    return get_object_or_404(
        meetings_of(project).prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("proposed_by__user")),
            Prefetch("attendees", queryset=TeamMember.objects.select_related("user")),
            Prefetch("decisions", queryset=decisions_of(project)),
        ),
        pk=pk,
    )


def decisions_of(project: Project):
    return (
        Decision.objects.filter(project=project)
        .select_related("meeting", "recorded_by__user")
        .prefetch_related(Prefetch("agreed_by", queryset=TeamMember.objects.select_related("user")))
    )


def actions_of(project: Project):
    return Action.objects.filter(project=project).select_related("owner__user", "done_by__user", "decision")


def documents_of(project: Project):
    return Document.objects.filter(project=project).select_related("project", "latest_version__author__user")


def document_detail(project: Project, pk: int) -> Document:
    return get_object_or_404(documents_of(project), pk=pk)


def versions_of(document: Document):
    return DocumentVersion.objects.filter(document=document).select_related("author__user")


def version_with_sign_offs(document: Document, number: int) -> DocumentVersion:
    return get_object_or_404(
        versions_of(document).prefetch_related("sign_offs__member__user", "comments__author__user"), number=number
    )


def actions_to_remind(today):
    """Open actions past their due date whose owner is still on the team and has not had a
    reminder for this due date yet: the outbox holds one per action and due date, under the key
    ``coproduction:action-overdue:<action>:<due date>`` (``services.overdue_reminder_key``)."""
    # The date is cast to text in ISO form (PostgreSQL's output style for dates, and SQLite's
    # stored form), as the key was written with date.isoformat().
    key = Concat(
        Value("coproduction:action-overdue:"),
        Cast(OuterRef("pk"), CharField()),
        Value(":"),
        Cast(OuterRef("due_on"), CharField()),
        output_field=CharField(),
    )
    return (
        Action.objects.overdue_on(today)
        .filter(owner__user__isnull=False, owner__left_at__isnull=True)
        .exclude(Exists(OutgoingEmail.objects.filter(dedupe_key=key)))
        .select_related("project", "owner__user")
        .order_by("id")
    )


def actions_for(user):
    """The person's open actions in projects they are still part of, soonest first."""
    return (
        Action.objects.filter(status=Action.Status.OPEN, owner__user=user, owner__left_at__isnull=True)
        .select_related("project")
        .order_by("due_on", "id")
    )


def documents_awaiting_sign_off_by(user):
    """Documents whose latest version this lead has not signed off yet."""
    leads = TeamMember.objects.current().filter(user=user, is_lead=True)
    return (
        Document.objects.filter(project__team__in=leads, latest_version__isnull=False, is_coproduced=False)
        .exclude(latest_version__sign_offs__member__user=user)
        .select_related("project", "latest_version")
        .distinct()
        .order_by("project__title", "title")
    )


def cornerstones_by_month(project: Project) -> list[dict]:
    """Average ratings for each month and side, computed in SQL, oldest month first.

    Each row: period, and for each side a dict of the four averages, their mean and how many
    people rated (None for a side nobody from rated that month).
    """
    scores = CornerstonesRating.SCORES
    rows = (
        CornerstonesRating.objects.filter(project=project)
        .values("period", "side")
        .annotate(ratings=Count("id"), **{score: Avg(score) for score in scores})
        .order_by("period", "side")
    )
    months: dict = {}
    for row in rows:
        month = months.setdefault(
            row["period"], {"period": row["period"], Side.PARENT_CARER.value: None, Side.PROFESSIONAL.value: None}
        )
        averages = {score: round(float(row[score]), 1) for score in scores}
        averages["overall"] = round(sum(float(row[score]) for score in scores) / len(scores), 1)
        averages["ratings"] = row["ratings"]
        month[row["side"]] = averages
    return list(months.values())
