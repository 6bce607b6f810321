import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from coproduction import services
from coproduction.models import Activity, AgendaItem, Decision, DocumentVersion, Meeting, Project, Side, TeamMember
from tests.factories.coproduction import project_with_team
from tests.factories.people import ForumStaffFactory, OfficerFactory, ParentCarerFactory, UserFactory, activate_totp

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def team():
    return project_with_team()


def url(name, project, *args):
    return reverse(f"coproduction:{name}", args=[project.slug, *args])


def _document(team):
    return services.start_document(team.project, by=team.parent, title="Charter", body="First text")


# --- Who sees what --------------------------------------------------------------------------------

WORK_PAGES = ["agenda", "meeting-list", "meeting-create", "decisions", "actions", "activity", "document-list"]


@pytest.mark.parametrize("name", ["project-detail", "team", *WORK_PAGES])
def test_private_project_is_a_404_for_people_outside_the_team(client, team, name):
    client.force_login(ParentCarerFactory())
    assert client.get(url(name, team.project)).status_code == 404
    client.force_login(OfficerFactory())
    assert client.get(url(name, team.project)).status_code == 404


def _forum_admin():
    admin = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin)
    return admin


def _left(team):
    services.remove_team_member(team.parent, by=team.parent.user)
    return team.parent.user


PRIVATE_ROLES = {
    "visitor": lambda team: None,
    "parent carer outside the team": lambda team: ParentCarerFactory(),
    "officer outside the team": lambda team: OfficerFactory(),
    "forum staff outside the team": lambda team: ForumStaffFactory(),
    "forum staff without two-factor": lambda team: ForumStaffFactory(two_factor=False),
    "forum admin outside the team": lambda team: _forum_admin(),
    "team member who left": _left,
    "team member": lambda team: team.professional.user,
    "team lead": lambda team: team.parent_lead.user,
}
# The pages of a team-only project: what each person gets, and whether the overview shows its work.
RUNS = {"project-detail": 200, "team": 200, "project-edit": 200}
PRIVATE_PAGES = {
    "visitor": ("sign in", {}, False),
    "parent carer outside the team": (404, {}, False),
    "officer outside the team": (404, {}, False),
    "forum staff without two-factor": (404, {}, False),
    "team member who left": (404, {}, False),
    # Forum staff (and forum admins) run the project: its details and team, not its work.
    "forum staff outside the team": (404, RUNS, False),
    "forum admin outside the team": (404, RUNS, False),
    "team member": (200, {"project-edit": 404, "agenda-park": 404}, True),
    "team lead": (200, {}, True),
}


def _private_pages(team):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    meeting = services.record_meeting(team.project, by=team.parent, title="First", held_on=TODAY)
    document = _document(team)
    services.record_decision(team.project, by=team.parent, text="Publish a guide", agreed_by=[team.parent])
    services.add_action(team.project, by=team.parent, description="Call the council", owner=team.parent, due_on=TODAY)
    return {
        "project-detail": (),
        "team": (),
        "project-edit": (),
        "agenda": (),
        "agenda-park": (item.pk,),
        "meeting-list": (),
        "meeting-detail": (meeting.pk,),
        "decisions": (),
        "actions": (),
        "document-list": (),
        "document-detail": (document.pk,),
        "document-compare": (document.pk,),
        "cornerstones": (),
        "activity": (),
    }


@pytest.mark.parametrize("role", list(PRIVATE_PAGES))
def test_who_sees_what_of_a_team_only_project(client, team, role):
    pages = _private_pages(team)
    user = PRIVATE_ROLES[role](team)
    if user is not None:
        client.force_login(user)
    default, exceptions, sees_work = PRIVATE_PAGES[role]

    answers = {}
    for name, args in pages.items():
        response = client.get(url(name, team.project, *args))
        login = response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        answers[name] = "sign in" if login else response.status_code
    overview = client.get(url("project-detail", team.project)).content.decode()

    assert answers == {name: exceptions.get(name, default) for name in pages}
    assert ("Publish a guide" in overview, "Call the council" in overview, "Charter" in overview) == ((sees_work,) * 3)
    if answers["project-detail"] == 200 and not sees_work:
        assert "Only the team sees this project's agenda, meetings, decisions, actions and documents." in overview


@pytest.mark.parametrize("name", ["project-detail", *WORK_PAGES])
def test_visitor_is_asked_to_sign_in_for_a_private_project(client, team, name):
    response = client.get(url(name, team.project))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_document_pages_are_a_404_outside_the_team(client, team):
    document = _document(team)
    client.force_login(ParentCarerFactory())
    for name in ["document-detail", "document-edit", "document-compare"]:
        assert client.get(url(name, team.project, document.pk)).status_code == 404


def test_public_summary_shows_counts_not_names_and_only_coproduced_documents(client, team):
    project = team.project
    project.visibility = Project.Visibility.PUBLIC
    project.save()
    draft = services.start_document(project, by=team.parent, title="Draft letter", body="Not ready")
    done = services.start_document(project, by=team.parent, title="Charter", body="Agreed **words**")
    services.sign_off_version(done.latest_version, by=team.parent_lead)
    services.sign_off_version(done.latest_version, by=team.professional_lead)
    services.record_decision(project, by=team.parent, text="Publish a guide", agreed_by=[team.parent])
    services.set_show_name(team.parent_lead, show=True)

    response = client.get(url("project-detail", project))
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 parent carers and 2 professionals, including " + escape(team.parent_lead.user.full_name) in content
    assert escape(team.parent.user.full_name) not in content
    assert "Publish a guide" in content
    assert "Agreed <strong>words</strong>" in content
    assert draft.title not in content
    assert "Latest changes" not in content
    # The rest of a public project is still the team's own.
    assert client.get(url("agenda", project)).status_code == 302


def test_member_without_two_factor_is_sent_to_set_it_up(client, team):
    officer = OfficerFactory(two_factor=False)
    TeamMember.objects.create(project=team.project, user=officer, side=Side.PROFESSIONAL)
    client.force_login(officer)
    response = client.get(url("agenda", team.project))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


# --- Projects and the team -------------------------------------------------------------------------


def test_staff_set_up_a_project_and_bad_input_keeps_what_was_typed(client):
    staff = ForumStaffFactory()
    client.force_login(staff)
    response = client.post(
        reverse("coproduction:project-create"),
        {"title": "Short breaks", "aims": "", "visibility": "team", "ladder_step": "coproducing",
         "parent_share_threshold": "150"},
    )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Enter the project&#x27;s aims" in content
    assert "Enter a share from 0 to 100" in content
    assert 'value="Short breaks"' in content

    response = client.post(
        reverse("coproduction:project-create"),
        {"title": "Short breaks", "aims": "Better breaks", "visibility": "public", "ladder_step": "coproducing",
         "parent_share_threshold": "40"},
    )  # fmt: skip
    project = Project.objects.get()
    assert response["Location"] == url("team", project)
    assert (project.slug, project.visibility, project.parent_share_threshold) == ("short-breaks", "public", 40)


def test_parent_carer_cannot_set_up_a_project(client):
    client.force_login(ParentCarerFactory())
    assert client.get(reverse("coproduction:project-create")).status_code == 403


def test_member_leaves_the_project(client, team):
    client.force_login(team.professional.user)
    response = client.post(url("team-leave", team.project))
    assert response["Location"] == reverse("coproduction:project-list")
    team.professional.refresh_from_db()
    assert team.professional.left_at is not None
    assert client.get(url("agenda", team.project)).status_code == 404


# --- Agenda, meetings, decisions, actions ---------------------------------------------------------


def test_parent_proposes_and_both_leads_agree_through_the_pages(client, team):
    client.force_login(team.parent.user)
    response = client.post(url("agenda", team.project), {"title": ""})
    assert "Enter what the team should talk about" in response.content.decode()
    client.post(url("agenda", team.project), {"title": "Waiting lists", "description": "Too long"})
    item = AgendaItem.objects.get()
    assert client.post(url("agenda-agree", team.project, item.pk)).status_code == 404  # not a lead

    client.force_login(team.parent_lead.user)
    client.post(url("agenda-agree", team.project, item.pk))
    client.force_login(team.professional_lead.user)
    client.post(url("agenda-agree", team.project, item.pk))
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.AGREED


def test_park_page_checks_the_project_before_it_looks_for_the_item(client, team):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    other = project_with_team()
    elsewhere = services.propose_agenda_item(other.project, by=other.parent, title="Elsewhere")
    existing, missing = url("agenda-park", team.project, item.pk), url("agenda-park", team.project, item.pk + 999)

    # A visitor is asked to sign in whether or not the item exists.
    for page in (existing, missing):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={page}")
    client.force_login(ParentCarerFactory())
    assert (client.get(existing).status_code, client.get(missing).status_code) == (404, 404)
    client.force_login(team.parent_lead.user)
    assert client.get(missing).status_code == 404
    assert client.get(url("agenda-park", team.project, elsewhere.pk)).status_code == 404  # another project's


def test_lead_takes_an_agreed_item_off_the_agenda_with_a_reason(client, team):
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")
    services.agree_agenda_item(item, by=team.parent_lead)
    services.agree_agenda_item(item, by=team.professional_lead)
    client.force_login(team.professional_lead.user)
    content = client.get(url("agenda", team.project)).content.decode()
    assert "Take off the agenda" in content

    response = client.post(url("agenda-park", team.project, item.pk), {"reason": "Another group took it on"})

    assert response["Location"] == url("agenda", team.project)
    item.refresh_from_db()
    assert (item.status, item.parked_reason, item.parked_by) == (
        "parked",
        "Another group took it on",
        team.professional_lead,
    )
    response = client.post(url("agenda-park", team.project, item.pk), {"reason": "Again"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "This item is already parked." in content
    assert "Again</textarea>" in content


def test_meeting_shows_a_warning_when_few_parent_carers_came(client, team):
    client.force_login(team.professional.user)
    response = client.post(
        url("meeting-create", team.project),
        {"title": "First meeting", "held_on_0": "23", "held_on_1": "11", "held_on_2": "2026",
         "attendees": [team.parent.pk, team.professional.pk, team.professional_lead.pk, team.parent_lead.pk]},
    )  # fmt: skip
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.held_on == TODAY
    content = client.get(meeting.get_absolute_url()).content.decode()
    assert "4 people, of whom 2 parent carers (50%)" in content
    assert "Warning" not in content

    second = services.record_meeting(
        team.project, by=team.professional, title="Second", held_on=TODAY,
        attendees=[team.parent, team.professional, team.professional_lead],
    )  # fmt: skip
    content = client.get(second.get_absolute_url()).content.decode()
    assert "Only 33% of the people present were parent carers. The project asks for at least 33%." not in content
    team.project.parent_share_threshold = 50
    team.project.save()
    content = client.get(second.get_absolute_url()).content.decode()
    assert "Only 33% of the people present were parent carers. The project asks for at least 50%." in content


def test_warning_compares_the_exact_share_not_a_rounded_one(client, team):
    # 2 of 3 is 66.7%: it rounds to 67, but it is below a threshold of 67.
    meeting = services.record_meeting(
        team.project, by=team.professional, title="Small", held_on=TODAY,
        attendees=[team.parent, team.parent_lead, team.professional],
    )  # fmt: skip
    team.project.parent_share_threshold = 67
    team.project.save()
    client.force_login(team.professional.user)

    content = client.get(meeting.get_absolute_url()).content.decode()

    assert "3 people, of whom 2 parent carers (66%)" in content
    assert "Only 66% of the people present were parent carers. The project asks for at least 67%." in content


def test_meeting_form_errors_keep_the_title(client, team):
    client.force_login(team.professional.user)
    response = client.post(url("meeting-create", team.project), {"title": "First meeting"})
    content = response.content.decode()
    assert "Enter the date of the meeting" in content
    assert "Choose who came to the meeting" in content
    assert 'value="First meeting"' in content


def test_decision_and_action_through_the_pages(client, team, mailoutbox):
    client.force_login(team.parent.user)
    client.post(
        url("decisions", team.project),
        {"text": "Publish a guide", "agreed_by": [team.parent.pk, team.professional_lead.pk], "dissent": ""},
    )
    decision = Decision.objects.get()
    assert set(decision.agreed_by.all()) == {team.parent, team.professional_lead}

    response = client.post(
        url("actions", team.project),
        {"description": "Draft the guide", "owner": team.professional.pk, "due_on_0": "1", "due_on_1": "12",
         "due_on_2": "2026", "decision": decision.pk},
    )  # fmt: skip
    assert response.status_code == 302
    action = team.project.actions.get()
    assert (action.owner, action.due_on, action.decision) == (team.professional, datetime.date(2026, 12, 1), decision)
    content = client.get(url("actions", team.project)).content.decode()
    assert "From the decision: Publish a guide" in content
    client.post(url("action-done", team.project, action.pk))
    action.refresh_from_db()
    assert (action.status, action.done_by) == ("done", team.parent)


def test_team_member_changes_an_action_on_its_page(client, team):
    action = services.add_action(team.project, by=team.parent, description="Call", owner=team.parent, due_on=TODAY)
    page = url("action-edit", team.project, action.pk)
    client.force_login(team.professional.user)
    assert f'href="{page}"' in client.get(url("actions", team.project)).content.decode()
    content = client.get(page).content.decode()
    assert "Call</textarea>" in content
    assert 'name="due_on_0" value="23"' in content

    response = client.post(
        page, {"description": "Call the council", "owner": team.parent.pk, "due_on_0": "31", "due_on_1": "2",
               "due_on_2": "2027", "status": "open"},
    )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Enter a real date, for example 27 3 2026" in content
    assert "Call the council</textarea>" in content

    response = client.post(
        page, {"description": "Call the council", "owner": team.professional_lead.pk, "due_on_0": "7",
               "due_on_1": "12", "due_on_2": "2026", "status": "done"},
    )  # fmt: skip
    assert response["Location"] == url("actions", team.project)
    action.refresh_from_db()
    assert (action.description, action.owner, action.due_on, action.status, action.done_by) == (
        "Call the council", team.professional_lead, datetime.date(2026, 12, 7), "done", team.professional,
    )  # fmt: skip


def test_action_page_of_another_project_is_a_404(client, team):
    other = project_with_team()
    action = services.add_action(other.project, by=other.parent, description="Call", owner=other.parent, due_on=TODAY)
    client.force_login(team.parent.user)
    assert client.get(url("action-edit", team.project, action.pk)).status_code == 404


# --- Documents -------------------------------------------------------------------------------------


def test_second_save_from_the_same_version_is_refused_with_both_texts(client, team):
    document = _document(team)
    client.force_login(team.professional.user)
    client.post(url("document-edit", team.project, document.pk), {"body": "Professional's text", "based_on": "1"})

    client.force_login(team.parent.user)
    response = client.post(url("document-edit", team.project, document.pk), {"body": "Parent's text", "based_on": "1"})
    content = response.content.decode()
    assert response.status_code == 200
    assert f"{escape(team.professional.user.full_name)} saved version 2 while you were editing" in content
    assert "Professional&#x27;s text" in content  # the newer version, shown
    assert "Parent&#x27;s text</textarea>" in content  # this person's text, kept in the box
    assert 'name="based_on" value="2"' in content
    assert list(DocumentVersion.objects.filter(document=document).values_list("number", flat=True)) == [2, 1]

    client.post(url("document-edit", team.project, document.pk), {"body": "Both texts", "based_on": "2"})
    document.refresh_from_db()
    assert document.latest_version.body == "Both texts"


def test_leads_sign_off_through_the_page(client, team):
    document = _document(team)
    sign_off = url("document-sign-off", team.project, document.pk, 1)
    client.force_login(team.parent.user)
    assert client.post(sign_off).status_code == 404
    client.force_login(team.parent_lead.user)
    client.post(sign_off)
    client.force_login(team.professional_lead.user)
    client.post(sign_off)
    document.refresh_from_db()
    assert document.is_coproduced is True
    content = client.get(document.get_absolute_url()).content.decode()
    assert "Version 1 is signed off by both sides." in content


def test_compare_shows_added_and_removed_lines(client, team):
    document = _document(team)
    services.save_document_version(document, by=team.parent, body="First text\nA new line", based_on=1)
    client.force_login(team.professional.user)
    response = client.get(url("document-compare", team.project, document.pk) + "?from=1&to=2")
    assert response.context["lines"] == [("same", "First text"), ("added", "A new line")]


def test_comment_on_a_version(client, team):
    document = _document(team)
    client.force_login(team.professional.user)
    client.post(url("document-detail", team.project, document.pk), {"text": "Shorter, please"})
    comment = document.latest_version.comments.get()
    assert (comment.text, comment.author) == ("Shorter, please", team.professional)


# --- Query counts at two sizes ----------------------------------------------------------------------


def _grow(team, n):
    """n of everything: agenda items, meetings, decisions, actions, documents."""
    for i in range(n):
        item = services.propose_agenda_item(team.project, by=team.parent, title=f"Item {i}")
        services.agree_agenda_item(item, by=team.parent_lead)
        item = services.agree_agenda_item(item, by=team.professional_lead)
        services.propose_agenda_item(team.project, by=team.professional, title=f"Proposal {i}")
        meeting = services.record_meeting(
            team.project, by=team.parent, title=f"Meeting {i}", held_on=TODAY, agenda_items=[item],
            attendees=[team.parent, team.professional],
        )  # fmt: skip
        decision = services.record_decision(
            team.project, by=team.parent, text=f"Decision {i}", agreed_by=[team.parent, team.professional],
            meeting=meeting,
        )  # fmt: skip
        services.add_action(
            team.project, by=team.parent, description=f"Action {i}", owner=team.professional, due_on=TODAY,
            decision=decision,
        )  # fmt: skip
        document = services.start_document(team.project, by=team.parent, title=f"Doc {i}", body="Text")
        version = services.save_document_version(document, by=team.professional, body="More", based_on=1)
        services.sign_off_version(version, by=team.parent_lead)
        services.comment_on_version(version, by=team.parent, text="Good")


@pytest.mark.parametrize(
    "name", ["project-detail", "team", "agenda", "meeting-list", "decisions", "actions", "document-list", "activity"]
)
def test_list_pages_make_the_same_number_of_queries_for_1_and_5_rows(client, name, django_assert_num_queries):
    def page_for(n):
        team = project_with_team()
        _grow(team, n)
        client.force_login(team.parent_lead.user)
        return url(name, team.project)

    small = page_for(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    large = page_for(5)
    with django_assert_num_queries(len(queries)):
        assert client.get(large).status_code == 200


def test_public_summary_for_a_visitor_makes_the_same_number_of_queries_for_1_and_5_rows(
    client, django_assert_num_queries
):
    def page_for(n):
        team = project_with_team(visibility=Project.Visibility.PUBLIC)
        _grow(team, n)
        for document in team.project.documents.all():
            services.sign_off_version(document.latest_version, by=team.professional_lead)  # co-produced: shown
        services.set_show_name(team.parent, show=True)
        return url("project-detail", team.project)

    small = page_for(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    large = page_for(5)
    with django_assert_num_queries(len(queries)):
        response = client.get(large)
    content = response.content.decode()
    assert [decision.text for decision in response.context["decisions"]] == [f"Decision {i}" for i in range(4, -1, -1)]
    assert [document.title for document in response.context["documents"]] == [f"Doc {i}" for i in range(5)]
    assert content.count("(version 2)</h3>") == 5
    assert "Latest changes" not in content
    # A visitor's page from the cache: one query.
    with django_assert_num_queries(1):
        assert client.get(large).content.decode() == content


def test_a_visitor_to_a_team_only_project_is_asked_to_sign_in_every_time(client):
    team = project_with_team()

    first = client.get(url("project-detail", team.project))
    second = client.get(url("project-detail", team.project))

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url.startswith(reverse("account_login"))


def test_meeting_page_makes_the_same_number_of_queries_for_1_and_5_rows(client, django_assert_num_queries):
    def page_for(n):
        team = project_with_team()
        items = []
        for i in range(n):
            item = services.propose_agenda_item(team.project, by=team.parent, title=f"Item {i}")
            services.agree_agenda_item(item, by=team.parent_lead)
            items.append(services.agree_agenda_item(item, by=team.professional_lead))
        attendees = [team.parent, team.parent_lead, team.professional, team.professional_lead][: min(n, 4)]
        meeting = services.record_meeting(
            team.project, by=team.parent, title="First", held_on=TODAY, agenda_items=items, attendees=attendees
        )
        for i in range(n):
            services.record_decision(
                team.project, by=team.parent, text=f"Decision {i}", agreed_by=attendees, meeting=meeting
            )
        client.force_login(team.parent.user)
        return meeting.get_absolute_url()

    small = page_for(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    large = page_for(5)
    with django_assert_num_queries(len(queries)):
        response = client.get(large)
    meeting = response.context["meeting"]
    assert (meeting.present, len(meeting.agenda.all()), len(meeting.decisions.all())) == (4, 5, 5)


def test_document_page_makes_the_same_number_of_queries_for_1_and_5_versions(client, django_assert_num_queries):
    def page_for(n):
        team = project_with_team()
        document = services.start_document(team.project, by=team.parent, title="Charter", body="v1")
        version = document.latest_version
        for number in range(1, n):
            version = services.save_document_version(document, by=team.parent, body=f"v{number + 1}", based_on=number)
        for _ in range(n):
            services.comment_on_version(version, by=team.parent, text="Fine")
        services.sign_off_version(version, by=team.parent_lead)
        client.force_login(team.parent_lead.user)
        return url("document-detail", team.project, document.pk)

    small = page_for(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    large = page_for(5)
    with django_assert_num_queries(len(queries)):
        assert client.get(large).status_code == 200


# --- Four Cornerstones check -------------------------------------------------------------------------


def test_cornerstones_page_rates_and_shows_chart_and_table(client, team):
    client.force_login(team.parent.user)
    response = client.post(url("cornerstones", team.project), {"welcome": "4", "value": "", "communicate": "6"})
    content = response.content.decode()
    assert "Choose a rating for value and include" in content
    assert "Select a valid choice. 6 is not one of the available choices." in content

    client.post(
        url("cornerstones", team.project),
        {"welcome": "4", "value": "3", "communicate": "2", "partnership": "1", "comment": "Early days"},
    )
    rating = team.project.cornerstones_ratings.get()
    assert (rating.welcome, rating.value, rating.communicate, rating.partnership, rating.comment) == (
        4, 3, 2, 1, "Early days",
    )  # fmt: skip
    response = client.get(url("cornerstones", team.project))
    content = response.content.decode()
    assert response.context["parent_points"] == [{"x": 300.0, "y": 145.0, "value": 2.5}]
    assert response.context["professional_points"] == []
    assert '<circle cx="300.0" cy="145.0" r="6" fill="#1d5c63"/>' in content
    assert "Early days" not in content  # comments are not shown to the team


def test_cornerstones_page_queries_do_not_grow_with_months(client, django_assert_num_queries):
    def page_for(n):
        team = project_with_team()
        for month in range(1, n + 1):
            for member in [team.parent, team.professional]:
                services.rate_project(
                    team.project, by=member, welcome=3, value=3, communicate=3, partnership=3,
                    today=datetime.date(2026, month, 1),
                )  # fmt: skip
        client.force_login(team.parent.user)
        return url("cornerstones", team.project)

    small = page_for(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    large = page_for(5)
    with django_assert_num_queries(len(queries)):
        assert client.get(large).status_code == 200


def test_project_list_shows_what_i_can_see_and_what_needs_me(client):
    mine = project_with_team(title="Mine")
    project_with_team(title="Private, not mine")
    project_with_team(title="Public, not mine", visibility=Project.Visibility.PUBLIC)
    services.add_action(mine.project, by=mine.parent, description="Call the council", owner=mine.parent_lead,
                        due_on=TODAY)  # fmt: skip
    services.start_document(mine.project, by=mine.parent, title="Charter", body="Text")

    client.force_login(mine.parent_lead.user)
    response = client.get(reverse("coproduction:project-list"))
    assert [project.title for project in response.context["projects"]] == ["Mine", "Public, not mine"]
    assert [action.description for action in response.context["my_actions"]] == ["Call the council"]
    assert [document.title for document in response.context["my_documents"]] == ["Charter"]

    client.logout()
    response = client.get(reverse("coproduction:project-list"))
    assert [project.title for project in response.context["projects"]] == ["Public, not mine"]

    client.force_login(ForumStaffFactory())
    response = client.get(reverse("coproduction:project-list"))
    assert len(response.context["projects"]) == 3


def test_project_list_queries_do_not_grow_with_projects(client, django_assert_num_queries):
    user = ParentCarerFactory()

    def grow(n):
        for _ in range(n):
            team = project_with_team()
            member = TeamMember.objects.create(project=team.project, user=user, side=Side.PARENT_CARER, is_lead=True)
            services.add_action(team.project, by=team.parent, description="Do", owner=member, due_on=TODAY)
            services.start_document(team.project, by=team.parent, title="Charter", body="Text")

    client.force_login(user)
    grow(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("coproduction:project-list")).status_code == 200
    grow(4)
    with django_assert_num_queries(len(queries)):
        response = client.get(reverse("coproduction:project-list"))
    assert len(response.context["projects"]) == 5


def test_a_visitors_project_list_comes_from_the_cache_and_shows_a_new_public_project(client, django_assert_num_queries):
    project_with_team(visibility=Project.Visibility.PUBLIC, title="First public")
    client.get(reverse("coproduction:project-list"))
    with django_assert_num_queries(1):
        first = client.get(reverse("coproduction:project-list")).content.decode()

    project_with_team(visibility=Project.Visibility.PUBLIC, title="Second public")
    project_with_team(title="Team only")
    again = client.get(reverse("coproduction:project-list")).content.decode()

    assert "First public" in first and "Second public" not in first
    assert "Second public" in again and "Team only" not in again


def test_lead_changes_the_project_and_making_it_public_is_audited(client, team):
    from forum_portal.audit.models import AuditEvent

    client.force_login(team.professional_lead.user)
    form = {"title": "", "aims": "New aims", "visibility": "public", "ladder_step": "participating",
            "parent_share_threshold": "50"}  # fmt: skip
    response = client.post(url("project-edit", team.project), form)
    assert "Enter the project&#x27;s name" in response.content.decode()
    assert f"<title>Error: Change {team.project.title} –" in response.content.decode()  # the saved title stays

    client.post(url("project-edit", team.project), {**form, "title": "Renamed"})
    project = Project.objects.get(pk=team.project.pk)
    assert (project.title, project.visibility, project.ladder_step, project.parent_share_threshold) == (
        "Renamed", "public", "participating", 50,
    )  # fmt: skip
    assert project.aims_html == '<p class="govuk-body">New aims</p>'
    assert AuditEvent.objects.filter(action="coproduction.visibility_changed").count() == 1

    client.force_login(team.parent.user)
    assert client.get(url("project-edit", team.project)).status_code == 404


def test_edit_with_a_broken_version_number_says_so_for_the_form(client, team):
    document = _document(team)
    client.force_login(team.parent.user)
    response = client.post(url("document-edit", team.project, document.pk), {"body": "Mine", "based_on": "x"})
    content = response.content.decode()
    assert '<li><a href="#id_body">This page is out of date.' in content
    assert "Mine</textarea>" in content
    assert document.versions.count() == 1


def test_staff_make_a_lead_and_take_someone_off_the_team(client, team):
    from forum_portal.audit.models import AuditEvent

    client.force_login(ForumStaffFactory())
    client.post(url("team-member-change", team.project, team.parent.pk), {"change": "lead"})
    client.post(url("team-member-change", team.project, team.professional.pk), {"change": "remove"})
    team.parent.refresh_from_db()
    team.professional.refresh_from_db()
    assert team.parent.is_lead is True
    assert team.professional.left_at is not None
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "coproduction.team_lead_changed",
        "coproduction.team_member_removed",
    ]
    summaries = list(team.project.activity.values_list("summary", flat=True))
    assert summaries == ["took a professional off the team", "made a parent carer lead"]
    assert client.get(url("agenda", team.project)).status_code == 404  # staff manage, the team works


# --- Who changed what ---------------------------------------------------------------------------------


def _activity(team, n):
    """n entries, by a team member, by forum staff outside the team and by nobody named."""
    staff = ForumStaffFactory()
    for i in range(n):
        Activity.objects.create(project=team.project, member=team.parent, actor=team.parent.user, summary=f"did {i}")
        Activity.objects.create(project=team.project, actor=staff, summary=f"staff did {i}")
        Activity.objects.create(project=team.project, summary=f"someone did {i}")


def test_activity_page_shows_who_and_when_a_page_at_a_time(client, team, settings):
    Activity.objects.all().delete()
    entries = [
        Activity(project=team.project, member=team.parent, actor=team.parent.user, summary=f"change {i}")
        for i in range(51)
    ]
    Activity.objects.bulk_create(entries)
    client.force_login(team.professional.user)

    first = client.get(url("activity", team.project))
    second = client.get(url("activity", team.project) + "?page=2")

    assert [entry.summary for entry in first.context["activity"]][:2] == ["change 50", "change 49"]
    assert len(first.context["activity"]) == 50
    assert [entry.summary for entry in second.context["activity"]] == ["change 0"]
    content = first.content.decode()
    assert "51 changes, showing 1 to 50." in content
    assert f"{escape(team.parent.user.full_name)} change 50</li>" in content
    assert '<a class="govuk-link govuk-pagination__link" href="?page=2" rel="next">' in content
    assert '<a class="govuk-link govuk-pagination__link" href="?page=1" rel="prev">' in second.content.decode()
    # A page number past the end shows the last page.
    assert [e.summary for e in client.get(url("activity", team.project) + "?page=9").context["activity"]] == [
        "change 0"
    ]


def test_activity_page_makes_the_same_number_of_queries_for_1_and_5_rows(client, django_assert_num_queries):
    def page_for(n):
        team = project_with_team()
        _activity(team, n)
        client.force_login(team.parent.user)
        return url("activity", team.project)

    small = page_for(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(small).status_code == 200
    large = page_for(5)
    with django_assert_num_queries(len(queries)):
        response = client.get(large)
    assert len(response.context["activity"]) == 15
    assert "(forum staff) staff did 4" in response.content.decode()
