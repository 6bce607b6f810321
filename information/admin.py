from django.contrib import admin

from forum_portal.markdown import render_markdown

from .models import (
    Article,
    ArticleRevision,
    Attachment,
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    ServiceNeed,
    ServiceOrganisation,
    Taxonomy,
    TaxonomyTerm,
    Topic,
    TopicSubscription,
)
from .services import refresh_search_vectors, render_easy_read


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    list_filter = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["size", "uploaded_at"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Staff write and publish in the portal's own pages; the admin corrects details."""

    list_display = ["title", "kind", "status", "audience", "owner", "published_at", "review_due"]
    list_filter = ["kind", "status", "audience", "topics"]
    search_fields = ["title", "summary", "slug"]
    list_select_related = ["owner"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at"]
    exclude = ["body_html", "easy_read_html"]
    filter_horizontal = ["topics"]
    inlines = [AttachmentInline]

    def save_model(self, request, obj, form, change):
        # Text changed here is rendered on save, as the portal's own pages do.
        obj.body_html = render_markdown(obj.body)
        obj.easy_read_html = render_easy_read(obj.easy_read)
        super().save_model(request, obj, form, change)
        refresh_search_vectors(articles=Article.objects.filter(pk=obj.pk))


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "action", "by", "at"]
    list_filter = ["action"]
    search_fields = ["article__title", "by__email"]
    list_select_related = ["article", "by"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["title", "article", "size", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["title", "article__title"]
    list_select_related = ["article"]


@admin.register(TopicSubscription)
class TopicSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "created_at", "digested_until"]
    list_filter = ["topic"]
    search_fields = ["user__email"]
    list_select_related = ["user", "topic"]


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "uri"]
    list_filter = ["version"]
    search_fields = ["name"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "parent_id"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]
    list_select_related = ["taxonomy"]
    # The broader term comes from the feed and may be one the directory does not hold; a choice
    # list of the terms we have would drop it on the next save.
    exclude = ["parent"]
    readonly_fields = ["parent_id"]


@admin.register(ServiceOrganisation)
class ServiceOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "website"]
    list_filter = ["services__status"]
    search_fields = ["name", "description"]


class ServiceNeedInline(admin.TabularInline):
    model = ServiceNeed
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["location"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status", "area", "minimum_age", "maximum_age", "last_modified"]
    list_filter = ["status", "area", "needs__need"]
    search_fields = ["name", "description", "organisation__name"]
    list_select_related = ["organisation"]
    filter_horizontal = ["taxonomy_terms"]
    inlines = [ServiceNeedInline, ContactInline, ServiceAtLocationInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refresh_search_vectors(services=Service.objects.filter(pk=obj.pk))


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "city", "postcode"]
    list_filter = ["city"]
    search_fields = ["name", "address", "postcode"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "email", "phone"]
    list_filter = ["service__organisation"]
    search_fields = ["name", "email", "service__name"]
    list_select_related = ["service"]
