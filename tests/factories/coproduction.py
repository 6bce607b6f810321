from dataclasses import dataclass

import factory

from coproduction.models import Project, Side, TeamMember
from forum_portal.markdown import render_markdown

from .people import OfficerFactory, ParentCarerFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Short breaks review {n}")
    slug = factory.Sequence(lambda n: f"short-breaks-{n}")
    aims = "Make **short breaks** easier to find."
    aims_html = factory.LazyAttribute(lambda project: render_markdown(project.aims))
    visibility = Project.Visibility.TEAM


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(ParentCarerFactory)
    side = Side.PARENT_CARER


def parent_member(project: Project, *, lead: bool = False, **user_kwargs) -> TeamMember:
    return TeamMemberFactory(
        project=project, user=ParentCarerFactory(**user_kwargs), side=Side.PARENT_CARER, is_lead=lead
    )


def professional_member(project: Project, *, lead: bool = False, **user_kwargs) -> TeamMember:
    return TeamMemberFactory(project=project, user=OfficerFactory(**user_kwargs), side=Side.PROFESSIONAL, is_lead=lead)


@dataclass
class Team:
    project: Project
    parent_lead: TeamMember
    parent: TeamMember
    professional_lead: TeamMember
    professional: TeamMember


def project_with_team(**project_kwargs) -> Team:
    """A project with two parent carers and two professionals, one lead on each side."""
    project = ProjectFactory(**project_kwargs)
    return Team(
        project=project,
        parent_lead=parent_member(project, lead=True),
        parent=parent_member(project),
        professional_lead=professional_member(project, lead=True),
        professional=professional_member(project),
    )
