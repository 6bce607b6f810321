import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduction import services
from coproduction.models import Activity, AgendaItem, Document, DocumentVersion, Project, SignOff
from forum_portal.audit.models import AuditEvent
from tests.factories.coproduction import project_with_team
from tests.factories.people import UserFactory, activate_totp

pytestmark = pytest.mark.django_db

MODELS = [
    "project", "teammember", "agendaitem", "meeting", "decision", "action", "document", "documentversion", "signoff",
    "documentcomment", "activity", "cornerstonesrating",
]  # fmt: skip
# Everything but a project is made on the portal's pages, by the services that keep the rules.
MADE_ON_THE_PORTAL = [model for model in MODELS if model != "project"]


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True, full_name="Ada Admin")
    activate_totp(admin)
    client.force_login(admin)
    client.admin = admin
    return client


def _fill(team):
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    services.sign_off_version(document.latest_version, by=team.parent_lead)
    services.comment_on_version(document.latest_version, by=team.parent, text="Fine")
    services.record_meeting(team.project, by=team.parent, title="First", held_on=team.project.created_at.date())
    services.record_decision(team.project, by=team.parent, text="Yes", agreed_by=[team.parent])
    services.add_action(team.project, by=team.parent, description="Do", owner=team.parent, due_on=document.created_at)
    services.propose_agenda_item(team.project, by=team.parent, title="Item")
    services.rate_project(team.project, by=team.parent, welcome=3, value=3, communicate=3, partnership=3)
    return document


def test_every_model_has_an_admin_list_and_page(admin_client):
    team = project_with_team()
    _fill(team)
    for model in MODELS:
        response = admin_client.get(reverse(f"admin:coproduction_{model}_changelist") + "?q=a")
        assert response.status_code == 200, model
        obj = response.context["cl"].model.objects.first()
        assert admin_client.get(reverse(f"admin:coproduction_{model}_change", args=[obj.pk])).status_code == 200, model


@pytest.mark.parametrize("model", MADE_ON_THE_PORTAL)
def test_admin_cannot_add_what_the_portal_makes(admin_client, model):
    assert admin_client.get(reverse(f"admin:coproduction_{model}_add")).status_code == 403


def _document_form(document, **changes):
    versions = list(document.versions.all())
    return {
        "title": document.title,
        "versions-TOTAL_FORMS": str(len(versions)),
        "versions-INITIAL_FORMS": str(len(versions)),
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        **{f"versions-{i}-id": str(version.pk) for i, version in enumerate(versions)},
        **{f"versions-{i}-document": str(document.pk) for i in range(len(versions))},
        **changes,
    }


def test_co_produced_flag_and_latest_version_cannot_be_set_in_the_admin(admin_client):
    team = project_with_team()
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    other = services.start_document(team.project, by=team.parent, title="Other", body="Other text")

    response = admin_client.post(
        reverse("admin:coproduction_document_change", args=[document.pk]),
        _document_form(document, title="Our charter", is_coproduced="on", latest_version=str(other.latest_version_id)),
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.is_coproduced, document.latest_version_id) == (
        "Our charter", False, document.versions.get().pk,
    )  # fmt: skip
    assert Activity.objects.filter(project=team.project).first().summary == (
        "changed the title of document “Our charter” in the admin"
    )
    assert Activity.objects.filter(project=team.project).first().actor == admin_client.admin


def test_sign_offs_and_versions_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    team = project_with_team()
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    sign_off = services.sign_off_version(document.latest_version, by=team.parent_lead)
    version = document.latest_version

    assert admin_client.post(reverse("admin:coproduction_signoff_change", args=[sign_off.pk]), {}).status_code == 403
    assert (
        admin_client.post(reverse("admin:coproduction_signoff_delete", args=[sign_off.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:coproduction_documentversion_delete", args=[version.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (SignOff.objects.count(), DocumentVersion.objects.count()) == (1, 1)


def test_deleting_a_document_in_the_admin_takes_its_versions_and_is_recorded(admin_client):
    team = project_with_team()
    document = services.start_document(team.project, by=team.parent, title="Charter", body="Text")
    services.sign_off_version(document.latest_version, by=team.parent_lead)
    services.comment_on_version(document.latest_version, by=team.parent, text="Fine")

    response = admin_client.post(reverse("admin:coproduction_document_delete", args=[document.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert (Document.objects.count(), DocumentVersion.objects.count(), SignOff.objects.count()) == (0, 0, 0)
    assert team.project.activity.first().summary == "deleted document “Charter” in the admin"


def test_agreeing_and_parking_stay_with_the_leads_in_the_admin(admin_client):
    team = project_with_team()
    item = services.propose_agenda_item(team.project, by=team.parent, title="Transport")

    admin_client.post(
        reverse("admin:coproduction_agendaitem_change", args=[item.pk]),
        {"title": "School transport", "description": "", "status": "agreed", "parked_reason": "x",
         "agreed_by_parent_lead": str(team.parent_lead.pk)},
    )  # fmt: skip

    item.refresh_from_db()
    assert (item.title, item.status, item.agreed_by_parent_lead, item.parked_reason) == (
        "School transport", AgendaItem.Status.PROPOSED, None, "",
    )  # fmt: skip
    assert team.project.activity.first().summary == ("changed the title of agenda item “School transport” in the admin")


def _project_form(**fields):
    return {
        "title": "Transport together",
        "slug": "transport-together",
        "aims": "Safer **journeys**",
        "visibility": "team",
        "ladder_step": "coproducing",
        "parent_share_threshold": "33",
        "team-TOTAL_FORMS": "0",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_aims_set_or_changed_in_the_admin_are_rendered_and_recorded(admin_client, client):
    response = admin_client.post(reverse("admin:coproduction_project_add"), _project_form())
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.aims_html == '<p class="govuk-body">Safer <strong>journeys</strong></p>'
    assert project.created_by == admin_client.admin

    admin_client.post(
        reverse("admin:coproduction_project_change", args=[project.pk]),
        _project_form(aims="Safer *journeys* to school", visibility="public"),
    )

    project.refresh_from_db()
    assert project.aims_html == '<p class="govuk-body">Safer <em>journeys</em> to school</p>'
    assert list(project.activity.values_list("summary", flat=True)) == [
        "changed the project's details in the admin",
        "set up the project in the admin",
    ]
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "coproduction.project_created",
        "coproduction.visibility_changed",
    ]
    admin_client.logout()
    assert "Safer <em>journeys</em> to school" in admin_client.get(project.get_absolute_url()).content.decode()


def test_a_rating_deleted_in_the_admin_is_recorded_without_the_persons_name(admin_client):
    team = project_with_team()
    rating = services.rate_project(team.project, by=team.parent, welcome=3, value=3, communicate=3, partnership=3)

    admin_client.post(reverse("admin:coproduction_cornerstonesrating_delete", args=[rating.pk]), {"post": "yes"})

    summary = team.project.activity.first().summary
    assert summary == f"deleted a Four Cornerstones rating for {rating.period:%B %Y} in the admin"
    assert team.parent.user.full_name not in summary


@pytest.mark.parametrize("model", [*MODELS, "invitation"])
def test_admin_lists_make_the_same_number_of_queries_for_1_and_5_rows(admin_client, model, django_assert_num_queries):
    def fill(n):
        for _ in range(n):
            team = project_with_team()
            _fill(team)
            services.invite_to_team(
                team.project, email=f"{team.project.slug}@example.org", side="parent_carer", by=team.parent_lead.user
            )

    changelist = reverse(f"admin:coproduction_{model}_changelist")
    fill(1)
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(changelist).status_code == 200
    fill(4)
    with django_assert_num_queries(len(queries)):
        response = admin_client.get(changelist)
    assert response.context["cl"].result_count == response.context["cl"].model.objects.count() >= 5
