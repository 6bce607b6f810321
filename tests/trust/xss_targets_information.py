"""The information rung's XSS targets beyond a guide's title and body (in xss_targets.py): what a
council's feed brings into the directory, what forum staff name topics and files, and the Easy
Read version."""

import uuid

from django.core.files.base import ContentFile

from information import services
from information.models import Article, Attachment


def _imported_service(world, payloads):
    """A service from an Open Referral UK feed, its text all payloads: the directory, its page
    and search (where matches are marked up around the words) print it."""
    record = {
        "id": str(uuid.uuid4()),
        "name": payloads[0],
        "description": " ".join(payloads),
        "service_areas": [{"name": payloads[1][:100]}],
        "organization": {"id": str(uuid.uuid4()), "name": payloads[2], "description": payloads[3]},
        "service_at_locations": [
            {
                "id": str(uuid.uuid4()),
                "location": {
                    "id": str(uuid.uuid4()),
                    "name": payloads[4],
                    "addresses": [{"address_1": payloads[5], "city": payloads[6][:100], "postal_code": "BS1 1AA"}],
                },
            }
        ],
        "contacts": [{"id": str(uuid.uuid4()), "name": payloads[7], "title": payloads[8]}],
        "attributes": [{"taxonomy_term": {"id": str(uuid.uuid4()), "name": payloads[9], "taxonomy": payloads[10]}}],
    }
    report = services.import_oruk_services([record])
    assert report.skipped == [], report.skipped
    return [
        "/information/services/",
        f"/information/services/{record['id']}/",
        "/information/search/?q=alert",
    ]


def _topics_and_files(world, payloads):
    """Topic names and descriptions, and an attachment's title, which forum staff write."""
    topics = [
        services.save_topic(by=world.staff, name=payload[:80], description=payload[:250]) for payload in payloads[:4]
    ]
    guide = services.create_article(
        kind=Article.Kind.GUIDE, by=world.staff, title="Guide with files", summary="Files.", body="Text.", topics=topics
    )
    services.publish_article(guide, by=world.staff)
    services.add_attachment(guide, by=world.staff, title=payloads[4], file=ContentFile(b"%PDF-1.4\n", name="a.pdf"))
    Attachment.objects.update(size=9)
    return [
        "/information/",
        guide.get_absolute_url(),
        topics[0].get_absolute_url(),
        "/information/topics/follow/",
    ]


def _easy_read(world, payloads):
    """A guide's Easy Read version, written in Markdown."""
    guide = services.create_article(
        kind=Article.Kind.GUIDE,
        by=world.staff,
        title="Easy Read guide",
        summary="In easy words.",
        body="Standard text.",
        easy_read="\n\n".join(payloads),
    )
    services.publish_article(guide, by=world.staff)
    return [f"{guide.get_absolute_url()}?version=easy-read"]


def targets(XssTarget):  # noqa: N803 - the dataclass, passed in to keep this module free of a cycle
    return [
        XssTarget("an imported service in the directory, its page and search", "visitor", _imported_service),
        XssTarget("topic names and an attachment's title", "parent", _topics_and_files),
        XssTarget("a guide's Easy Read version", "visitor", _easy_read, markdown=True),
    ]
