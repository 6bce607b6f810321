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


def digest_titles() -> list[list[str]]:
    """The titles each digest queued so far lists, oldest digest first."""
    return [
        re.findall(r"^- (.+)$", email.body_text, re.MULTILINE)
        for email in OutgoingEmail.objects.filter(kind="information_digest").order_by("id")
    ]


def test_a_digest_run_mid_week_loses_nothing_published_after_it():
    health = TopicFactory(name="Health")
    parent = ParentCarerFactory()
    services.set_followed_topics(parent, topics=[health])
    wednesday = NOW - datetime.timedelta(days=2)
    published(3, title="Monday guide", topics=[health])
    assert services.send_topic_digests(now=wednesday) == 1

    published(1, title="Thursday guide", topics=[health])
    friday = services.send_topic_digests(now=NOW)
    next_friday = services.send_topic_digests(now=NOW + datetime.timedelta(days=7))

    # One digest a week: Friday's run finds this week's already sent, and the next one picks up from Wednesday.
    assert (friday, next_friday) == (0, 1)
    assert digest_titles() == [["Monday guide"], ["Thursday guide"]]
    assert "since 18 November" in OutgoingEmail.objects.order_by("id").last().body_text


def test_a_digest_covers_everything_since_the_last_even_after_a_week_without_one():
    health = TopicFactory(name="Health")
    services.set_followed_topics(ParentCarerFactory(), topics=[health])
    published(1, title="Guide of week 47", topics=[health])
    services.send_topic_digests(now=NOW)

    published(-3, title="Guide of week 48", topics=[health])  # 11 days before the next digest
    services.send_topic_digests(now=NOW + datetime.timedelta(days=14))

    assert digest_titles() == [["Guide of week 47"], ["Guide of week 48"]]


def test_a_digest_reaches_back_four_weeks_at_most():
    health = TopicFactory(name="Health")
    parent = ParentCarerFactory()
    services.set_followed_topics(parent, topics=[health])
    parent.topic_subscriptions.update(digested_until=NOW - datetime.timedelta(days=70))
    published(30, title="Old guide", topics=[health])
    published(3, title="New guide", topics=[health])

    services.send_topic_digests(now=NOW)

    assert digest_titles() == [["New guide"]]


def test_a_newly_followed_topic_joins_from_the_last_digest():
    health, money = TopicFactory(name="Health"), TopicFactory(name="Money")
    parent = ParentCarerFactory()
    services.set_followed_topics(parent, topics=[health])
    published(1, title="Health guide", topics=[health])
    services.send_topic_digests(now=NOW)

    services.set_followed_topics(parent, topics=[health, money])
    published(2, title="Money guide before the last digest", topics=[money])
    published(-2, title="Money guide after it", topics=[money])
    services.send_topic_digests(now=NOW + datetime.timedelta(days=7))

    assert digest_titles() == [["Health guide"], ["Money guide after it"]]
    assert set(parent.topic_subscriptions.values_list("digested_until", flat=True)) == {
        NOW + datetime.timedelta(days=7)
    }


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

    # articles, their topics, subscriptions with people and their last digest; then per person, in a
    # savepoint: the opt-out check, the insert (in its own savepoint), where their digest ended
    with django_assert_num_queries(10):
        services.send_topic_digests(now=NOW)
