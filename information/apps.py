from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "information"
    verbose_name = "Information"

    def ready(self):
        from forum_portal import ladder
        from forum_portal.notify import kinds
        from forum_portal.people import privacy

        from . import panels, rules  # noqa: F401 - rules registers the permissions
        from .privacy import collect_subscriptions

        ladder.register(
            ladder.Rung(
                step=1,
                app_label="information",
                title="Find information",
                summary="Guides, news and a directory of services.",
                url_name="information:index",
                home_context=panels.home_context,
                dashboard_context=panels.dashboard_context,
            )
        )
        kinds.register(
            kinds.EmailKind(
                key="information_digest",
                label="Topic digest",
                description="Once a week, new guides and news in the topics you follow.",
                quiet_hours=True,
            )
        )
        kinds.register(
            kinds.EmailKind(
                key="information_review_due",
                label="Pages to review",
                description="For forum staff: a page you own has passed its review date.",
            )
        )
        # Subscriptions go with the account (a cascade), so there is nothing to anonymise.
        privacy.register(privacy.PersonalData("information_topics", "Topics you follow", collect_subscriptions))
