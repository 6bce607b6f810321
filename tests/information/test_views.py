import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from information.models import Article, ArticleRevision, Attachment, Topic
from tests.factories import ForumStaffFactory, ParentCarerFactory
from tests.factories.information import ArticleFactory, PublishedArticleFactory, TopicFactory
from tests.information.queries import rendering_queries

pytestmark = pytest.mark.django_db


def test_guide_list_shows_published_guides_only():
    from django.test import Client

    PublishedArticleFactory(title="Published guide")
    ArticleFactory(title="Draft guide")
    PublishedArticleFactory(title="A news post", kind=Article.Kind.NEWS)

    content = Client().get(reverse("information:guide-list")).content.decode()

    assert "Published guide" in content
    assert "Draft guide" not in content
    assert "A news post" not in content
    assert "1 result" in content


def test_guide_list_filters_by_topic_and_audience(client):
    education = TopicFactory(name="Education", slug="education")
    PublishedArticleFactory(title="School guide", topics=[education], audience="parents")
    PublishedArticleFactory(title="School guide for professionals", topics=[education], audience="professionals")
    PublishedArticleFactory(title="Health guide")

    content = client.get(reverse("information:guide-list"), {"topic": "education", "audience": "parents"}).content

    assert b"School guide<" in content
    assert b"for professionals" not in content
    assert b"Health guide" not in content


@pytest.mark.parametrize("count", [1, 5])
def test_guide_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    topic = TopicFactory()
    for _ in range(count):
        PublishedArticleFactory(topics=[topic])

    # Rendering: count, page, topics for the filter; the cache's own queries aside.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("information:guide-list"))
    assert len(rendering_queries(queries)) == 3
    assert response.content.decode().count('<h3 class="govuk-heading-s govuk-!-margin-bottom-1">') == count

    # Then the kept fragment: one cache query.
    with django_assert_num_queries(1):
        response = client.get(reverse("information:guide-list"))
    assert response.content.decode().count('<h3 class="govuk-heading-s govuk-!-margin-bottom-1">') == count


ROW = '<h3 class="govuk-heading-s govuk-!-margin-bottom-1">'


@pytest.mark.parametrize("count", [1, 5])
def test_news_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        PublishedArticleFactory(kind=Article.Kind.NEWS, topics=[TopicFactory()])

    # Rendering: count, page, topics for the filter; the cache's own queries aside.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("information:news-list"))
    assert len(rendering_queries(queries)) == 3
    assert response.content.decode().count(ROW) == count

    with django_assert_num_queries(1):
        response = client.get(reverse("information:news-list"))
    assert response.content.decode().count(ROW) == count


@pytest.mark.parametrize("count", [1, 5])
def test_filtered_guide_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    health = TopicFactory(slug="health")
    for _ in range(count):
        PublishedArticleFactory(topics=[health], audience="parents")
        PublishedArticleFactory(topics=[health], audience="professionals")
    filters = {"topic": "health", "audience": "parents"}

    # Rendering: the topic asked for, count, page, topics for the filter; the cache's own aside.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("information:guide-list"), filters)
    assert len(rendering_queries(queries)) == 4
    assert response.content.decode().count(ROW) == count

    # Then the kept fragment: the topic asked for, and one cache query.
    with django_assert_num_queries(2):
        response = client.get(reverse("information:guide-list"), filters)
    assert response.content.decode().count(ROW) == count


@pytest.mark.parametrize("count", [1, 5])
def test_second_page_of_a_filtered_guide_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    from information.views import PAGE_SIZE

    health = TopicFactory(slug="health")
    for _ in range(PAGE_SIZE + count):
        PublishedArticleFactory(topics=[health], audience="parents")

    # Never cached: the topic asked for, count, page, topics for the filter.
    for _ in range(2):
        with django_assert_num_queries(4):
            response = client.get(reverse("information:guide-list"), {"topic": "health", "page": 2})
        assert response.content.decode().count(ROW) == count


def test_guide_page_is_shown_again_after_an_edit_and_gone_once_unpublished(client):
    article = PublishedArticleFactory(title="Transport to school", slug="transport")
    url = article.get_absolute_url()
    assert "Transport to school" in client.get(url).content.decode()

    article.title = "Getting to school"
    article.save()
    assert "<title>Getting to school" in client.get(url).content.decode()

    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_topic_page_query_count_does_not_grow(client, django_assert_num_queries, count):
    topic = TopicFactory()
    for _ in range(count):
        PublishedArticleFactory(topics=[topic])

    with django_assert_num_queries(3):
        response = client.get(topic.get_absolute_url())
    assert len(response.context["page_obj"].object_list) == count


@pytest.mark.parametrize("count", [1, 5])
def test_information_index_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        PublishedArticleFactory(topics=[TopicFactory()])

    with django_assert_num_queries(2):
        response = client.get(reverse("information:index"))
    assert len(response.context["latest"]) == count


def test_draft_is_not_found_for_a_parent_but_previewed_by_staff(client):
    article = ArticleFactory(title="Secret draft")

    client.force_login(ParentCarerFactory())
    assert client.get(article.get_absolute_url()).status_code == 404

    client.force_login(ForumStaffFactory())
    content = client.get(article.get_absolute_url()).content.decode()
    assert "This is a draft. Only forum staff can see it." in content
    assert "Secret draft" in content


def test_news_post_is_not_found_at_a_guide_address(client):
    article = PublishedArticleFactory(kind=Article.Kind.NEWS)

    response = client.get(reverse("information:guide-detail", args=[article.slug]))

    assert response.status_code == 404


def test_easy_read_version_shows_on_the_toggle(client):
    article = PublishedArticleFactory(body_html="<p>Standard words</p>", easy_read_html="<p>Easy words</p>")

    standard = client.get(article.get_absolute_url()).content.decode()
    easy = client.get(article.get_absolute_url(), {"version": "easy-read"}).content.decode()

    assert "Standard words" in standard and "Easy words" not in standard
    assert "Show the Easy Read version" in standard
    assert "Easy words" in easy and "Standard words" not in easy
    assert '<div class="portal-prose portal-prose--easy-read"><p>Easy words</p></div>' in easy
    assert "Show the standard version" in easy


def test_page_past_review_shows_under_review_to_staff_only(client):
    article = PublishedArticleFactory(review_due="2020-01-01")

    assert "Under review" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(ForumStaffFactory())
    content = client.get(article.get_absolute_url()).content.decode()
    assert "Under review: the review date was 1 January 2020." in content


def test_staff_create_a_guide_and_publish_it(client):
    staff = ForumStaffFactory()
    topic = TopicFactory(name="Health", slug="health")
    client.force_login(staff)

    response = client.post(
        reverse("information:article-create", args=["guide"]),
        {
            "title": "Wheelchair services",
            "summary": "How to get a wheelchair.",
            "body": "Ask your **GP**.",
            "easy_read": "",
            "topics": [topic.pk],
            "audience": "parents",
            "owner": staff.pk,
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert (article.kind, article.status, article.body_html) == (
        "guide",
        "draft",
        '<p class="govuk-body">Ask your <strong>GP</strong>.</p>',
    )

    response = client.post(reverse("information:article-publish", args=[article.pk]))

    article.refresh_from_db()
    assert response.url == article.get_absolute_url()
    assert article.status == Article.Status.PUBLISHED


def test_article_form_errors_keep_what_was_typed(client):
    staff = ForumStaffFactory()
    client.force_login(staff)

    response = client.post(
        reverse("information:article-create", args=["news"]),
        {"title": "Half written", "summary": "", "body": "", "audience": "parents", "owner": staff.pk},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Enter a summary" in content
    assert "Enter the text of the page" in content
    assert 'value="Half written"' in content
    assert Article.objects.count() == 0


def test_edit_records_who_changed_what(client):
    staff = ForumStaffFactory()
    article = ArticleFactory(owner=staff, summary="Old summary")
    client.force_login(staff)

    client.post(
        reverse("information:article-edit", args=[article.pk]),
        {
            "title": article.title,
            "summary": "New summary",
            "body": article.body,
            "audience": article.audience,
            "owner": staff.pk,
        },
    )

    revision = ArticleRevision.objects.get(article=article)
    assert (revision.by, revision.changed_fields) == (staff, ["summary"])


@pytest.mark.parametrize("user_factory", [ParentCarerFactory, lambda: ForumStaffFactory(two_factor=False)])
def test_non_editors_cannot_publish(client, user_factory):
    article = ArticleFactory()
    client.force_login(user_factory())

    client.post(reverse("information:article-publish", args=[article.pk]))

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("count", [1, 5])
def test_manage_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    staff = ForumStaffFactory()
    for _ in range(count):
        ArticleFactory(owner=staff)
    client.force_login(staff)

    # session, user, memberships, two-factor, count, page with owners, the navigation's permission
    with django_assert_num_queries(6):
        response = client.get(reverse("information:article-manage"))
    assert len(response.context["page_obj"].object_list) == count


@pytest.mark.parametrize("count", [1, 5])
def test_staff_topic_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    for number in range(count):
        PublishedArticleFactory(topics=[TopicFactory(name=f"Topic {number}")])
    client.force_login(ForumStaffFactory())

    # session, user, memberships, two-factor, topics with their counts, the navigation's permission
    with django_assert_num_queries(5):
        response = client.get(reverse("information:topic-manage"))
    assert [topic.published_count for topic in response.context["topics"]] == [1] * count
    assert response.content.decode().count(">Change<span") == count


def test_attachment_rejects_a_wrong_type_and_accepts_a_pdf(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = ForumStaffFactory()
    article = ArticleFactory()
    client.force_login(staff)
    url = reverse("information:attachment-create", args=[article.pk])

    bad = client.post(url, {"title": "Program", "file": SimpleUploadedFile("run.exe", b"MZ")})
    assert "The file must be one of these types" in bad.content.decode()
    assert 'value="Program"' in bad.content.decode()

    settings.INFORMATION_ATTACHMENT_MAX_MB = 0
    too_big = client.post(url, {"title": "Leaflet", "file": SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4 x")})
    assert "The file must be smaller than 0 MB" in too_big.content.decode()

    settings.INFORMATION_ATTACHMENT_MAX_MB = 10
    renamed = client.post(url, {"title": "Leaflet", "file": SimpleUploadedFile("leaflet.pdf", b"MZ\x90\x00")})
    assert "The file is not a real PDF file" in renamed.content.decode()
    assert Attachment.objects.count() == 0

    client.post(url, {"title": "Leaflet", "file": SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4 x")})
    attachment = Attachment.objects.get()
    assert (attachment.title, attachment.size) == ("Leaflet", 10)


def test_attachment_of_a_draft_is_not_found_for_visitors(client):
    from django.core.files.base import ContentFile

    article = ArticleFactory()
    attachment = Attachment.objects.create(article=article, title="Draft", file=ContentFile(b"x", name="a.pdf"))

    assert client.get(reverse("information:attachment-download", args=[attachment.pk])).status_code == 404

    from information import services

    services.publish_article(article, by=ForumStaffFactory())
    response = client.get(reverse("information:attachment-download", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == b"x"


def test_attachment_is_a_download_the_browser_will_not_sniff(client):
    from django.core.files.base import ContentFile

    # A web page kept before files were checked, or put there by other means: it must not open as
    # a page of the portal's own address.
    page = ContentFile(b"<script>alert(document.cookie)</script>", name="page.html")
    attachment = Attachment.objects.create(article=PublishedArticleFactory(), title="Page", file=page)

    response = client.get(reverse("information:attachment-download", args=[attachment.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_add_and_rename_a_topic_and_its_address_stays(client):
    client.force_login(ForumStaffFactory())

    client.post(reverse("information:topic-manage"), {"name": "Short breaks", "description": ""})
    topic = Topic.objects.get()
    response = client.post(
        reverse("information:topic-edit", args=[topic.pk]), {"name": "Short breaks and respite", "description": "Rest"}
    )

    topic.refresh_from_db()
    assert response.url == reverse("information:topic-manage")
    assert (topic.name, topic.slug, topic.description) == ("Short breaks and respite", "short-breaks", "Rest")


def test_a_second_topic_of_the_same_name_is_refused_and_kept(client):
    TopicFactory(name="Health", slug="health")
    client.force_login(ForumStaffFactory())

    response = client.post(reverse("information:topic-manage"), {"name": "health", "description": "Doctors"})

    content = response.content.decode()
    assert "There is already a topic with this name" in content
    assert 'value="Doctors"' in content
    assert Topic.objects.count() == 1


def test_parents_cannot_manage_topics(client):
    client.force_login(ParentCarerFactory())

    response = client.post(reverse("information:topic-manage"), {"name": "Sneaky"})

    assert response.status_code == 403
    assert Topic.objects.count() == 0
