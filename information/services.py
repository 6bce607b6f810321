"""Writes of the first rung: articles (guides and news), their history, and topic subscriptions.

Markdown is turned into HTML here, when the text is saved, never when a page is shown.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from forum_portal.audit.services import record_event
from forum_portal.markdown import render_markdown
from forum_portal.notify.services import queue_email

from .models import (
    Article,
    ArticleRevision,
    Attachment,
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    ServiceOrganisation,
    Taxonomy,
    TaxonomyTerm,
    Topic,
    TopicSubscription,
)

EDITABLE_FIELDS = ["title", "summary", "body", "easy_read", "audience", "owner", "last_reviewed", "review_due"]


def refresh_search_vectors(articles=None, services=None) -> None:
    """Store the full-text search vectors of these articles and services (querysets), on PostgreSQL.

    Every writer of their text calls this after saving: the search reads the stored vector, as
    computing it per row per search took over a second at 700 guides. SQLite has no vectors; its
    search reads the text itself.
    """
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    if articles is not None:
        articles.update(
            search_vector=SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
    if services is not None:
        services.update(
            search_vector=SearchVector("name", weight="A", config="english")
            + SearchVector("description", weight="B", config="english")
        )


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
        refresh_search_vectors(articles=Article.objects.filter(pk=article.pk))
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
            if {"title", "summary", "body"} & set(changed):
                refresh_search_vectors(articles=Article.objects.filter(pk=article.pk))
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


def save_topic(topic: Topic | None = None, *, by, name: str, description: str = "") -> Topic:
    """Create a topic, or rename and describe one. Its address (slug) stays once made, so links
    in past digests keep working."""
    with transaction.atomic():
        if topic is None:
            topic = Topic.objects.create(name=name, slug=slugify(name), description=description)
            record_event("information.topic_created", actor=by, obj=topic)
        else:
            topic.name, topic.description = name, description
            topic.save(update_fields=["name", "description"])
    return topic


def add_attachment(article: Article, *, by, title: str, file) -> Attachment:
    """Attach a checked file (the form checks its type and size) and note it in the history."""
    with transaction.atomic():
        attachment = Attachment.objects.create(article=article, title=title, file=file, size=file.size)
        ArticleRevision.objects.create(article=article, by=by, action="file added", changed_fields=[title])
    return attachment


# --- Importing an Open Referral UK feed ----------------------------------------------------------


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record id, why)


def import_oruk_services(records: list[dict]) -> ImportReport:
    """Create or update services (with organisations, locations, contacts and taxonomy terms)
    from Open Referral UK service objects, keeping the feed's UUIDs as ours.

    Importing the same feed again updates the rows instead of duplicating them. A bad record is
    reported by its id and skipped; the others are still imported (each in its own savepoint).
    """
    report = ImportReport()
    imported_ids = []
    for record in records:
        record_id = str(record.get("id", "")) if isinstance(record, dict) else ""
        try:
            with transaction.atomic():
                _import_service(record)
        except (KeyError, TypeError, ValueError, ValidationError, IntegrityError) as exc:
            report.skipped.append((record_id or "(no id)", _reason(exc)))
        else:
            report.imported.append(record_id)
            imported_ids.append(record_id)
    refresh_search_vectors(services=Service.objects.filter(pk__in=imported_ids))
    return report


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]}"
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or exc.__class__.__name__


def _text(data: dict, key: str, limit: int | None = None) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str):
        value = str(value)
    return value[:limit] if limit else value


def _age(value) -> int | None:
    return None if value in (None, "") else int(float(value))


def _import_service(record: dict) -> Service:
    service_id = uuid.UUID(str(record["id"]))
    name = record["name"].strip()
    if not name:
        raise ValueError("the service has no name")
    organisation_data = record.get("organization") or {}
    organisation_id = uuid.UUID(str(organisation_data.get("id") or record["organization_id"]))
    organisation, _ = ServiceOrganisation.objects.update_or_create(
        id=organisation_id,
        defaults={
            "name": _text(organisation_data, "name", 200) or "Unnamed organisation",
            "description": _text(organisation_data, "description"),
            "email": _text(organisation_data, "email", 254),
            "website": _text(organisation_data, "website", 200),
        },
    )
    status = record.get("status") or Service.Status.ACTIVE
    if status not in Service.Status.values:
        raise ValueError(f"unknown status {status!r}")
    cost_options = record.get("cost_options") or []
    areas = record.get("service_areas") or []
    fields = {
        "organisation": organisation,
        "name": name[:200],
        "description": _text(record, "description"),
        "url": _text(record, "url", 200),
        "email": _text(record, "email", 254),
        "status": status,
        "cost": (_text(cost_options[0], "amount_description") if cost_options else _text(record, "fees"))[:250],
        "minimum_age": _age(record.get("minimum_age")),
        "maximum_age": _age(record.get("maximum_age")),
        "area": _text(areas[0], "name", 100) if areas else "",
        "last_modified": parse_datetime(record.get("last_modified") or "") or timezone.now(),
    }
    # Check the record as a whole first; the database then holds only what the model accepts.
    Service(id=service_id, **fields).full_clean(validate_unique=False)
    # update_or_create, not save(): a model whose key has a default always INSERTs on save().
    service, _ = Service.objects.update_or_create(id=service_id, defaults=fields)

    for place in record.get("service_at_locations") or []:
        location_data = place.get("location") or {}
        address = (location_data.get("addresses") or [{}])[0]
        location, _ = Location.objects.update_or_create(
            id=uuid.UUID(str(location_data.get("id") or place["location_id"])),
            defaults={
                "name": _text(location_data, "name", 200),
                "address": _text(address, "address_1", 250),
                "city": _text(address, "city", 100),
                "postcode": _text(address, "postal_code", 10),
                "latitude": location_data.get("latitude"),
                "longitude": location_data.get("longitude"),
            },
        )
        ServiceAtLocation.objects.update_or_create(
            id=uuid.UUID(str(place["id"])), defaults={"service": service, "location": location}
        )

    for contact in record.get("contacts") or []:
        phones = contact.get("phones") or [{}]
        Contact.objects.update_or_create(
            id=uuid.UUID(str(contact["id"])),
            defaults={
                "service": service,
                "name": _text(contact, "name", 200),
                "title": _text(contact, "title", 200),
                "email": _text(contact, "email", 254),
                "phone": _text(phones[0], "number", 40),
            },
        )

    terms = []
    for attribute in record.get("attributes") or []:
        term_data = attribute.get("taxonomy_term") or {"id": attribute["taxonomy_term_id"]}
        taxonomy = None
        taxonomy_data = term_data.get("taxonomy_detail") or {}
        taxonomy_id = term_data.get("taxonomy_id") or taxonomy_data.get("id")
        if taxonomy_id:
            taxonomy, _ = Taxonomy.objects.update_or_create(
                id=uuid.UUID(str(taxonomy_id)),
                defaults={
                    "name": _text(taxonomy_data, "name", 200) or _text(term_data, "taxonomy", 200) or "Taxonomy",
                    "description": _text(taxonomy_data, "description"),
                    "uri": _text(taxonomy_data, "uri", 200),
                    "version": _text(taxonomy_data, "version", 50),
                },
            )
        term, _ = TaxonomyTerm.objects.update_or_create(
            id=uuid.UUID(str(term_data["id"])),
            defaults={
                "name": _text(term_data, "name", 200) or "Unnamed term",
                "description": _text(term_data, "description"),
                "code": _text(term_data, "term", 100),
                "taxonomy": taxonomy,
            },
        )
        terms.append(term)
    service.taxonomy_terms.set(terms)
    return service


# --- Email: topic digests and review reminders --------------------------------------------------

DIGEST_WINDOW = timedelta(days=7)


def send_topic_digests(*, now: datetime | None = None) -> int:
    """Queue each follower a digest of what was published in their topics in the past week.

    Nothing is queued for someone with nothing new. The dedupe key names the ISO week, so a job
    that runs twice in a week (or is retried) sends each person one digest.
    """
    now = now or timezone.now()
    since = now - DIGEST_WINDOW
    articles = list(
        Article.objects.published()
        .filter(published_at__gte=since, published_at__lt=now)
        .defer("body", "body_html", "easy_read", "easy_read_html")
        .prefetch_related("topics")
        .order_by("-published_at", "id")
    )
    if not articles:
        return 0
    by_topic: dict[int, list[Article]] = {}
    for article in articles:
        for topic in article.topics.all():
            by_topic.setdefault(topic.pk, []).append(article)

    followed: dict = {}
    subscriptions = TopicSubscription.objects.filter(topic_id__in=by_topic, user__is_active=True).select_related(
        "user", "topic"
    )
    for subscription in subscriptions.order_by("user_id", "topic__name"):
        followed.setdefault(subscription.user, []).append(subscription.topic)

    year, week, _ = timezone.localtime(now).isocalendar()
    queued = 0
    for user, topics in followed.items():
        sections = [(topic, by_topic[topic.pk]) for topic in topics]
        email = queue_email(
            kind="information_digest",
            to=user,
            dedupe_key=f"information-digest:{user.pk}:{year}-W{week:02d}",
            template="information_digest",
            context={"sections": sections, "since": since, "count": len({a.pk for _, rows in sections for a in rows})},
        )
        queued += email is not None
    return queued


def send_review_reminders(*, today: date | None = None) -> int:
    """Remind each page's owner once that its review date has passed (once per review date)."""
    today = today or timezone.localdate()
    queued = 0
    overdue = Article.objects.review_overdue(today).filter(owner__isnull=False, owner__is_active=True)
    for article in overdue.select_related("owner").order_by("review_due", "id"):
        email = queue_email(
            kind="information_review_due",
            to=article.owner,
            dedupe_key=f"information-review:{article.pk}:{article.review_due.isoformat()}",
            template="information_review_due",
            context={"article": article},
        )
        queued += email is not None
    return queued
