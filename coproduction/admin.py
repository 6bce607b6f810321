from django.contrib import admin

from .models import (
    Action,
    Activity,
    AgendaItem,
    CornerstonesRating,
    Decision,
    Document,
    DocumentComment,
    DocumentVersion,
    Meeting,
    Project,
    SignOff,
    TeamMember,
)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "side", "is_lead", "show_name", "joined_at", "left_at"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "visibility", "ladder_step", "parent_share_threshold", "created_at"]
    list_filter = ["visibility", "ladder_step"]
    search_fields = ["title", "aims"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners"]
    inlines = [TeamMemberInline]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "side", "is_lead", "show_name", "joined_at", "left_at"]
    list_filter = ["side", "is_lead", "project"]
    search_fields = ["user__email", "user__full_name", "project__title"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "project"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "status", "proposed_at"]
    list_filter = ["status", "project"]
    search_fields = ["title", "description"]
    raw_id_fields = ["proposed_by", "agreed_by_parent_lead", "agreed_by_professional_lead", "parked_by"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "held_on"]
    list_filter = ["project"]
    search_fields = ["title"]
    raw_id_fields = ["recorded_by", "agenda", "attendees"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "meeting", "decided_on"]
    list_filter = ["project", "decided_on"]
    search_fields = ["text", "dissent"]
    raw_id_fields = ["meeting", "recorded_by", "agreed_by"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "owner", "due_on", "status"]
    list_filter = ["status", "project"]
    search_fields = ["description"]
    raw_id_fields = ["decision", "owner", "created_by", "done_by"]
    list_select_related = ["project", "owner__user"]


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["number", "author", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "is_coproduced", "created_at"]
    list_filter = ["is_coproduced", "project"]
    search_fields = ["title"]
    raw_id_fields = ["latest_version"]
    inlines = [DocumentVersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    """Versions come from saving a document (which renders the text) and are never changed."""

    list_display = ["__str__", "number", "author", "created_at"]
    list_filter = ["document__project"]
    search_fields = ["document__title", "body"]
    raw_id_fields = ["document", "author"]
    readonly_fields = ["document", "number", "body", "body_html", "author", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SignOff)
class SignOffAdmin(admin.ModelAdmin):
    list_display = ["__str__", "side", "signed_at"]
    list_filter = ["side"]
    search_fields = ["version__document__title"]
    raw_id_fields = ["version", "member"]


@admin.register(DocumentComment)
class DocumentCommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "created_at"]
    list_filter = ["version__document__project"]
    search_fields = ["text"]
    raw_id_fields = ["version", "author"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The record of who changed what: read in the admin, never written or deleted there."""

    list_display = ["summary", "project", "member", "at"]
    list_filter = ["project"]
    search_fields = ["summary"]
    raw_id_fields = ["member", "actor"]
    list_select_related = ["project", "member__user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CornerstonesRating)
class CornerstonesRatingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "side", "period", "welcome", "value", "communicate", "partnership"]
    list_filter = ["side", "period", "project"]
    search_fields = ["project__title", "comment"]
    raw_id_fields = ["member"]
