"""Queueing and sending email through the outbox.

``queue_email`` is the one way the portal sends mail. It stores a row with a unique dedupe key and
hands the row's id to a Celery worker once the surrounding transaction commits. The worker's
``send_queued_email`` takes the row under a lock, marks it as sending, sends outside the lock and
records the outcome; ``sweep_outbox`` rescues rows that a dead worker or an absent broker left
behind. Together they send each message once.
"""

import enum
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as database
from django.db.models import F
from django.template import Context, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import kinds
from .models import EmailOptOut, OutgoingEmail

logger = logging.getLogger(__name__)

UK = ZoneInfo("Europe/London")
UNSUBSCRIBE_SALT = "notify.unsubscribe"
# Put in place of each recipient's own unsubscribe link in a text rendered once for many.
UNSUBSCRIBE_STAND_IN = "https://unsubscribe.invalid/stand-in"
SWEEP_BATCH = 1000


# --- Queueing ------------------------------------------------------------------------------------


def queue_email(
    *,
    kind: str,
    to,
    dedupe_key: str,
    template: str | None = None,
    context: dict | None = None,
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    not_before: datetime | None = None,
    about: dict | None = None,
) -> OutgoingEmail | None:
    """Store one email for ``to`` (a user or an address) and send it after the transaction commits.

    Give either ``template`` (rendered from ``templates/emails/<template>.subject.txt``, ``.txt``
    and ``.html``) or the finished ``subject`` and bodies. ``about`` names what the email is about
    (ids), for its kind's ``still_due`` check before sending. Returns None, and stores nothing, when
    the same ``dedupe_key`` was queued before or the recipient has switched this kind off.
    """
    email = _build_email(
        kind=kind,
        to=to,
        dedupe_key=dedupe_key,
        template=template,
        context=context,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        not_before=not_before,
        about=about,
        now=timezone.now(),
    )
    if email is None:
        return None
    try:
        # A savepoint, so a duplicate leaves the caller's transaction usable.
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        if OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise

    if email.not_before <= email.created_at:
        transaction.on_commit(lambda: dispatch(email.pk))
    return email


def queue_emails(emails: list[dict]) -> int:
    """Queue many emails at once (a reminder sweep): each dict holds ``queue_email``'s arguments,
    and may hold ``same_text_as``: emails with the same template and ``same_text_as`` say the
    same but for each recipient's unsubscribe link, so their text is rendered once (their
    templates are given no ``recipient``).

    The same rules as ``queue_email`` (opt-outs, quiet hours, one row per dedupe key), in a fixed
    number of queries whatever the number of emails: one for opt-outs, one INSERT that skips keys
    already queued and returns the new rows' ids; the rows due now are handed to the workers
    when the transaction commits. Returns how many were queued. Call it inside a transaction.
    """
    if not emails:
        return 0
    now = timezone.now()
    addresses = {_address(email["to"]) for email in emails}
    opted_out = set(
        EmailOptOut.objects.filter(email__in=addresses, kind__in={email["kind"] for email in emails}).values_list(
            "kind", "email"
        )
    )
    rendered: dict[tuple, tuple[str, str, str]] = {}
    rows = [
        row
        for email in emails
        if (email["kind"], _address(email["to"])) not in opted_out
        and (row := _build_email(**email, now=now, opt_out_checked=True, rendered=rendered)) is not None
    ]
    new = _insert_new(rows)
    due_now = [new[row.dedupe_key] for row in rows if row.dedupe_key in new and row.not_before <= now]
    if due_now:
        transaction.on_commit(lambda: dispatch_many(due_now))
    return len(new)


def _insert_new(rows: list[OutgoingEmail]) -> dict[str, int]:
    """Insert the rows whose dedupe key is not taken, in one statement; return those this call
    inserted (key to id), so a key another run queued at the same moment stays that run's.

    ``INSERT ... ON CONFLICT DO NOTHING RETURNING``, which PostgreSQL and SQLite 3.35+ both speak
    (Django's bulk_create cannot return ids when it skips conflicts). On an older SQLite, where
    one process writes at a time, the rows carrying this call's ``created_at`` are this call's.
    """
    if not rows:
        return {}
    if not database.features.can_return_columns_from_insert:
        OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True)
        keys = [row.dedupe_key for row in rows]
        mine = OutgoingEmail.objects.filter(dedupe_key__in=keys, created_at=rows[0].created_at)
        return dict(mine.values_list("dedupe_key", "pk"))
    fields = [field for field in OutgoingEmail._meta.concrete_fields if not field.primary_key]
    quote = database.ops.quote_name
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(OutgoingEmail._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES {', '.join([one_row] * len(rows))} "
        f"ON CONFLICT ({quote('dedupe_key')}) DO NOTHING RETURNING {quote('id')}, {quote('dedupe_key')}"
    )
    params = [field.get_db_prep_save(getattr(row, field.attname), database) for row in rows for field in fields]
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: pk for pk, key in cursor.fetchall()}


def _address(to) -> str:
    return (to if isinstance(to, str) else to.email).strip().lower()


def _build_email(
    *,
    kind: str,
    to,
    dedupe_key: str,
    now: datetime,
    template: str | None = None,
    context: dict | None = None,
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    not_before: datetime | None = None,
    about: dict | None = None,
    opt_out_checked: bool = False,
    same_text_as=None,
    rendered: dict | None = None,
) -> OutgoingEmail | None:
    """The unsaved row for one email, or None when the recipient has switched its kind off.

    With ``same_text_as``, the text is taken from ``rendered`` (texts already rendered in this
    batch), rendered once with a stand-in for the unsubscribe link, which is then put in."""
    email_kind = kinds.get(kind)
    user = None if isinstance(to, str) else to
    address = _address(to)

    if not email_kind.essential and not opt_out_checked and is_opted_out(address, kind):
        return None

    headers = {}
    unsubscribe_url = ""
    if not email_kind.essential:
        unsubscribe_url = settings.SITE_URL + reverse("notify:unsubscribe", args=[unsubscribe_token(address, kind)])
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    if template and same_text_as is not None and rendered is not None:
        key = (template, kind, same_text_as)
        if key not in rendered:
            rendered[key] = render_email(
                template,
                {
                    **(context or {}),
                    "recipient": None,
                    "unsubscribe_url": UNSUBSCRIBE_STAND_IN,
                    "email_kind": email_kind,
                },
            )
        subject, body_text, body_html = (text.replace(UNSUBSCRIBE_STAND_IN, unsubscribe_url) for text in rendered[key])
    elif template:
        subject, body_text, body_html = render_email(
            template,
            {
                **(context or {}),
                "recipient": user,
                "unsubscribe_url": unsubscribe_url,
                "email_kind": email_kind,
            },
        )

    due = max(filter(None, [now, not_before]))
    if email_kind.quiet_hours:
        due = end_of_quiet_hours(due)
    return OutgoingEmail(
        kind=kind,
        recipient=address,
        user=user,
        # One line: a line break in a header makes the message unsendable (BadHeaderError).
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        headers=headers,
        dedupe_key=dedupe_key,
        about=about or {},
        not_before=due,
        created_at=now,
    )


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of ``templates/emails/<template>.*``. The subject and the plain
    text are not HTML: what people typed ("the NHS's list") goes into them as it is, unescaped."""
    context = {
        "forum_name": settings.FORUM_NAME,
        "forum_contact_email": settings.FORUM_CONTACT_EMAIL,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = " ".join(_render_plain_text(f"emails/{template}.subject.txt", context).split())
    body_text = _render_plain_text(f"emails/{template}.txt", context)
    body_html = render_to_string(f"emails/{template}.html", context)
    return subject, body_text, body_html


def _render_plain_text(name: str, context: dict) -> str:
    return engines["django"].engine.get_template(name).render(Context(context, autoescape=False))


def end_of_quiet_hours(moment: datetime) -> datetime:
    """The first time at or after ``moment`` outside the quiet hours (NOTIFY_QUIET_HOURS, UK time,
    21:00–08:00 unless set otherwise; none when set empty)."""
    if not settings.NOTIFY_QUIET_HOURS:
        return moment
    quiet_from, quiet_until = settings.NOTIFY_QUIET_HOURS
    local = moment.astimezone(UK)
    if local.time() >= quiet_from:
        local = datetime.combine(local.date() + timedelta(days=1), quiet_until, tzinfo=UK)
    elif local.time() < quiet_until:
        local = datetime.combine(local.date(), quiet_until, tzinfo=UK)
    else:
        return moment
    return local


def dispatch(email_id: int) -> bool:
    """Hand one email to the workers. A broker that is away is logged, not raised: the sweeper
    dispatches the row again once it is back, and the web request that queued it goes on."""
    from .tasks import send_email_task

    try:
        send_email_task.delay(email_id)
    except Exception:  # noqa: BLE001 - any broker failure; the row is safe in the database
        logger.warning(
            "Could not reach the Celery broker for email %s; the sweeper will retry.", email_id, exc_info=True
        )
        return False
    # Stamp every hand-over, not only the first: the sweeper re-dispatches queued rows whose last
    # hand-over is older than NOTIFY_STALE_AFTER, and would otherwise do so on every run.
    OutgoingEmail.objects.filter(pk=email_id).update(dispatched_at=timezone.now())
    return True


# Emails handed to a worker in one message by dispatch_many: a message costs a round trip or two
# to the broker (about a millisecond here), so 10,000 reminders go in 100 messages, not 10,000.
DISPATCH_BATCH = 100


def dispatch_many(email_ids: list[int]) -> int:
    """Hand many emails to the workers, a hundred to a message, stamping them in one UPDATE per
    2,000; stops at the first refusal (the sweeper hands over the rest once the broker is back).
    Returns how many were handed over."""
    from .tasks import send_emails_task

    handed = []
    for start in range(0, len(email_ids), DISPATCH_BATCH):
        batch = email_ids[start : start + DISPATCH_BATCH]
        try:
            send_emails_task.delay(batch)
        except Exception:  # noqa: BLE001 - any broker failure; the rows are safe in the database
            logger.warning(
                "Could not reach the Celery broker for email %s and %s more; the sweeper will retry.",
                batch[0],
                len(email_ids) - len(handed) - 1,
                exc_info=True,
            )
            break
        handed += batch
    for start in range(0, len(handed), 2000):
        OutgoingEmail.objects.filter(pk__in=handed[start : start + 2000]).update(dispatched_at=timezone.now())
    return len(handed)


# --- Sending -----------------------------------------------------------------------------------


class Outcome(enum.Enum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    retry_in: int | None = None


def send_queued_email(email_id: int) -> SendResult:
    """Send one queued email, once.

    The row is marked as sending, under the row's lock, before the message leaves, so a second
    task for the same row finds it taken and stops. The SMTP conversation happens outside the lock
    and the transaction. A transient failure puts the row back in the queue with a later
    ``not_before`` (exponential backoff) until ``NOTIFY_MAX_ATTEMPTS``; a permanent one fails it.

    Two rules hold here, at the last moment, whatever brought the row to a worker (its first
    hand-over, a retry, the sweeper, a resend from the admin): mail that waits out quiet hours is
    not sent in them, and an email whose kind says it is no longer due is cancelled, not sent.
    """
    now = timezone.now()
    quiet_kinds = kinds.waiting_out_quiet_hours() if end_of_quiet_hours(now) > now else []
    # Taking the row is one conditional UPDATE: PostgreSQL locks the row for it, and a second
    # task for the same row waits for that lock, then finds it no longer queued and updates
    # nothing. One statement and one commit, where a transaction with SELECT ... FOR UPDATE and a
    # save took four round trips to the database for each message.
    taken = (
        OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED, not_before__lte=now)
        .exclude(kind__in=quiet_kinds)
        .update(status=OutgoingEmail.Status.SENDING, attempts=F("attempts") + 1, sending_started_at=now)
    )
    if not taken:
        if quiet_kinds:
            OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED, kind__in=quiet_kinds).update(
                not_before=end_of_quiet_hours(now), dispatched_at=None
            )
        return SendResult(Outcome.SKIPPED)
    email = OutgoingEmail.objects.get(pk=email_id)

    kind = kinds.find(email.kind)
    if kind is not None and kind.still_due is not None and not kind.still_due(email):
        OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENDING).update(
            status=OutgoingEmail.Status.CANCELLED, last_error="No longer due when its time came, so not sent."
        )
        return SendResult(Outcome.CANCELLED)

    try:
        _send(build_message(email))
    except smtplib.SMTPException as exc:
        return _record_failure(email, exc, permanent=_is_permanent(exc))
    except OSError as exc:  # connection refused, timeouts: the mail server may be back soon
        return _record_failure(email, exc, permanent=False)

    OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENDING).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return SendResult(Outcome.SENT)


# One open connection to the mail server per worker process, reused from message to message:
# opening a connection for each one (greeting, STARTTLS, login) costs more than the message does.
_open_connection: dict[tuple, object] = {}


def _send(message: EmailMultiAlternatives) -> None:
    # Keyed by the mail settings, so a change of server (or of backend in tests) opens a new one.
    key = (settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""), getattr(settings, "EMAIL_PORT", 0))
    connection = _open_connection.get(key)
    reused = connection is not None
    if connection is None:
        _close_connections()
        connection = _open_connection[key] = get_connection()
        connection.open()
    try:
        connection.send_messages([message])
    except (smtplib.SMTPServerDisconnected, ConnectionError):
        _close_connections()
        if not reused:
            raise
        # The server closed an idle connection: that says nothing about this message; try once more.
        _send(message)
    except Exception:
        _close_connections()
        raise


def _close_connections() -> None:
    for connection in _open_connection.values():
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail; it is dropped anyway
            logger.debug("Closing a mail connection failed", exc_info=True)
    _open_connection.clear()


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={**email.headers, "X-Portal-Email-Id": str(email.pk)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _is_permanent(exc: smtplib.SMTPException) -> bool:
    """5xx replies are permanent; 4xx ones (a full mailbox, greylisting) are worth another try."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # Refused recipients carry their own replies: {address: (code, message)}.
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _record_failure(email: OutgoingEmail, exc: Exception, *, permanent: bool) -> SendResult:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    # Only the row this attempt took: if the sweeper already gave it to another worker, that one decides.
    taken = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENDING)
    if permanent or email.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        taken.update(status=OutgoingEmail.Status.FAILED, last_error=error)
        logger.error("Email %s failed for good after %s attempts: %s", email.pk, email.attempts, error)
        return SendResult(Outcome.FAILED)
    retry_in = min(60 * 2 ** (email.attempts - 1), 3600)
    taken.update(
        status=OutgoingEmail.Status.QUEUED,
        last_error=error,
        not_before=timezone.now() + timedelta(seconds=retry_in),
        dispatched_at=None,
    )
    logger.warning("Email %s will be tried again in %ss: %s", email.pk, retry_in, error)
    return SendResult(Outcome.RETRY, retry_in=retry_in)


def sweep_outbox(*, now: datetime | None = None) -> dict[str, int]:
    """Put back what a dead worker left in ``sending``, and dispatch due mail nobody dispatched.

    A row is left in ``sending`` when its worker died before recording the outcome; after
    ``NOTIFY_STALE_AFTER`` it is queued again, unless that was its last attempt: a message that
    kills its worker every time must not be tried forever, so it fails. Queued rows that are due
    and were never handed to a worker (the broker was away, or they waited out quiet hours or a
    backoff), or were handed over longer ago than that, are dispatched again; the lock in
    ``send_queued_email`` keeps that safe. The first dispatch the broker refuses ends the run:
    each refusal takes the broker's connection timeout, and the next run picks up the rest.
    """
    now = now or timezone.now()
    stale_before = now - settings.NOTIFY_STALE_AFTER
    stale = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING, sending_started_at__lt=stale_before)
    failed = stale.filter(attempts__gte=settings.NOTIFY_MAX_ATTEMPTS).update(
        status=OutgoingEmail.Status.FAILED,
        last_error="The worker stopped while sending, on the last attempt; the message may have been delivered.",
    )
    requeued = stale.update(status=OutgoingEmail.Status.QUEUED, dispatched_at=None)

    due_ids = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, not_before__lte=now)
        .exclude(dispatched_at__gte=stale_before)
        .order_by("not_before")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return {"requeued": requeued, "failed": failed, "dispatched": dispatch_many(due_ids)}


def resend_email(email: OutgoingEmail) -> bool:
    """Queue a failed email again, as a forum admin asks from the admin. Other rows are left alone."""
    requeued = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.FAILED).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, not_before=timezone.now(), dispatched_at=None
    )
    if requeued:
        transaction.on_commit(lambda: dispatch(email.pk))
    return bool(requeued)


# --- Preferences ------------------------------------------------------------------------------


def unsubscribe_token(address: str, kind: str) -> str:
    return signing.dumps({"e": address.lower(), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, kinds.EmailKind] | None:
    """The address and kind a token was made for, or None when it was altered or names no kind."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kind = kinds.get(data["k"])
    except (signing.BadSignature, KeyError, TypeError, LookupError):
        return None
    if kind.essential:
        return None
    return data["e"], kind


def is_opted_out(address: str, kind: str) -> bool:
    return EmailOptOut.objects.filter(email=address.lower(), kind=kind).exists()


def opt_out(address: str, kind: str) -> None:
    """Stop ``kind`` of email to ``address``. Doing it twice is harmless."""
    if kinds.get(kind).essential:
        raise ValueError(f"{kind} is essential email and cannot be switched off.")
    EmailOptOut.objects.get_or_create(email=address.lower(), kind=kind)


def set_preferences(address: str, *, wanted: set[str]) -> None:
    """Receive exactly the switchable kinds in ``wanted``; switch the others off."""
    address = address.lower()
    switchable = {kind.key for kind in kinds.switchable()}
    with transaction.atomic():
        EmailOptOut.objects.filter(email=address, kind__in=wanted & switchable).delete()
        for kind in switchable - wanted:
            EmailOptOut.objects.get_or_create(email=address, kind=kind)


def delete_old_email_bodies(*, now: datetime | None = None) -> int:
    """Blank the text of emails older than RETAIN_EMAIL_RECORDS.

    The row stays, with its kind, recipient, status and dedupe key, so the record that a message
    was sent survives and a late job cannot send it again; what it said is deleted.
    """
    now = now or timezone.now()
    return (
        OutgoingEmail.objects.filter(created_at__lt=now - settings.RETAIN_EMAIL_RECORDS)
        .exclude(body_text="", body_html="")
        .exclude(status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING])
        .update(body_text="", body_html="", headers={})
    )
