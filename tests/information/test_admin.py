import uuid

import pytest
from django.urls import reverse

from information.models import Article
from tests.factories import UserFactory, activate_totp
from tests.factories.information import (
    ContactFactory,
    PublishedArticleFactory,
    ServiceAtLocationFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "topic", "article", "articlerevision", "attachment", "topicsubscription", "taxonomy", "taxonomyterm",
    "serviceorganisation", "service", "location", "contact",
]  # fmt: skip


@pytest.fixture
def forum_admin():
    user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(user)
    return user


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_load_with_search_and_filters(client, forum_admin, model):
    PublishedArticleFactory(title="Findme guide")
    ContactFactory(service=ServiceAtLocationFactory().service)
    client.force_login(forum_admin)

    response = client.get(reverse(f"admin:information_{model}_changelist"), {"q": "findme"})

    assert response.status_code == 200
    assert response.context["cl"].search_fields != []
    assert response.context["cl"].list_filter != []


def test_admin_renders_markdown_when_an_article_is_saved(client, forum_admin):
    article = PublishedArticleFactory(body="old")
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:information_article_change", args=[article.pk]),
        {
            "kind": "guide",
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "body": "**new**",
            "easy_read": "",
            "audience": "parents",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Article.objects.get().body_html == '<p class="govuk-body"><strong>new</strong></p>'


def test_admin_keeps_a_terms_parent_that_the_directory_does_not_hold(client, forum_admin):
    elsewhere = uuid.uuid4()
    term = TaxonomyTermFactory(name="Sleep", parent_id=elsewhere)
    client.force_login(forum_admin)
    url = reverse("admin:information_taxonomyterm_change", args=[term.pk])

    page = client.get(url)
    response = client.post(url, {"taxonomy": term.taxonomy_id, "code": "S1", "name": "Sleep well", "description": ""})

    assert str(elsewhere) in page.content.decode()
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.name, term.parent_id) == ("Sleep well", elsewhere)
