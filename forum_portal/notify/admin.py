from django.contrib import admin, messages

from forum_portal.audit.services import record_event

from . import services
from .models import EmailOptOut, OutgoingEmail
from .selectors import outbox_counts_by_day


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    list_select_related = False
    actions = ["resend"]
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    change_list_template = "admin/notify/outgoingemail/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The outbox is a record of what was sent: it can be read and failed mail resent, not edited.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a row frees its dedupe key, and the next reminder run would send that mail again.
        return False

    @admin.action(description="Send the selected failed emails again")
    def resend(self, request, queryset):
        requeued = 0
        for email in queryset.filter(status=OutgoingEmail.Status.FAILED):
            if services.resend_email(email):
                record_event("email.resent", actor=request.user, obj=email)
                requeued += 1
        self.message_user(request, f"{requeued} failed email(s) queued again.", messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "counts_by_day": outbox_counts_by_day()[:14]}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
