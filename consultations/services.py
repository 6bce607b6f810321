"""Writes for consultations: the lifecycle, answering, themes and the "You said, we did" reply.

Every state change locks the consultation row, checks the state it starts from, writes a
``ConsultationEvent`` (the history people see) and, for staff and officer actions, an audit event.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format

from forum_portal import fragments
from forum_portal.audit.services import record_event
from forum_portal.markdown import render_markdown
from forum_portal.notify.services import queue_email
from forum_portal.people.models import Organisation, User

from .models import (
    REPLY_DUE_AFTER,
    Answer,
    Consultation,
    ConsultationEvent,
    LocalOfferComment,
    Question,
    Reply,
    ReplyItem,
    ReplyUpdate,
    Response,
    Theme,
)

MARKDOWN_FIELDS = ("summary", "proposal", "options")


class ConsultationClosedError(ValidationError):
    """The consultation is not open for answers (any more)."""

    def __init__(self, message: str = "This consultation is not open for answers."):
        super().__init__(message)


# --- Drafting ------------------------------------------------------------------------------------


def _render_texts(consultation: Consultation) -> None:
    for name in MARKDOWN_FIELDS:
        setattr(consultation, f"{name}_html", render_markdown(getattr(consultation, name)))


def _default_reply_due(consultation: Consultation) -> None:
    if consultation.closes_at:
        consultation.reply_due_at = consultation.closes_at + REPLY_DUE_AFTER


def _log(consultation: Consultation, action: str, *, by: User | None, note: str = "") -> ConsultationEvent:
    return ConsultationEvent.objects.create(consultation=consultation, action=action, by=by, note=note)


@transaction.atomic
def create_consultation(*, organisation: Organisation, by: User, **fields) -> Consultation:
    """Start a draft for the officer's organisation. The reply is due 12 weeks after closing."""
    consultation = Consultation(organisation=organisation, created_by=by, **fields)
    _render_texts(consultation)
    _default_reply_due(consultation)
    consultation.full_clean()
    consultation.save()
    _log(consultation, ConsultationEvent.Action.CREATED, by=by)
    return consultation


@transaction.atomic
def update_consultation(consultation: Consultation, *, by: User, **fields) -> Consultation:
    """Change a draft. Only drafts change: what the forum approved is what people see."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.DRAFT:
        raise ValidationError("Only a draft can be changed.")
    for name, value in fields.items():
        setattr(consultation, name, value)
    _render_texts(consultation)
    _default_reply_due(consultation)
    consultation.updated_at = timezone.now()
    consultation.full_clean()
    consultation.save()
    return consultation


def _require_draft(consultation: Consultation) -> None:
    if consultation.status != Consultation.Status.DRAFT:
        raise ValidationError("Questions can only change while the consultation is a draft.")


@transaction.atomic
def add_question(consultation: Consultation, **fields) -> Question:
    """Add a question at the end of a draft's list."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require_draft(consultation)
    last = consultation.questions.aggregate(last=Max("position"))["last"]
    question = Question(consultation=consultation, position=(last or 0) + 1, **fields)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def update_question(question: Question, **fields) -> Question:
    _require_draft(question.consultation)
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def delete_question(question: Question) -> None:
    _require_draft(question.consultation)
    question.delete()


@transaction.atomic
def move_question(question: Question, *, up: bool) -> None:
    """Swap the question with its neighbour above (or below); positions are renumbered 1..n."""
    consultation = Consultation.objects.select_for_update().get(pk=question.consultation_id)
    _require_draft(consultation)
    questions = list(consultation.questions.order_by("position", "id"))
    index = next(i for i, row in enumerate(questions) if row.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, row in enumerate(questions, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


# --- Review --------------------------------------------------------------------------------------


def submission_problems(consultation: Consultation) -> list[str]:
    """What stops a draft going to the forum. (Running under six weeks only warns.)"""
    problems = []
    if not consultation.summary.strip():
        problems.append("Write a plain-English summary.")
    if not consultation.questions.exists():
        problems.append("Add at least one question.")
    if not consultation.opens_at or not consultation.closes_at:
        problems.append("Give the opening and closing dates.")
    elif consultation.closes_at <= consultation.opens_at:
        problems.append("The closing date must be after the opening date.")
    return problems


@transaction.atomic
def submit_for_review(consultation: Consultation, *, by: User) -> Consultation:
    """Send a complete draft to the forum. Blocks without a summary, a question and valid dates."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.DRAFT:
        raise ValidationError("Only a draft can be sent for review.")
    problems = submission_problems(consultation)
    if problems:
        raise ValidationError(problems)
    consultation.status = Consultation.Status.IN_REVIEW
    consultation.updated_at = timezone.now()
    consultation.save(update_fields=["status", "updated_at"])
    _log(consultation, ConsultationEvent.Action.SUBMITTED, by=by)
    record_event("consultation.submitted", actor=by, obj=consultation)
    return consultation


@transaction.atomic
def approve_consultation(consultation: Consultation, *, by: User) -> Consultation:
    """The forum approves a consultation in review; it then opens on its own date."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.IN_REVIEW:
        raise ValidationError("Only a consultation in review can be approved.")
    consultation.status = Consultation.Status.APPROVED
    consultation.review_comments = ""
    consultation.updated_at = timezone.now()
    consultation.save(update_fields=["status", "review_comments", "updated_at"])
    _log(consultation, ConsultationEvent.Action.APPROVED, by=by)
    record_event("consultation.approved", actor=by, obj=consultation)
    return consultation


@transaction.atomic
def return_consultation(consultation: Consultation, *, by: User, comments: str) -> Consultation:
    """The forum sends a consultation back to its officers as a draft, saying what to change."""
    if not comments.strip():
        raise ValidationError("Say what needs to change.")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.IN_REVIEW:
        raise ValidationError("Only a consultation in review can be sent back.")
    consultation.status = Consultation.Status.DRAFT
    consultation.review_comments = comments.strip()
    consultation.updated_at = timezone.now()
    consultation.save(update_fields=["status", "review_comments", "updated_at"])
    _log(consultation, ConsultationEvent.Action.RETURNED, by=by, note=comments.strip())
    record_event("consultation.returned", actor=by, obj=consultation)
    return consultation


@transaction.atomic
def withdraw_consultation(consultation: Consultation, *, by: User, reason: str, now: datetime | None = None):
    """The forum withdraws an approved consultation before it closes, with a public reason.
    Answers already given are kept, and never published."""
    if not reason.strip():
        raise ValidationError("Give the reason, which is shown publicly.")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.APPROVED or consultation.is_closed(now):
        raise ValidationError("Only an upcoming or open consultation can be withdrawn.")
    consultation.status = Consultation.Status.WITHDRAWN
    consultation.withdrawn_reason = reason.strip()
    consultation.updated_at = timezone.now()
    consultation.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    _log(consultation, ConsultationEvent.Action.WITHDRAWN, by=by, note=reason.strip())
    record_event("consultation.withdrawn", actor=by, obj=consultation, reason=reason.strip())
    return consultation


@transaction.atomic
def extend_consultation(consultation: Consultation, *, closes_at: datetime, reason: str, by: User) -> Consultation:
    """Give families longer: move an upcoming or open consultation's closing date later, with a
    public reason. The reply stays due 12 weeks after the new closing date; closing reminders
    follow the new date (reminders held for the old one are not sent)."""
    if not reason.strip():
        raise ValidationError("Give the reason, which is shown publicly.")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != Consultation.Status.APPROVED or consultation.is_closed():
        raise ValidationError("Only an upcoming or open consultation can be extended.")
    if closes_at <= consultation.closes_at:
        raise ValidationError("The new closing date must be after the current one.")
    before = consultation.closes_at
    consultation.closes_at = closes_at
    _default_reply_due(consultation)
    consultation.updated_at = timezone.now()
    consultation.full_clean()
    consultation.save(update_fields=["closes_at", "reply_due_at", "updated_at"])
    note = (
        f"It now closes on {date_format(timezone.localtime(closes_at), 'j F Y')} "
        f"instead of {date_format(timezone.localtime(before), 'j F Y')}. {reason.strip()}"
    )
    _log(consultation, ConsultationEvent.Action.EXTENDED, by=by, note=note)
    record_event("consultation.extended", actor=by, obj=consultation, closes_at=closes_at.isoformat())
    return consultation


# --- Answering -----------------------------------------------------------------------------------


def start_response(consultation: Consultation, *, user: User | None) -> Response:
    """The person's response to the consultation, started if they have none (visitors: always new)."""
    if user is None:
        return Response.objects.create(consultation=consultation)
    response, _ = Response.objects.get_or_create(consultation=consultation, user=user)
    return response


@transaction.atomic
def save_answers(response: Response, *, answers: dict[Question, object], now: datetime | None = None) -> Response:
    """Keep the answers to these questions as given (a draft), replacing earlier ones.

    Saving works even after closing, so nothing typed is lost; only submitting checks the dates.
    ``answers`` maps each question to a text, a choice, or a list of choices.
    """
    response = Response.objects.select_for_update().get(pk=response.pk)
    Answer.objects.filter(response=response, question__in=list(answers)).delete()
    rows = []
    for question, value in answers.items():
        if question.is_text:
            if value and str(value).strip():
                rows.append(Answer(response=response, question=question, text=str(value).strip()))
        else:
            values = value if isinstance(value, list | tuple) else [value]
            rows.extend(Answer(response=response, question=question, choice=str(v)) for v in values if v)
    Answer.objects.bulk_create(rows)
    response.updated_at = now or timezone.now()
    response.save(update_fields=["updated_at"])
    return response


@transaction.atomic
def submit_response(
    response: Response,
    *,
    share_name: bool,
    hear_back: bool,
    email: str = "",
    now: datetime | None = None,
) -> Response:
    """Send the answers. Only while the consultation is open; a person may send again to change
    their answer until it closes, and gets a receipt each time."""
    now = now or timezone.now()
    response = (
        Response.objects.select_for_update(of=("self",)).select_related("consultation", "user").get(pk=response.pk)
    )
    if not response.consultation.is_open(now):
        raise ConsultationClosedError
    missing = [
        question.text
        for question in response.consultation.questions.filter(required=True).exclude(answers__response=response)
    ]
    if missing:
        raise ValidationError([f"Answer the question: {text}" for text in missing])
    response.share_name = share_name
    response.hear_back = hear_back
    if response.user is None:
        response.email = email.strip().lower()
    response.status = Response.Status.SUBMITTED
    response.submitted_at = now
    response.updated_at = now
    response.save()
    _send_receipt(response)
    return response


def _send_receipt(response: Response) -> None:
    address = response.user if response.user is not None else response.email
    if not address:
        return
    answers = list(response.answers.select_related("question").order_by("question__position", "question_id", "id"))
    copy = []
    for question in response.consultation.questions.all():
        given = [answer for answer in answers if answer.question_id == question.pk]
        labels = dict(question.options())
        copy.append(
            (
                question.text,
                ", ".join(answer.text or labels.get(answer.choice, answer.choice) for answer in given) or "(no answer)",
            )
        )
    queue_email(
        kind="consultation_receipt",
        to=address,
        dedupe_key=f"consultation-receipt:{response.pk}:{response.submitted_at.isoformat()}",
        template="consultations_receipt",
        context={"consultation": response.consultation, "response": response, "copy": copy},
    )


# --- Analysis ------------------------------------------------------------------------------------


def create_theme(consultation: Consultation, *, name: str) -> Theme:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the theme a name.")
    theme, _ = Theme.objects.get_or_create(consultation=consultation, name=name)
    return theme


def tag_answer(answer: Answer, *, themes: list[Theme]) -> None:
    """Set the themes of a free-text answer (only themes of its own consultation)."""
    consultation_id = answer.question.consultation_id
    if any(theme.consultation_id != consultation_id for theme in themes):
        raise ValidationError("A theme belongs to one consultation.")
    answer.themes.set(themes)


def tag_comment(comment: LocalOfferComment, *, themes: list[Theme]) -> None:
    """Set the themes of a publishable Local Offer comment (only themes of its own round): what
    the council's "You said, we did" counts as raised. Comments kept out are never counted."""
    comment = LocalOfferComment.objects.get(pk=comment.pk)
    if comment.moderation != LocalOfferComment.Moderation.PUBLISHABLE:
        raise ValidationError("Only publishable comments are tagged.")
    if any(theme.consultation_id != comment.consultation_id for theme in themes):
        raise ValidationError("A theme belongs to one consultation.")
    comment.themes.set(themes)


@transaction.atomic
def release_results(consultation: Consultation, *, by: User) -> Consultation:
    """Show the counts per choice on the public page. Only once closed, never for a withdrawn
    consultation, and only counts: written answers stay with the organisation."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.is_closed():
        raise ValidationError("Results are published once the consultation has closed.")
    if consultation.results_released:
        return consultation
    consultation.results_released = True
    consultation.save(update_fields=["results_released"])
    _log(consultation, ConsultationEvent.Action.RESULTS_RELEASED, by=by)
    record_event("consultation.results_released", actor=by, obj=consultation)
    return consultation


# --- "You said, we did" --------------------------------------------------------------------------


def reply_for(consultation: Consultation) -> Reply:
    reply, _ = Reply.objects.get_or_create(consultation=consultation)
    return reply


def _correction(reply: Reply, *, by: User, text: str) -> None:
    """A change to a published reply is shown as a dated update, never made silently."""
    if reply.is_published:
        ReplyUpdate.objects.create(reply=reply, by=by, text=text)
        _log(reply.consultation, ConsultationEvent.Action.REPLY_CORRECTED, by=by, note=text)
        record_event("consultation.reply_corrected", actor=by, obj=reply.consultation, note=text)


@transaction.atomic
def save_reply_summary(reply: Reply, *, summary: str, by: User) -> Reply:
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.summary == summary:
        return reply
    before = reply.summary
    reply.summary = summary
    reply.summary_html = render_markdown(summary)
    reply.save(update_fields=["summary", "summary_html"])
    _correction(reply, by=by, text=f"The summary was corrected. It said: “{_shortened(before)}”")
    return reply


# The fields of an item a correction names, as the public page labels them.
CORRECTED_FIELDS = {
    "you_said": "You said",
    "we_did": "We did",
    "outcome": "The outcome",
    "reason": "Why",
    "owner": "Who",
    "due_date": "By when",
}


def _shortened(text, limit: int = 300) -> str:
    text = " ".join(str(text or "none").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(item: ReplyItem, name: str) -> str:
    if name == "outcome":
        return item.get_outcome_display()
    if name == "due_date":
        return date_format(item.due_date, "j F Y") if item.due_date else "none"
    return _shortened(getattr(item, name))


def _what_changed(before: ReplyItem, after: ReplyItem) -> str:
    """Each field a correction changed, as it was and as it is now."""
    return "; ".join(
        f"{label} was “{_shown(before, name)}”, now “{_shown(after, name)}”"
        for name, label in CORRECTED_FIELDS.items()
        if getattr(before, name) != getattr(after, name)
    )


@transaction.atomic
def save_reply_item(reply: Reply, *, by: User, item: ReplyItem | None = None, **fields) -> ReplyItem:
    """Add an item, or change one. Reason is required unless the outcome is "changed";
    a "will change" item needs an owner and a due date (both database constraints)."""
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    before = None
    if item is None:
        last = reply.items.aggregate(last=Max("position"))["last"]
        item = ReplyItem(reply=reply, position=(last or 0) + 1)
    else:
        before = ReplyItem.objects.get(pk=item.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    if item.theme_id and item.theme.consultation_id != reply.consultation_id:
        raise ValidationError("A theme belongs to one consultation.")
    item.full_clean()
    item.save()
    if before is None:
        _correction(reply, by=by, text=f"An item was added: “{_shortened(item.you_said, 120)}”")
    elif changes := _what_changed(before, item):
        _correction(reply, by=by, text=f"An item was corrected (“{_shortened(before.you_said, 120)}”). {changes}.")
    return item


@transaction.atomic
def publish_reply(reply: Reply, *, by: User, now: datetime | None = None) -> Reply:
    """Publish "You said, we did" once, and tell everyone who asked to hear back."""
    now = now or timezone.now()
    reply = Reply.objects.select_for_update(of=("self",)).select_related("consultation").get(pk=reply.pk)
    if reply.is_published:
        raise ValidationError("This reply is already published.")
    if not reply.consultation.is_closed(now):
        raise ValidationError("The reply is published once the consultation has closed.")
    if not reply.items.exists():
        raise ValidationError("Add at least one item before publishing.")
    reply.published_at = now
    reply.published_by = by
    reply.save(update_fields=["published_at", "published_by"])
    _log(reply.consultation, ConsultationEvent.Action.REPLY_PUBLISHED, by=by)
    record_event("consultation.reply_published", actor=by, obj=reply.consultation)
    listeners = reply.consultation.responses.filter(status=Response.Status.SUBMITTED, hear_back=True).select_related(
        "user"
    )
    for response in listeners:
        address = response.user if response.user is not None else response.email
        if not address:
            continue
        queue_email(
            kind="consultation_reply",
            to=address,
            dedupe_key=f"consultation-reply:{reply.consultation_id}:{response.pk}",
            template="consultations_reply_published",
            context={"consultation": reply.consultation},
            about={"consultation": reply.consultation_id},
        )
    return reply


@transaction.atomic
def add_progress_update(item: ReplyItem, *, text: str, by: User) -> ReplyUpdate:
    """A dated progress note on a "will change" item of a published reply, shown publicly."""
    if not text.strip():
        raise ValidationError("Write the update.")
    item = ReplyItem.objects.select_related("reply").get(pk=item.pk)
    if not item.reply.is_published:
        raise ValidationError("Progress updates follow publication.")
    if item.outcome != ReplyItem.Outcome.WILL_CHANGE:
        raise ValidationError("Progress updates are for “will change” items.")
    return ReplyUpdate.objects.create(reply=item.reply, item=item, text=text.strip(), by=by)


# --- Local Offer feedback ------------------------------------------------------------------------

LOCAL_OFFER_ROUND = timedelta(days=365)


@transaction.atomic
def start_local_offer_round(
    *, organisation: Organisation, by: User | None, now: datetime | None = None
) -> Consultation:
    """The forum opens a year of Local Offer feedback for a council. It is approved at once (the
    forum runs it), takes comments for a year, and the council's reply is due 12 weeks after."""
    now = now or timezone.now()
    if organisation.kind != Organisation.Kind.LOCAL_AUTHORITY:
        raise ValidationError("Local Offer feedback is for a local authority.")
    running = Consultation.objects.filter(
        organisation=organisation, kind=Consultation.Kind.LOCAL_OFFER, status=Consultation.Status.APPROVED
    ).filter(closes_at__gt=now)
    if running.exists():
        raise ValidationError("This council's Local Offer feedback is already open.")
    summary = (
        "Tell us what you think of the Local Offer: what it says, what is missing, how easy it is to "
        "find and use, and how it was put together. The forum reads every comment; the council "
        "answers them at least once a year."
    )
    consultation = Consultation(
        organisation=organisation,
        created_by=by,
        kind=Consultation.Kind.LOCAL_OFFER,
        title=f"Local Offer feedback {now:%Y}",
        topic="local_offer",
        summary=summary,
        opens_at=now,
        closes_at=now + LOCAL_OFFER_ROUND,
        allows_visitors=True,
        status=Consultation.Status.APPROVED,
    )
    _render_texts(consultation)
    _default_reply_due(consultation)
    consultation.full_clean()
    consultation.save()
    note = "Local Offer feedback opened by the forum." if by else "Local Offer feedback opened for another year."
    _log(consultation, ConsultationEvent.Action.APPROVED, by=by, note=note)
    record_event("consultation.local_offer_opened", actor=by, obj=consultation)
    return consultation


def renew_local_offer_rounds(*, now: datetime | None = None) -> list[Consultation]:
    """Local Offer feedback is open all year, every year: each council whose round has closed,
    and which has none open, gets the next year's round (the closed one is still answered with its
    own "You said, we did"). Run daily, so the gap between rounds is under a day."""
    now = now or timezone.now()
    rounds = Consultation.objects.filter(kind=Consultation.Kind.LOCAL_OFFER, status=Consultation.Status.APPROVED)
    open_for = rounds.filter(closes_at__gt=now).values("organisation")
    councils = Organisation.objects.filter(
        kind=Organisation.Kind.LOCAL_AUTHORITY, pk__in=rounds.values("organisation")
    ).exclude(pk__in=open_for)
    return [start_local_offer_round(organisation=council, by=None, now=now) for council in councils]


def add_local_offer_comment(
    consultation: Consultation, *, aspect: str, text: str, user: User | None, now: datetime | None = None
) -> LocalOfferComment:
    """A comment on the Local Offer, waiting for moderation. Only while the round is open."""
    if not consultation.is_local_offer or not consultation.is_open(now):
        raise ConsultationClosedError
    comment = LocalOfferComment(consultation=consultation, aspect=aspect, text=text.strip(), user=user)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def moderate_comment(comment: LocalOfferComment, *, decision: str, reason: str = "", by: User) -> LocalOfferComment:
    """Forum staff decide whether a comment may be published. Vexatious comments and comments
    about one person's service are kept out of anything published, with the reason recorded."""
    comment = LocalOfferComment.objects.select_for_update().get(pk=comment.pk)
    comment.moderation = decision
    comment.moderation_reason = "" if decision == LocalOfferComment.Moderation.PUBLISHABLE else reason.strip()
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save()
    record_event("consultation.comment_moderated", actor=by, obj=comment, decision=decision)
    return comment


# --- Personal data -------------------------------------------------------------------------------


UNLINKED = {"user": None, "email": "", "share_name": False, "hear_back": False}


def anonymise_responses(user: User) -> None:
    """Answers outlive the account, as "a parent carer": the link to the person goes."""
    Response.objects.filter(user=user).update(**UNLINKED)
    LocalOfferComment.objects.filter(user=user).update(user=None)
    # update() sends no signal: the officers' cached pages of written answers showed the name.
    fragments.changed("consultations")


def unlink_old_answers(*, now: datetime) -> int:
    """Cut the person out of answers (and Local Offer comments) once ``RETAIN_ANSWER_LINK`` has
    passed since the reply was published or, where none was (withdrawn, or never replied to),
    since it was due. The answers stay, as "a parent carer", so published results do not change.
    Returns how many responses and comments were unlinked."""
    before = now - settings.RETAIN_ANSWER_LINK
    old = Q(reply__published_at__lt=before) | (Q(reply__published_at__isnull=True) & Q(reply_due_at__lt=before))
    consultations = Consultation.objects.filter(old).values("pk")
    linked = Q(user__isnull=False) | ~Q(email="") | Q(share_name=True) | Q(hear_back=True)
    responses = Response.objects.filter(linked, consultation__in=consultations).update(**UNLINKED)
    comments = LocalOfferComment.objects.filter(user__isnull=False, consultation__in=consultations).update(user=None)
    if responses or comments:
        fragments.changed("consultations")  # as in anonymise_responses
    return responses + comments
