"""Writes of the first rung: articles (guides and news), their history, and topic subscriptions.

Markdown is turned into HTML here, when the text is saved, never when a page is shown.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from forum_portal.audit.services import record_event
from forum_portal.markdown import render_markdown

from .models import Article, ArticleRevision, Attachment, Topic, TopicSubscription

EDITABLE_FIELDS = ["title", "summary", "body", "easy_read", "audience", "owner", "last_reviewed", "review_due"]


def render_easy_read(text: str) -> str:
    """Easy Read is shown in larger text: the same Markdown, with GOV.UK's larger body style."""
    return render_markdown(text).replace('class="govuk-body"', 'class="govuk-body-l"')


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "page"
    slug, number = base, 2
    while Article.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_article(
    *,
    kind: str,
    by,
    title: str,
    summary: str,
    body: str,
    easy_read: str = "",
    audience: str = "parents",
    topics=(),
    owner=None,
    last_reviewed: date | None = None,
    review_due: date | None = None,
) -> Article:
    """A new draft, its Markdown rendered once, its first history entry written."""
    with transaction.atomic():
        article = Article.objects.create(
            kind=kind,
            title=title,
            slug=_unique_slug(title),
            summary=summary,
            body=body,
            body_html=render_markdown(body),
            easy_read=easy_read,
            easy_read_html=render_easy_read(easy_read),
            audience=audience,
            owner=owner or by,
            last_reviewed=last_reviewed,
            review_due=review_due,
        )
        article.topics.set(topics)
        ArticleRevision.objects.create(article=article, by=by, action="created", changed_fields=[])
    return article


def update_article(article: Article, *, by, topics=None, **fields) -> Article:
    """Save the changed fields (re-rendering changed Markdown) and note which fields changed."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        changed = [name for name, value in fields.items() if getattr(article, name) != value]
        for name in changed:
            setattr(article, name, fields[name])
        if "body" in changed:
            article.body_html = render_markdown(article.body)
        if "easy_read" in changed:
            article.easy_read_html = render_easy_read(article.easy_read)
        if topics is not None:
            new_ids = {topic.pk for topic in topics}
            if new_ids != set(article.topics.values_list("pk", flat=True)):
                article.topics.set(topics)
                changed.append("topics")
        if changed:
            article.updated_at = timezone.now()
            article.save()
            ArticleRevision.objects.create(article=article, by=by, action="edited", changed_fields=changed)
    return article


def publish_article(article: Article, *, by) -> Article:
    """Publish a draft. The first publication date stays when a page is published again, so a
    corrected page does not jump back to the top of the news."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == Article.Status.PUBLISHED:
            return article
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
        article.save(update_fields=["status", "published_at"])
        ArticleRevision.objects.create(article=article, by=by, action="published")
        record_event("information.article_published", actor=by, obj=article, kind=article.kind)
    return article


def unpublish_article(article: Article, *, by) -> Article:
    """Take a published page back to draft: it disappears from lists, search and digests."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == Article.Status.DRAFT:
            return article
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status"])
        ArticleRevision.objects.create(article=article, by=by, action="unpublished")
        record_event("information.article_unpublished", actor=by, obj=article, kind=article.kind)
    return article


def mark_article_reviewed(article: Article, *, by, next_review_due: date) -> Article:
    """The owner checked the page is still right: note today and when to look again."""
    return update_article(article, by=by, last_reviewed=timezone.localdate(), review_due=next_review_due)


def set_followed_topics(user, *, topics) -> None:
    """Make ``user`` follow exactly ``topics``."""
    wanted = {topic.pk for topic in topics}
    with transaction.atomic():
        TopicSubscription.objects.filter(user=user).exclude(topic_id__in=wanted).delete()
        have = set(TopicSubscription.objects.filter(user=user).values_list("topic_id", flat=True))
        TopicSubscription.objects.bulk_create(
            [TopicSubscription(user=user, topic_id=pk) for pk in sorted(wanted - have)], ignore_conflicts=True
        )


def create_topic(*, name: str, description: str = "") -> Topic:
    topic, _ = Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name, "description": description})
    return topic


def add_attachment(article: Article, *, by, title: str, file) -> Attachment:
    """Attach a checked file (the form checks its type and size) and note it in the history."""
    with transaction.atomic():
        attachment = Attachment.objects.create(article=article, title=title, file=file, size=file.size)
        ArticleRevision.objects.create(article=article, by=by, action="file added", changed_fields=[title])
    return attachment
