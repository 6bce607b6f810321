import re

import pytest
from django.db import connection
from django.urls import reverse

from information.selectors import highlight, search
from tests.factories.information import ArticleFactory, PublishedArticleFactory, ServiceFactory, TopicFactory

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL (set DATABASE_URL)"
)
BOTH_WAYS = pytest.mark.parametrize(
    "full_text", [pytest.param(True, marks=needs_postgres), False], ids=["full text", "fallback"]
)


@BOTH_WAYS
def test_search_finds_published_articles_and_services(full_text):
    guide = PublishedArticleFactory(title="Transport to school", summary="Getting there.")
    ArticleFactory(title="Transport draft")
    service = ServiceFactory(name="School transport team", description="Buses for pupils.")
    ServiceFactory(name="Transport closed", status="defunct")

    results = search("transport", full_text=full_text)

    assert [row["object"] for row in results.articles] == [guide]
    assert [row["object"] for row in results.services] == [service]


@needs_postgres
def test_full_text_search_ranks_title_matches_first_and_matches_word_forms():
    in_body = PublishedArticleFactory(title="Help at home", summary="Short breaks.", body="Respite for carers.")
    in_title = PublishedArticleFactory(title="Respite care", summary="Breaks for carers.", body="More.")

    results = search("respite", full_text=True)
    stemmed = search("carer", full_text=True)

    assert [row["object"] for row in results.articles] == [in_title, in_body]
    assert {row["object"] for row in stemmed.articles} == {in_title, in_body}


@BOTH_WAYS
def test_search_filters_by_topic_and_audience_and_then_leaves_services_out(full_text):
    health = TopicFactory(name="Health", slug="health")
    for_parents = PublishedArticleFactory(title="Therapy guide", topics=[health], audience="parents")
    PublishedArticleFactory(title="Therapy for professionals", topics=[health], audience="professionals")
    PublishedArticleFactory(title="Therapy money")
    ServiceFactory(name="Therapy service")

    results = search("therapy", topic=health, audience="parents", full_text=full_text)

    assert [row["object"] for row in results.articles] == [for_parents]
    assert results.services == []


def test_highlight_escapes_text_and_marks_query_words():
    html = highlight("Tips <b>for</b> schools & school runs", "school")

    assert html == "Tips &lt;b&gt;for&lt;/b&gt; <mark>school</mark>s &amp; <mark>school</mark> runs"


def test_highlight_shortens_around_the_first_match():
    text = "word " * 100 + "needle " + "word " * 100

    html = highlight(text, "needle", length=60)

    assert html.startswith("…")
    assert "<mark>needle</mark>" in html
    assert len(html) < 100


def test_search_page_highlights_matches(client):
    PublishedArticleFactory(title="Short breaks", summary="Short breaks give carers a rest.")

    content = client.get(reverse("information:search"), {"q": "breaks"}).content.decode()

    assert "<mark>breaks</mark> give carers a rest." in content
    assert "Guides and news (1)" in content
    assert "Services (0)" in content


def test_search_page_without_words_shows_no_results(client):
    response = client.get(reverse("information:search"), {"q": "  "})

    assert response.context["results"] is None


@pytest.mark.parametrize("count", [1, 5])
def test_search_page_query_count_does_not_grow(client, django_assert_num_queries, count):
    for number in range(count):
        PublishedArticleFactory(title=f"Sleep guide {number}")
        ServiceFactory(name=f"Sleep clinic {number}")

    # Rendered: the cache read, topics for the filter, articles, services (with organisations),
    # and the page kept in its slot; then from the cache.
    with django_assert_num_queries(9):
        response = client.get(reverse("information:search"), {"q": "sleep"})
    with django_assert_num_queries(1):
        again = client.get(reverse("information:search"), {"q": "sleep"})
    assert (len(response.context["results"].articles), len(response.context["results"].services)) == (count, count)
    assert again.content == response.content


def test_a_search_kept_in_the_cache_shows_a_new_guide_and_only_its_own_results(client):
    PublishedArticleFactory(title="Sleep guide")
    first = client.get(reverse("information:search"), {"q": "sleep"}).content.decode()
    other = client.get(reverse("information:search"), {"q": "school"}).content.decode()

    PublishedArticleFactory(title="Sleep and school")
    again = client.get(reverse("information:search"), {"q": "sleep"}).content.decode()

    assert "Guides and news (1)" in first and "Guides and news (0)" in other
    assert "Guides and news (2)" in again


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"topic": "astronomy"}, "topic", "There is no topic “astronomy”: choose one from the list"),
        ({"audience": "everyone"}, "audience", "Choose who it is written for from the list"),
    ],
)
def test_search_with_an_unknown_filter_says_so_beside_it(client, params, field, message):
    PublishedArticleFactory(title="Therapy guide")

    response = client.get(reverse("information:search"), {"q": "therapy", **params})

    content = response.content.decode()
    assert response.context["results"] is None
    assert "<title>Error: therapy – Search" in content
    assert f'<li><a href="#id_{field}">{message}</a></li>' in content  # the error summary
    assert (
        f'<p class="govuk-error-message" id="id_{field}-error"><span class="govuk-visually-hidden">Error:</span> '
        f"{message}</p>"
    ) in content
    select = re.search(rf'<select name="{field}"[^>]*>', content).group(0)
    assert 'class="govuk-select govuk-select--error"' in select
    assert f'aria-describedby="id_{field}-error"' in select
    assert 'value="therapy"' in content
    assert "Nothing matches" not in content


def test_search_keeps_the_filters_chosen(client):
    TopicFactory(name="Health", slug="health")

    content = client.get(reverse("information:search"), {"q": "x", "topic": "health", "audience": "parents"}).content

    assert b'<option value="health" selected>Health</option>' in content
    assert b'<option value="parents" selected>Parents and carers</option>' in content
    assert b"There is a problem" not in content
