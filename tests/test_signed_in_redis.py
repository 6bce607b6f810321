"""Who is signed in, read through Redis as production reads it (FRAGMENT_CACHE_URL): the session, the
person with their organisations and two-factor sign-in, and the consultation they open. Once kept, an
officer's results page asks the database nothing; signing out and every change to what someone may
do count at the next page; with Redis away, people stay signed in.

These tests commit (``transaction=True``): nothing loaded inside a transaction is kept, and pages
run outside one."""

import pytest
import redis
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.test import Client
from django.urls import reverse

from forum_portal import fragments, sessions
from forum_portal.people import backends
from forum_portal.people.models import Membership
from tests.conftest import REDIS_URL
from tests.factories import OfficerFactory, OrganisationFactory
from tests.factories.consultations import QuestionFactory, closed_consultation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officer():
    return OfficerFactory()


@pytest.fixture
def results(officer):
    consultation = closed_consultation(organisation=officer.memberships.get().organisation)
    QuestionFactory(consultation=consultation, text="How do you book?")
    return reverse("consultations:results", args=[consultation.pk])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def with_session(session_key: str) -> Client:
    """Another browser holding the same session cookie, as a copied cookie has it."""
    client = Client()
    client.cookies["sessionid"] = session_key
    return client


def assert_sent_to(response, url_name: str) -> None:
    assert response.status_code == 302
    assert response.url.startswith(reverse(url_name))


def test_an_officers_results_page_asks_the_database_nothing_once_kept(
    redis_fragments, officer, results, django_assert_num_queries
):
    client = signed_in(officer)
    assert client.get(results).status_code == 200

    with django_assert_num_queries(0):
        response = client.get(results)

    assert response.status_code == 200
    assert "How do you book?" in response.content.decode()


def test_signing_out_counts_at_once(redis_fragments, officer, results):
    client = signed_in(officer)
    assert client.get(results).status_code == 200
    copy = with_session(client.cookies["sessionid"].value)
    assert copy.get(results).status_code == 200

    client.post(reverse("account_logout"))

    assert_sent_to(copy.get(results), "account_login")


def test_a_page_that_read_the_session_just_before_sign_out_cannot_put_it_back(redis_fragments, officer, results):
    client = signed_in(officer)
    session_key = client.cookies["sessionid"].value
    slower_page = sessions.SessionStore(session_key)
    row = slower_page._get_session_from_db()  # read, not yet kept in Redis, when sign-out comes

    client.post(reverse("account_logout"))
    slower_page._keep(slower_page.decode(row.session_data), sessions.KEPT_SECONDS, replace=False)

    assert_sent_to(with_session(session_key).get(results), "account_login")


def test_a_removed_membership_counts_at_once(redis_fragments, officer, results):
    client = signed_in(officer)
    assert client.get(results).status_code == 200

    Membership.objects.filter(user=officer).delete()

    assert client.get(results).status_code == 403  # signed in, and no longer an officer
    assert client.get(reverse("consultations:consultation-create")).status_code == 403


def test_a_removed_authenticator_counts_at_once(redis_fragments, officer, results):
    client = signed_in(officer)
    assert client.get(results).status_code == 200

    Authenticator.objects.filter(user=officer).delete()

    assert_sent_to(client.get(results), "mfa_activate_totp")


def test_a_changed_password_signs_out_every_other_session_at_once(redis_fragments, officer, results):
    client = signed_in(officer)
    assert client.get(results).status_code == 200

    officer.set_password("a-new-long-password-9")
    officer.save()

    assert_sent_to(client.get(results), "account_login")


def test_a_consultation_given_to_another_organisation_closes_to_its_old_officers_at_once(
    redis_fragments, officer, results
):
    client = signed_in(officer)
    assert client.get(results).status_code == 200
    consultation = officer.memberships.get().organisation.consultations.get()

    consultation.organisation = OrganisationFactory()
    consultation.save()

    assert client.get(results).status_code == 404


def test_with_redis_away_people_stay_signed_in(redis_away, officer, results):
    client = signed_in(officer)

    response = client.get(results)

    assert response.status_code == 200
    assert "How do you book?" in response.content.decode()
    client.post(reverse("account_logout"))
    assert client.get(results).status_code == 302


def test_a_session_and_a_person_lapse_in_redis_within_a_minute(redis_fragments, settings, officer, results):
    # Should Redis miss a sign-out or a change while it is away, what it kept lapses by itself.
    client = signed_in(officer)
    client.get(results)

    store = redis.Redis.from_url(REDIS_URL)
    prefix = settings.CACHES["fragments"]["KEY_PREFIX"]
    session_key = client.cookies["sessionid"].value
    kept = {
        "session": store.ttl(f"{prefix}:1:{sessions.SessionStore.cache_key_prefix}{session_key}"),
        "person": store.ttl(f"{prefix}:1:fragments:person:{officer.pk}"),
    }
    assert 0 < kept["session"] <= sessions.KEPT_SECONDS
    assert 0 < kept["person"] <= backends.KEPT_SECONDS


def test_what_is_loaded_inside_a_transaction_is_not_kept(redis_fragments):
    loads = []

    def load():
        loads.append(1)
        return "row"

    with transaction.atomic():
        assert fragments.kept("test:in-transaction", load, sources=("people",)) == "row"
    assert fragments.kept("test:in-transaction", load, sources=("people",)) == "row"
    assert fragments.kept("test:in-transaction", load, sources=("people",)) == "row"

    assert len(loads) == 2  # inside the transaction, then once kept
