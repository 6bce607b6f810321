"""Reads of the first rung, with their joins applied, and the one search function."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, Service, ServiceAtLocation, Topic, TopicSubscription

SEARCH_LIMIT = 20
LONG_TEXT = ["body", "body_html", "easy_read", "search_vector"]


def published_articles(*, kind: str | None = None, topic: Topic | None = None, audience: str = "") -> QuerySet:
    # Lists show titles and summaries; the long text stays in the database.
    articles = Article.objects.published().defer(*LONG_TEXT)
    if kind:
        articles = articles.filter(kind=kind)
    if topic is not None:
        articles = articles.filter(topics=topic)
    if audience:
        articles = articles.filter(audience=audience)
    return articles.order_by("-published_at", "-id")


def latest_articles(*, limit: int = 3) -> list[Article]:
    return list(Article.objects.published().defer(*LONG_TEXT).order_by("-published_at", "-id")[:limit])


def articles_for_staff() -> QuerySet:
    """Every article, drafts first, with its owner, for the staff's list."""
    return Article.objects.select_related("owner").defer(*LONG_TEXT).order_by("status", "-updated_at", "-id")


def article_for_reading(*, kind: str, slug: str) -> Article | None:
    return (
        Article.objects.filter(kind=kind, slug=slug)
        .select_related("owner")
        .prefetch_related("topics", "attachments")
        .first()
    )


def articles_past_review(today) -> QuerySet:
    return Article.objects.review_overdue(today).select_related("owner").order_by("review_due", "id")


def draft_articles() -> QuerySet:
    return Article.objects.filter(status=Article.Status.DRAFT).order_by("-updated_at", "-id")


def topics_with_counts() -> QuerySet:
    return Topic.objects.annotate(
        published_count=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED))
    ).order_by("name")


def followed_topic_ids(user) -> set[int]:
    return set(TopicSubscription.objects.filter(user=user).values_list("topic_id", flat=True))


# --- The services directory ----------------------------------------------------------------------


def services_for_directory(*, need: str = "", age: int | None = None, area: str = "", term=None) -> QuerySet:
    """Listed services matching the filters, with what a list row shows."""
    services = Service.objects.listed().select_related("organisation")
    if need:
        services = services.filter(needs__need=need)
    if age is not None:
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)).filter(
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
        )
    if area:
        services = services.filter(area=area)
    if term is not None:
        services = services.filter(taxonomy_terms=term)
    return services.order_by("name", "id")


def service_areas() -> list[str]:
    return list(Service.objects.listed().exclude(area="").order_by("area").values_list("area", flat=True).distinct())


def service_for_reading(pk) -> Service | None:
    return (
        Service.objects.listed()
        .filter(pk=pk)
        .select_related("organisation")
        .prefetch_related(
            "needs",
            "contacts",
            "taxonomy_terms__taxonomy",
            Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
        )
        .first()
    )


# --- Search --------------------------------------------------------------------------------------


@dataclass
class SearchResults:
    articles: list
    services: list


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _words(query: str) -> list[str]:
    return [word for word in re.findall(r"\w+", query.lower()) if len(word) > 1][:10]


def highlight(text: str, query: str, *, length: int = 240) -> SafeString:
    """``text`` (shortened around the first match) escaped, with the query's words in <mark>."""
    words = _words(query)
    if len(text) > length:
        start = 0
        if words:
            match = re.search("|".join(re.escape(word) for word in words), text, re.IGNORECASE)
            if match and match.start() > length // 2:
                start = match.start() - length // 3
        text = ("…" if start else "") + text[start : start + length].strip() + "…"
    html = escape(text)
    if words:
        # Whole words and word starts, so "school" marks "schools" too; the words are escaped first.
        pattern = re.compile(r"\b(" + "|".join(re.escape(escape(word)) for word in words) + r")", re.IGNORECASE)
        html = pattern.sub(r"<mark>\1</mark>", html)
    return mark_safe(html)  # noqa: S308 - the text is escaped above; only <mark> is added


def search(
    query: str,
    *,
    topic: Topic | None = None,
    audience: str = "",
    include_services: bool = True,
    full_text: bool | None = None,
) -> SearchResults:
    """Published guides and news, and listed services, matching ``query``, best first.

    On PostgreSQL: full-text search in English with ranking (title above summary above body).
    On SQLite (the embedded default): every word must appear somewhere, titles first. Topic and
    audience filter guides and news; services have neither, so a filter leaves them out.
    ``full_text`` chooses the way explicitly (the default follows the database).
    """
    words = _words(query)
    if not words:
        return SearchResults(articles=[], services=[])
    articles = Article.objects.published().defer(*LONG_TEXT)
    if topic is not None:
        articles = articles.filter(topics=topic)
    if audience:
        articles = articles.filter(audience=audience)
    services = Service.objects.listed().select_related("organisation").defer("search_vector")
    with_services = include_services and topic is None and not audience

    if full_text is None:
        full_text = _uses_postgres()
    if full_text:
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # The stored vectors (see services.refresh_search_vectors), matched with @@ and ranked.
        search_query = SearchQuery(query, search_type="websearch", config="english")
        articles = (
            articles.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-published_at")
        )
        services = (
            services.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "name")
        )
    else:
        for word in words:
            articles = articles.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
            services = services.filter(Q(name__icontains=word) | Q(description__icontains=word))
        articles = articles.order_by("-published_at")
        services = services.order_by("name")

    article_rows = [
        {
            "object": article,
            "title": highlight(article.title, query, length=200),
            "snippet": highlight(article.summary, query),
        }
        for article in articles[:SEARCH_LIMIT]
    ]
    service_rows = []
    if with_services:
        service_rows = [
            {
                "object": service,
                "title": highlight(service.name, query, length=200),
                "snippet": highlight(service.description, query),
            }
            for service in services[:SEARCH_LIMIT]
        ]
    return SearchResults(articles=article_rows, services=service_rows)
