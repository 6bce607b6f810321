import datetime

import pytest
from django.urls import reverse

from forum_portal.people import privacy
from forum_portal.people.services import delete_account
from information.models import TopicSubscription
from tests.factories import ParentCarerFactory
from tests.factories.information import TopicFactory

pytestmark = pytest.mark.django_db


def test_visitors_are_sent_to_sign_in_to_follow_topics(client):
    response = client.get(reverse("information:topics-follow"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_parent_follows_and_unfollows_topics(client):
    parent = ParentCarerFactory()
    health, money = TopicFactory(name="Health"), TopicFactory(name="Money")
    client.force_login(parent)

    response = client.post(reverse("information:topics-follow"), {"topics": [health.pk, money.pk]})
    assert response.url == reverse("information:topics-follow")
    assert set(TopicSubscription.objects.filter(user=parent).values_list("topic__name", flat=True)) == {
        "Health",
        "Money",
    }

    page = client.get(reverse("information:topics-follow"))
    assert sorted(page.context["form"].initial["topics"]) == sorted([health.pk, money.pk])

    client.post(reverse("information:topics-follow"), {"topics": []})
    assert TopicSubscription.objects.filter(user=parent).count() == 0


def test_followed_topics_are_in_download_my_data_and_go_with_the_account():
    parent = ParentCarerFactory()
    since = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    digested = datetime.datetime(2026, 11, 20, 16, tzinfo=datetime.UTC)
    TopicSubscription.objects.create(user=parent, topic=TopicFactory(name="Education"), created_at=since)
    TopicSubscription.objects.create(
        user=parent, topic=TopicFactory(name="Health"), created_at=since, digested_until=digested
    )

    section = next(section for section in privacy.sections() if section.key == "information_topics")
    rows = section.collect(parent)
    assert rows == [
        {"topic": "Education", "since": "2026-11-02T09:00:00+00:00", "last_digest_up_to": None},
        {"topic": "Health", "since": "2026-11-02T09:00:00+00:00", "last_digest_up_to": "2026-11-20T16:00:00+00:00"},
    ]

    delete_account(parent, by=parent)
    assert TopicSubscription.objects.count() == 0
