import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from information.models import Article, Service
from tests.factories import ForumStaffFactory, OfficerFactory
from tests.factories.information import ArticleFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_latest_published_articles(client):
    PublishedArticleFactory(title="Latest guide")
    ArticleFactory(title="Unpublished draft")

    content = client.get(reverse("home")).content.decode()

    assert "Latest guide" in content
    assert "Unpublished draft" not in content


def test_staff_dashboard_lists_pages_past_review_and_drafts(client):
    PublishedArticleFactory(title="Old transport guide", review_due=datetime.date(2020, 1, 1))
    ArticleFactory(title="Half-written news")
    PublishedArticleFactory(title="Fresh guide", review_due=datetime.date(2099, 1, 1))
    client.force_login(ForumStaffFactory())

    content = client.get(reverse("dashboard")).content.decode()

    assert "1 page past its review date" in content
    assert "Old transport guide" in content
    assert "1 draft not yet published" in content
    assert "Half-written news" in content
    assert "Fresh guide" not in content


def test_officers_dashboard_has_no_information_panel(client):
    ArticleFactory(title="Half-written news")
    client.force_login(OfficerFactory())

    content = client.get(reverse("dashboard")).content.decode()

    assert "Manage guides and news" not in content


@pytest.mark.parametrize("count", [1, 5])
def test_home_panel_makes_one_query_whatever_the_number_of_articles(client, count):
    for _ in range(count):
        PublishedArticleFactory()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))

    links = response.context["panels"]["information"].count('<a class="govuk-link" href="/information/')
    assert links == min(count, 3) + 1
    assert len([query for query in queries.captured_queries if "information_" in query["sql"]]) == 1


def test_home_panel_is_kept_until_an_article_changes(client):
    article = PublishedArticleFactory(title="First title")
    assert "First title" in client.get(reverse("home")).content.decode()

    with CaptureQueriesContext(connection) as queries:
        content = client.get(reverse("home")).content.decode()
    assert "First title" in content
    assert [query for query in queries.captured_queries if "information_" in query["sql"]] == []

    article.title = "Second title"
    article.save()
    content = client.get(reverse("home")).content.decode()
    assert "Second title" in content
    assert "First title" not in content


def test_bench_seed_makes_the_measured_sizes(django_user_model):
    call_command("seed_bench", scale="small")

    assert Article.objects.filter(kind=Article.Kind.GUIDE).count() == 30
    assert Service.objects.count() == 100
