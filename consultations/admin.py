from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered

from forum_portal.admin import ShownNotChanged
from forum_portal.notify.models import OutgoingEmail

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


class QuestionInline(ShownNotChanged, admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "section", "kind", "text", "required"]


class EventInline(ShownNotChanged, admin.TabularInline):
    model = ConsultationEvent
    extra = 0
    fields = ["at", "action", "by", "note"]


@admin.register(Consultation)
class ConsultationAdmin(ShownNotChanged, admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "status", "opens_at", "closes_at", "reply_due_at"]
    list_filter = ["kind", "status", "topic", "organisation", "allows_visitors"]
    list_select_related = ["organisation"]
    search_fields = ["title", "summary", "organisation__name"]
    date_hierarchy = "opens_at"
    raw_id_fields = ["created_by"]
    inlines = [QuestionInline, EventInline]


@admin.register(Question)
class QuestionAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["consultation"]
    list_display = ["text", "consultation", "kind", "position", "required"]
    list_filter = ["kind", "required"]
    search_fields = ["text", "consultation__title"]
    raw_id_fields = ["consultation"]


@admin.register(Response)
class ResponseAdmin(ShownNotChanged, admin.ModelAdmin):
    """Answers are personal data: forum admins see them for support, they do not edit them."""

    list_select_related = ["consultation"]
    list_display = ["pk", "consultation", "status", "share_name", "hear_back", "submitted_at"]
    list_filter = ["status", "share_name", "hear_back"]
    search_fields = ["consultation__title", "user__email", "email"]
    raw_id_fields = ["consultation", "user"]


@admin.register(Answer)
class AnswerAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["question", "response"]
    list_display = ["pk", "question", "choice", "response"]
    list_filter = ["question__kind"]
    search_fields = ["text", "choice", "question__text"]
    raw_id_fields = ["response", "question"]
    filter_horizontal = ["themes"]


@admin.register(Theme)
class ThemeAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["consultation"]
    list_display = ["name", "consultation"]
    list_filter = ["consultation__organisation"]
    search_fields = ["name", "consultation__title"]
    raw_id_fields = ["consultation"]


@admin.register(ConsultationEvent)
class ConsultationEventAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["consultation", "by"]
    list_display = ["consultation", "action", "by", "at"]
    list_filter = ["action"]
    search_fields = ["consultation__title", "note", "by__email"]
    raw_id_fields = ["consultation", "by"]


class ReplyItemInline(ShownNotChanged, admin.StackedInline):
    model = ReplyItem
    extra = 0
    raw_id_fields = ["theme"]


@admin.register(Reply)
class ReplyAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["consultation", "published_by"]
    list_display = ["consultation", "published_at", "published_by"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["consultation__title", "summary"]
    raw_id_fields = ["consultation", "published_by"]
    inlines = [ReplyItemInline]


@admin.register(ReplyItem)
class ReplyItemAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["reply__consultation"]
    list_display = ["you_said", "reply", "outcome", "owner", "due_date"]
    list_filter = ["outcome"]
    search_fields = ["you_said", "we_did", "reason"]
    raw_id_fields = ["reply", "theme"]


@admin.register(ReplyUpdate)
class ReplyUpdateAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["reply__consultation", "item", "by"]
    list_display = ["reply", "item", "at", "by"]
    list_filter = ["at"]
    search_fields = ["text", "reply__consultation__title"]
    raw_id_fields = ["reply", "item", "by"]


@admin.register(LocalOfferComment)
class LocalOfferCommentAdmin(ShownNotChanged, admin.ModelAdmin):
    list_select_related = ["consultation"]
    list_display = ["text", "consultation", "aspect", "moderation", "created_at"]
    list_filter = ["moderation", "aspect"]
    search_fields = ["text", "moderation_reason", "consultation__title"]
    raw_id_fields = ["consultation", "user", "moderated_by"]


# --- The outbox, by consultation ----------------------------------------------------------------


class OutboxConsultationFilter(admin.SimpleListFilter):
    """Reminders and replies about one consultation, found by their dedupe keys, which name the
    consultation second (``closed:<consultation>:…``, ``consultation-reply:<consultation>:…``)."""

    title = "consultation"
    parameter_name = "consultation"
    RECENT = 30

    def lookups(self, request, model_admin):
        recent = Consultation.objects.public().order_by("-closes_at", "-pk")[: self.RECENT]
        return [(str(c.pk), c.title) for c in recent]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        return queryset.filter(
            kind__startswith="consultation_", dedupe_key__regex=rf"^[a-z0-9-]+:{int(value)}:"
        ).exclude(kind="consultation_receipt")


def _add_outbox_filter() -> None:
    """The outbox admin belongs to the notify kernel, which knows no rung; this rung adds its filter.
    (The kernel's admin is registered first: its app comes before the rungs in INSTALLED_APPS.)"""
    try:
        outbox = admin.site.get_model_admin(OutgoingEmail)
    except NotRegistered:
        return
    if OutboxConsultationFilter not in outbox.list_filter:
        outbox.list_filter = [*outbox.list_filter, OutboxConsultationFilter]


_add_outbox_filter()
