import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from information.models import Article, ArticleRevision, Attachment
from tests.factories import UserFactory, activate_totp
from tests.factories.information import (
    ArticleFactory,
    ContactFactory,
    PublishedArticleFactory,
    ServiceAtLocationFactory,
    TaxonomyTermFactory,
)
from tests.trust.test_uploads import PDF, zip_bomb

pytestmark = pytest.mark.django_db

MODELS = [
    "topic", "article", "articlerevision", "attachment", "topicsubscription", "taxonomy", "taxonomyterm",
    "serviceorganisation", "service", "location", "contact",
]  # fmt: skip


@pytest.fixture
def forum_admin():
    user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(user)
    return user


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_load_with_search_and_filters(client, forum_admin, model):
    PublishedArticleFactory(title="Findme guide")
    ContactFactory(service=ServiceAtLocationFactory().service)
    client.force_login(forum_admin)

    response = client.get(reverse(f"admin:information_{model}_changelist"), {"q": "findme"})

    assert response.status_code == 200
    assert response.context["cl"].search_fields != []
    assert response.context["cl"].list_filter != []


def article_form(article, **changes) -> dict:
    """The admin's change form of ``article`` as it stands, with ``changes``, and no attachments."""
    return {
        "kind": article.kind,
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "easy_read": article.easy_read,
        "audience": article.audience,
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        **changes,
    }


def test_admin_renders_markdown_when_an_article_is_saved(client, forum_admin):
    article = PublishedArticleFactory(body="old")
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:information_article_change", args=[article.pk]),
        article_form(article, body="**new**", easy_read="* Short words"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body_html == '<p class="govuk-body"><strong>new</strong></p>'
    assert article.easy_read_html == '<ul class="govuk-list govuk-list--bullet">\n<li>Short words</li>\n</ul>'


def test_admin_edit_writes_a_history_entry_as_the_portals_forms_do(client, forum_admin):
    article = PublishedArticleFactory(title="Old title", body="Old text")
    client.force_login(forum_admin)
    url = reverse("admin:information_article_change", args=[article.pk])

    client.post(url, article_form(article, title="New title", body="New text"))
    client.post(url, article_form(Article.objects.get()))  # saved with nothing changed

    revision = ArticleRevision.objects.get()
    assert (revision.article, revision.by, revision.action, revision.changed_fields) == (
        article,
        forum_admin,
        "edited",
        ["title", "body"],
    )


def test_admin_article_made_there_starts_its_history(client, forum_admin):
    client.force_login(forum_admin)

    client.post(
        reverse("admin:information_article_add"),
        {**article_form(ArticleFactory.build(slug="made-in-admin", title="Made in the admin"))},
    )

    article = Article.objects.get(slug="made-in-admin")
    assert [(row.action, row.by) for row in article.revisions.all()] == [("created", forum_admin)]
    assert article.body_html == '<p class="govuk-body">Some <strong>useful</strong> text.</p>'


def inline_upload(article, upload, title="Leaflet") -> dict:
    return article_form(
        article,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-id": "",
            "attachments-0-article": str(article.pk),
            "attachments-0-title": title,
            "attachments-0-file": upload,
        },
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("page.html", b"<script>alert(1)</script>"), "The file must be one of these types"),
        (lambda: SimpleUploadedFile("leaflet.pdf", b"<script>alert(1)</script>"), "The file is not a real PDF file"),
        (lambda: zip_bomb("plan.docx"), "The DOCX file is damaged or unpacks to far more than it should"),
        (lambda: SimpleUploadedFile("big.pdf", PDF + bytes(1024 * 1024)), "The file must be smaller than 1 MB"),
    ],
    ids=["wrong type", "not what its name says", "zip bomb", "too large"],
)
def test_admin_refuses_an_attachment_the_portal_refuses(client, forum_admin, settings, upload, message):
    settings.INFORMATION_ATTACHMENT_MAX_MB = 1
    article = PublishedArticleFactory()
    client.force_login(forum_admin)

    inline = client.post(
        reverse("admin:information_article_change", args=[article.pk]), inline_upload(article, upload())
    )
    alone = client.post(
        reverse("admin:information_attachment_add"), {"article": article.pk, "title": "Leaflet", "file": upload()}
    )

    for response in (inline, alone):
        assert response.status_code == 200
        assert message in response.content.decode()
    assert (Attachment.objects.count(), ArticleRevision.objects.count()) == (0, 0)


def test_admin_attachment_notes_its_size_and_goes_in_the_history(client, forum_admin):
    article = PublishedArticleFactory()
    client.force_login(forum_admin)

    client.post(
        reverse("admin:information_article_change", args=[article.pk]),
        inline_upload(article, SimpleUploadedFile("leaflet.pdf", PDF)),
    )
    client.post(
        reverse("admin:information_attachment_add"),
        {"article": article.pk, "title": "Map", "file": SimpleUploadedFile("map.pdf", PDF + b"% map\n")},
    )
    leaflet = Attachment.objects.get(title="Leaflet")
    client.post(reverse("admin:information_attachment_delete", args=[leaflet.pk]), {"post": "yes"})

    assert list(Attachment.objects.values_list("title", "size")) == [("Map", len(PDF) + 6)]
    assert leaflet.size == len(PDF)
    assert [(row.action, row.changed_fields, row.by) for row in article.revisions.order_by("id")] == [
        ("file added", ["Leaflet"], forum_admin),
        ("file added", ["Map"], forum_admin),
        ("file removed", ["Leaflet"], forum_admin),
    ]


def test_admin_keeps_a_file_already_attached_when_only_the_title_changes(client, forum_admin):
    attachment = Attachment.objects.create(
        article=PublishedArticleFactory(), title="Leaflet", file=ContentFile(PDF, name="leaflet.pdf"), size=len(PDF)
    )
    client.force_login(forum_admin)

    response = client.post(
        reverse("admin:information_attachment_change", args=[attachment.pk]),
        {"article": attachment.article_id, "title": "Leaflet (2026)"},
    )

    assert response.status_code == 302
    attachment.refresh_from_db()
    assert (attachment.title, attachment.size, attachment.file.read()) == ("Leaflet (2026)", len(PDF), PDF)


def test_admin_shows_the_history_but_does_not_let_it_be_changed(client, forum_admin):
    article = PublishedArticleFactory()
    revision = ArticleRevision.objects.create(
        article=article, by=forum_admin, action="edited", changed_fields=["title"]
    )
    client.force_login(forum_admin)

    page = client.get(reverse("admin:information_articlerevision_change", args=[revision.pk]))
    change = client.post(reverse("admin:information_articlerevision_change", args=[revision.pk]), {"action": "x"})
    delete = client.post(reverse("admin:information_articlerevision_delete", args=[revision.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert (change.status_code, delete.status_code) == (403, 403)
    assert ArticleRevision.objects.get().action == "edited"


def test_admin_keeps_a_terms_parent_that_the_directory_does_not_hold(client, forum_admin):
    elsewhere = uuid.uuid4()
    term = TaxonomyTermFactory(name="Sleep", parent_id=elsewhere)
    client.force_login(forum_admin)
    url = reverse("admin:information_taxonomyterm_change", args=[term.pk])

    page = client.get(url)
    response = client.post(url, {"taxonomy": term.taxonomy_id, "code": "S1", "name": "Sleep well", "description": ""})

    assert str(elsewhere) in page.content.decode()
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.name, term.parent_id) == ("Sleep well", elsewhere)
