"""Reminders about consultations: closing soon, closed, reply due and overdue.

Each reminder has a moment it is for. "N days before" a date (closing, the reply's due date) is
10:00 UK time on the calendar day N days before that date's day, so "closes tomorrow" goes out
the morning before, not in the night (consultations close at 23:59). "When it closes" is the
closing moment itself. A sweep run at ``now`` sends every reminder whose moment lies in the
look-back window (a day), so a sweep that was missed (a beat outage, a deploy) catches up on the
next run. Each reminder is queued through the outbox with a dedupe key naming the consultation,
the date the reminder is for and the person, so:

- running the sweep twice, or two sweeps at once, queues each reminder once (the outbox's unique key);
- a consultation whose closing date moves gets fresh reminders for the new date;
- a withdrawn consultation, or one whose reply is published, gets none (the queries ask for the
  state as it is now);
- mail that waited in the outbox (quiet hours, a retry, a broker outage) is checked again just
  before it is sent (``STILL_DUE``): a parent who has answered meanwhile, a consultation withdrawn
  or extended, or a reply published meanwhile, cancels it.

The ``*_due`` selectors read what is due in a fixed number of queries whatever the number of
members, and leave out what the outbox already holds; ``remind_*`` queue it. ``manage.py
send_due_reminders --dry-run`` prints what the selectors find.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from forum_portal.notify.services import queue_emails
from forum_portal.people.models import Membership, Organisation, User

from .models import Consultation, Reply, ReplyItem, ReplyUpdate, Response

# A missed sweep is made good within this long; longer outages skip the reminder rather than send
# a "closes in 7 days" message when it closes tomorrow.
LOOK_BACK = timedelta(days=1)
UK = ZoneInfo("Europe/London")
REMIND_AT = time(10, 0)  # "N days before" reminders go out from this time of day, UK time
CLOSING_SOON = (7, 1)  # days before closing: the audience
CLOSING = (2,)  # days before closing: the owning officers
REPLY_DUE = (14, 1)  # days before reply_due_at: the owning officers
LOCAL_OFFER_ANSWER_DUE = 30  # days before a Local Offer round's reply is due: the council's officers


@dataclass
class Reminder:
    """One email the sweep would queue."""

    kind: str
    to: User | str  # a visitor who asked to hear back is an address
    dedupe_key: str
    template: str
    context: dict = field(default_factory=dict)
    about: dict = field(default_factory=dict)  # ids, for the check just before sending (STILL_DUE)
    # Reminders whose text is the same for every recipient (but for their unsubscribe link) share
    # this, so the sweep renders the text once (no reminder template greets its reader by name).
    same_text_as: tuple | None = None

    @property
    def address(self) -> str:
        return (self.to if isinstance(self.to, str) else self.to.email).strip().lower()

    def __str__(self):
        return f"{self.kind} to {self.address} ({self.dedupe_key})"


def _day(moment: datetime) -> str:
    return timezone.localdate(moment).isoformat()


# Ids or keys asked about in one query: SQLite allows some thirty thousand parameters a statement.
IN_BATCH = 2000


def _not_yet_queued(reminders: list[Reminder]) -> list[Reminder]:
    """Leave out reminders the outbox already has (a second run queues nothing) and those the
    person has switched off, in a query per 2,000."""
    queued, opted_out = set(), set()
    for start in range(0, len(reminders), IN_BATCH):
        batch = reminders[start : start + IN_BATCH]
        queued |= set(
            OutgoingEmail.objects.filter(dedupe_key__in=[r.dedupe_key for r in batch]).values_list(
                "dedupe_key", flat=True
            )
        )
        opted_out |= set(
            EmailOptOut.objects.filter(
                kind__in={r.kind for r in batch}, email__in={r.address for r in batch}
            ).values_list("kind", "email")
        )
    return [r for r in reminders if r.dedupe_key not in queued and (r.kind, r.address) not in opted_out]


def _officers_by_organisation(consultations) -> dict[int, list[User]]:
    """The active officers of each consultation's organisation, in one query."""
    officers: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(organisation_id__in={c.organisation_id for c in consultations}, user__is_active=True)
        .exclude(organisation__kind=Organisation.Kind.FORUM)
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        officers.setdefault(membership.organisation_id, []).append(membership.user)
    return officers


def _days_before(now: datetime, days: int) -> dict:
    """Filters for a date field (a closing or reply date) whose "``days`` before" reminder is due
    at ``now``: its UK day is ``days`` after the latest reminding day that has begun (10:00 on it).
    A sweep missed on that day is made good until 10:00 the next day."""
    local = now.astimezone(UK)
    day = local.date() if local.time() >= REMIND_AT else local.date() - timedelta(days=1)
    start = datetime.combine(day + timedelta(days=days), time.min, tzinfo=UK)
    return {"gte": start, "lt": start + timedelta(days=1)}


# --- Closing soon: the audience --------------------------------------------------------------------


def closing_soon_due(now: datetime, *, among=None) -> list[Reminder]:
    """Parent carers who have not sent an answer to a consultation closing in 7 days or 1 day,
    and anyone with a saved draft ("finish your answer", linking back to it).

    Per consultation due: one query for the audience, one for the drafts. Local Offer rounds take
    comments, not answers, and are left out. ``among`` narrows the consultations looked at (the
    benchmark times its own).
    """
    reminders = []
    for days in CLOSING_SOON:
        window = _days_before(now, days)
        consultations = (
            (among if among is not None else Consultation.objects.all())
            .open_at(now)
            .filter(kind=Consultation.Kind.STANDARD, closes_at__gte=window["gte"], closes_at__lt=window["lt"])
            .select_related("organisation")
            .order_by("closes_at", "pk")
        )
        for consultation in consultations:
            drafts = set(
                Response.objects.filter(
                    consultation=consultation, status=Response.Status.DRAFT, user__isnull=False
                ).values_list("user_id", flat=True)
            )
            # Who may answer: parent carers, and where visitors may answer anyone with a draft.
            may_answer = Q(parent_carer_profile__isnull=False)
            if consultation.allows_visitors:
                may_answer |= Q(pk__in=drafts)
            answered = Response.objects.filter(
                consultation=consultation, status=Response.Status.SUBMITTED, user__isnull=False
            ).values("user_id")
            audience = User.objects.filter(may_answer, is_active=True).exclude(pk__in=answered).order_by("pk")
            answer_url = settings.SITE_URL + reverse("consultations:answer", args=[consultation.pk])
            for user in audience:
                reminders.append(
                    Reminder(
                        kind="consultation_closing_soon",
                        to=user,
                        dedupe_key=f"closing-{days}d:{consultation.pk}:{_day(consultation.closes_at)}:{user.pk}",
                        template="consultations_closing_soon",
                        context={
                            "consultation": consultation,
                            "days": days,
                            "has_draft": user.pk in drafts,
                            "answer_url": answer_url,
                        },
                        about=_closing_about(consultation),
                        same_text_as=(consultation.pk, days, user.pk in drafts),
                    )
                )
    return _not_yet_queued(reminders)


# --- Officers: closing, closed, reply due, overdue ---------------------------------------------------


def closing_due(now: datetime) -> list[Reminder]:
    """The owning officers, two days before a consultation closes."""
    reminders = []
    for days in CLOSING:
        window = _days_before(now, days)
        consultations = list(
            Consultation.objects.open_at(now)
            .filter(closes_at__gte=window["gte"], closes_at__lt=window["lt"])
            .select_related("organisation")
            .annotate(answered=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)))
            .order_by("closes_at", "pk")
        )
        officers = _officers_by_organisation(consultations)
        for consultation in consultations:
            for user in officers.get(consultation.organisation_id, []):
                reminders.append(
                    Reminder(
                        kind="consultation_closing",
                        to=user,
                        dedupe_key=f"closing-officers-{days}d:{consultation.pk}:{_day(consultation.closes_at)}:{user.pk}",
                        template="consultations_closing",
                        context={"consultation": consultation, "days": days, "answered": consultation.answered},
                        about=_closing_about(consultation),
                    )
                )
    return _not_yet_queued(reminders)


def closed_due(now: datetime) -> list[Reminder]:
    """The owning officers, when a consultation closes: how many answered, when the reply is due."""
    consultations = list(
        Consultation.objects.live()
        .filter(closes_at__gt=now - LOOK_BACK, closes_at__lte=now)
        .select_related("organisation")
        .annotate(answered=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED)))
        .order_by("closes_at", "pk")
    )
    officers = _officers_by_organisation(consultations)
    reminders = []
    for consultation in consultations:
        results_url = settings.SITE_URL + reverse("consultations:results", args=[consultation.pk])
        for user in officers.get(consultation.organisation_id, []):
            reminders.append(
                Reminder(
                    kind="consultation_closed",
                    to=user,
                    dedupe_key=f"closed:{consultation.pk}:{_day(consultation.closes_at)}:{user.pk}",
                    template="consultations_closed",
                    context={
                        "consultation": consultation,
                        "answered": consultation.answered,
                        "results_url": results_url,
                    },
                    about={"consultation": consultation.pk},
                )
            )
    return _not_yet_queued(reminders)


def _awaiting_reply(now: datetime):
    """Closed, approved consultations whose reply is not published yet."""
    published = Reply.objects.filter(published_at__isnull=False).values("consultation_id")
    return (
        Consultation.objects.closed_at(now)
        .filter(reply_due_at__isnull=False)
        .exclude(pk__in=published)
        .select_related("organisation")
    )


def reply_due_soon_due(now: datetime) -> list[Reminder]:
    """The owning officers, 14 days and 1 day before the reply is due; a council's officers also a
    month before their Local Offer round's yearly reply is due."""
    reminders = []
    offsets = [(days, None) for days in REPLY_DUE] + [(LOCAL_OFFER_ANSWER_DUE, Consultation.Kind.LOCAL_OFFER)]
    for days, only_kind in offsets:
        window = _days_before(now, days)
        consultations = _awaiting_reply(now).filter(reply_due_at__gte=window["gte"], reply_due_at__lt=window["lt"])
        if only_kind:
            consultations = consultations.filter(kind=only_kind)
        consultations = list(consultations.order_by("reply_due_at", "pk"))
        officers = _officers_by_organisation(consultations)
        for consultation in consultations:
            reply_url = settings.SITE_URL + reverse("consultations:reply-edit", args=[consultation.pk])
            for user in officers.get(consultation.organisation_id, []):
                reminders.append(
                    Reminder(
                        kind="consultation_reply_due",
                        to=user,
                        dedupe_key=f"reply-due-{days}d:{consultation.pk}:{_day(consultation.reply_due_at)}:{user.pk}",
                        template="consultations_reply_due",
                        context={"consultation": consultation, "days": days, "reply_url": reply_url},
                        about=_reply_about(consultation),
                    )
                )
    return _not_yet_queued(reminders)


def _weeks_overdue(consultation: Consultation, now: datetime) -> int:
    return (now - consultation.reply_due_at).days // 7


def reply_overdue_due(now: datetime) -> list[Reminder]:
    """Weekly, the owning officers of each consultation whose reply is overdue; and one weekly
    digest of every overdue reply to each of the forum's staff.

    The officers' key counts whole weeks since the due date, the digest's names the ISO week, so
    a daily sweep sends each once a week and a missed week is not sent twice.
    """
    overdue = list(_awaiting_reply(now).filter(reply_due_at__lte=now).order_by("reply_due_at", "pk"))
    officers = _officers_by_organisation(overdue)
    reminders = []
    for consultation in overdue:
        week = _weeks_overdue(consultation, now)
        reply_url = settings.SITE_URL + reverse("consultations:reply-edit", args=[consultation.pk])
        for user in officers.get(consultation.organisation_id, []):
            reminders.append(
                Reminder(
                    kind="consultation_reply_overdue",
                    to=user,
                    dedupe_key=f"reply-overdue:{consultation.pk}:{_day(consultation.reply_due_at)}:w{week}:{user.pk}",
                    template="consultations_reply_overdue",
                    context={"consultation": consultation, "weeks": week, "reply_url": reply_url},
                    about=_reply_about(consultation),
                )
            )
    if overdue:
        year, week, _ = timezone.localdate(now).isocalendar()
        staff = User.objects.filter(is_active=True, memberships__organisation__kind=Organisation.Kind.FORUM).distinct()
        rows = [(consultation, _weeks_overdue(consultation, now)) for consultation in overdue]
        for user in staff.order_by("email"):
            reminders.append(
                Reminder(
                    kind="consultation_overdue_digest",
                    to=user,
                    dedupe_key=f"reply-overdue-digest:{year}-W{week:02d}:{user.pk}",
                    template="consultations_overdue_digest",
                    context={
                        "overdue": rows,
                        "accountability_url": settings.SITE_URL + reverse("consultations:accountability"),
                    },
                )
            )
    return _not_yet_queued(reminders)


# --- Progress on "will change" items: the people who asked to hear back ---------------------------

PROGRESS_DAYS_BACK = 2  # whole days looked back at, so a missed daily run catches up


def reply_progress_due(now: datetime) -> list[Reminder]:
    """One email a day per person who answered and asked to hear back, listing the progress
    updates posted that (whole, UK) day on the "will change" items of a published reply.

    The key names the day the updates were posted, so a day's updates go out once, the day after.
    """
    today = timezone.localdate(now)
    reminders = []
    for back in range(PROGRESS_DAYS_BACK, 0, -1):
        day = today - timedelta(days=back)
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        updates = list(
            ReplyUpdate.objects.filter(
                item__outcome=ReplyItem.Outcome.WILL_CHANGE,
                at__gte=start,
                at__lt=start + timedelta(days=1),
                reply__published_at__isnull=False,
                reply__consultation__status=Consultation.Status.APPROVED,
            )
            .select_related("item", "reply__consultation__organisation")
            .order_by("reply_id", "at", "pk")
        )
        by_consultation: dict[int, list] = {}
        for update in updates:
            by_consultation.setdefault(update.reply.consultation_id, []).append(update)
        listeners = (
            Response.objects.filter(
                consultation_id__in=list(by_consultation), status=Response.Status.SUBMITTED, hear_back=True
            )
            .select_related("user")
            .order_by("pk")
        )
        for response in listeners:
            address = response.user if response.user is not None else response.email
            if not address:
                continue
            consultation_updates = by_consultation[response.consultation_id]
            consultation = consultation_updates[0].reply.consultation
            reminders.append(
                Reminder(
                    kind="consultation_reply",
                    to=address,
                    dedupe_key=f"reply-progress:{consultation.pk}:{day.isoformat()}:{response.pk}",
                    template="consultations_reply_progress",
                    context={"consultation": consultation, "updates": consultation_updates, "day": day},
                    about={"consultation": consultation.pk},
                )
            )
    return _not_yet_queued(reminders)


# --- Queueing --------------------------------------------------------------------------------------


QUEUE_BATCH = 500


def queue_reminders(reminders: list[Reminder]) -> int:
    """Queue each reminder in the outbox; returns how many were queued (not already there, not
    switched off by the person).

    A few queries and a commit per batch of 500, whatever the number of people; each batch's mail
    is handed to the workers when it commits. A sweep that dies mid-way loses only its open batch,
    which the next run queues.
    """
    queued = 0
    for start in range(0, len(reminders), QUEUE_BATCH):
        with transaction.atomic():
            queued += queue_emails(
                [
                    {
                        "kind": reminder.kind,
                        "to": reminder.to,
                        "dedupe_key": reminder.dedupe_key,
                        "template": reminder.template,
                        "context": reminder.context,
                        "about": reminder.about,
                        "same_text_as": reminder.same_text_as,
                    }
                    for reminder in reminders[start : start + QUEUE_BATCH]
                ]
            )
    return queued


def remind_closing_soon(*, now: datetime | None = None) -> int:
    return queue_reminders(closing_soon_due(now or timezone.now()))


def remind_closing(*, now: datetime | None = None) -> int:
    return queue_reminders(closing_due(now or timezone.now()))


def remind_closed(*, now: datetime | None = None) -> int:
    return queue_reminders(closed_due(now or timezone.now()))


def remind_reply_due_soon(*, now: datetime | None = None) -> int:
    return queue_reminders(reply_due_soon_due(now or timezone.now()))


def remind_reply_overdue(*, now: datetime | None = None) -> int:
    return queue_reminders(reply_overdue_due(now or timezone.now()))


def send_reply_progress(*, now: datetime | None = None) -> int:
    return queue_reminders(reply_progress_due(now or timezone.now()))


SWEEPS = {
    "closing_soon": closing_soon_due,
    "closing": closing_due,
    "closed": closed_due,
    "reply_due_soon": reply_due_soon_due,
    "reply_overdue": reply_overdue_due,
    "reply_progress": reply_progress_due,
}


def due_reminders(now: datetime | None = None) -> dict[str, list[Reminder]]:
    """Everything due now and not yet queued, by sweep (for ``send_due_reminders --dry-run``)."""
    now = now or timezone.now()
    return {name: selector(now) for name, selector in SWEEPS.items()}


def send_due_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Queue every reminder due now; returns how many of each were queued."""
    now = now or timezone.now()
    return {name: queue_reminders(selector(now)) for name, selector in SWEEPS.items()}


# --- The check just before sending ---------------------------------------------------------------


def _closing_about(consultation: Consultation) -> dict:
    return {"consultation": consultation.pk, "closes_on": _day(consultation.closes_at)}


def _reply_about(consultation: Consultation) -> dict:
    return {"consultation": consultation.pk, "reply_due_on": _day(consultation.reply_due_at)}


def _approved(email: OutgoingEmail) -> Consultation | None:
    return Consultation.objects.filter(pk=email.about.get("consultation"), status=Consultation.Status.APPROVED).first()


def closing_still_due(email: OutgoingEmail) -> bool:
    """Still open, still closing on the day the reminder names, and (for a parent carer) still
    not answered."""
    consultation = _approved(email)
    if consultation is None or not consultation.is_open() or _day(consultation.closes_at) != email.about["closes_on"]:
        return False
    return (
        email.user_id is None
        or not consultation.responses.filter(user_id=email.user_id, status=Response.Status.SUBMITTED).exists()
    )


def reply_still_due(email: OutgoingEmail) -> bool:
    """Still not published, and still due on the day the reminder names."""
    consultation = _approved(email)
    if consultation is None or _day(consultation.reply_due_at) != email.about["reply_due_on"]:
        return False
    return not Reply.objects.filter(consultation=consultation, published_at__isnull=False).exists()


def consultation_still_live(email: OutgoingEmail) -> bool:
    """Not withdrawn meanwhile."""
    return _approved(email) is not None


# Each reminder kind's check just before sending (see forum_portal.notify.kinds.EmailKind.still_due).
STILL_DUE = {
    "consultation_closing_soon": closing_still_due,
    "consultation_closing": closing_still_due,
    "consultation_closed": consultation_still_live,
    "consultation_reply_due": reply_still_due,
    "consultation_reply_overdue": reply_still_due,
    "consultation_reply": consultation_still_live,
}
