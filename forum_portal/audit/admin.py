from django.contrib import admin

from forum_portal.admin import ShownNotChanged

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ShownNotChanged, admin.ModelAdmin):
    """The trail is evidence: it can be searched and read, never added to, changed or deleted here."""

    list_display = ["at", "actor_email", "action", "object_repr", "ip_address"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["actor_email", "action", "object_repr", "object_id", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["object_type"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
