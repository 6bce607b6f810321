"""Who may do what in a co-production project.

Inside a project, parent carers and professionals have the same rights; the two sides' leads also
agree agenda items, sign off documents and look after the team. Only the team sees a team-only
project's work. Forum staff set projects up and run them: they reach any project's details and team
(``open_project``, ``change_project``, ``manage_team``) but, outside its team, not a team-only
project's agenda, meetings, decisions, actions, documents or ratings (``view_project``). Officers
must use two-factor sign-in here as everywhere else.
"""

import rules

from forum_portal.people.rules import has_two_factor, is_forum_staff, needs_two_factor

from .models import Project, TeamMember


def current_member(user, project: Project) -> TeamMember | None:
    """The person's current place in the project's team, looked up once per request-user object."""
    if project is None or not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_coproduction_members", {})
    if project.pk not in cache:
        cache[project.pk] = TeamMember.objects.current().filter(project=project, user=user).first()
    return cache[project.pk]


def forget_cached_membership(user) -> None:
    """Drop the cache above, after the person's place in a team changed."""
    if user is not None:
        user.__dict__.pop("_coproduction_members", None)


@rules.predicate
def is_team_member(user, project) -> bool:
    return current_member(user, project) is not None


@rules.predicate
def is_team_lead(user, project) -> bool:
    member = current_member(user, project)
    return member is not None and member.is_lead


@rules.predicate
def is_public_project(user, project) -> bool:
    return project is not None and project.is_public


has_signed_in_safely = ~needs_two_factor | has_two_factor
is_staff_with_two_factor = is_forum_staff & has_two_factor
works_in_project = is_team_member & has_signed_in_safely
leads_project = is_team_lead & has_signed_in_safely

rules.add_perm("coproduction.add_project", is_staff_with_two_factor)
# See the project's work: its summary with decisions, actions and co-produced documents.
rules.add_perm("coproduction.view_project", is_public_project | works_in_project)
# Open the project's overview page. Forum staff open every project's, to run it; outside the team
# they see there only what its settings hold (title, aims, partners, team numbers).
rules.add_perm("coproduction.open_project", is_public_project | works_in_project | is_staff_with_two_factor)
rules.add_perm("coproduction.work_in_project", works_in_project)
rules.add_perm("coproduction.lead_project", leads_project)
rules.add_perm("coproduction.manage_team", leads_project | is_staff_with_two_factor)
rules.add_perm("coproduction.change_project", leads_project | is_staff_with_two_factor)
