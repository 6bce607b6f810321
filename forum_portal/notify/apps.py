from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "forum_portal.notify"
    label = "notify"
    verbose_name = "Email"
