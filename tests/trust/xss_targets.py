"""Where text people type is shown, for the XSS test: each target stores payloads and names the
pages that show them, and who may open those pages.

Add a target for every field a page prints that someone other than forum admins can write, and
for every Markdown field (``markdown=True``: the payloads must not run, and Markdown may drop
what it cannot allow instead of showing it).
"""

from collections.abc import Callable
from dataclasses import dataclass

from forum_portal.audit.services import record_event
from forum_portal.notify.models import OutgoingEmail
from tests.factories import ParentCarerFactory

from . import xss_targets_coproduction, xss_targets_information, xss_targets_participation

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    "<svg/onload=alert('xss-3')>",
    "\"><script>alert('xss-4')</script>",
    "'><img src=x onerror=alert('xss-5')>",
    "<iframe src=\"javascript:alert('xss-6')\"></iframe>",
    "<a href=\"javascript:alert('xss-7')\">xss-7</a>",
    "<details open ontoggle=alert('xss-8')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-9')>",
    "</textarea><script>alert('xss-10')</script>",
    "<body onload=alert('xss-11')>",
    "[xss-12](javascript:alert('xss-12'))",
    "![xss-13](x\" onerror=\"alert('xss-13'))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">xss-14</a>',
    "{{ 7|add:7 }} {% now 'Y' %} xss-15",
    "<style>body{display:none}</style>xss-16",
]


@dataclass(frozen=True)
class XssTarget:
    name: str
    viewer: str  # the role (see walker.ROLES) that opens the pages
    plant: Callable  # (world, payloads) -> paths of the pages that show them
    markdown: bool = False


def _names_on_account_pages(world, payloads):
    paths = []
    for payload in payloads[:3]:
        world.parent.full_name = payload
        world.parent.save(update_fields=["full_name"])
    # Only the account's own page shows its name; the last payload is the one shown.
    paths.append("/account/")
    return paths


def _names_in_the_admin(world, payloads):
    for number, payload in enumerate(payloads):
        ParentCarerFactory(email=f"xss{number}@example.org", full_name=payload)
    return ["/admin/people/user/", "/admin/people/parentcarerprofile/"]


def _audit_and_outbox_in_the_admin(world, payloads):
    for number, payload in enumerate(payloads):
        person = ParentCarerFactory(email=f"audit{number}@example.org", full_name=payload)
        record_event("profile.changed", actor=person, obj=person, note=payload)
        OutgoingEmail.objects.create(
            kind="account",
            recipient=person.email,
            subject=payload[:200],
            body_text=payload,
            body_html=payload,
            dedupe_key=f"xss:{number}",
        )
    first_email = OutgoingEmail.objects.filter(dedupe_key="xss:0").get()
    return [
        "/admin/audit/auditevent/",
        "/admin/notify/outgoingemail/",
        f"/admin/notify/outgoingemail/{first_email.pk}/change/",
    ]


def _guide(world, payloads):
    """A published guide whose title and Markdown body carry the payloads."""
    from tests.factories.information import PublishedArticleFactory

    guide = PublishedArticleFactory(title=payloads[1][:150], slug="xss-guide", body="\n\n".join(payloads))
    return [guide.get_absolute_url(), "/information/guides/"]


def _consultation(world, payloads):
    """An open consultation: title, Markdown summary and a question carry the payloads."""
    from consultations.services import MARKDOWN_FIELDS
    from forum_portal.markdown import render_markdown
    from tests.factories.consultations import QuestionFactory, open_consultation

    fields = {name: "\n\n".join(payloads) for name in MARKDOWN_FIELDS}
    consultation = open_consultation(
        organisation=world.owning_organisation,
        title=payloads[0][:150],
        **fields,
        **{f"{name}_html": render_markdown(text) for name, text in fields.items()},
    )
    QuestionFactory(consultation=consultation, text=payloads[3], choices="\n".join(payloads[:4]))
    return [f"/consultations/{consultation.pk}/", f"/consultations/{consultation.pk}/answer/", "/consultations/"]


def _answers_and_reply(world, payloads):
    """Answers people typed, in the owning officer's results; the published "You said, we did"."""
    from consultations import services
    from consultations.models import Answer, Question, Response
    from tests.factories.consultations import QuestionFactory, closed_consultation

    consultation = closed_consultation(organisation=world.owning_organisation, title="Closed")
    question = QuestionFactory(consultation=consultation, kind=Question.Kind.LONG_TEXT, choices="")
    for number, payload in enumerate(payloads):
        response = Response.objects.create(
            consultation=consultation,
            user=ParentCarerFactory(email=f"answer{number}@example.org"),
            status=Response.Status.SUBMITTED,
            submitted_at=consultation.closes_at,
        )
        Answer.objects.create(response=response, question=question, text=payload)
    reply = services.reply_for(consultation)
    for payload in payloads[:4]:
        services.save_reply_item(reply, by=world.officer, you_said=payload, we_did=payload, outcome="changed")
    services.publish_reply(reply, by=world.officer)
    return [f"/consultations/{consultation.pk}/results/", f"/consultations/{consultation.pk}/"]


def _event(world, payloads):
    """A published event whose title and Markdown description carry the payloads."""
    from forum_portal.markdown import render_markdown
    from tests.factories.participation import EventFactory

    text = "\n\n".join(payloads)
    event = EventFactory(title=payloads[0][:150], description=text, description_html=render_markdown(text))
    return [f"/get-involved/events/{event.pk}/", "/get-involved/events/"]


TARGETS = [
    XssTarget("a person's name on their account page", "parent", _names_on_account_pages),
    XssTarget("people's names in the admin", "admin", _names_in_the_admin),
    XssTarget("audit trail and outbox in the admin", "admin", _audit_and_outbox_in_the_admin),
    XssTarget("a guide's title and Markdown body", "visitor", _guide, markdown=True),
    XssTarget("a consultation's title, Markdown texts and question", "parent", _consultation, markdown=True),
    XssTarget("answers in the results and the published reply", "officer", _answers_and_reply),
    XssTarget("an event's title and Markdown description", "visitor", _event, markdown=True),
    *xss_targets_coproduction.targets(XssTarget),
    *xss_targets_information.targets(XssTarget),
    *xss_targets_participation.targets(XssTarget),
]
