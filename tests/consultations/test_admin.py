import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Answer, Response
from tests.factories import OfficerFactory, UserFactory, activate_totp
from tests.factories.consultations import QuestionFactory, closed_consultation

pytestmark = pytest.mark.django_db

MODELS = [
    "consultation",
    "question",
    "response",
    "answer",
    "theme",
    "consultationevent",
    "reply",
    "replyitem",
    "replyupdate",
    "localoffercomment",
]


@pytest.fixture
def forum_admin():
    user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(user)
    return user


@pytest.fixture
def some_of_everything():
    consultation = closed_consultation(title="Findme transport")
    question = QuestionFactory(consultation=consultation, kind="long_text")
    response = Response.objects.create(consultation=consultation, status="submitted", submitted_at=timezone.now())
    answer = Answer.objects.create(response=response, question=question, text="findme")
    services.tag_answer(answer, themes=[services.create_theme(consultation, name="findme")])
    officer = OfficerFactory()
    reply = services.reply_for(consultation)
    services.save_reply_item(reply, by=officer, you_said="findme", we_did="done", outcome="changed")
    services.publish_reply(reply, by=officer)
    services.save_reply_summary(reply, summary="findme", by=officer)
    local_offer = services.start_local_offer_round(organisation=consultation.organisation, by=officer)
    services.add_local_offer_comment(local_offer, aspect="content", text="findme", user=None)
    return consultation


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_load_with_search_and_filters(client, forum_admin, some_of_everything, model):
    client.force_login(forum_admin)

    response = client.get(reverse(f"admin:consultations_{model}_changelist"), {"q": "findme"})

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1  # the search finds the row made to be found
    assert response.context["cl"].list_filter != []


@pytest.mark.parametrize("model", MODELS)
def test_admin_shows_the_record_and_changes_none_of_it(client, forum_admin, some_of_everything, model):
    client.force_login(forum_admin)
    row = client.get(reverse(f"admin:consultations_{model}_changelist")).context["cl"].result_list[0]

    change = client.get(reverse(f"admin:consultations_{model}_change", args=[row.pk]))
    posted = client.post(reverse(f"admin:consultations_{model}_change", args=[row.pk]), {})
    added = client.get(reverse(f"admin:consultations_{model}_add"))
    deleted = client.post(reverse(f"admin:consultations_{model}_delete", args=[row.pk]), {"post": "yes"})

    assert change.status_code == 200
    assert "Save" not in change.content.decode()  # shown, with nothing to save
    assert (posted.status_code, added.status_code, deleted.status_code) == (403, 403, 403)
    assert type(row).objects.filter(pk=row.pk).exists()


def test_admin_consultation_page_shows_questions_and_history(client, forum_admin, some_of_everything):
    client.force_login(forum_admin)

    content = client.get(
        reverse("admin:consultations_consultation_change", args=[some_of_everything.pk])
    ).content.decode()

    assert "Findme transport" in content
    assert "“You said, we did” published" in content
