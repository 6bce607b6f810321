"""Writes of the first rung: articles (guides and news), their history, and topic subscriptions.

Markdown is turned into HTML here, when the text is saved, never when a page is shown.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from forum_portal.audit.services import record_event
from forum_portal.markdown import render_markdown
from forum_portal.notify.services import queue_email

from . import oruk
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
            easy_read_html=render_markdown(easy_read),
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
            article.easy_read_html = render_markdown(article.easy_read)
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


def save_article_from_admin(article: Article, *, by, created: bool, changed_fields: list[str]) -> Article:
    """Save an article as the Django admin changed it, as the portal's own pages would: its
    Markdown rendered, its search vector refreshed, and the change in its history."""
    with transaction.atomic():
        article.body_html = render_markdown(article.body)
        article.easy_read_html = render_markdown(article.easy_read)
        if changed_fields:
            article.updated_at = timezone.now()
        article.save()
        if created:
            ArticleRevision.objects.create(article=article, by=by, action="created", changed_fields=[])
        elif changed_fields:
            ArticleRevision.objects.create(article=article, by=by, action="edited", changed_fields=list(changed_fields))
        refresh_search_vectors(articles=Article.objects.filter(pk=article.pk))
    return article


def record_attachment_changes(*, by, added=(), changed=(), removed=()) -> None:
    """Files added, changed or removed in the Django admin, each in its page's history as the
    portal's own "Attach a document" notes a file added."""
    ArticleRevision.objects.bulk_create(
        [
            ArticleRevision(article_id=attachment.article_id, by=by, action=action, changed_fields=[attachment.title])
            for action, attachments in (("file added", added), ("file changed", changed), ("file removed", removed))
            for attachment in attachments
        ]
    )


# --- Importing an Open Referral UK feed ----------------------------------------------------------


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record id, why)


# What one bad record can raise: our own checks (oruk.BadRecord, a ValueError), the model's
# validation, and the database refusing a value (DataError) or a duplicate (IntegrityError). Key,
# type and attribute errors stand for a shape the checks did not foresee: that record is still
# only reported, never the end of the import. A lost connection (OperationalError) ends it.
RECORD_ERRORS = (ValueError, KeyError, TypeError, AttributeError, ValidationError, DataError, IntegrityError)


def import_oruk_services(records: list) -> ImportReport:
    """Create or update services (with organisations, locations, contacts and taxonomy terms)
    from Open Referral UK service objects, keeping the feed's UUIDs as ours.

    Importing the same feed again updates the rows instead of duplicating them, and what a record
    leaves out is kept: a summary from ``/services`` leaves a service's locations, contacts and
    taxonomy terms as they were. A list the record does give (``attributes``, ``contacts``,
    ``service_at_locations``) replaces the service's own. A bad record is reported by its id and
    skipped; the others are still imported, each in its own savepoint.
    """
    report = ImportReport()
    for record in records:
        record_id = record.get("id") if isinstance(record, dict) else None
        record_id = record_id if isinstance(record_id, str) and record_id else "(no id)"
        try:
            with transaction.atomic():
                _import_service(record)
        except RECORD_ERRORS as exc:
            report.skipped.append((record_id, _reason(exc)))
        else:
            report.imported.append(record_id)
    refresh_search_vectors(services=Service.objects.filter(pk__in=report.imported))
    return report


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]}"
    if isinstance(exc, ValidationError):
        if not hasattr(exc, "error_dict"):
            return "; ".join(exc.messages)
        return "; ".join(
            message if name == NON_FIELD_ERRORS else f"{name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    if isinstance(exc, DataError | IntegrityError):
        # The database's own words name tables and columns; the first line says what was wrong.
        return f"the database refused it: {str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}"
    return str(exc) or exc.__class__.__name__


def _save_checked(instance, *, exclude=()):
    """Save a row once the model accepts all of it, so a bad value is reported, not stored."""
    instance.full_clean(exclude=list(exclude), validate_unique=False)
    instance.save()
    return instance


def _set_present(instance, data: dict, readers: dict) -> None:
    """Set the fields whose keys ``data`` has; a field the record leaves out keeps its value."""
    for key, (field_name, read) in readers.items():
        if key in data:
            setattr(instance, field_name, read())


def _import_service(record) -> Service:
    if not isinstance(record, dict):
        raise oruk.BadRecord("the record is not an object")
    service_id = oruk.read_uuid(record.get("id"), "id")
    name = oruk.read_text(record, "name")
    if not name:
        raise oruk.BadRecord("the service has no name")
    organisation = _import_organisation(record)

    service = Service.objects.select_for_update().filter(pk=service_id).first() or Service(id=service_id)
    service.organisation, service.name = organisation, name[:200]
    _set_present(
        service,
        record,
        {
            "description": ("description", lambda: oruk.read_text(record, "description")),
            "url": ("url", lambda: oruk.read_text(record, "url", limit=200)),
            "email": ("email", lambda: oruk.read_text(record, "email", limit=254)),
            "status": ("status", lambda: oruk.read_text(record, "status") or Service.Status.ACTIVE),
            "minimum_age": ("minimum_age", lambda: oruk.read_whole_number(record, "minimum_age")),
            "maximum_age": ("maximum_age", lambda: oruk.read_whole_number(record, "maximum_age")),
            "service_areas": ("area", lambda: _first_text(record, "service_areas", "name", limit=100)),
            "last_modified": ("last_modified", lambda: _read_datetime(record, "last_modified")),
        },
    )
    if service.status not in Service.Status.values:
        raise oruk.BadRecord(f"unknown status {service.status!r}")
    if record.get("cost_options"):
        service.cost = _first_text(record, "cost_options", "amount_description", limit=250)
    elif "fees" in record or "cost_options" in record:
        service.cost = oruk.read_text(record, "fees", limit=250)
    _save_checked(service)

    if "service_at_locations" in record:
        _import_places(service, record)
    if "contacts" in record:
        _import_contacts(service, record)
    if "attributes" in record:
        terms = [
            _import_attribute(attribute, f"attributes[{number}]")
            for number, attribute in enumerate(oruk.read_objects(record, "attributes"))
        ]
        service.taxonomy_terms.set(terms)
    return service


def _first_text(record: dict, key: str, text_key: str, *, limit: int) -> str:
    rows = oruk.read_objects(record, key)
    return oruk.read_text(rows[0], text_key, f"{key}[0]", limit=limit) if rows else ""


def _read_datetime(record: dict, key: str) -> datetime:
    text = oruk.read_text(record, key)
    if not text:
        return timezone.now()
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise oruk.BadRecord(f"{key} {text!r} is not a date and time")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def _import_organisation(record: dict) -> ServiceOrganisation:
    data = oruk.read_object(record, "organization")
    if not data:
        # Named by id only: it must be one imported before.
        organisation_id = oruk.read_uuid(record.get("organization_id"), "organization_id")
        organisation = ServiceOrganisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise oruk.BadRecord(f"organization_id {organisation_id} is not in the feed or the directory")
        return organisation
    organisation_id = oruk.read_uuid(data.get("id") or record.get("organization_id"), "organization.id")
    organisation = ServiceOrganisation.objects.filter(pk=organisation_id).first() or ServiceOrganisation(
        id=organisation_id, name="Unnamed organisation"
    )
    _set_present(
        organisation,
        data,
        {
            "name": ("name", lambda: oruk.read_text(data, "name", "organization", limit=200) or organisation.name),
            "description": ("description", lambda: oruk.read_text(data, "description", "organization")),
            "email": ("email", lambda: oruk.read_text(data, "email", "organization", limit=254)),
            "website": ("website", lambda: oruk.read_text(data, "website", "organization", limit=200)),
        },
    )
    return _save_checked(organisation)


def _import_places(service: Service, record: dict) -> None:
    places = []
    for number, place in enumerate(oruk.read_objects(record, "service_at_locations")):
        where = f"service_at_locations[{number}]"
        places.append((oruk.read_uuid(place.get("id"), f"{where}.id"), _import_location(place, where)))
    # The places the record no longer lists go first, so one moved to a new id can come back.
    service.service_at_locations.exclude(pk__in=[place_id for place_id, _ in places]).delete()
    for place_id, location in places:
        ServiceAtLocation.objects.update_or_create(id=place_id, defaults={"service": service, "location": location})


def _import_location(place: dict, where: str) -> Location:
    data = oruk.read_object(place, "location", where)
    if not data:
        location_id = oruk.read_uuid(place.get("location_id"), f"{where}.location_id")
        location = Location.objects.filter(pk=location_id).first()
        if location is None:
            raise oruk.BadRecord(f"{where}.location_id {location_id} is not in the feed or the directory")
        return location
    where = f"{where}.location"
    location_id = oruk.read_uuid(data.get("id") or place.get("location_id"), f"{where}.id")
    location = Location.objects.filter(pk=location_id).first() or Location(id=location_id)
    _set_present(
        location,
        data,
        {
            "name": ("name", lambda: oruk.read_text(data, "name", where, limit=200)),
            "latitude": ("latitude", lambda: oruk.read_coordinate(data, "latitude", where, limit=90)),
            "longitude": ("longitude", lambda: oruk.read_coordinate(data, "longitude", where, limit=180)),
        },
    )
    if "addresses" in data:
        addresses = oruk.read_objects(data, "addresses", where)
        address, address_where = (addresses[0], f"{where}.addresses[0]") if addresses else ({}, where)
        location.address = oruk.read_text(address, "address_1", address_where, limit=250)
        location.city = oruk.read_text(address, "city", address_where, limit=100)
        location.postcode = oruk.read_text(address, "postal_code", address_where, limit=10)
    return _save_checked(location)


def _import_contacts(service: Service, record: dict) -> None:
    contacts = oruk.read_objects(record, "contacts")
    ids = [oruk.read_uuid(contact.get("id"), f"contacts[{number}].id") for number, contact in enumerate(contacts)]
    service.contacts.exclude(pk__in=ids).delete()
    for number, (contact_id, data) in enumerate(zip(ids, contacts, strict=True)):
        where = f"contacts[{number}]"
        phones = oruk.read_objects(data, "phones", where)
        contact = Contact.objects.filter(pk=contact_id).first() or Contact(id=contact_id)
        contact.service = service
        contact.name = oruk.read_text(data, "name", where, limit=200)
        contact.title = oruk.read_text(data, "title", where, limit=200)
        contact.email = oruk.read_text(data, "email", where, limit=254)
        contact.phone = oruk.read_text(phones[0], "number", f"{where}.phones[0]", limit=40) if phones else ""
        _save_checked(contact)


def _import_attribute(attribute: dict, where: str) -> TaxonomyTerm:
    data = oruk.read_object(attribute, "taxonomy_term", where)
    if not data:
        term_id = oruk.read_uuid(attribute.get("taxonomy_term_id"), f"{where}.taxonomy_term_id")
        term = TaxonomyTerm.objects.filter(pk=term_id).first()
        if term is None:
            raise oruk.BadRecord(f"{where}.taxonomy_term_id {term_id} is not in the feed or the directory")
        return term
    where = f"{where}.taxonomy_term"
    term_id = oruk.read_uuid(data.get("id") or attribute.get("taxonomy_term_id"), f"{where}.id")
    term = TaxonomyTerm.objects.filter(pk=term_id).first() or TaxonomyTerm(id=term_id, name="Unnamed term")
    _set_present(
        term,
        data,
        {
            "name": ("name", lambda: oruk.read_text(data, "name", where, limit=200) or term.name),
            "description": ("description", lambda: oruk.read_text(data, "description", where)),
            "term": ("code", lambda: oruk.read_text(data, "term", where, limit=100)),
            # Kept as the feed gives it, even when the broader term is not in the directory.
            "parent_id": (
                "parent_id",
                lambda: oruk.read_uuid(data["parent_id"], f"{where}.parent_id") if data["parent_id"] else None,
            ),
        },
    )
    taxonomy = _import_taxonomy(data, where)
    if taxonomy is not None:
        term.taxonomy = taxonomy
    # The broader term may be one the directory does not hold (see TaxonomyTerm.parent).
    return _save_checked(term, exclude=["parent"])


def _import_taxonomy(term: dict, where: str) -> Taxonomy | None:
    """The taxonomy a term names: by id (with or without its details), or only by name, in which
    case the one of that name is used, or made."""
    detail = oruk.read_object(term, "taxonomy_detail", where)
    detail_where = f"{where}.taxonomy_detail"
    name = oruk.read_text(detail, "name", detail_where, limit=200) or oruk.read_text(term, "taxonomy", where, limit=200)
    taxonomy_id = term.get("taxonomy_id") or detail.get("id")
    if not taxonomy_id:
        if not name:
            return None
        return Taxonomy.objects.filter(name=name).order_by("id").first() or Taxonomy.objects.create(name=name)
    taxonomy_id = oruk.read_uuid(taxonomy_id, f"{where}.taxonomy_id")
    taxonomy = Taxonomy.objects.filter(pk=taxonomy_id).first()
    if taxonomy is None:
        if not name:
            raise oruk.BadRecord(f"{where}.taxonomy_id {taxonomy_id} is not in the feed or the directory")
        taxonomy = Taxonomy(id=taxonomy_id, name=name)
    elif "name" in detail:
        taxonomy.name = name or taxonomy.name
    _set_present(
        taxonomy,
        detail,
        {
            "description": ("description", lambda: oruk.read_text(detail, "description", detail_where)),
            "uri": ("uri", lambda: oruk.read_text(detail, "uri", detail_where, limit=200)),
            "version": ("version", lambda: oruk.read_text(detail, "version", detail_where, limit=50)),
        },
    )
    return _save_checked(taxonomy)


# --- Email: topic digests and review reminders --------------------------------------------------

# A person's first digest covers the past week; no digest reaches back further than four weeks, so
# someone who switched digests off and on again is not sent months of news at once.
DIGEST_FIRST_WINDOW = timedelta(days=7)
DIGEST_LOOKBACK = timedelta(days=28)


def send_topic_digests(*, now: datetime | None = None) -> int:
    """Queue each follower a digest of what was published in their topics since their last one.

    Nothing is queued for someone with nothing new. The dedupe key names the ISO week, so a job
    that runs twice in a week (or is retried) sends each person one digest that week; as each
    digest starts where the person's last one ended, not a fixed week back, what a later run in
    the same week found comes in the next week's digest instead of being lost.
    """
    now = now or timezone.now()
    articles = list(
        Article.objects.published()
        .filter(published_at__gte=now - DIGEST_LOOKBACK, published_at__lt=now)
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

    # The end of each person's last digest, over all the topics they follow.
    last_digest = (
        TopicSubscription.objects.filter(user=OuterRef("user"), digested_until__isnull=False)
        .order_by("-digested_until")
        .values("digested_until")[:1]
    )
    subscriptions = (
        TopicSubscription.objects.filter(topic_id__in=by_topic, user__is_active=True)
        .select_related("user", "topic")
        .annotate(last_digest=Subquery(last_digest))
        .order_by("user_id", "topic__name")
    )
    followed: dict = {}
    for subscription in subscriptions:
        followed.setdefault(subscription.user, []).append(subscription)

    year, week, _ = timezone.localtime(now).isocalendar()
    queued = 0
    for user, rows in followed.items():
        since = max(rows[0].last_digest or now - DIGEST_FIRST_WINDOW, now - DIGEST_LOOKBACK)
        sections = [
            (row.topic, [article for article in by_topic[row.topic_id] if article.published_at >= since])
            for row in rows
        ]
        sections = [(topic, found) for topic, found in sections if found]
        if not sections:
            continue
        with transaction.atomic():
            email = queue_email(
                kind="information_digest",
                to=user,
                dedupe_key=f"information-digest:{user.pk}:{year}-W{week:02d}",
                template="information_digest",
                context={"sections": sections, "since": since, "count": len({a.pk for _, f in sections for a in f})},
            )
            if email is not None:
                TopicSubscription.objects.filter(user=user).update(digested_until=now)
                queued += 1
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
