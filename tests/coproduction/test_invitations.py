"""Invitations to a project's team: sent by leads and forum staff, answered by the person invited."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coproduction import privacy as coproduction_privacy
from coproduction import services
from coproduction.models import Invitation, Side, TeamMember
from forum_portal.audit.models import AuditEvent
from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from forum_portal.people.services import delete_account
from tests.factories.coproduction import project_with_team
from tests.factories.people import ForumStaffFactory, OfficerFactory, ParentCarerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return project_with_team()


def _invite(team, email="new.parent@example.org", side=Side.PARENT_CARER, is_lead=False, by=None):
    return services.invite_to_team(
        team.project, email=email, side=side, is_lead=is_lead, by=by or team.parent_lead.user
    )


def _team_url(team):
    return reverse("coproduction:team", args=[team.project.slug])


# --- Services --------------------------------------------------------------------------------------


def test_invitation_is_emailed_with_its_link_and_recorded(team, settings):
    staff = ForumStaffFactory(full_name="Sam Staff")

    invitation = _invite(team, email=" New.Parent@Example.org ", is_lead=True, by=staff)

    assert (invitation.email, invitation.side, invitation.is_lead, invitation.status) == (
        "new.parent@example.org", "parent_carer", True, "pending",
    )  # fmt: skip
    assert invitation.expires_at - invitation.invited_at == datetime.timedelta(days=14)
    email = OutgoingEmail.objects.get(kind="coproduction_invitation")
    assert (email.recipient, email.dedupe_key, email.subject) == (
        "new.parent@example.org", f"coproduction:invitation:{invitation.pk}",
        f"You are invited to join {team.project.title}",
    )  # fmt: skip
    assert f"{settings.SITE_URL}/coproduction/invitations/{invitation.token}/" in email.body_text
    assert "Sam Staff invites you to join" in email.body_text
    assert "You do not have an account on our portal yet." in email.body_text
    assert team.project.activity.first().summary == "invited a parent carer lead to the team"
    assert AuditEvent.objects.filter(action="coproduction.invitation_sent", actor=staff).count() == 1
    assert TeamMember.objects.filter(project=team.project).count() == 4  # nobody joins until they accept


def test_nobody_is_invited_twice_or_when_already_on_the_team(team):
    _invite(team)
    with pytest.raises(ValidationError) as error:
        _invite(team, email="NEW.parent@example.org")
    assert error.value.code == "already_invited"
    with pytest.raises(ValidationError) as error:
        _invite(team, email=team.parent.user.email)
    assert error.value.code == "already_member"
    assert Invitation.objects.count() == 1


def test_an_account_that_cannot_be_a_professional_is_refused_at_once(team):
    with pytest.raises(ValidationError) as error:
        _invite(team, email=ParentCarerFactory().email, side=Side.PROFESSIONAL)
    assert error.value.code == "not_professional"
    # An account not yet in the forum may still be invited as a parent carer: it can join first.
    assert _invite(team, email=UserFactory().email).status == "pending"


def test_an_invitation_that_ran_out_makes_way_for_a_new_one(team):
    old = _invite(team)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    new = _invite(team)
    old.refresh_from_db()
    assert (old.status, new.status) == ("expired", "pending")


def test_invited_person_accepts_and_joins_on_the_side_they_were_invited_to(team):
    officer = OfficerFactory()
    invitation = _invite(team, email=officer.email, side=Side.PROFESSIONAL, is_lead=True)

    member = services.accept_invitation(invitation, user=officer)

    assert (member.user, member.side, member.is_lead, member.is_current) == (officer, "professional", True, True)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.member) == ("accepted", member)
    assert team.project.activity.first().summary == "joined the team (professional, as a lead) on an invitation"
    assert team.project.activity.first().member == member
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation, user=officer)
    assert error.value.code == "answered"


def test_the_invitation_survives_sign_up(team):
    invitation = _invite(team, email="new.parent@example.org")
    # The person signs up with the invited address and joins the forum; the same link still works.
    newcomer = ParentCarerFactory(email="new.parent@example.org")
    member = services.accept_invitation(Invitation.objects.get(token=invitation.token), user=newcomer)
    assert (member.user, member.side) == (newcomer, "parent_carer")


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("someone else", "other_address"),
        ("the invited address, not yet verified", "other_address"),
        ("the invited address, not in the forum", "not_parent_carer"),
    ],
)
def test_only_the_invited_verified_address_can_accept(team, who, code):
    invitation = _invite(team, email="new.parent@example.org")
    user = {
        "someone else": lambda: ParentCarerFactory(),
        "the invited address, not yet verified": lambda: ParentCarerFactory(
            email="new.parent@example.org", verified=False
        ),
        "the invited address, not in the forum": lambda: UserFactory(email="new.parent@example.org"),
    }[who]()
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation, user=user)
    assert error.value.code == code
    invitation.refresh_from_db()
    assert (invitation.status, TeamMember.objects.filter(user=user).exists()) == ("pending", False)


def test_run_out_declined_or_withdrawn_invitations_cannot_be_accepted(team):
    parent = ParentCarerFactory(email="new.parent@example.org")
    invitation = _invite(team)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation, user=parent)
    assert error.value.code == "run_out"

    declined = _invite(team)  # the run-out one makes way
    services.decline_invitation(declined)
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(declined, user=parent)
    assert error.value.code == "answered"

    withdrawn = _invite(team)
    services.withdraw_invitation(withdrawn, by=team.professional_lead.user)
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(withdrawn, user=parent)
    assert error.value.code == "answered"
    assert list(team.project.activity.values_list("summary", flat=True)[:4]) == [
        "withdrew an invitation to the parent carer side",
        "invited a parent carer member to the team",
        "declined an invitation to the parent carer side",
        "invited a parent carer member to the team",
    ]


def test_download_and_deletion_cover_invitations_to_the_person(team):
    parent = ParentCarerFactory(email="new.parent@example.org")
    _invite(team)
    [row] = coproduction_privacy.collect_invitations(parent)
    assert (row["project"], row["sent_to"], row["side"], row["status"]) == (
        team.project.title, "new.parent@example.org", "Parent carer", "Waiting for an answer",
    )  # fmt: skip

    delete_account(parent, by=parent)

    assert Invitation.objects.count() == 0


# --- Pages -----------------------------------------------------------------------------------------


def test_lead_invites_from_the_team_page_and_mistakes_are_shown_by_the_field(client, team):
    client.force_login(team.parent_lead.user)
    response = client.post(_team_url(team), {"email": "not an address", "side": ""})
    content = response.content.decode()
    assert "Enter a real email address" in content
    assert "Choose which side the person is on" in content
    assert 'value="not an address"' in content

    response = client.post(_team_url(team), {"email": ParentCarerFactory().email, "side": "professional"})
    assert "Only someone who works for a partner organisation or the forum can join on the professional side." in (
        response.content.decode()
    )

    response = client.post(_team_url(team), {"email": "new.parent@example.org", "side": "parent_carer"}, follow=True)
    assert response.redirect_chain == [(_team_url(team), 302)]
    content = response.content.decode()
    assert "An invitation is on its way to new.parent@example.org." in content
    assert '<td class="govuk-table__cell">new.parent@example.org</td>' in content
    response = client.post(_team_url(team), {"email": "new.parent@example.org", "side": "parent_carer"})
    assert "This person already has an invitation waiting." in response.content.decode()
    assert Invitation.objects.get().invited_by == team.parent_lead.user


def test_inviter_is_told_when_the_person_has_switched_invitations_off(client, team):
    EmailOptOut.objects.create(email="new.parent@example.org", kind="coproduction_invitation")
    client.force_login(team.parent_lead.user)
    response = client.post(_team_url(team), {"email": "new.parent@example.org", "side": "parent_carer"}, follow=True)
    assert "new.parent@example.org has switched off emails about co-production invitations" in (
        response.content.decode()
    )
    assert (Invitation.objects.count(), OutgoingEmail.objects.count()) == (1, 0)


def test_team_member_who_is_not_a_lead_cannot_invite_or_withdraw(client, team):
    invitation = _invite(team)
    client.force_login(team.parent.user)
    content = client.get(_team_url(team)).content.decode()
    assert "new.parent@example.org" not in content
    assert client.post(_team_url(team), {"email": "x@example.org", "side": "parent_carer"}).status_code == 404
    withdraw = reverse("coproduction:invitation-withdraw", args=[team.project.slug, invitation.pk])
    assert client.post(withdraw).status_code == 404
    assert Invitation.objects.get().status == "pending"


def test_staff_withdraw_an_invitation(client, team):
    invitation = _invite(team)
    client.force_login(ForumStaffFactory())
    response = client.post(reverse("coproduction:invitation-withdraw", args=[team.project.slug, invitation.pk]))
    assert response["Location"] == _team_url(team)
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    # Withdrawn, it is no longer waiting: withdrawing again is a 404.
    again = client.post(reverse("coproduction:invitation-withdraw", args=[team.project.slug, invitation.pk]))
    assert again.status_code == 404


def test_visitor_reads_the_invitation_declines_it_and_is_asked_to_sign_in_to_accept(client, team):
    invitation = _invite(team)
    page = invitation.get_absolute_url()
    content = client.get(page).content.decode()
    assert f"Join the team of {team.project.title}" in content
    assert f"{escape(team.parent_lead.user.full_name)} invited new.parent@example.org to join the team" in content
    assert f'href="/accounts/login/?next=/coproduction/invitations/{invitation.token}/"' in content
    assert "Create an account" in content

    response = client.post(page, {"answer": "accept"})
    assert response["Location"] == f"/accounts/login/?next={page}"
    response = client.post(page, {"answer": "decline"}, follow=True)
    assert "You have declined the invitation." in response.content.decode()
    assert "This invitation has been declined." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_signed_in_person_accepts_on_the_page(client, team):
    parent = ParentCarerFactory(email="new.parent@example.org")
    invitation = _invite(team)
    client.force_login(ParentCarerFactory(email="someone.else@example.org"))
    content = client.get(invitation.get_absolute_url()).content.decode()
    assert "but you are signed in as someone.else@example.org" in content
    response = client.post(invitation.get_absolute_url(), {"answer": "accept"}, follow=True)
    assert "This invitation was sent to new.parent@example.org." in response.content.decode()

    client.force_login(parent)
    response = client.post(invitation.get_absolute_url(), {"answer": "accept"})
    assert response["Location"] == team.project.get_absolute_url()
    assert TeamMember.objects.get(project=team.project, user=parent).side == "parent_carer"


def test_person_not_yet_in_the_forum_is_asked_to_join_first(client, team):
    invitation = _invite(team)
    client.force_login(UserFactory(email="new.parent@example.org"))
    content = client.get(invitation.get_absolute_url()).content.decode()
    assert 'The parent carer side is for members of the forum. <a class="govuk-link" href="/account/forum/join/">' in (
        content
    )
    assert "Accept and join the team" not in content


def test_unknown_invitation_is_a_404(client):
    assert client.get(reverse("coproduction:invitation", args=["no-such-token"])).status_code == 404


def test_team_page_makes_the_same_number_of_queries_for_1_and_5_invitations(client, django_assert_num_queries):
    def page_for(n):
        team = project_with_team()
        for i in range(n):
            _invite(team, email=f"person{i}@example.org", by=ForumStaffFactory() if i % 2 else None)
        client.force_login(team.parent_lead.user)
        return _team_url(team)

    small = page_for(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    large = page_for(5)
    with django_assert_num_queries(len(queries)):
        response = client.get(large)
    assert len(response.context["invitations"]) == 5


def test_email_address_case_does_not_matter_for_accepting(team):
    parent = ParentCarerFactory(email="New.Parent@example.org")
    EmailAddress.objects.filter(user=parent).update(email="New.Parent@example.org")
    invitation = _invite(team, email="new.parent@EXAMPLE.org")
    assert services.accept_invitation(invitation, user=parent).user == parent
