"""The information rung: guides, news, topics, search, the services directory and its Open
Referral UK API (all public once published), and forum staff's pages for writing them."""

from django.core.files.base import ContentFile

from information.models import Article, Attachment, Service
from tests.factories.information import (
    ArticleFactory,
    PublishedArticleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    TopicFactory,
)

from .walker import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, row

# Forum staff (and superusers, who hold every permission) write; everyone else is refused.
STAFF_ONLY = {"visitor": LOGIN, "staff": OK, "admin": OK, "others": FORBIDDEN}
STAFF_ONLY_POST = {"visitor": LOGIN, "staff": NOT_ALLOWED, "admin": NOT_ALLOWED, "others": FORBIDDEN}
# Drafts do not exist for anyone but forum staff.
STAFF_SEE_DRAFTS = {"staff": OK, "admin": OK, "others": NOT_FOUND}


def build(world):
    world.topic = TopicFactory(name="Education", slug="education")
    world.guide = PublishedArticleFactory(title="EHC plans", slug="ehc-plans", topics=[world.topic])
    world.draft_guide = ArticleFactory(title="Draft guide", slug="draft-guide")
    world.news = PublishedArticleFactory(kind=Article.Kind.NEWS, title="Forum news", slug="forum-news")
    world.draft_news = ArticleFactory(kind=Article.Kind.NEWS, title="Draft news", slug="draft-news")

    def attach(article):
        attachment = Attachment(article=article, title="Leaflet")
        attachment.file.save("leaflet.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return attachment

    world.attachment = attach(world.guide)
    world.draft_attachment = attach(world.draft_guide)
    place = ServiceAtLocationFactory(service=ServiceFactory(name="Short breaks club"))
    world.service, world.service_at_location = place.service, place
    world.inactive_service = ServiceFactory(name="Closed club", status=Service.Status.INACTIVE)
    world.taxonomy_term = TaxonomyTermFactory()


def by_pk(name):
    return lambda world: {"pk": getattr(world, name).pk}


def by_slug(name):
    return lambda world: {"slug": getattr(world, name).slug}


ROWS = [
    row("information:index", everyone=OK),
    row("information:guide-list", everyone=OK),
    row("information:guide-detail", state="published", kwargs=by_slug("guide"), everyone=OK),
    row("information:guide-detail", state="draft", kwargs=by_slug("draft_guide"), **STAFF_SEE_DRAFTS),
    row("information:news-list", everyone=OK),
    row("information:news-detail", state="published", kwargs=by_slug("news"), everyone=OK),
    row("information:news-detail", state="draft", kwargs=by_slug("draft_news"), **STAFF_SEE_DRAFTS),
    row("information:topics-follow", visitor=LOGIN, signed_in=OK),
    row("information:topic-detail", kwargs=by_slug("topic"), everyone=OK),
    row("information:search", everyone=OK),
    row("information:attachment-download", state="of a published guide", kwargs=by_pk("attachment"), everyone=OK),
    row(
        "information:attachment-download",
        state="of a draft",
        kwargs=by_pk("draft_attachment"),
        **STAFF_SEE_DRAFTS,
    ),
    row("information:service-list", everyone=OK),
    row("information:service-detail", state="active", kwargs=by_pk("service"), everyone=OK),
    # Services no longer running leave the directory.
    row("information:service-detail", state="inactive", kwargs=by_pk("inactive_service"), everyone=NOT_FOUND),
    row("information:article-manage", **STAFF_ONLY),
    row("information:topic-manage", **STAFF_ONLY),
    row("information:topic-edit", kwargs=by_pk("topic"), **STAFF_ONLY),
    row("information:article-create", state="a guide", kwargs=lambda world: {"kind": "guide"}, **STAFF_ONLY),
    row("information:article-edit", state="published", kwargs=by_pk("guide"), **STAFF_ONLY),
    row("information:article-edit", state="draft", kwargs=by_pk("draft_guide"), **STAFF_ONLY),
    row("information:attachment-create", kwargs=by_pk("draft_guide"), **STAFF_ONLY),
    row("information:article-publish", state="draft", kwargs=by_pk("draft_guide"), **STAFF_ONLY_POST),
    row("information:article-unpublish", state="published", kwargs=by_pk("guide"), **STAFF_ONLY_POST),
    # The Open Referral UK API: the public services directory, read-only.
    row("openreferral:api-root", everyone=OK),
    row("openreferral:service-list", everyone=OK),
    row("openreferral:service-detail", state="active", kwargs=by_pk("service"), everyone=OK),
    row("openreferral:service-at-location-list", everyone=OK),
    row("openreferral:service-at-location-detail", kwargs=by_pk("service_at_location"), everyone=OK),
    row("openreferral:taxonomy-list", everyone=OK),
    row(
        "openreferral:taxonomy-detail",
        kwargs=lambda world: {"pk": world.taxonomy_term.taxonomy.pk},
        everyone=OK,
    ),
    row("openreferral:taxonomy-term-list", everyone=OK),
    row("openreferral:taxonomy-term-detail", kwargs=by_pk("taxonomy_term"), everyone=OK),
    # Paths the API does not have answer 404 in JSON.
    row("openreferral:not-found", kwargs=lambda world: {"path": "organizations"}, everyone=NOT_FOUND),
]
