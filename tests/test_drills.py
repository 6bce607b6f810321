"""The load test's and the fault drills' own parts (loadtest/), which ``make drills`` relies on to
tell a working portal from a broken one."""

import pytest
from django.test import RequestFactory

from consultations import services
from consultations.models import Answer, Question, Response
from forum_portal.notify.models import OutgoingEmail
from forum_portal.views import page_not_found, server_error
from loadtest.checks import half_saved_answers
from loadtest.pages import SAMPLE_TEXT, answers_for, csrf_token, is_error_page, totp_code
from loadtest.run import outage_report, summary_table
from tests.factories import ParentCarerFactory
from tests.factories.consultations import QuestionFactory, ResponseFactory, open_consultation

# RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", whose 8-digit codes end in these.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize(("at", "code"), [(59, "287082"), (1111111109, "081804"), (1234567890, "005924")])
def test_totp_code_is_the_code_an_authenticator_app_shows(at, code):
    assert totp_code(RFC_SECRET, at=at) == code


@pytest.fixture
def consultation():
    consultation = open_consultation()
    for position, kind, section, choices, required in [
        (1, Question.Kind.SINGLE_CHOICE, "Booking", "Online\nBy phone", True),
        (2, Question.Kind.LONG_TEXT, "Booking", "", True),
        (3, Question.Kind.SHORT_TEXT, "Booking", "", False),
        (4, Question.Kind.MULTIPLE_CHOICE, "Booking", "Weekdays\nWeekends", True),
        (5, Question.Kind.SCALE, "Booking", "", True),
        (6, Question.Kind.YES_NO, "Booking", "", False),
    ]:
        QuestionFactory(
            consultation=consultation, position=position, kind=kind, section=section, choices=choices, required=required
        )
    return consultation


@pytest.mark.django_db
def test_answers_for_answers_every_question_of_the_real_answer_page_so_it_is_taken(client, consultation):
    client.force_login(ParentCarerFactory())
    url = f"/consultations/{consultation.pk}/answer/"
    page = client.get(url).content.decode()
    first, text, short, many, scale, yes_no = consultation.questions.all()

    answers = answers_for(page)
    response = client.post(url, {**answers, "continue": ""})

    assert answers == {
        f"question_{first.pk}": "Online",
        f"question_{text.pk}": SAMPLE_TEXT,
        f"question_{short.pk}": SAMPLE_TEXT,
        f"question_{many.pk}": "Weekdays",
        f"question_{scale.pk}": "1",
        f"question_{yes_no.pk}": "yes",
    }
    assert response.status_code == 302
    assert response.url == f"/consultations/{consultation.pk}/answer/check/"
    assert len(csrf_token(page)) == 64
    assert f'name="csrfmiddlewaretoken" value="{csrf_token(page)}"' in page


def test_csrf_token_is_the_first_forms_token_or_nothing():
    page = (
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="abc"></form>'
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="def"></form>'
    )

    assert csrf_token(page) == "abc"
    assert csrf_token("<p>No form here</p>") == ""


def test_is_error_page_tells_the_500_page_from_others(rf: RequestFactory):
    request = rf.get("/")

    assert is_error_page(server_error(request).content.decode()) is True
    assert is_error_page(page_not_found(request).content.decode()) is False


@pytest.mark.django_db
def test_half_saved_answers_counts_sent_responses_missing_an_answer_or_their_receipt(consultation):
    first, text, _short, many, scale, _yes_no = consultation.questions.all()
    whole = ResponseFactory(consultation=consultation, user=ParentCarerFactory())
    services.save_answers(whole, answers={first: "Online", text: "Evenings.", many: ["Weekends"], scale: "3"})
    whole = services.submit_response(whole, share_name=False, hear_back=False)
    # Marked sent with one of its four required answers, and no receipt: what a send saved in
    # part would leave.
    half = ResponseFactory(
        consultation=consultation,
        user=ParentCarerFactory(),
        status=Response.Status.SUBMITTED,
        submitted_at=whole.submitted_at,
    )
    Answer.objects.create(response=half, question=first, choice="Online")
    ResponseFactory(consultation=consultation, user=ParentCarerFactory())  # a draft: nothing is sent yet

    assert OutgoingEmail.objects.filter(kind="consultation_receipt").count() == 1
    assert half_saved_answers(consultation.pk) == {
        "sent": 2,
        "missing_a_required_answer": 1,
        "without_their_receipt": 1,
    }


def _request(at, seconds, status=200, *, name="GET /", error_page=False, ok=None):
    return {
        "at": at,
        "seconds": seconds,
        "name": name,
        "status": status,
        "error_page": error_page,
        "ok": status == 200 if ok is None else ok,
    }


def test_outage_report_sorts_requests_by_how_they_stood_to_the_outage():
    # The stop is asked at 10 and done at 11; the start is asked at 20 and done at 21.
    requests = [
        _request(1, 0.5),
        _request(9, 0.5, 500, error_page=True),  # failed before the stop
        _request(10.5, 1.0, 500, error_page=True),  # in flight at the stop
        _request(12, 0.01, 500, error_page=True),
        _request(13, 0.02, 503, name="GET /healthz"),
        _request(14, 0.01, 200, name="GET /about/"),  # needs no database
        _request(15, 2.5, 502),  # not the portal's 500 page
        _request(19.9, 0.5),  # began while down, ended after the start was asked
        _request(21.5, 0.2),
        _request(22, 0.1, 500, error_page=True),
    ]

    report = outage_report(requests, stopping=10, stopped=11, starting=20, started=21)

    assert report == {
        "requests": 10,
        "before": {"requests": 2, "failed": 1},
        "while_down": {
            "requests": 4,
            "the_500_page": 1,
            "healthz_503": 1,
            "served_without_the_database": 1,
            "other": 1,
            "slowest_seconds": 2.5,
        },
        "across_the_stop_and_start": {"requests": 2, "succeeded": 1, "the_500_page_or_503": 1, "other": 0},
        "after": {"requests": 2, "failed": 1, "first_success_seconds_after_start": 0.7},
    }


def test_summary_table_shows_each_parts_result_and_main_figures():
    results = {
        "load": {
            "users": 50,
            "seconds": 60,
            "requests": 2400,
            "failures": 0,
            "p50_ms": 40,
            "p95_ms": 310,
            "requests_per_second": 39.6,
            "answers_sent": 120,
            "receipts_queued": 120,
            "approvals": 44,
            "approvals_taken_by_another": 3,
            "consultations_approved_twice": 0,
            "passed": True,
        },
        "redis": {"error": "AssertionError('gave up after 60 s waiting for redis-server to start')", "passed": False},
    }

    assert summary_table(results).splitlines() == [
        "part      result  figures",
        "load      passed  50 users, 60 s: 2400 requests, 0 failures, p50 40 ms, p95 310 ms, 39.6 requests/s",
        "                  120 answers sent (120 receipts queued); 44 approvals (3 refused: another approved first); "
        "0 consultations approved twice",
        "redis     FAILED  AssertionError('gave up after 60 s waiting for redis-server to start')",
    ]
