from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.models import Answer, Consultation, Reply, Response
from forum_portal.people import privacy
from forum_portal.people.services import delete_account
from tests.factories import ParentCarerFactory
from tests.factories.consultations import QuestionFactory, open_consultation

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_an_open_a_waiting_and_a_replied_consultation_once(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    phases = sorted((c.title, c.phase()) for c in Consultation.objects.all())
    assert phases == [
        ("Home to school transport", "closed"),
        (f"Local Offer feedback {timezone.now() - timedelta(days=60):%Y}", "open"),
        ("Short breaks: how you book them", "open"),
        ("Speech and language therapy waiting times", "closed"),
    ]
    assert list(Reply.objects.filter(published_at__isnull=False).values_list("consultation__title", flat=True)) == [
        "Home to school transport"
    ]


def test_answers_are_in_my_data_and_stay_as_a_parent_carer_after_deletion():
    consultation = open_consultation(title="Short breaks")
    question = QuestionFactory(consultation=consultation, text="How do you book?")
    parent = ParentCarerFactory()
    response = Response.objects.create(
        consultation=consultation, user=parent, status="submitted", submitted_at=timezone.now(), share_name=True
    )
    Answer.objects.create(response=response, question=question, choice="Online")
    section = next(s for s in privacy.sections() if s.key == "consultation_answers")

    rows = section.collect(parent)
    delete_account(parent, by=parent)

    assert [(row["consultation"], row["question"], row["answer"]) for row in rows] == [
        ("Short breaks", "How do you book?", "Online")
    ]
    response.refresh_from_db()
    assert (response.user, response.respondent_name()) == (None, "A parent carer")
    assert list(response.answers.values_list("choice", flat=True)) == ["Online"]
