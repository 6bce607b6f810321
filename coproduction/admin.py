"""The co-production admin.

The rules of co-production (both leads agree, both leads sign off, every save is a version, the
team is made by invitation) live in the services that the portal's pages call. So the admin adds
nothing here: projects are the one exception, and their aims are rendered as the portal renders
them. What the admin may change (wording, dates) is recorded in the project's "who changed what"
with the forum admin's name, as a change on the portal's pages is.
"""

from django.contrib import admin
from django.db import transaction

from forum_portal.admin import ShownNotChanged
from forum_portal.markdown import render_markdown

from . import services
from .models import (
    Action,
    Activity,
    AgendaItem,
    CornerstonesRating,
    Decision,
    Document,
    DocumentComment,
    DocumentVersion,
    Invitation,
    Meeting,
    Project,
    SignOff,
    TeamMember,
)


class NoAddAdmin(admin.ModelAdmin):
    """Rows are made on the portal's pages, by the services that keep the rules."""

    def has_add_permission(self, request):
        return False


class RecordedAdmin(NoAddAdmin):
    """A change or deletion here is recorded in the project's activity, with the admin's name."""

    def project_of(self, obj) -> Project:
        return obj.project

    def describe(self, obj) -> str:
        """The row as the project's activity names it (never a person's name: see privacy.py)."""
        return f"{obj._meta.verbose_name} “{obj}”"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            fields = ", ".join(str(form.fields[name].label).lower() for name in form.changed_data)
            services.record_admin_change(
                self.project_of(obj),
                by=request.user,
                summary=f"changed the {fields} of {self.describe(obj)} in the admin",
            )

    def delete_model(self, request, obj):
        project, what = self.project_of(obj), self.describe(obj)
        with transaction.atomic():
            super().delete_model(request, obj)
            services.record_admin_change(project, by=request.user, summary=f"deleted {what} in the admin")

    def delete_queryset(self, request, queryset):
        # One by one, so each deletion is recorded in its own project.
        for obj in queryset:
            self.delete_model(request, obj)


class TeamMemberInline(ShownNotChanged, admin.TabularInline):
    """The team, to read: people join by invitation and leads change on the project's team page."""

    model = TeamMember
    extra = 0
    fields = ["user", "side", "is_lead", "show_name", "joined_at", "left_at"]
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "visibility", "ladder_step", "parent_share_threshold", "created_at"]
    list_filter = ["visibility", "ladder_step"]
    search_fields = ["title", "aims"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [TeamMemberInline]

    def save_model(self, request, obj, form, change):
        # The aims are shown from their HTML, rendered when saved, as the portal's form does.
        obj.aims_html = render_markdown(obj.aims)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            services.record_admin_change(
                obj, by=request.user, summary="set up the project in the admin", event="coproduction.project_created"
            )
        elif form.changed_data:
            services.record_admin_change(
                obj,
                by=request.user,
                summary="changed the project's details in the admin",
                event="coproduction.visibility_changed" if "visibility" in form.changed_data else None,
            )


@admin.register(TeamMember)
class TeamMemberAdmin(ShownNotChanged, admin.ModelAdmin):
    """To read: people join a team by invitation, and leads and forum staff look after the team on
    the project's team page, which checks each side and records the change."""

    list_display = ["__str__", "project", "side", "is_lead", "show_name", "joined_at", "left_at"]
    list_filter = ["side", "is_lead", "project"]
    search_fields = ["user__email", "user__full_name", "project__title"]
    list_select_related = ["user", "project"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """To read: leads and forum staff invite and withdraw on the team page; the person answers on
    the invitation's own page."""

    list_display = ["email", "project", "side", "is_lead", "status", "invited_at", "expires_at"]
    list_filter = ["status", "side", "project"]
    search_fields = ["email", "project__title"]
    list_select_related = ["project"]
    readonly_fields = [
        "project", "email", "side", "is_lead", "invited_by", "invited_at", "expires_at", "status", "answered_at",
        "member",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(RecordedAdmin):
    """The wording can be corrected here; agreeing and parking are the leads' own, on the agenda page."""

    list_display = ["title", "project", "status", "proposed_at"]
    list_filter = ["status", "project"]
    search_fields = ["title", "description"]
    list_select_related = ["project"]
    readonly_fields = [
        "project", "proposed_by", "proposed_at", "status", "agreed_by_parent_lead", "agreed_by_professional_lead",
        "parked_by", "parked_reason", "changed_at",
    ]  # fmt: skip


@admin.register(Meeting)
class MeetingAdmin(RecordedAdmin):
    list_display = ["title", "project", "held_on"]
    list_filter = ["project"]
    search_fields = ["title"]
    list_select_related = ["project"]
    readonly_fields = ["project", "agenda", "attendees", "recorded_by", "recorded_at", "participation_activity"]


@admin.register(Decision)
class DecisionAdmin(RecordedAdmin):
    list_display = ["__str__", "project", "meeting", "decided_on"]
    list_filter = ["project", "decided_on"]
    search_fields = ["text", "dissent"]
    list_select_related = ["project", "meeting"]
    readonly_fields = ["project", "meeting", "agreed_by", "recorded_by", "recorded_at"]


@admin.register(Action)
class ActionAdmin(RecordedAdmin):
    """Owner and status change on the project's actions page, which tells the new owner."""

    list_display = ["__str__", "project", "owner", "due_on", "status"]
    list_filter = ["status", "project"]
    search_fields = ["description"]
    list_select_related = ["project", "owner__user"]
    readonly_fields = ["project", "decision", "owner", "status", "created_by", "created_at", "done_at", "done_by"]


class DocumentVersionInline(ShownNotChanged, admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["number", "author", "created_at"]
    readonly_fields = fields


@admin.register(Document)
class DocumentAdmin(RecordedAdmin):
    """Only the title can be corrected here. A document starts with its first version, on the
    portal's page; whether it is co-produced follows from the leads' sign-offs, never set by hand."""

    list_display = ["title", "project", "is_coproduced", "created_at"]
    list_filter = ["is_coproduced", "project"]
    search_fields = ["title"]
    list_select_related = ["project"]
    readonly_fields = ["project", "latest_version", "is_coproduced", "created_at"]
    inlines = [DocumentVersionInline]

    def get_deleted_objects(self, objs, request):
        # Versions, sign-offs and comments cannot be deleted one by one (a document would lose its
        # latest version, or keep a sign-off that no longer stands), but they go with the document.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept_whole = {model._meta.verbose_name for model in (DocumentVersion, SignOff, DocumentComment)}
        return deleted, counts, perms_needed - kept_whole, protected


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ShownNotChanged, admin.ModelAdmin):
    """Versions come from saving a document (which renders the text) and are never changed."""

    list_display = ["__str__", "number", "author", "created_at"]
    list_filter = ["document__project"]
    search_fields = ["document__title", "body"]
    list_select_related = ["document", "author__user"]
    readonly_fields = ["document", "number", "body", "body_html", "author", "created_at"]


@admin.register(SignOff)
class SignOffAdmin(ShownNotChanged, admin.ModelAdmin):
    """To read: a sign-off is a lead's own, given on the document's page."""

    list_display = ["__str__", "side", "signed_at"]
    list_filter = ["side", "version__document__project"]
    search_fields = ["version__document__title"]
    list_select_related = ["version__document", "member__user"]
    readonly_fields = ["version", "member", "side", "signed_at"]


@admin.register(DocumentComment)
class DocumentCommentAdmin(RecordedAdmin):
    list_display = ["__str__", "version", "created_at"]
    list_filter = ["version__document__project"]
    search_fields = ["text"]
    list_select_related = ["version__document"]
    readonly_fields = ["version", "author", "created_at"]

    def project_of(self, obj) -> Project:
        return obj.version.document.project


@admin.register(Activity)
class ActivityAdmin(ShownNotChanged, admin.ModelAdmin):
    """The record of who changed what: read in the admin, never written or deleted there."""

    list_display = ["summary", "project", "member", "at"]
    list_filter = ["project"]
    search_fields = ["summary"]
    raw_id_fields = ["member", "actor"]
    list_select_related = ["project", "member__user"]


@admin.register(CornerstonesRating)
class CornerstonesRatingAdmin(RecordedAdmin):
    """A rating is the person's own: it can be read, or deleted (say, a comment that names a child),
    but not changed."""

    list_display = ["__str__", "side", "period", "welcome", "value", "communicate", "partnership"]
    list_filter = ["side", "period", "project"]
    search_fields = ["project__title", "comment"]
    list_select_related = ["project", "member__user"]

    def describe(self, obj) -> str:
        return f"a Four Cornerstones rating for {obj.period:%B %Y}"

    def has_change_permission(self, request, obj=None):
        return False
