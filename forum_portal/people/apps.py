from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "forum_portal.people"
    label = "people"
    verbose_name = "People and organisations"

    def ready(self):
        from forum_portal import fragments

        # Who is signed in is kept while nothing about people or their authenticators changes
        # (backends.py).
        fragments.watch("people", "mfa")

        from . import (
            privacy,  # noqa: F401 - registers the kernel's personal data sections
            retention,  # noqa: F401 - registers the kernel's retention rules
        )
