"""Demo content of the first rung: topics, guides (one with Easy Read), news and a few services.

Safe to run again: everything is looked up by its slug or fixed id before it is created.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from forum_portal.markdown import render_markdown

from .models import (
    Article,
    Location,
    Service,
    ServiceAtLocation,
    ServiceNeed,
    ServiceOrganisation,
    Topic,
    TopicSubscription,
)
from .services import refresh_search_vectors

# Fixed ids, so the demo directory keeps its ids (and its API addresses) between runs.
DEMO_NAMESPACE = uuid.UUID("6f1c7c1e-3c1b-4c1a-9a59-8d3a7c6c2b10")

TOPICS = [
    ("Education", "Schools, EHC plans, SEN support and exclusions."),
    ("Health", "Therapies, wheelchairs, mental health and the NHS."),
    ("Social care", "Short breaks, carers' assessments and direct payments."),
    ("Money", "Benefits, grants and help with costs."),
    ("Preparing for adulthood", "From 14 to 25: college, work, housing and health."),
]

ARTICLES = [
    {
        "kind": Article.Kind.GUIDE,
        "slug": "ehc-needs-assessment",
        "title": "Asking for an EHC needs assessment",
        "summary": "How to ask the council to assess your child's special educational needs, and what happens next.",
        "topics": ["Education"],
        "body": (
            "Any parent can ask the council for an education, health and care (EHC) needs assessment.\n\n"
            "## How to ask\n\nWrite to the council's SEND team. Say why you think your child needs more help "
            "than their school can give.\n\n## What happens next\n\n* The council must reply within 6 weeks\n"
            "* The whole process must take no more than 20 weeks"
        ),
        "easy_read": (
            "You can ask the council to check what help your child needs at school.\n\n"
            "Write a letter or an email to the council.\n\nThe council must answer in 6 weeks."
        ),
    },
    {
        "kind": Article.Kind.GUIDE,
        "slug": "school-transport",
        "title": "Travel to school for children with SEND",
        "summary": "Who can get free school transport and how to apply.",
        "topics": ["Education", "Money"],
        "body": "Some children with SEND can get free transport to school.\n\n## Applying\n\nApply to the council.",
    },
    {
        "kind": Article.Kind.GUIDE,
        "slug": "short-breaks",
        "title": "Short breaks: a guide for families",
        "summary": "Short breaks give disabled children new experiences and their carers a rest.",
        "topics": ["Social care"],
        "body": "The council must offer short breaks. Ask for its short breaks services statement.",
        "review_due_days": -10,
    },
    {
        "kind": Article.Kind.NEWS,
        "slug": "new-sleep-clinic",
        "title": "New sleep clinic opens in Brookton",
        "summary": "Families can now ask their GP for a referral to the new children's sleep clinic.",
        "topics": ["Health"],
        "body": "The clinic opens on Mondays and Thursdays.",
    },
    {
        "kind": Article.Kind.NEWS,
        "slug": "preparing-for-adulthood-event",
        "title": "Preparing for adulthood: what we heard",
        "summary": "Over 40 families told us what helped them when their child turned 16.",
        "topics": ["Preparing for adulthood"],
        "body": "Thank you to everyone who came.",
        "draft": True,
    },
]

SERVICES = [
    ("Brookton Sleep Clinic", "Help for children who find it hard to sleep.", ["ASD", "SEMH"], 2, 16, "Brookton"),
    ("Speech and Language Drop-in", "Advice from speech and language therapists.", ["SLCN"], 0, 11, "Brookton"),
    ("Saturday Play Club", "Inclusive play sessions for disabled children.", ["PD", "SLD", "ASD"], 5, 15, "Millford"),
    ("Moving On Group", "Support for young people leaving school.", ["MLD", "ASD"], 16, 25, "Eastvale"),
]


def seed(people) -> None:
    now = timezone.now()
    topics = {}
    for name, description in TOPICS:
        topics[name], _ = Topic.objects.get_or_create(
            slug=name.lower().replace(" ", "-"), defaults={"name": name, "description": description}
        )

    for number, data in enumerate(ARTICLES):
        published = not data.get("draft")
        article, _ = Article.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "kind": data["kind"],
                "title": data["title"],
                "summary": data["summary"],
                "body": data["body"],
                "body_html": render_markdown(data["body"]),
                "easy_read": data.get("easy_read", ""),
                "easy_read_html": render_markdown(data.get("easy_read", "")),
                "status": Article.Status.PUBLISHED if published else Article.Status.DRAFT,
                "published_at": now - timedelta(days=number) if published else None,
                "owner": people.staff,
                "review_due": (now + timedelta(days=data.get("review_due_days", 180))).date(),
            },
        )
        article.topics.set([topics[name] for name in data["topics"]])
    refresh_search_vectors(articles=Article.objects.all())

    TopicSubscription.objects.get_or_create(user=people.parents[0], topic=topics["Education"])

    organisation, _ = ServiceOrganisation.objects.update_or_create(
        id=uuid.uuid5(DEMO_NAMESPACE, "organisation"),
        defaults={
            "name": "Brookshire Council",
            "description": "The local authority.",
            "website": "https://example.org",
        },
    )
    location, _ = Location.objects.update_or_create(
        id=uuid.uuid5(DEMO_NAMESPACE, "location"),
        defaults={
            "name": "Brookton Family Centre",
            "address": "1 High Street",
            "city": "Brookton",
            "postcode": "BS16 1AA",
        },
    )
    for name, description, needs, minimum_age, maximum_age, area in SERVICES:
        service, _ = Service.objects.update_or_create(
            id=uuid.uuid5(DEMO_NAMESPACE, name),
            defaults={
                "organisation": organisation,
                "name": name,
                "description": description,
                "minimum_age": minimum_age,
                "maximum_age": maximum_age,
                "area": area,
                "email": "services@example.org",
            },
        )
        for need in needs:
            ServiceNeed.objects.get_or_create(service=service, need=need)
        ServiceAtLocation.objects.get_or_create(
            service=service, location=location, defaults={"id": uuid.uuid5(DEMO_NAMESPACE, f"{name} at centre")}
        )
    refresh_search_vectors(services=Service.objects.filter(organisation=organisation))
