from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Participation"

    def ready(self):
        from forum_portal import ladder
        from forum_portal.notify import kinds
        from forum_portal.people import privacy

        from . import (
            panels,
            personal_data,
            rules,  # noqa: F401 - registers the permissions
        )

        kinds.register(
            kinds.EmailKind(
                key="participation_bookings",
                label="Event bookings",
                description="Your place at an event, your place on a waiting list, and a place coming free.",
                essential=True,
            )
        )
        kinds.register(
            kinds.EmailKind(
                key="participation_event_reminders",
                label="Event reminders",
                description="A reminder the day before an event you booked.",
                quiet_hours=True,
            )
        )
        kinds.register(
            kinds.EmailKind(
                key="participation_decisions",
                label="Parent rep decisions",
                description="The forum's decision when you offer to be a parent rep or volunteer.",
                essential=True,
            )
        )
        for section in personal_data.SECTIONS:
            privacy.register(section)
        ladder.register(
            ladder.Rung(
                step=3,
                app_label="participation",
                title="Take part",
                summary="Come to an event, join a working group or become a parent rep.",
                url_name="participation:index",
                home_context=panels.home_context,
                dashboard_context=panels.dashboard_context,
            )
        )
