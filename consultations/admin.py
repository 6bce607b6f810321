from django.contrib import admin

from .models import (
    Answer,
    Consultation,
    ConsultationEvent,
    LocalOfferComment,
    Question,
    Reply,
    ReplyItem,
    ReplyUpdate,
    Response,
    Theme,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "section", "kind", "text", "required"]


class EventInline(admin.TabularInline):
    model = ConsultationEvent
    extra = 0
    fields = ["at", "action", "by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "opens_at", "closes_at", "reply_due_at"]
    list_filter = ["status", "topic", "organisation", "allows_visitors"]
    search_fields = ["title", "summary", "organisation__name"]
    date_hierarchy = "opens_at"
    raw_id_fields = ["created_by"]
    inlines = [QuestionInline, EventInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "consultation", "kind", "position", "required"]
    list_filter = ["kind", "required"]
    search_fields = ["text", "consultation__title"]
    raw_id_fields = ["consultation"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Answers are personal data: forum admins see them for support, they do not edit them."""

    list_display = ["pk", "consultation", "status", "share_name", "hear_back", "submitted_at"]
    list_filter = ["status", "share_name", "hear_back"]
    search_fields = ["consultation__title", "user__email", "email"]
    raw_id_fields = ["consultation", "user"]
    readonly_fields = ["consultation", "user", "email", "status", "started_at", "updated_at", "submitted_at"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["pk", "question", "choice", "response"]
    list_filter = ["question__kind"]
    search_fields = ["text", "choice", "question__text"]
    raw_id_fields = ["response", "question"]
    filter_horizontal = ["themes"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "consultation"]
    list_filter = ["consultation__organisation"]
    search_fields = ["name", "consultation__title"]
    raw_id_fields = ["consultation"]


@admin.register(ConsultationEvent)
class ConsultationEventAdmin(admin.ModelAdmin):
    list_display = ["consultation", "action", "by", "at"]
    list_filter = ["action"]
    search_fields = ["consultation__title", "note", "by__email"]
    raw_id_fields = ["consultation", "by"]


class ReplyItemInline(admin.StackedInline):
    model = ReplyItem
    extra = 0
    raw_id_fields = ["theme"]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["consultation", "published_at", "published_by"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["consultation__title", "summary"]
    raw_id_fields = ["consultation", "published_by"]
    inlines = [ReplyItemInline]


@admin.register(ReplyItem)
class ReplyItemAdmin(admin.ModelAdmin):
    list_display = ["you_said", "reply", "outcome", "owner", "due_date"]
    list_filter = ["outcome"]
    search_fields = ["you_said", "we_did", "reason"]
    raw_id_fields = ["reply", "theme"]


@admin.register(ReplyUpdate)
class ReplyUpdateAdmin(admin.ModelAdmin):
    list_display = ["reply", "item", "at", "by"]
    list_filter = ["at"]
    search_fields = ["text", "reply__consultation__title"]
    raw_id_fields = ["reply", "item", "by"]


@admin.register(LocalOfferComment)
class LocalOfferCommentAdmin(admin.ModelAdmin):
    list_display = ["text", "consultation", "aspect", "moderation", "created_at"]
    list_filter = ["moderation", "aspect"]
    search_fields = ["text", "moderation_reason", "consultation__title"]
    raw_id_fields = ["consultation", "user", "moderated_by"]
