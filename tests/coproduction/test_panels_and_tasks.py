import datetime

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from coproduction import panels, services
from coproduction.benchdata import PAGES
from coproduction.models import Action, AgendaItem, Document, Project
from coproduction.tasks import remind_overdue_actions_task
from forum_portal import ladder
from forum_portal.notify.models import OutgoingEmail
from tests.factories.coproduction import project_with_team
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_rung_is_registered_as_step_four():
    rung = next(rung for rung in ladder.rungs() if rung.app_label == "coproduction")
    assert (rung.step, rung.url_name) == (4, "coproduction:project-list")


def test_home_panel_shows_public_projects_and_their_latest_decisions(client):
    public = project_with_team(visibility=Project.Visibility.PUBLIC, title="Open project")
    private = project_with_team(title="Closed project")
    for text in ["First", "Second", "Third"]:
        services.record_decision(public.project, by=public.parent, text=text, agreed_by=[public.parent])
    services.record_decision(private.project, by=private.parent, text="Secret", agreed_by=[private.parent])

    context = panels.home_context(_request(UserFactory()))
    assert [project.title for project in context["projects"]] == ["Open project"]
    assert [d.text for d in context["projects"][0].latest_decisions] == ["Third", "Second"]

    content = client.get("/").content.decode()
    assert "Open project" in content
    assert "Decided: Third" in content
    assert "Closed project" not in content


def test_dashboard_panel_lists_my_actions_and_documents_to_sign(client):
    team = project_with_team()
    lead = team.professional_lead
    services.add_action(
        team.project, by=team.parent, description="Find figures", owner=lead, due_on=datetime.date(2026, 1, 1)
    )
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    signed = services.start_document(team.project, by=team.parent, title="Signed", body="Text")
    services.sign_off_version(signed.latest_version, by=lead)

    context = panels.dashboard_context(_request(lead.user))
    assert [action.description for action in context["actions"]] == ["Find figures"]
    assert list(context["documents"]) == [document]
    assert panels.dashboard_context(_request(team.professional.user)) is None

    client.force_login(lead.user)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Find figures" in content
    assert "Overdue" in content
    assert ">Charter</a>" in content
    assert ">Signed</a>" not in content


def test_overdue_task_queues_reminders(settings):
    team = project_with_team()
    services.add_action(
        team.project, by=team.parent, description="Late", owner=team.parent, due_on=datetime.date(2020, 1, 1)
    )
    assert remind_overdue_actions_task.apply().get() == 1
    assert remind_overdue_actions_task.apply().get() == 0
    email = OutgoingEmail.objects.get(kind="coproduction_actions")
    assert email.subject == f"Your action in {team.project.title} is overdue"
    assert "List-Unsubscribe" in email.headers


def test_beat_schedule_runs_the_reminders(settings):
    assert settings.CELERY_BEAT_SCHEDULE["coproduction-remind-overdue-actions"]["task"] == (
        "coproduction.remind_overdue_actions_task"
    )


def test_seed_demo_is_repeatable(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    project = Project.objects.get(slug="short-breaks-review")
    assert project.team.count() == 4
    assert project.agenda_items.filter(status=AgendaItem.Status.AGREED).count() == 2
    assert project.agenda_items.filter(status=AgendaItem.Status.PARKED).count() == 1
    assert project.decisions.count() == 2
    assert list(project.actions.order_by("due_on").values_list("status", flat=True)) == [
        Action.Status.DONE,
        Action.Status.OPEN,
        Action.Status.OPEN,
    ]
    assert Document.objects.get(title="Short breaks charter").is_coproduced is True


def test_bench_pages_load_on_bench_data(client):
    call_command("seed_bench", scale="small")
    assert Project.objects.count() == 5
    for page in PAGES:
        response = client.get(page.path())
        assert response.status_code == 200, page.name
    assert "Bench project 0" in client.get(PAGES[1].path()).content.decode()
