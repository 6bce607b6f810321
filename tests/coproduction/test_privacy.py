import pytest

from coproduction import privacy as coproduction_privacy
from coproduction import services
from coproduction.models import Activity, AgendaItem, TeamMember
from forum_portal.people import privacy
from forum_portal.people.services import delete_account
from tests.factories.coproduction import project_with_team

pytestmark = pytest.mark.django_db


def test_section_is_registered():
    assert "coproduction" in [section.key for section in privacy.sections()]


def test_download_lists_projects_and_comments():
    team = project_with_team()
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    services.comment_on_version(document.latest_version, by=team.parent, text="Looks good")
    services.rate_project(team.project, by=team.parent, welcome=5, value=4, communicate=3, partnership=2, comment="Ok")
    rows = coproduction_privacy.collect(team.parent.user)
    assert len(rows) == 1
    row = rows[0]
    assert (row["project"], row["side"], row["lead"], row["document_versions_written"]) == (
        team.project.title,
        "Parent carer",
        False,
        1,
    )
    assert [comment["text"] for comment in row["comments"]] == ["Looks good"]
    [rating] = row["four_cornerstones_ratings"]
    assert (rating["welcome"], rating["value"], rating["communicate"], rating["partnership"], rating["comment"]) == (
        5, 4, 3, 2, "Ok",
    )  # fmt: skip


def test_deleting_an_account_keeps_contributions_without_the_name():
    team = project_with_team()
    user = team.parent_lead.user
    name = user.full_name
    item = services.propose_agenda_item(team.project, by=team.parent_lead, title="Transport")
    services.set_show_name(team.parent_lead, show=True)

    delete_account(user, by=user)

    member = TeamMember.objects.get(pk=team.parent_lead.pk)
    assert (member.user, member.side, member.is_lead, member.show_name) == (None, "parent_carer", False, False)
    assert member.display_name == "a parent carer"
    assert AgendaItem.objects.get(pk=item.pk).proposed_by.display_name == "a parent carer"
    assert Activity.objects.filter(project=team.project, actor__isnull=False, member=member).count() == 0
    assert name not in " ".join(Activity.objects.values_list("summary", flat=True))
