from django.contrib import admin

from forum_portal.admin import ShownNotChanged

from . import services
from .forms import AdminAttachmentForm
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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    list_filter = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AdminAttachmentForm
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
        # Rendered, searchable and in the history, as when saved from the portal's own pages.
        services.save_article_from_admin(obj, by=request.user, created=not change, changed_fields=form.changed_data)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Attachment:
            services.record_attachment_changes(
                by=request.user,
                added=formset.new_objects,
                changed=[attachment for attachment, _ in formset.changed_objects],
                removed=formset.deleted_objects,
            )


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ShownNotChanged, admin.ModelAdmin):
    """The history is read here, never written: it is what happened."""

    list_display = ["article", "action", "by", "at"]
    list_filter = ["action"]
    search_fields = ["article__title", "by__email"]
    list_select_related = ["article", "by"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    form = AdminAttachmentForm
    list_display = ["title", "article", "size", "uploaded_at"]
    list_filter = ["uploaded_at"]
    search_fields = ["title", "article__title"]
    list_select_related = ["article"]
    readonly_fields = ["size", "uploaded_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.record_attachment_changes(by=request.user, added=[obj])
        elif "file" in form.changed_data or "title" in form.changed_data:
            services.record_attachment_changes(by=request.user, changed=[obj])

    def delete_model(self, request, obj):
        services.record_attachment_changes(by=request.user, removed=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        services.record_attachment_changes(by=request.user, removed=list(queryset))
        super().delete_queryset(request, queryset)


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
        services.refresh_search_vectors(services=Service.objects.filter(pk=obj.pk))


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
