from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self):
        from forum_portal import ladder
        from forum_portal.notify import kinds
        from forum_portal.people import privacy

        from . import panels, rules, selectors, services  # noqa: F401 - rules registers the permissions

        kinds.register(
            kinds.EmailKind(
                key="consultation_receipt",
                label="Your answers to a consultation",
                description="A copy of the answers you sent, each time you send them.",
                essential=True,
            )
        )
        kinds.register(
            kinds.EmailKind(
                key="consultation_reply",
                label="“You said, we did” replies",
                description="When an organisation publishes its reply to a consultation you answered.",
                quiet_hours=True,
            )
        )
        privacy.register(
            privacy.PersonalData(
                "consultation_answers",
                "Your answers to consultations",
                selectors.answers_of_person,
                anonymise=services.anonymise_responses,
            )
        )
        ladder.register(
            ladder.Rung(
                step=2,
                app_label="consultations",
                title="Have your say",
                summary="Answer the council's and the NHS's questions, and see what they did.",
                url_name="consultations:consultation-list",
                home_context=panels.home_context,
                dashboard_context=panels.dashboard_context,
            )
        )
