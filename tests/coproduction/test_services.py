import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduction import selectors, services
from coproduction.models import Action, Activity, AgendaItem, Document, Project, Side, TeamMember
from forum_portal.audit.models import AuditEvent
from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from forum_portal.people.models import Organisation
from tests.factories.coproduction import project_with_team
from tests.factories.people import ForumStaffFactory, OfficerFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def team():
    return project_with_team()


# --- Projects and teams ---------------------------------------------------------------------------


def test_create_project_renders_aims_and_records_who():
    staff = ForumStaffFactory()
    project = services.create_project(title="Short breaks", aims="# Aims\nBetter *breaks*", by=staff)
    assert project.slug == "short-breaks"
    assert (
        project.aims_html == '<h2 class="govuk-heading-m">Aims</h2>\n<p class="govuk-body">Better <em>breaks</em></p>'
    )
    assert project.visibility == Project.Visibility.TEAM
    assert list(Activity.objects.filter(project=project).values_list("actor", "summary")) == [
        (staff.pk, "set up the project")
    ]
    assert AuditEvent.objects.filter(action="coproduction.project_created", actor=staff).count() == 1
    second = services.create_project(title="Short breaks", aims="Again", by=staff)
    assert second.slug == "short-breaks-2"


def test_add_team_member_checks_the_side(team):
    staff = ForumStaffFactory()
    with pytest.raises(ValidationError) as error:
        services.add_team_member(team.project, user=OfficerFactory(), side=Side.PARENT_CARER, by=staff)
    assert error.value.code == "not_parent_carer"
    with pytest.raises(ValidationError) as error:
        services.add_team_member(team.project, user=ParentCarerFactory(), side=Side.PROFESSIONAL, by=staff)
    assert error.value.code == "not_professional"
    with pytest.raises(ValidationError) as error:
        services.add_team_member(team.project, user=team.parent.user, side=Side.PARENT_CARER, by=staff)
    assert error.value.code == "already_member"
    assert TeamMember.objects.filter(project=team.project).count() == 4


def test_person_who_left_comes_back_on_the_same_row(team):
    services.remove_team_member(team.parent, by=team.parent.user)
    team.parent.refresh_from_db()
    assert team.parent.left_at is not None
    assert team.parent.user.has_perm("coproduction.work_in_project", team.project) is False

    again = services.add_team_member(
        team.project, user=team.parent.user, side=Side.PARENT_CARER, is_lead=True, by=team.parent_lead.user
    )
    assert again.pk == team.parent.pk
    assert (again.left_at, again.is_lead) == (None, True)
    assert list(Activity.objects.filter(project=team.project).values_list("summary", flat=True)) == [
        "added a parent carer lead to the team",
        "left the team (parent carer)",
    ]


# --- Agenda ----------------------------------------------------------------------------------------


def test_item_is_on_the_agenda_only_when_both_leads_agree(team):
    item = services.propose_agenda_item(team.project, by=team.professional, title="Waiting lists")
    item = services.agree_agenda_item(item, by=team.parent_lead)
    assert item.status == AgendaItem.Status.PROPOSED
    item = services.agree_agenda_item(item, by=team.parent_lead)
    assert item.status == AgendaItem.Status.PROPOSED  # the same side twice is still one side
    item = services.agree_agenda_item(item, by=team.professional_lead)
    assert item.status == AgendaItem.Status.AGREED
    assert (item.agreed_by_parent_lead, item.agreed_by_professional_lead) == (team.parent_lead, team.professional_lead)


def test_only_a_lead_agrees_or_parks_an_item(team):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    with pytest.raises(ValidationError):
        services.agree_agenda_item(item, by=team.parent)
    with pytest.raises(ValidationError):
        services.park_agenda_item(item, by=team.professional, reason="Later")
    item.refresh_from_db()
    assert (item.status, item.agreed_by_parent_lead) == (AgendaItem.Status.PROPOSED, None)


def test_parking_needs_a_reason_and_withdraws_agreement(team):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    services.agree_agenda_item(item, by=team.parent_lead)
    with pytest.raises(ValidationError):
        services.park_agenda_item(item, by=team.professional_lead, reason="  ")
    item = services.park_agenda_item(item, by=team.professional_lead, reason="The council reviews it in spring")
    assert (item.status, item.parked_reason, item.agreed_by_parent_lead) == (
        AgendaItem.Status.PARKED,
        "The council reviews it in spring",
        None,
    )
    item = services.agree_agenda_item(item, by=team.professional_lead)
    assert (item.status, item.parked_reason) == (AgendaItem.Status.PROPOSED, "")


def _item_in_state(team, state):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    if state in ("agreed by one side", "agreed"):
        item = services.agree_agenda_item(item, by=team.parent_lead)
    if state == "agreed":
        item = services.agree_agenda_item(item, by=team.professional_lead)
    if state == "parked":
        item = services.park_agenda_item(item, by=team.professional_lead, reason="Not now")
    return item


PARKERS = {
    "parent carer lead": lambda team: team.parent_lead,
    "professional lead": lambda team: team.professional_lead,
    "parent carer": lambda team: team.parent,
    "professional": lambda team: team.professional,
    "lead who left": lambda team: services.remove_team_member(team.parent_lead, by=team.parent_lead.user),
    "lead of another project": lambda team: project_with_team().parent_lead,
}
# Who may park an item in each state: a current lead of the project, from proposed or agreed.
PARKING = {
    ("parent carer lead", "proposed"): None,
    ("parent carer lead", "agreed by one side"): None,
    ("parent carer lead", "agreed"): None,
    ("parent carer lead", "parked"): "already_parked",
    ("professional lead", "proposed"): None,
    ("professional lead", "agreed by one side"): None,
    ("professional lead", "agreed"): None,
    ("professional lead", "parked"): "already_parked",
    **{
        (role, state): "not_lead"
        for role in ("parent carer", "professional", "lead who left", "lead of another project")
        for state in ("proposed", "agreed by one side", "agreed", "parked")
    },
}


@pytest.mark.parametrize(("role", "state"), list(PARKING))
def test_who_may_park_an_item_in_each_state(team, role, state):
    item = _item_in_state(team, state)
    before = (item.status, item.parked_reason, item.agreed_by_parent_lead_id, item.agreed_by_professional_lead_id)
    by = PARKERS[role](team)

    refused = PARKING[(role, state)]
    if refused:
        with pytest.raises(ValidationError) as error:
            services.park_agenda_item(item, by=by, reason="The council reviews it in spring")
        assert error.value.code == refused
        item.refresh_from_db()
        assert (
            item.status, item.parked_reason, item.agreed_by_parent_lead_id, item.agreed_by_professional_lead_id,
        ) == before  # fmt: skip
    else:
        item = services.park_agenda_item(item, by=by, reason="The council reviews it in spring")
        assert (item.status, item.parked_reason, item.parked_by, item.agreed_by_parent_lead) == (
            AgendaItem.Status.PARKED, "The council reviews it in spring", by, None,
        )  # fmt: skip


def test_parking_an_agreed_item_records_that_it_left_the_agenda_and_why(team):
    item = _item_in_state(team, "agreed")
    services.park_agenda_item(item, by=team.parent_lead, reason="The council reviews it in spring")
    entry = Activity.objects.filter(project=team.project).first()
    assert (entry.member, entry.summary) == (
        team.parent_lead,
        "took an item off the agenda and parked it: Transport. Reason: The council reviews it in spring",
    )


def test_database_refuses_an_agreed_item_without_both_leads(team):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    item.status = AgendaItem.Status.AGREED
    item.agreed_by_parent_lead = team.parent_lead
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


# --- Meetings, decisions, actions ----------------------------------------------------------------


def _agreed_item(team, title="Waiting lists"):
    item = services.propose_agenda_item(team.project, by=team.parent, title=title)
    services.agree_agenda_item(item, by=team.parent_lead)
    return services.agree_agenda_item(item, by=team.professional_lead)


def test_meeting_takes_only_agreed_items(team):
    proposed = services.propose_agenda_item(team.project, by=team.parent, title="Not yet")
    with pytest.raises(ValidationError):
        services.record_meeting(team.project, by=team.parent, title="First", held_on=TODAY, agenda_items=[proposed])
    item = _agreed_item(team)
    meeting = services.record_meeting(
        team.project, by=team.parent, title="First", held_on=TODAY, agenda_items=[item],
        attendees=[team.parent, team.professional, team.professional_lead],
    )  # fmt: skip
    assert list(meeting.agenda.all()) == [item]
    assert meeting.attendees.count() == 3


def test_a_meeting_is_logged_once_in_the_participation_log(team):
    from participation.models import Activity as ParticipationActivity

    forum = Organisation.objects.create(name="Brookshire Parent Carer Forum", slug="forum", kind="forum")
    meeting = services.record_meeting(
        team.project, by=team.professional, title="First", held_on=TODAY,
        attendees=[team.parent, team.parent_lead, team.professional],
    )  # fmt: skip

    entry = ParticipationActivity.objects.get()
    assert (
        entry.title, entry.kind, entry.happened_on, entry.organisation, entry.ladder_step,
        entry.parent_carers_involved, entry.recorded_by,
    ) == (
        f"{team.project.title}: First", "coproduction_meeting", TODAY, forum, "coproduction", 2,
        team.professional.user,
    )  # fmt: skip
    assert set(entry.participants.all()) == {team.parent.user, team.parent_lead.user}
    meeting.refresh_from_db()
    assert meeting.participation_activity == entry
    assert services.log_meeting_in_participation_log(meeting, by=team.parent) == entry
    assert ParticipationActivity.objects.count() == 1


def test_without_a_forum_organisation_a_meeting_is_recorded_but_not_logged(team):
    from participation.models import Activity as ParticipationActivity

    meeting = services.record_meeting(
        team.project, by=team.parent, title="First", held_on=TODAY, attendees=[team.parent]
    )
    assert (meeting.pk is not None, meeting.participation_activity, ParticipationActivity.objects.count()) == (
        True, None, 0,
    )  # fmt: skip


def test_decision_names_who_agreed_and_keeps_dissent(team):
    with pytest.raises(ValidationError):
        services.record_decision(team.project, by=team.parent, text="Publish a guide", agreed_by=[])
    decision = services.record_decision(
        team.project, by=team.parent, text="Publish a guide", agreed_by=[team.parent, team.professional_lead],
        dissent="One professional wanted to wait for the budget.",
    )  # fmt: skip
    assert set(decision.agreed_by.all()) == {team.parent, team.professional_lead}
    assert decision.dissent == "One professional wanted to wait for the budget."


def test_a_decision_belongs_to_a_meeting_of_its_own_project(team):
    other = project_with_team()
    elsewhere = services.record_meeting(other.project, by=other.parent, title="Theirs", held_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.record_decision(team.project, by=team.parent, text="Yes", agreed_by=[team.parent], meeting=elsewhere)
    assert error.value.code == "other_project"
    assert team.project.decisions.count() == 0


def test_action_for_someone_else_emails_them_once(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        action = services.add_action(
            team.project, by=team.parent, description="Ask the council's team for <figures>",
            owner=team.professional, due_on=TODAY,
        )  # fmt: skip
    email = OutgoingEmail.objects.get(kind="coproduction_actions")
    assert email.recipient == team.professional.user.email
    assert email.dedupe_key == f"coproduction:action-assigned:{action.pk}:{team.professional.pk}"
    assert email.subject == f"An action for you in {team.project.title}"
    # The plain text is not HTML: what was typed goes in as it is; the HTML part escapes it.
    assert "\nAsk the council's team for <figures>\n" in email.body_text
    assert "Ask the council&#x27;s team for &lt;figures&gt;" in email.body_html

    services.add_action(team.project, by=team.parent, description="Mine", owner=team.parent, due_on=TODAY)
    assert OutgoingEmail.objects.filter(kind="coproduction_actions").count() == 1


def test_overdue_reminder_once_per_due_date(team):
    action = services.add_action(
        team.project, by=team.professional, description="Draft a leaflet", owner=team.professional, due_on=TODAY
    )
    done = services.add_action(
        team.project, by=team.professional, description="Done one", owner=team.professional, due_on=TODAY
    )
    services.complete_action(done, by=team.professional)

    assert services.send_overdue_action_reminders(today=TODAY) == 0  # due today is not overdue yet
    assert services.send_overdue_action_reminders(today=TODAY + datetime.timedelta(days=1)) == 1
    assert services.send_overdue_action_reminders(today=TODAY + datetime.timedelta(days=2)) == 0

    services.change_action(
        action, by=team.parent, description=action.description, owner=action.owner,
        due_on=TODAY + datetime.timedelta(days=7), status="open",
    )  # fmt: skip
    assert services.send_overdue_action_reminders(today=TODAY + datetime.timedelta(days=7)) == 0
    assert services.send_overdue_action_reminders(today=TODAY + datetime.timedelta(days=8)) == 1
    keys = OutgoingEmail.objects.filter(kind="coproduction_actions").order_by("id").values_list("dedupe_key", flat=True)
    assert list(keys) == [
        f"coproduction:action-overdue:{action.pk}:2026-11-23",
        f"coproduction:action-overdue:{action.pk}:2026-11-30",
    ]


def test_actions_already_reminded_for_their_due_date_are_left_out_of_the_query(team):
    reminded = services.add_action(team.project, by=team.parent, description="Old", owner=team.parent, due_on=TODAY)
    later = TODAY + datetime.timedelta(days=3)
    services.send_overdue_action_reminders(today=later)
    fresh = services.add_action(team.project, by=team.parent, description="New", owner=team.parent, due_on=TODAY)

    assert list(selectors.actions_to_remind(later)) == [fresh]
    Action.objects.filter(pk=reminded.pk).update(due_on=TODAY + datetime.timedelta(days=1))  # a new due date
    assert list(selectors.actions_to_remind(later)) == [reminded, fresh]


def test_a_daily_run_renders_and_queues_nothing_for_actions_already_reminded(team, django_assert_num_queries):
    for i in range(3):
        services.add_action(team.project, by=team.parent, description=f"Late {i}", owner=team.parent, due_on=TODAY)
    later = TODAY + datetime.timedelta(days=3)
    assert services.send_overdue_action_reminders(today=later) == 3

    with django_assert_num_queries(1):  # the one query that finds nothing left to remind
        assert services.send_overdue_action_reminders(today=later) == 0


def test_anyone_on_the_team_changes_an_action_and_a_new_owner_is_told(team, django_capture_on_commit_callbacks):
    action = services.add_action(team.project, by=team.parent, description="Call", owner=team.parent, due_on=TODAY)

    action = services.change_action(
        action, by=team.professional, description="Call the council", owner=team.professional_lead,
        due_on=TODAY + datetime.timedelta(days=7), status="open",
    )  # fmt: skip

    action.refresh_from_db()
    assert (action.description, action.owner, action.due_on, action.status) == (
        "Call the council", team.professional_lead, datetime.date(2026, 11, 30), "open",
    )  # fmt: skip
    email = OutgoingEmail.objects.get(kind="coproduction_actions")
    assert (email.recipient, email.dedupe_key) == (
        team.professional_lead.user.email,
        f"coproduction:action-assigned:{action.pk}:{team.professional_lead.pk}",
    )
    assert Activity.objects.filter(project=team.project).first().summary == (
        "changed an action (description, owner, due by 30 Nov 2026): Call the council"
    )
    assert Activity.objects.filter(project=team.project).first().member == team.professional


def test_marking_done_and_reopening_an_action_through_a_change(team):
    action = services.add_action(team.project, by=team.parent, description="Call", owner=team.parent, due_on=TODAY)
    fields = {"description": "Call", "owner": team.parent, "due_on": TODAY}

    action = services.change_action(action, by=team.professional, status="done", **fields)
    assert (action.status, action.done_by, action.done_at is not None) == ("done", team.professional, True)
    action = services.change_action(action, by=team.parent, status="open", **fields)
    assert (action.status, action.done_by, action.done_at) == ("open", None, None)
    unchanged = services.change_action(action, by=team.parent, status="open", **fields)
    assert unchanged.status == "open"
    assert list(Activity.objects.filter(project=team.project).values_list("summary", flat=True)[:2]) == [
        "changed an action (reopened): Call",
        "changed an action (done): Call",
    ]


def test_an_action_cannot_be_handed_to_someone_off_the_team(team):
    action = services.add_action(team.project, by=team.parent, description="Call", owner=team.parent, due_on=TODAY)
    services.remove_team_member(team.professional, by=team.professional.user)
    for owner in [team.professional, project_with_team().parent]:
        with pytest.raises(ValidationError) as error:
            services.change_action(action, by=team.parent, description="Call", owner=owner, due_on=TODAY, status="open")
        assert error.value.code == "not_member"
    action.refresh_from_db()
    assert action.owner == team.parent


def test_overdue_reminder_respects_the_switch(team):
    services.add_action(team.project, by=team.parent, description="Call", owner=team.parent, due_on=TODAY)
    EmailOptOut.objects.create(email=team.parent.user.email, kind="coproduction_actions")
    assert services.send_overdue_action_reminders(today=TODAY + datetime.timedelta(days=1)) == 0
    assert OutgoingEmail.objects.count() == 0


def test_action_owner_must_be_on_the_team(team):
    other = project_with_team()
    with pytest.raises(ValidationError):
        services.add_action(team.project, by=team.parent, description="x", owner=other.parent, due_on=TODAY)


# --- Documents -------------------------------------------------------------------------------------


def test_document_versions_and_conflict(team):
    document = services.start_document(team.project, by=team.parent, title="Charter", body="# Our charter")
    assert document.latest_version.number == 1
    assert document.latest_version.body_html == '<h2 class="govuk-heading-m">Our charter</h2>'

    services.save_document_version(document, by=team.professional, body="Professional's text", based_on=1)
    with pytest.raises(services.EditConflict) as conflict:
        services.save_document_version(document, by=team.parent, body="Parent's text", based_on=1)
    assert conflict.value.latest.number == 2
    assert conflict.value.latest.body == "Professional's text"
    assert list(document.versions.values_list("number", "body")) == [(2, "Professional's text"), (1, "# Our charter")]

    third = services.save_document_version(document, by=team.parent, body="Both texts", based_on=2)
    assert third.number == 3


def test_document_is_coproduced_when_both_leads_sign_the_same_version(team):
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    version = document.latest_version
    with pytest.raises(ValidationError):
        services.sign_off_version(version, by=team.parent)  # not a lead
    services.sign_off_version(version, by=team.parent_lead)
    document.refresh_from_db()
    assert document.is_coproduced is False
    services.sign_off_version(version, by=team.professional_lead)
    document.refresh_from_db()
    assert document.is_coproduced is True

    services.save_document_version(document, by=team.professional, body="Changed", based_on=1)
    document.refresh_from_db()
    assert (document.is_coproduced, document.latest_version.number) == (False, 2)
    assert document.latest_version.sign_offs.count() == 0
    with pytest.raises(ValidationError) as error:
        services.sign_off_version(version, by=team.parent_lead)
    assert error.value.code == "not_latest"


def test_two_sign_offs_from_one_side_are_not_enough(team):
    second_parent_lead = TeamMember.objects.create(
        project=team.project, user=ParentCarerFactory(), side=Side.PARENT_CARER, is_lead=True
    )
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    services.sign_off_version(document.latest_version, by=team.parent_lead)
    services.sign_off_version(document.latest_version, by=second_parent_lead)
    assert Document.objects.get(pk=document.pk).is_coproduced is False


# --- Four Cornerstones check -------------------------------------------------------------------------


def _rate(team, member, scores, today):
    welcome, value, communicate, partnership = scores
    return services.rate_project(
        team.project, by=member, welcome=welcome, value=value, communicate=communicate, partnership=partnership,
        today=today,
    )  # fmt: skip


def test_rating_again_in_the_same_month_replaces_the_first(team):
    _rate(team, team.parent, (1, 1, 1, 1), datetime.date(2026, 11, 2))
    rating = _rate(team, team.parent, (4, 4, 4, 4), datetime.date(2026, 11, 20))
    assert (rating.period, rating.welcome, rating.side) == (datetime.date(2026, 11, 1), 4, "parent_carer")
    assert team.project.cornerstones_ratings.count() == 1
    _rate(team, team.parent, (5, 5, 5, 5), datetime.date(2026, 12, 1))
    assert team.project.cornerstones_ratings.count() == 2


def test_averages_by_month_and_side(team):
    from coproduction.selectors import cornerstones_by_month

    november, december = datetime.date(2026, 11, 5), datetime.date(2026, 12, 5)
    _rate(team, team.parent, (2, 3, 4, 5), november)
    _rate(team, team.parent_lead, (3, 3, 3, 2), november)
    _rate(team, team.professional, (5, 5, 5, 5), november)
    _rate(team, team.parent, (4, 4, 4, 4), december)
    months = cornerstones_by_month(team.project)
    assert months == [
        {
            "period": datetime.date(2026, 11, 1),
            "parent_carer": {
                "welcome": 2.5, "value": 3.0, "communicate": 3.5, "partnership": 3.5, "overall": 3.1, "ratings": 2,
            },
            "professional": {
                "welcome": 5.0, "value": 5.0, "communicate": 5.0, "partnership": 5.0, "overall": 5.0, "ratings": 1,
            },
        },
        {
            "period": datetime.date(2026, 12, 1),
            "parent_carer": {
                "welcome": 4.0, "value": 4.0, "communicate": 4.0, "partnership": 4.0, "overall": 4.0, "ratings": 1,
            },
            "professional": None,
        },
    ]  # fmt: skip


def test_database_refuses_a_rating_outside_1_to_5(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        _rate(team, team.parent, (0, 3, 3, 3), TODAY)


def test_person_added_to_a_team_is_told_by_email(team, django_capture_on_commit_callbacks):
    staff = ForumStaffFactory()
    parent = ParentCarerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_team_member(team.project, user=parent, side=Side.PARENT_CARER, is_lead=True, by=staff)
    email = OutgoingEmail.objects.get(kind="coproduction_team")
    assert (email.recipient, email.subject) == (parent.email, f"You are on the team of {team.project.title}")
    assert "on the parent carer side, as a lead." in email.body_text


# --- Who changed what --------------------------------------------------------------------------------


def _entries(project):
    return [(entry.member, entry.summary) for entry in Activity.objects.filter(project=project).order_by("id")]


def test_every_change_to_the_agenda_is_recorded_with_who(team):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    services.agree_agenda_item(item, by=team.parent_lead)
    services.agree_agenda_item(item, by=team.professional_lead)
    services.agree_agenda_item(item, by=team.professional_lead)  # already agreed: no change, no entry
    services.park_agenda_item(item, by=team.parent_lead, reason="Another group has it")
    assert _entries(team.project) == [
        (team.parent, "proposed an agenda item: Transport"),
        (team.parent_lead, "agreed an agenda item: Transport"),
        (team.professional_lead, "agreed an agenda item, now on the agenda: Transport"),
        (team.parent_lead, "took an item off the agenda and parked it: Transport. Reason: Another group has it"),
    ]


def test_every_meeting_decision_and_action_is_recorded_with_who(team):
    meeting = services.record_meeting(team.project, by=team.professional, title="First", held_on=TODAY)
    services.record_decision(
        team.project, by=team.parent, text="Publish a guide", agreed_by=[team.parent], meeting=meeting
    )
    action = services.add_action(
        team.project, by=team.parent, description="Draft the guide", owner=team.professional, due_on=TODAY
    )
    services.complete_action(action, by=team.professional)
    services.complete_action(action, by=team.professional)  # already done: no entry
    assert _entries(team.project) == [
        (team.professional, "recorded a meeting: First"),
        (team.parent, "recorded a decision"),
        (team.parent, "added an action: Draft the guide"),
        (team.professional, "marked an action done: Draft the guide"),
    ]


def test_every_change_to_a_document_is_recorded_with_who(team):
    document = services.start_document(team.project, by=team.parent, title="Charter", body="One")
    version = services.save_document_version(document, by=team.professional, body="Two", based_on=1)
    services.comment_on_version(version, by=team.parent, text="Good")
    services.sign_off_version(version, by=team.parent_lead)
    services.sign_off_version(version, by=team.parent_lead)  # signed already: no entry
    services.sign_off_version(version, by=team.professional_lead)
    assert _entries(team.project) == [
        (team.parent, "started a document: Charter"),
        (team.professional, "saved version 2 of Charter"),
        (team.parent, "commented on version 2 of Charter"),
        (team.parent_lead, "signed off version 2 of Charter"),
        (team.professional_lead, "signed off version 2 of Charter"),
    ]


def test_each_entry_names_the_account_and_the_moment(team):
    before = timezone.now()
    services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    entry = Activity.objects.get(project=team.project)
    assert (entry.member, entry.actor) == (team.parent, team.parent.user)
    assert before <= entry.at <= timezone.now()


def test_choosing_to_be_named_publicly_is_recorded_once(team):
    services.set_show_name(team.parent, show=True)
    services.set_show_name(team.parent, show=True)
    services.set_show_name(team.parent, show=False)
    assert _entries(team.project) == [
        (team.parent, "agreed to be named on the public summary"),
        (team.parent, "asked not to be named on the public summary"),
    ]
