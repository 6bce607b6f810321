"""Fragments kept in Redis, as production keeps them (FRAGMENT_CACHE_URL): a visitor's page asks the
database nothing, a change shows at once (again after its transaction commits), and with Redis away
pages are rendered afresh rather than failing."""

import pytest
from django.db import transaction
from django.urls import reverse

from forum_portal import fragments
from tests.factories.information import PublishedArticleFactory

pytestmark = pytest.mark.django_db


def test_a_visitors_page_kept_in_redis_asks_the_database_nothing(redis_fragments, client, django_assert_num_queries):
    PublishedArticleFactory(title="Getting an EHCP")
    client.get(reverse("information:guide-list"))

    with django_assert_num_queries(0):
        response = client.get(reverse("information:guide-list"))

    assert "Getting an EHCP" in response.content.decode()


def test_a_change_shows_at_once(redis_fragments, client):
    client.get(reverse("information:guide-list"))

    PublishedArticleFactory(title="Short breaks explained")

    assert "Short breaks explained" in client.get(reverse("information:guide-list")).content.decode()


def test_what_was_rendered_from_the_old_data_before_a_commit_is_not_kept(
    redis_fragments, django_capture_on_commit_callbacks
):
    # Redis sees the new generation before the transaction commits: another request in between
    # renders from the data as it was, and must not have that kept once the change is committed.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        PublishedArticleFactory()
        assert fragments.render("test:race", lambda: "old data", source="information") == "old data"

    assert fragments.render("test:race", lambda: "new data", source="information") == "new data"


def test_with_redis_away_pages_are_rendered_afresh_and_changes_are_saved(redis_away, client):
    calls = []

    def render():
        calls.append(1)
        return "<p>fresh</p>"

    assert fragments.render("test:away", render, source="information") == "<p>fresh</p>"
    assert fragments.render("test:away", render, source="information") == "<p>fresh</p>"
    assert len(calls) == 2

    PublishedArticleFactory(title="Travel assistance")  # starting a generation fails; the save stands

    response = client.get(reverse("information:guide-list"))
    assert response.status_code == 200
    assert "Travel assistance" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200


def test_a_generation_started_by_a_service_inside_a_transaction_is_started_again_on_commit(
    redis_fragments, django_capture_on_commit_callbacks
):
    # Services that change rows with update() (anonymising a deleted person's answers) call
    # changed() themselves, inside the transaction of the deletion.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        fragments.changed("consultations")
        assert fragments.render("test:service", lambda: "their name", source="consultations") == "their name"

    assert fragments.render("test:service", lambda: "anonymised", source="consultations") == "anonymised"
