import factory
from django.utils import timezone

from forum_portal.markdown import render_markdown
from information.models import (
    Article,
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    ServiceNeed,
    ServiceOrganisation,
    Taxonomy,
    TaxonomyTerm,
    Topic,
)
from information.services import refresh_search_vectors


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft guide; pass status=Article.Status.PUBLISHED for a published one."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    kind = Article.Kind.GUIDE
    title = factory.Sequence(lambda n: f"Guide number {n}")
    slug = factory.Sequence(lambda n: f"guide-number-{n}")
    summary = "What families need to know."
    body = "Some **useful** text."
    body_html = factory.LazyAttribute(lambda article: render_markdown(article.body))
    status = Article.Status.DRAFT
    published_at = factory.LazyAttribute(
        lambda article: timezone.now() if article.status == Article.Status.PUBLISHED else None
    )

    @factory.post_generation
    def topics(article, create, extracted, **kwargs):
        if create and extracted:
            article.topics.set(extracted)

    @factory.post_generation
    def search_vector(article, create, extracted, **kwargs):
        """Searchable, as the services that save articles make them."""
        if create:
            refresh_search_vectors(articles=Article.objects.filter(pk=article.pk))


class PublishedArticleFactory(ArticleFactory):
    status = Article.Status.PUBLISHED


class ServiceOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOrganisation

    name = factory.Sequence(lambda n: f"Provider {n}")
    description = "A local provider."
    email = "hello@provider.example.org"
    website = "https://provider.example.org"


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy

    name = "Local Offer categories"
    uri = "https://example.org/taxonomy"
    version = "1"


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    code = factory.Sequence(lambda n: f"T{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(ServiceOrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Support for families."
    status = Service.Status.ACTIVE

    @factory.post_generation
    def needs(service, create, extracted, **kwargs):
        if create and extracted:
            ServiceNeed.objects.bulk_create([ServiceNeed(service=service, need=need) for need in extracted])

    @factory.post_generation
    def search_vector(service, create, extracted, **kwargs):
        if create:
            refresh_search_vectors(services=Service.objects.filter(pk=service.pk))


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = "Family centre"
    address = "1 High Street"
    city = "Brookton"
    postcode = "BS16 1AA"


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    service = factory.SubFactory(ServiceFactory)
    name = "Duty officer"
    email = "duty@provider.example.org"
    phone = "0117 000 0000"
