import datetime

import pytest

from forum_portal.audit.models import AuditEvent
from information import services
from information.models import Article, ArticleRevision, TopicSubscription
from tests.factories import ForumStaffFactory, UserFactory
from tests.factories.information import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_create_article_renders_markdown_once_and_records_history():
    staff = ForumStaffFactory()
    topic = TopicFactory(name="Education", slug="education")

    article = services.create_article(
        kind=Article.Kind.GUIDE,
        by=staff,
        title="EHC plans explained",
        summary="What an EHC plan is.",
        body="## Asking\n\nWrite to the <b>council</b>.",
        easy_read="A plan says what help your child gets.",
        topics=[topic],
    )

    article.refresh_from_db()
    assert article.slug == "ehc-plans-explained"
    assert article.status == Article.Status.DRAFT
    assert article.body_html == (
        '<h2 class="govuk-heading-m">Asking</h2>\n<p class="govuk-body">Write to the &lt;b&gt;council&lt;/b&gt;.</p>'
    )
    # Shown larger by the page's style (.portal-prose--easy-read), lists and headings too.
    assert article.easy_read_html == '<p class="govuk-body">A plan says what help your child gets.</p>'
    assert article.owner == staff
    assert list(article.topics.all()) == [topic]
    assert list(article.revisions.values_list("action", "by")) == [("created", staff.pk)]


def test_create_article_gives_a_second_page_of_the_same_title_its_own_slug():
    staff = ForumStaffFactory()
    first = services.create_article(kind="guide", by=staff, title="Transport", summary="s", body="b")
    second = services.create_article(kind="news", by=staff, title="Transport", summary="s", body="b")

    assert (first.slug, second.slug) == ("transport", "transport-2")


def test_update_article_rerenders_changed_text_and_lists_changed_fields():
    staff = ForumStaffFactory()
    article = ArticleFactory(body="old")
    topic = TopicFactory()

    services.update_article(article, by=staff, topics=[topic], title=article.title, body="*new*")

    article.refresh_from_db()
    assert article.body_html == '<p class="govuk-body"><em>new</em></p>'
    revision = ArticleRevision.objects.get(article=article)
    assert (revision.action, revision.changed_fields, revision.by) == ("edited", ["body", "topics"], staff)


def test_update_article_without_changes_writes_no_history():
    article = ArticleFactory(body="same")

    services.update_article(article, by=ForumStaffFactory(), body="same")

    assert ArticleRevision.objects.filter(article=article).count() == 0


def test_publish_article_sets_the_date_once_and_is_audited():
    staff = ForumStaffFactory()
    article = ArticleFactory()

    services.publish_article(article, by=staff)
    article.refresh_from_db()
    first_date = article.published_at
    services.unpublish_article(article, by=staff)
    services.publish_article(article, by=staff)

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == first_date
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "information.article_published",
        "information.article_unpublished",
        "information.article_published",
    ]
    assert list(article.revisions.order_by("id").values_list("action", flat=True)) == [
        "published",
        "unpublished",
        "published",
    ]


def test_publish_article_twice_changes_nothing_the_second_time():
    staff = ForumStaffFactory()
    article = ArticleFactory()

    services.publish_article(article, by=staff)
    services.publish_article(article, by=staff)

    assert AuditEvent.objects.count() == 1


def test_mark_article_reviewed_sets_today_and_next_date(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC))
    article = ArticleFactory(review_due=datetime.date(2026, 3, 1))

    services.mark_article_reviewed(article, by=ForumStaffFactory(), next_review_due=datetime.date(2027, 3, 1))

    article.refresh_from_db()
    assert (article.last_reviewed, article.review_due) == (datetime.date(2026, 3, 2), datetime.date(2027, 3, 1))


def test_set_followed_topics_adds_and_removes():
    user = UserFactory()
    keep, drop, add = TopicFactory(), TopicFactory(), TopicFactory()
    services.set_followed_topics(user, topics=[keep, drop])

    services.set_followed_topics(user, topics=[keep, add])

    assert set(TopicSubscription.objects.filter(user=user).values_list("topic_id", flat=True)) == {keep.pk, add.pk}
