from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production"

    def ready(self):
        from forum_portal import ladder
        from forum_portal.notify import kinds
        from forum_portal.people import privacy

        from . import panels
        from . import privacy as coproduction_privacy

        kinds.register(
            kinds.EmailKind(
                key="coproduction_actions",
                label="Co-production actions",
                description="When someone gives you an action in a co-production project, and when one is overdue.",
            )
        )
        kinds.register(
            kinds.EmailKind(
                key="coproduction_team",
                label="Co-production teams",
                description="When someone adds you to a co-production project's team.",
            )
        )
        kinds.register(
            kinds.EmailKind(
                key="coproduction_invitation",
                label="Co-production invitations",
                description="When a co-production project's team invites you to join it.",
            )
        )
        privacy.register(
            privacy.PersonalData(
                "coproduction",
                "Your co-production projects",
                coproduction_privacy.collect,
                anonymise=coproduction_privacy.anonymise,
            )
        )
        privacy.register(
            privacy.PersonalData(
                "coproduction_invitations",
                "Your invitations to co-production teams",
                coproduction_privacy.collect_invitations,
                anonymise=coproduction_privacy.anonymise_invitations,
            )
        )
        ladder.register(
            ladder.Rung(
                step=4,
                app_label="coproduction",
                title="Co-production",
                summary="Parents and professionals as equal partners: a shared agenda, decisions, actions "
                "and documents written together.",
                url_name="coproduction:project-list",
                home_context=panels.home_context,
                dashboard_context=panels.dashboard_context,
            )
        )
