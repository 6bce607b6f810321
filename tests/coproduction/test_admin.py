import pytest
from django.urls import reverse

from coproduction import services
from tests.factories.coproduction import project_with_team
from tests.factories.people import UserFactory, activate_totp

pytestmark = pytest.mark.django_db

MODELS = [
    "project", "teammember", "agendaitem", "meeting", "decision", "action", "document", "documentversion", "signoff",
    "documentcomment", "activity", "cornerstonesrating",
]  # fmt: skip


def test_every_model_has_an_admin_list_and_page(client):
    team = project_with_team()
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    services.sign_off_version(document.latest_version, by=team.parent_lead)
    services.comment_on_version(document.latest_version, by=team.parent, text="Fine")
    services.record_meeting(team.project, by=team.parent, title="First", held_on=team.project.created_at.date())
    services.record_decision(team.project, by=team.parent, text="Yes", agreed_by=[team.parent])
    services.add_action(team.project, by=team.parent, description="Do", owner=team.parent, due_on=document.created_at)
    services.propose_agenda_item(team.project, by=team.parent, title="Item")
    services.rate_project(team.project, by=team.parent, welcome=3, value=3, communicate=3, partnership=3)
    admin = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin)
    client.force_login(admin)
    for model in MODELS:
        response = client.get(reverse(f"admin:coproduction_{model}_changelist") + "?q=a")
        assert response.status_code == 200, model
        obj = response.context["cl"].model.objects.first()
        assert client.get(reverse(f"admin:coproduction_{model}_change", args=[obj.pk])).status_code == 200, model
