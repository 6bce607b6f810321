"""Benchmark data of the first rung: guides and news, and the services directory.

Large scale: 500 guides (plus news) and 2,000 services, the sizes the rung is measured at.
"""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from forum_portal.benchdata import BenchPage
from forum_portal.markdown import render_markdown
from forum_portal.people.models import NeedCategory

from .models import Article, Location, Service, ServiceAtLocation, ServiceNeed, ServiceOrganisation, Topic
from .services import refresh_search_vectors

SIZES = {
    "small": {"guides": 30, "news": 10, "services": 100, "organisations": 10},
    "large": {"guides": 500, "news": 200, "services": 2000, "organisations": 150},
}
TOPICS = ["Education", "Health", "Social care", "Money", "Preparing for adulthood", "Short breaks", "Transport"]
WORDS = [
    "school", "support", "plan", "therapy", "assessment", "transport", "respite", "council", "health", "carer",
    "family", "speech", "language", "autism", "wheelchair", "benefits", "college", "transition", "sleep", "play",
    "inclusion", "review", "appeal",
]  # fmt: skip
BATCH = 1000


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def seed(scale, people) -> None:
    sizes = SIZES[scale]
    rng = random.Random(2026)
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        Topic(name=name, slug=name.lower().replace(" ", "-"), description=f"Guides and news about {name.lower()}.")
        for name in TOPICS
    )

    # The same body for every article: rendering Markdown is the service's job, not the benchmark's.
    body = "\n\n".join(_sentence(rng, 40) for _ in range(8))
    body_html = render_markdown(body)
    articles = []
    for kind, count in [(Article.Kind.GUIDE, sizes["guides"]), (Article.Kind.NEWS, sizes["news"])]:
        for number in range(count):
            articles.append(
                Article(
                    kind=kind,
                    title=f"{_sentence(rng, 4)[:-1]} {number}",
                    slug=f"bench-{kind}-{number}",
                    summary=_sentence(rng, 18),
                    body=body,
                    body_html=body_html,
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(hours=number),
                    owner=people.staff,
                    review_due=(now + timedelta(days=rng.randint(-30, 365))).date(),
                )
            )
    articles = Article.objects.bulk_create(articles, batch_size=BATCH)
    refresh_search_vectors(articles=Article.objects.all())
    Through = Article.topics.through
    Through.objects.bulk_create(
        [Through(article_id=article.pk, topic_id=rng.choice(topics).pk) for article in articles], batch_size=BATCH
    )

    organisations = ServiceOrganisation.objects.bulk_create(
        ServiceOrganisation(id=uuid.uuid4(), name=f"Provider {n}", description=_sentence(rng, 12))
        for n in range(sizes["organisations"])
    )
    areas = ["Brookton", "Millford", "Eastvale", "Northbridge"]
    services = Service.objects.bulk_create(
        (
            Service(
                id=uuid.uuid4(),
                organisation=rng.choice(organisations),
                name=f"{_sentence(rng, 3)[:-1]} service {n}",
                description=_sentence(rng, 30),
                minimum_age=(low := rng.choice([0, 5, 11, 16])),
                maximum_age=low + rng.choice([5, 8, 10]),
                area=rng.choice(areas),
                last_modified=now,
            )
            for n in range(sizes["services"])
        ),
        batch_size=BATCH,
    )
    refresh_search_vectors(services=Service.objects.all())
    needs = list(NeedCategory.values)
    ServiceNeed.objects.bulk_create(
        [ServiceNeed(service=service, need=need) for service in services for need in rng.sample(needs, 2)],
        batch_size=BATCH,
    )
    locations = Location.objects.bulk_create(
        Location(id=uuid.uuid4(), name=f"Centre {n}", address=f"{n} High Street", city=rng.choice(areas))
        for n in range(max(sizes["services"] // 10, 1))
    )
    ServiceAtLocation.objects.bulk_create(
        [ServiceAtLocation(id=uuid.uuid4(), service=service, location=rng.choice(locations)) for service in services],
        batch_size=BATCH,
    )


def _first_guide() -> str:
    return Article.objects.filter(kind=Article.Kind.GUIDE).order_by("pk").first().get_absolute_url()


PAGES = [
    BenchPage("guide list", lambda: "/information/guides/"),
    BenchPage("guide", _first_guide),
    BenchPage("search", lambda: "/information/search/?q=school+transport"),
    BenchPage("directory", lambda: "/information/services/?need=ASD"),
    BenchPage("services API", lambda: "/openreferral/services"),
]
