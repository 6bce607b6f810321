from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "forum_portal.audit"
    label = "audit"
    verbose_name = "Audit"
