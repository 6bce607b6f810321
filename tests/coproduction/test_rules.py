"""Who may do what in a project: role × visibility, for each permission."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from coproduction.models import Project, Side
from tests.factories.coproduction import ProjectFactory, TeamMemberFactory
from tests.factories.people import ForumStaffFactory, OfficerFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db

PUBLIC, TEAM = Project.Visibility.PUBLIC, Project.Visibility.TEAM


def _member(project, user, side, **kwargs):
    TeamMemberFactory(project=project, user=user, side=side, **kwargs)
    return user


ROLES = {
    "anonymous": lambda project: AnonymousUser(),
    "parent carer": lambda project: ParentCarerFactory(),
    "officer": lambda project: OfficerFactory(),
    "forum staff": lambda project: ForumStaffFactory(),
    "forum staff without two-factor": lambda project: ForumStaffFactory(two_factor=False),
    "team parent carer": lambda project: _member(project, ParentCarerFactory(), Side.PARENT_CARER),
    "team parent lead": lambda project: _member(project, ParentCarerFactory(), Side.PARENT_CARER, is_lead=True),
    "team professional": lambda project: _member(project, OfficerFactory(), Side.PROFESSIONAL),
    "team professional lead": lambda project: _member(project, OfficerFactory(), Side.PROFESSIONAL, is_lead=True),
    "team professional without two-factor": lambda project: _member(
        project, OfficerFactory(two_factor=False), Side.PROFESSIONAL, is_lead=True
    ),
    "parent carer who left": lambda project: _member(
        project, ParentCarerFactory(), Side.PARENT_CARER, is_lead=True, left_at=timezone.now()
    ),
}

# role: (view private, view public, open private, work in, lead, manage team, add project)
EXPECTED = {
    "anonymous": (False, True, False, False, False, False, False),
    "parent carer": (False, True, False, False, False, False, False),
    "officer": (False, True, False, False, False, False, False),
    # Forum staff run every project (its overview, details and team) but see a team-only one's
    # work only if they are on its team.
    "forum staff": (False, True, True, False, False, True, True),
    "forum staff without two-factor": (False, True, False, False, False, False, False),
    "team parent carer": (True, True, True, True, False, False, False),
    "team parent lead": (True, True, True, True, True, True, False),
    "team professional": (True, True, True, True, False, False, False),
    "team professional lead": (True, True, True, True, True, True, False),
    "team professional without two-factor": (False, True, False, False, False, False, False),
    "parent carer who left": (False, True, False, False, False, False, False),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_permissions_by_role_and_visibility(role):
    private = ProjectFactory(visibility=TEAM)
    public = ProjectFactory(visibility=PUBLIC)
    user = ROLES[role](private)
    if role.startswith("team") or role.endswith("left"):
        # The same person holds the same place in the public project.
        member = private.team.get(user=user)
        TeamMemberFactory(project=public, user=user, side=member.side, is_lead=member.is_lead, left_at=member.left_at)

    actual = (
        user.has_perm("coproduction.view_project", private),
        user.has_perm("coproduction.view_project", public),
        user.has_perm("coproduction.open_project", private),
        user.has_perm("coproduction.work_in_project", private)
        and user.has_perm("coproduction.work_in_project", public),
        user.has_perm("coproduction.lead_project", private),
        user.has_perm("coproduction.manage_team", private),
        user.has_perm("coproduction.add_project"),
    )
    assert actual == EXPECTED[role]


def test_member_of_one_project_has_no_rights_in_another():
    user = ParentCarerFactory()
    TeamMemberFactory(user=user, side=Side.PARENT_CARER, is_lead=True)
    other = ProjectFactory(visibility=TEAM)
    assert user.has_perm("coproduction.view_project", other) is False
    assert user.has_perm("coproduction.work_in_project", other) is False
    assert user.has_perm("coproduction.lead_project", other) is False
