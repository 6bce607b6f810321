"""The first rung: guides and news that forum staff publish, and the services directory.

Guides and news share one model, ``Article``: they are written, reviewed, published and searched
the same way, and differ only in where they are listed. The directory follows the Open Referral UK
data model (a subset of it): organisations run services, offered at locations, with contacts, and
classified by taxonomy terms. Its ids are UUIDs, so a council's feed keeps its own ids here.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from forum_portal.fields import WebAddressField
from forum_portal.people.models import NeedCategory


class Topic(models.Model):
    """What a guide or news post is about (education, health, money...). Forum staff edit the list."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("information:topic-detail", args=[self.slug])


class Audience(models.TextChoices):
    PARENTS = "parents", "Parents and carers"
    YOUNG_PEOPLE = "young_people", "Young people"
    PROFESSIONALS = "professionals", "Professionals"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def review_overdue(self, today):
        return self.filter(review_due__lt=today)


class Article(models.Model):
    """A guide (a page that stays useful) or a news post (dated, for now)."""

    class Kind(models.TextChoices):
        GUIDE = "guide", "Guide"
        NEWS = "news", "News"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences, shown in lists and search.")
    body = models.TextField(help_text="Written in Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    easy_read = models.TextField(blank=True, help_text="Optional Easy Read version, in Markdown.")
    easy_read_html = models.TextField(blank=True, editable=False)
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PARENTS)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_articles",
        help_text="Who keeps this page up to date and is reminded when its review is due.",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Kept by services.refresh_search_vectors on PostgreSQL (empty on SQLite, which searches the text).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["kind", "status", "-published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="A published page needs its publication date.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        name = "information:guide-detail" if self.kind == self.Kind.GUIDE else "information:news-detail"
        return reverse(name, args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_review_overdue(self, today=None) -> bool:
        return self.review_due is not None and self.review_due < (today or timezone.localdate())


class ArticleRevision(models.Model):
    """One change to an article: who made it, when, and which fields it touched."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20)
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.article} {self.action} at {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    return f"information/attachments/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A document offered for download beside an article (PDF, Word, spreadsheet, image)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=attachment_path)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class TopicSubscription(models.Model):
    """A person follows a topic and gets a weekly digest of what was published in it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_subscriptions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)
    # Where the person's last digest ended (the same on all their subscriptions): the next one
    # covers what was published after it. Empty until their first digest.
    digested_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["topic__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"],
                name="topic_subscription_once",
                violation_error_message="You already follow this topic.",
            )
        ]

    def __str__(self):
        return f"{self.user} follows {self.topic}"


# --- The services directory (Open Referral UK) ---------------------------------------------------


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    uri = WebAddressField(blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms", null=True, blank=True)
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The broader term, kept as the feed names it: a council's terms often point to a parent in a
    # taxonomy the directory does not hold, so the database does not insist the parent is here.
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        db_constraint=False,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceOrganisation(models.Model):
    """An organisation in the directory (ORUK "organization"); not necessarily a portal partner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = WebAddressField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def listed(self):
        """Services shown to the public: those the feed or staff mark active."""
        return self.filter(status=Service.Status.ACTIVE)


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(ServiceOrganisation, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    url = WebAddressField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    eligibility = models.TextField(blank=True, help_text="Who can use the service.")
    cost = models.CharField(max_length=250, blank=True, help_text="What it costs; leave empty when free.")
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    area = models.CharField(max_length=100, blank=True, help_text="The area the service covers.")
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, related_name="services", blank=True)
    last_modified = models.DateTimeField(default=timezone.now)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_in_order",
                violation_error_message="The minimum age must not be above the maximum age.",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("information:service-detail", args=[self.pk])


class ServiceNeed(models.Model):
    """A need category a service is for (the SEN2 primary types of need)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=4, choices=NeedCategory.choices)

    class Meta:
        ordering = ["need"]
        constraints = [models.UniqueConstraint(fields=["service", "need"], name="service_need_once")]

    def __str__(self):
        return self.get_need_display()


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=250, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name or self.address or str(self.id)


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")

    class Meta:
        ordering = ["service__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once"),
        ]

    def __str__(self):
        return f"{self.service} at {self.location}"


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name or self.email or self.phone
