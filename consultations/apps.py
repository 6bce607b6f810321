from django.apps import AppConfig

# Reminders (consultations/reminders.py): each kind can be switched off. Mail to parent carers
# waits through quiet hours; officers' and staff's work mail does not.
REMINDER_KINDS = [
    (
        "consultation_closing_soon",
        "Consultations closing soon",
        "A week and a day before a consultation you have not answered closes, or your saved answer is not sent.",
        True,
    ),
    (
        "consultation_closing",
        "Your consultation is closing",
        "For officers: two days before your organisation's consultation closes.",
        False,
    ),
    (
        "consultation_closed",
        "Your consultation has closed",
        "For officers: when your organisation's consultation closes, how many answered and when the reply is due.",
        False,
    ),
    (
        "consultation_reply_due",
        "“You said, we did” reply due",
        "For officers: 14 days and 1 day before a reply is due (a Local Offer answer also a month before).",
        False,
    ),
    (
        "consultation_reply_overdue",
        "“You said, we did” reply overdue",
        "For officers: weekly, while your organisation's reply is overdue.",
        False,
    ),
    (
        "consultation_overdue_digest",
        "Overdue replies: weekly summary",
        "For forum staff: every overdue “You said, we did” reply, once a week.",
        False,
    ),
]


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self):
        from forum_portal import ladder
        from forum_portal.notify import kinds
        from forum_portal.people import privacy, retention

        from . import panels, reminders, rules, selectors, services  # noqa: F401 - rules registers the permissions

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
                still_due=reminders.STILL_DUE["consultation_reply"],
            )
        )
        for key, label, description, quiet_hours in REMINDER_KINDS:
            kinds.register(
                kinds.EmailKind(
                    key=key,
                    label=label,
                    description=description,
                    quiet_hours=quiet_hours,
                    still_due=reminders.STILL_DUE.get(key),
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
        retention.register(
            retention.RetentionRule(
                key="answer_links",
                title="Answers no longer linked to the person who gave them",
                setting="RETAIN_ANSWER_LINK",
                apply=services.unlink_old_answers,
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
