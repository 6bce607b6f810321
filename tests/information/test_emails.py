import datetime
import re

import pytest
from django.urls import reverse

from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from information import services
from information.tasks import send_review_reminders_task, send_topic_digests_task
from tests.factories import ForumStaffFactory, ParentCarerFactory
from tests.factories.information import ArticleFactory, PublishedArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=datetime.UTC)  # a Friday, outside quiet hours


def published(days_ago, **kwargs):
    return PublishedArticleFactory(published_at=NOW - datetime.timedelta(days=days_ago), **kwargs)


def test_digest_lists_new_articles_in_followed_topics_only():
    health, money = TopicFactory(name="Health"), TopicFactory(name="Money")
    parent = ParentCarerFactory(full_name="Jo Bennett")
    services.set_followed_topics(parent, topics=[health])
    published(2, title="New wheelchair guide", topics=[health])
    published(9, title="Old health news", topics=[health])
    published(1, title="Benefits guide", topics=[money])
    ArticleFactory(title="Draft health guide", topics=[health])

    assert services.send_topic_digests(now=NOW) == 1

    email = OutgoingEmail.objects.get()
    assert (email.kind, email.recipient, email.subject) == (
        "information_digest",
        parent.email,
        "1 new in the topics you follow",
    )
    assert "New wheelchair guide" in email.body_text
    assert "Old health news" not in email.body_text
    assert "Benefits guide" not in email.body_text
    assert "Draft health guide" not in email.body_text
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.dedupe_key == f"information-digest:{parent.pk}:2026-W47"


def test_digest_sends_nothing_when_nothing_is_new():
    health = TopicFactory()
    services.set_followed_topics(ParentCarerFactory(), topics=[health])
    published(10, topics=[health])

    assert services.send_topic_digests(now=NOW) == 0
    assert OutgoingEmail.objects.count() == 0


def test_digest_runs_twice_in_a_week_but_sends_once(time_machine):
    time_machine.move_to(NOW)
    health = TopicFactory()
    services.set_followed_topics(ParentCarerFactory(), topics=[health])
    published(1, topics=[health])

    send_topic_digests_task.apply()
    send_topic_digests_task.apply()

    assert OutgoingEmail.objects.filter(kind="information_digest").count() == 1


def test_unsubscribing_from_the_digest_stops_the_next_one(client):
    health = TopicFactory()
    parent = ParentCarerFactory()
    services.set_followed_topics(parent, topics=[health])
    published(1, topics=[health])
    services.send_topic_digests(now=NOW)
    link = re.search(r"/email/unsubscribe/\S+/", OutgoingEmail.objects.get().body_text).group(0)

    client.post(link)
    published(0, topics=[health])
    queued = services.send_topic_digests(now=NOW + datetime.timedelta(days=7))

    assert EmailOptOut.objects.filter(email=parent.email, kind="information_digest").count() == 1
    assert queued == 0


def test_review_reminder_goes_to_the_owner_once_per_review_date(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 2, 9, tzinfo=datetime.UTC))
    owner = ForumStaffFactory()
    article = PublishedArticleFactory(owner=owner, title="Transport guide", review_due=datetime.date(2026, 6, 1))
    PublishedArticleFactory(owner=owner, review_due=datetime.date(2026, 6, 2))  # due today, not yet past

    send_review_reminders_task.apply()
    send_review_reminders_task.apply()

    email = OutgoingEmail.objects.get()
    assert (email.kind, email.recipient, email.subject) == (
        "information_review_due",
        owner.email,
        "Please review: Transport guide",
    )
    assert reverse("information:article-edit", args=[article.pk]) in email.body_text

    services.mark_article_reviewed(article, by=owner, next_review_due=datetime.date(2026, 6, 1))
    send_review_reminders_task.apply()
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.parametrize("count", [1, 5])
def test_digest_query_count_does_not_grow_with_articles(django_assert_num_queries, count):
    health = TopicFactory()
    services.set_followed_topics(ParentCarerFactory(), topics=[health])
    for _ in range(count):
        published(1, topics=[health])

    # articles, their topics, subscriptions with people; then per email: opt-out check, insert (savepoint)
    with django_assert_num_queries(7):
        services.send_topic_digests(now=NOW)
