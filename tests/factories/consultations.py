from datetime import timedelta

import factory
from django.utils import timezone

from consultations.models import REPLY_DUE_AFTER, Consultation, Question, Response
from tests.factories.people import OrganisationFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A draft with a summary and dates, ready to be sent for review once it has a question."""

    class Meta:
        model = Consultation

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Short breaks review {n}")
    summary = "We want to change how short breaks are booked."
    summary_html = '<p class="govuk-body">We want to change how short breaks are booked.</p>'
    opens_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + timedelta(weeks=8))
    reply_due_at = factory.LazyAttribute(lambda o: o.closes_at + REPLY_DUE_AFTER if o.closes_at else None)


def open_consultation(**kwargs) -> Consultation:
    """An approved consultation that opened yesterday and closes in four weeks."""
    now = timezone.now()
    kwargs.setdefault("opens_at", now - timedelta(days=1))
    kwargs.setdefault("closes_at", now + timedelta(weeks=4))
    return ConsultationFactory(status=Consultation.Status.APPROVED, **kwargs)


def closed_consultation(**kwargs) -> Consultation:
    """An approved consultation that closed yesterday."""
    now = timezone.now()
    kwargs.setdefault("opens_at", now - timedelta(weeks=8))
    kwargs.setdefault("closes_at", now - timedelta(days=1))
    return ConsultationFactory(status=Consultation.Status.APPROVED, **kwargs)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    consultation = factory.SubFactory(ConsultationFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = Question.Kind.SINGLE_CHOICE
    text = factory.Sequence(lambda n: f"Question {n}?")
    choices = "Online\nBy phone\nIn person"


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    consultation = factory.SubFactory(ConsultationFactory)
