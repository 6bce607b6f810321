from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "forum_portal.people"
    label = "people"
    verbose_name = "People and organisations"
