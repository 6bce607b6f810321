"""Cached fragments are served until their app's data changes, then rendered again."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from forum_portal import fragments
from tests.factories.information import PublishedArticleFactory

pytestmark = pytest.mark.django_db


def counting_render(calls: list, html: str):
    def render():
        calls.append(html)
        return html

    return render


def test_a_fragment_is_rendered_once_then_read_in_one_query():
    calls = []
    assert fragments.render("test:one", counting_render(calls, "<p>one</p>"), source="information") == "<p>one</p>"

    with CaptureQueriesContext(connection) as queries:
        html = fragments.render("test:one", counting_render(calls, "<p>other</p>"), source="information")

    assert html == "<p>one</p>"
    assert calls == ["<p>one</p>"]
    assert len(queries) == 1


def test_a_change_to_a_model_of_the_source_app_renders_it_again():
    calls = []
    fragments.render("test:two", counting_render(calls, "first"), source="information")

    PublishedArticleFactory()

    assert fragments.render("test:two", counting_render(calls, "second"), source="information") == "second"


def test_a_change_to_another_app_keeps_it():
    calls = []
    fragments.render("test:three", counting_render(calls, "first"), source="consultations")

    PublishedArticleFactory()

    assert fragments.render("test:three", counting_render(calls, "second"), source="consultations") == "first"


def test_many_changes_in_one_transaction_start_one_generation_until_a_fragment_is_rendered():
    with transaction.atomic():
        PublishedArticleFactory()
        with CaptureQueriesContext(connection) as queries:
            PublishedArticleFactory()
        assert [query for query in queries.captured_queries if "portal_cache" in query["sql"]] == []

        fragments.render("test:four", lambda: "first", source="information")
        PublishedArticleFactory()
        assert fragments.render("test:four", lambda: "second", source="information") == "second"


def test_a_slot_keeps_one_variant_at_a_time():
    calls = []
    fragments.render_many([fragments.Fragment("test:slot", "information", counting_render(calls, "a"), variant="a")])
    fragments.render_many([fragments.Fragment("test:slot", "information", counting_render(calls, "b"), variant="b")])

    again = fragments.render_many(
        [fragments.Fragment("test:slot", "information", counting_render(calls, "b again"), variant="b")]
    )
    back = fragments.render_many(
        [fragments.Fragment("test:slot", "information", counting_render(calls, "a again"), variant="a")]
    )

    assert (again, back) == (["b"], ["a again"])
    assert calls == ["a", "b", "a again"]
