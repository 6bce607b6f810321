import logging
import smtplib
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from forum_portal.notify import kinds, services, tasks
from forum_portal.notify.models import EmailOptOut, OutgoingEmail
from forum_portal.notify.selectors import opted_out_kinds, outbox_counts_by_day
from forum_portal.notify.services import Outcome, SendResult
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 15, 11, 0, tzinfo=UTC)  # 12:00 in the UK (BST)
Status = OutgoingEmail.Status


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def queue(kind="account", to="robin@example.org", dedupe_key="test:1", **kwargs):
    kwargs.setdefault("subject", "Your forum account")
    kwargs.setdefault("body_text", "Hello Robin.")
    return services.queue_email(kind=kind, to=to, dedupe_key=dedupe_key, **kwargs)


def set_row(email, **fields):
    """Put a row in a state a worker would leave it in."""
    OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
    email.refresh_from_db()
    return email


def notify_log(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == services.logger.name]


# --- queue_email ---------------------------------------------------------------------------------


def test_queue_email_sends_after_commit(frozen, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="robin@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue(to=user, body_html="<p>Hello Robin.</p>")

    email.refresh_from_db()
    assert len(callbacks) == 1
    assert (email.status, email.attempts, email.sent_at, email.dispatched_at) == (Status.SENT, 1, NOW, NOW)
    assert (email.user, email.recipient, email.not_before, email.created_at) == (user, "robin@example.org", NOW, NOW)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert (message.to, message.subject, message.body) == (["robin@example.org"], "Your forum account", "Hello Robin.")
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.alternatives[0][:2] == ("<p>Hello Robin.</p>", "text/html")
    assert message.extra_headers == {"X-Portal-Email-Id": str(email.pk)}


def test_queue_email_before_commit_stores_a_queued_row_only(frozen, memory_broker, mailoutbox):
    email = queue()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.dispatched_at, email.sent_at) == (Status.QUEUED, 0, None, None)
    assert memory_broker.published_ids() == []
    assert mailoutbox == []


def test_queue_email_dispatch_publishes_the_id_and_stamps_the_row(
    frozen, memory_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()

    email.refresh_from_db()
    assert memory_broker.published_ids() == [email.pk]
    assert (email.status, email.dispatched_at) == (Status.QUEUED, NOW)


def test_queue_email_same_dedupe_key_twice_stores_one_row(memory_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(dedupe_key="closing:7:42:2026-07-22")
        second = queue(dedupe_key="closing:7:42:2026-07-22", subject="Another subject")

    assert second is None
    assert list(OutgoingEmail.objects.values_list("pk", "subject")) == [(first.pk, "Your forum account")]
    assert len(callbacks) == 1
    assert memory_broker.published_ids() == [first.pk]


def test_queue_email_opted_out_switchable_kind_stores_nothing(test_kinds, memory_broker):
    services.opt_out("robin@example.org", "test_news")

    email = queue(kind="test_news", to="Robin@Example.org")

    assert email is None
    assert OutgoingEmail.objects.count() == 0


def test_queue_email_opted_out_other_kind_still_queues(test_kinds, memory_broker):
    services.opt_out("robin@example.org", "test_events")

    email = queue(kind="test_news")

    assert list(OutgoingEmail.objects.values_list("pk", "kind")) == [(email.pk, "test_news")]


def test_queue_email_essential_kind_ignores_an_opt_out(memory_broker):
    EmailOptOut.objects.create(email="robin@example.org", kind="account")

    email = queue(kind="account")

    assert list(OutgoingEmail.objects.values_list("pk", "kind", "recipient")) == [
        (email.pk, "account", "robin@example.org")
    ]


def test_queue_email_switchable_kind_carries_one_click_unsubscribe(
    test_kinds, settings, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://forum.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        email = queue(kind="test_news", to="Robin@Example.org")

    token = services.unsubscribe_token("robin@example.org", "test_news")
    url = "https://forum.example.org" + reverse("notify:unsubscribe", args=[token])
    expected = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    assert email.headers == expected
    assert mailoutbox[0].extra_headers == {**expected, "X-Portal-Email-Id": str(email.pk)}
    assert services.read_unsubscribe_token(token) == ("robin@example.org", test_kinds["news"])


def test_queue_email_essential_kind_has_no_unsubscribe_headers(
    eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(kind="account")

    message = mailoutbox[0].message()
    assert email.headers == {}
    assert (message["List-Unsubscribe"], message["List-Unsubscribe-Post"]) == (None, None)


def test_queue_email_subject_with_line_breaks_is_sent_on_one_line(
    eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(subject="  Your forum\naccount\r\n ")

    email.refresh_from_db()
    assert (email.subject, email.status) == ("Your forum account", Status.SENT)
    assert mailoutbox[0].subject == "Your forum account"


def test_queue_email_unknown_kind_raises_and_stores_nothing():
    with pytest.raises(LookupError, match="Unknown email kind 'no_such_kind'"):
        queue(kind="no_such_kind")

    assert OutgoingEmail.objects.count() == 0


def test_queue_email_later_not_before_waits_for_the_sweeper(frozen, memory_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue(not_before=NOW + timedelta(hours=2))

    assert callbacks == []
    assert (email.not_before, email.dispatched_at) == (NOW + timedelta(hours=2), None)
    assert memory_broker.published_ids() == []


# Queued at a UK wall-clock time (as UTC), with the not_before expected (as UTC).
QUIET_HOURS = {
    "summer evening waits for 08:00 BST next day": ("2026-07-15 21:30", "2026-07-16 07:00"),
    "summer 21:00 exactly waits": ("2026-07-15 20:00", "2026-07-16 07:00"),
    "summer 07:59 waits for 08:00 BST same day": ("2026-07-15 06:59", "2026-07-15 07:00"),
    "summer 08:00 exactly goes now": ("2026-07-15 07:00", "2026-07-15 07:00"),
    "summer noon goes now": ("2026-07-15 11:00", "2026-07-15 11:00"),
    "winter evening waits for 08:00 GMT next day": ("2026-01-15 22:30", "2026-01-16 08:00"),
    "winter 07:59 waits for 08:00 GMT same day": ("2026-01-15 07:59", "2026-01-15 08:00"),
    "winter noon goes now": ("2026-01-15 12:00", "2026-01-15 12:00"),
    "GMT evening before clocks go forward waits for 08:00 BST": ("2026-03-28 22:30", "2026-03-29 07:00"),
    "BST evening before clocks go back waits for 08:00 GMT": ("2026-10-24 21:30", "2026-10-25 08:00"),
    "00:30 BST, still the day before in UTC": ("2026-07-14 23:30", "2026-07-15 07:00"),
}


@pytest.mark.parametrize(("queued_at", "expected"), QUIET_HOURS.values(), ids=QUIET_HOURS.keys())
def test_queue_email_quiet_hours_kind_waits_until_0800_uk_time(
    test_kinds, memory_broker, django_capture_on_commit_callbacks, queued_at, expected
):
    queued_at = datetime.fromisoformat(queued_at).replace(tzinfo=UTC)

    with time_machine.travel(queued_at, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue(kind="test_evening")

    assert email.not_before == datetime.fromisoformat(expected).replace(tzinfo=UTC)
    assert len(callbacks) == (1 if email.not_before == queued_at else 0)


def test_queue_email_kind_without_quiet_hours_goes_at_night(memory_broker):
    with time_machine.travel(datetime(2026, 7, 15, 22, 30, tzinfo=UTC), tick=False):
        email = queue(kind="account")

    assert email.not_before == datetime(2026, 7, 15, 22, 30, tzinfo=UTC)


# --- dispatch with the broker away ------------------------------------------------------------------


def test_queue_email_broker_away_keeps_the_row_for_the_sweeper(broker_away, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.WARNING, logger=services.logger.name)
    started = datetime.now(UTC)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue()

    email.refresh_from_db()
    assert len(callbacks) == 1
    assert (email.status, email.dispatched_at, email.attempts) == (Status.QUEUED, None, 0)
    assert notify_log(caplog) == [f"Could not reach the Celery broker for email {email.pk}; the sweeper will retry."]
    # A guard against hanging, not a speed measure: publishing is tried once with a 2 s timeout.
    assert datetime.now(UTC) - started < timedelta(seconds=15)


def test_sweep_outbox_broker_away_stops_at_the_first_refusal(broker_away, caplog):
    first = queue(dedupe_key="test:1")
    queue(dedupe_key="test:2")
    caplog.set_level(logging.WARNING, logger=services.logger.name)

    result = services.sweep_outbox()

    assert result == {"requeued": 0, "failed": 0, "dispatched": 0}
    assert notify_log(caplog) == [
        f"Could not reach the Celery broker for email {first.pk} and 1 more; the sweeper will retry."
    ]
    assert list(OutgoingEmail.objects.values_list("status", "dispatched_at")) == [(Status.QUEUED, None)] * 2


def test_queue_emails_follows_queue_emails_rules_in_a_fixed_number_of_queries(
    test_kinds, memory_broker, django_assert_num_queries, django_capture_on_commit_callbacks
):
    queue(kind="test_news", dedupe_key="news:already")
    services.opt_out("switched-off@example.org", "test_news")

    def batch(size, prefix):
        return [
            {"kind": "test_news", "to": f"p{n}@example.org", "dedupe_key": f"{prefix}:{n}", "subject": "News"}
            for n in range(size)
        ]

    with django_assert_num_queries(2):
        one = services.queue_emails(batch(1, "one"))
    extra = [
        {"kind": "test_news", "to": "switched-off@example.org", "dedupe_key": "news:off", "subject": "News"},
        {"kind": "test_news", "to": "again@example.org", "dedupe_key": "news:already", "subject": "News"},
        {"kind": "test_evening", "to": "late@example.org", "dedupe_key": "evening:1", "subject": "Later"},
    ]
    # Two queries to queue; handing the new rows to the workers after commit stamps them in one more.
    # At 22:30 UK time, so the evening kind's email waits for the morning whenever the test runs.
    with (
        time_machine.travel(datetime(2026, 7, 15, 21, 30, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
        django_assert_num_queries(2),
    ):
        many = services.queue_emails(batch(50, "many") + extra)

    assert (one, many) == (1, 51)  # not the switched-off person, nor the key queued before
    assert not OutgoingEmail.objects.filter(dedupe_key="news:off").exists()
    assert OutgoingEmail.objects.get(dedupe_key="news:already").recipient == "robin@example.org"
    assert sorted(memory_broker.published_ids()) == sorted(
        OutgoingEmail.objects.filter(dedupe_key__startswith="many:").values_list("pk", flat=True)
    )
    assert OutgoingEmail.objects.get(dedupe_key="many:7").headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )


# --- send_queued_email --------------------------------------------------------------------------


def test_send_queued_email_marks_row_sent(frozen, mailoutbox):
    email = queue()

    result = services.send_queued_email(email.pk)

    email.refresh_from_db()
    assert result == SendResult(Outcome.SENT)
    assert (email.status, email.attempts, email.sent_at, email.sending_started_at) == (Status.SENT, 1, NOW, NOW)
    assert email.last_error == ""
    assert [message.to for message in mailoutbox] == [["robin@example.org"]]


@pytest.mark.parametrize("status", [Status.SENDING, Status.SENT, Status.FAILED])
def test_send_queued_email_skips_row_not_queued(mailoutbox, status):
    email = set_row(queue(), status=status, attempts=1, sent_at=NOW)

    result = services.send_queued_email(email.pk)

    assert result == SendResult(Outcome.SKIPPED)
    assert OutgoingEmail.objects.get().status == status
    assert OutgoingEmail.objects.get().attempts == 1
    assert mailoutbox == []


def test_send_queued_email_skips_row_not_yet_due(frozen, mailoutbox):
    email = queue(not_before=NOW + timedelta(seconds=1))

    result = services.send_queued_email(email.pk)

    email.refresh_from_db()
    assert result == SendResult(Outcome.SKIPPED)
    assert (email.status, email.attempts) == (Status.QUEUED, 0)
    assert mailoutbox == []


def test_send_queued_email_missing_row_is_skipped(mailoutbox):
    assert services.send_queued_email(987654) == SendResult(Outcome.SKIPPED)
    assert mailoutbox == []


TRANSIENT = {
    "server hung up": smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    "connection refused": ConnectionRefusedError(111, "Connection refused"),
    "timeout": TimeoutError("timed out"),
    "421 service not available": smtplib.SMTPDataError(421, b"Try again later"),
    "greylisted recipient": smtplib.SMTPRecipientsRefused({"robin@example.org": (451, b"Greylisted")}),
}


@pytest.mark.parametrize("error", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_send_queued_email_transient_error_queues_again_with_backoff(frozen, failing_mail, error):
    email = queue()
    failing_mail(error)

    result = services.send_queued_email(email.pk)

    email.refresh_from_db()
    assert result == SendResult(Outcome.RETRY, retry_in=60)
    assert (email.status, email.attempts, email.dispatched_at) == (Status.QUEUED, 1, None)
    assert email.not_before == NOW + timedelta(seconds=60)
    assert email.last_error == f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("brought_by", ["a retry after a failure", "the sweeper", "a resend from the admin"])
def test_quiet_hours_mail_reaching_a_worker_at_night_waits_until_0800(
    test_kinds, memory_broker, failing_mail, mailoutbox, django_capture_on_commit_callbacks, brought_by
):
    afternoon = datetime(2026, 7, 15, 19, 59, 30, tzinfo=UTC)  # 20:59:30 in the UK (BST)
    with time_machine.travel(afternoon, tick=False) as clock:
        email = queue(kind="test_evening")
        if brought_by == "a retry after a failure":
            failing_mail(ConnectionRefusedError("refused"))
            services.send_queued_email(email.pk)  # tried again in a minute: 21:00:30
            failing_mail(None)
            clock.move_to(afternoon + timedelta(minutes=1))
        elif brought_by == "the sweeper":
            set_row(email, status=Status.SENDING, sending_started_at=afternoon)
            clock.move_to(afternoon + settings.NOTIFY_STALE_AFTER + timedelta(minutes=1))
            services.sweep_outbox()
        else:
            set_row(email, status=Status.FAILED)
            clock.move_to(afternoon + timedelta(hours=1))
            with django_capture_on_commit_callbacks():
                services.resend_email(email)

        result = services.send_queued_email(email.pk)

    email.refresh_from_db()
    assert (result.outcome, email.status, mailoutbox) == (Outcome.SKIPPED, Status.QUEUED, [])
    assert email.not_before == datetime(2026, 7, 16, 7, 0, tzinfo=UTC)  # 08:00 UK time


def test_an_email_its_kind_no_longer_wants_is_cancelled_not_sent(frozen, mailoutbox):
    still_wanted = {"answer": True}
    kinds.register(
        kinds.EmailKind(
            key="test_checked",
            label="Checked (test)",
            description="Checked.",
            still_due=lambda email: still_wanted["answer"] and email.about == {"thing": 7},
        )
    )
    try:
        wanted, unwanted = queue(kind="test_checked", about={"thing": 7}), queue(kind="test_checked", dedupe_key="t:2")
        first, second = services.send_queued_email(wanted.pk), services.send_queued_email(unwanted.pk)
    finally:
        kinds._KINDS.pop("test_checked")

    unwanted.refresh_from_db()
    assert (first.outcome, second.outcome) == (Outcome.SENT, Outcome.CANCELLED)
    assert (unwanted.status, unwanted.last_error) == (
        Status.CANCELLED,
        "No longer due when its time came, so not sent.",
    )
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(("attempts_before", "retry_in"), [(1, 120), (2, 240), (3, 480)])
def test_send_queued_email_backoff_doubles_with_each_attempt(frozen, settings, failing_mail, attempts_before, retry_in):
    settings.NOTIFY_MAX_ATTEMPTS = 5
    email = set_row(queue(), attempts=attempts_before)
    failing_mail(smtplib.SMTPServerDisconnected("gone"))

    result = services.send_queued_email(email.pk)

    email.refresh_from_db()
    assert result == SendResult(Outcome.RETRY, retry_in=retry_in)
    assert (email.attempts, email.not_before) == (attempts_before + 1, NOW + timedelta(seconds=retry_in))


PERMANENT = {
    "unknown recipient": smtplib.SMTPRecipientsRefused({"robin@example.org": (550, b"No such user")}),
    "message rejected": smtplib.SMTPDataError(554, b"Rejected as spam"),
    "sender refused": smtplib.SMTPSenderRefused(553, b"Not allowed", "noreply@example.org"),
}


@pytest.mark.parametrize("error", PERMANENT.values(), ids=PERMANENT.keys())
def test_send_queued_email_permanent_error_fails_the_row(frozen, failing_mail, error):
    email = queue()
    failing_mail(error)

    result = services.send_queued_email(email.pk)

    email.refresh_from_db()
    assert result == SendResult(Outcome.FAILED)
    assert (email.status, email.attempts, email.sent_at) == (Status.FAILED, 1, None)
    assert email.last_error == f"{type(error).__name__}: {error}"


def test_send_queued_email_last_attempt_fails_the_row(frozen, settings, failing_mail):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    email = set_row(queue(), attempts=2)
    failing_mail(smtplib.SMTPServerDisconnected("gone"))

    result = services.send_queued_email(email.pk)

    email.refresh_from_db()
    assert result == SendResult(Outcome.FAILED)
    assert (email.status, email.attempts, email.last_error) == (Status.FAILED, 3, "SMTPServerDisconnected: gone")


def test_send_email_task_sends_a_queued_row(mailoutbox):
    email = queue()

    result = tasks.send_email_task.apply(kwargs={"email_id": email.pk})

    assert result.get() == "sent"
    assert OutgoingEmail.objects.get().status == Status.SENT
    assert len(mailoutbox) == 1


def test_send_email_task_transient_error_retries_only_after_the_backoff(frozen, failing_mail):
    email = queue()
    failing_mail(smtplib.SMTPServerDisconnected("gone"))

    result = tasks.send_email_task.apply(kwargs={"email_id": email.pk})

    email.refresh_from_db()
    # apply() runs the retry at once, ignoring its countdown; the row is not due yet, so it waits.
    assert result.get() == "skipped"
    assert (email.status, email.attempts, email.not_before) == (Status.QUEUED, 1, NOW + timedelta(seconds=60))


# --- sweep_outbox -------------------------------------------------------------------------------


def test_sweep_outbox_requeues_stale_sending_row_and_sends_it(frozen, eager_celery, mailoutbox):
    email = set_row(queue(), status=Status.SENDING, attempts=1, sending_started_at=NOW, dispatched_at=NOW)
    frozen.move_to(NOW + settings.NOTIFY_STALE_AFTER + timedelta(seconds=1))

    result = tasks.sweep_outbox_task.apply().get()

    email.refresh_from_db()
    assert result == {"requeued": 1, "failed": 0, "dispatched": 1}
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert len(mailoutbox) == 1


def test_sweep_outbox_leaves_fresh_sending_row(frozen, memory_broker):
    email = set_row(queue(), status=Status.SENDING, attempts=1, sending_started_at=NOW, dispatched_at=NOW)

    result = services.sweep_outbox(now=NOW + settings.NOTIFY_STALE_AFTER)

    email.refresh_from_db()
    assert result == {"requeued": 0, "failed": 0, "dispatched": 0}
    assert (email.status, email.dispatched_at) == (Status.SENDING, NOW)
    assert memory_broker.published_ids() == []


def test_sweep_outbox_fails_stale_row_on_its_last_attempt(frozen, settings, memory_broker):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    email = set_row(queue(), status=Status.SENDING, attempts=3, sending_started_at=NOW)

    result = services.sweep_outbox(now=NOW + settings.NOTIFY_STALE_AFTER + timedelta(seconds=1))

    email.refresh_from_db()
    assert result == {"requeued": 0, "failed": 1, "dispatched": 0}
    assert email.status == Status.FAILED
    assert email.last_error == (
        "The worker stopped while sending, on the last attempt; the message may have been delivered."
    )
    assert memory_broker.published_ids() == []


def test_sweep_outbox_dispatches_due_undispatched_rows_only(frozen, memory_broker):
    due = queue(dedupe_key="due")
    queue(dedupe_key="later", not_before=NOW + timedelta(minutes=1))
    set_row(queue(dedupe_key="fresh"), dispatched_at=NOW - timedelta(minutes=1))
    set_row(queue(dedupe_key="sent"), status=Status.SENT, sent_at=NOW)

    result = services.sweep_outbox()

    assert result == {"requeued": 0, "failed": 0, "dispatched": 1}
    assert memory_broker.published_ids() == [due.pk]
    assert OutgoingEmail.objects.get(pk=due.pk).dispatched_at == NOW


def test_sweep_outbox_redispatches_a_lost_hand_over_once(frozen, memory_broker):
    email = set_row(queue(), dispatched_at=NOW - settings.NOTIFY_STALE_AFTER - timedelta(seconds=1))

    first = services.sweep_outbox()
    frozen.shift(timedelta(minutes=1))
    second = services.sweep_outbox()

    email.refresh_from_db()
    assert (first["dispatched"], second["dispatched"]) == (1, 0)
    assert memory_broker.published_ids() == [email.pk]
    assert email.dispatched_at == NOW


# --- resend_email -------------------------------------------------------------------------------


def test_resend_email_requeues_a_failed_row(frozen, memory_broker, django_capture_on_commit_callbacks):
    email = set_row(queue(), status=Status.FAILED, attempts=5, last_error="SMTPDataError: (554, b'No')")
    frozen.shift(timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.resend_email(email)

    email.refresh_from_db()
    assert requeued is True
    assert (email.status, email.attempts, email.not_before) == (Status.QUEUED, 0, NOW + timedelta(hours=1))
    assert email.dispatched_at == NOW + timedelta(hours=1)
    assert memory_broker.published_ids() == [email.pk]


@pytest.mark.parametrize("status", [Status.QUEUED, Status.SENDING, Status.SENT])
def test_resend_email_leaves_other_rows_alone(frozen, memory_broker, django_capture_on_commit_callbacks, status):
    email = set_row(queue(), status=status, attempts=1, sent_at=NOW)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        requeued = services.resend_email(email)

    assert requeued is False
    assert callbacks == []
    assert list(OutgoingEmail.objects.values_list("status", "attempts")) == [(status, 1)]


# --- reads and preferences ------------------------------------------------------------------------


def test_outbox_counts_by_day_counts_each_status_per_uk_day():
    rows = [
        # 00:30 BST on 16 July is still 15 July in UTC: it counts for the 16th.
        ("2026-07-15 23:30", Status.QUEUED),
        ("2026-07-16 09:00", Status.SENDING),
        ("2026-07-16 10:00", Status.SENT),
        ("2026-07-15 22:59", Status.FAILED),
        ("2026-07-15 08:00", Status.SENT),
        ("2026-07-15 09:00", Status.SENT),
        ("2026-07-15 10:00", Status.CANCELLED),
    ]
    for number, (created_at, status) in enumerate(rows):
        with time_machine.travel(datetime.fromisoformat(created_at).replace(tzinfo=UTC), tick=False):
            set_row(queue(dedupe_key=f"test:{number}"), status=status, sent_at=NOW)

    counts = list(outbox_counts_by_day())

    assert counts == [
        {"day": date(2026, 7, 16), "queued": 2, "sent": 1, "failed": 0, "cancelled": 0},
        {"day": date(2026, 7, 15), "queued": 0, "sent": 2, "failed": 1, "cancelled": 1},
    ]


def test_read_unsubscribe_token_rejects_tampered_essential_and_unknown_tokens(test_kinds):
    token = services.unsubscribe_token("robin@example.org", "test_news")

    assert services.read_unsubscribe_token(token) == ("robin@example.org", test_kinds["news"])
    assert services.read_unsubscribe_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert services.read_unsubscribe_token(services.unsubscribe_token("robin@example.org", "account")) is None
    assert services.read_unsubscribe_token(services.unsubscribe_token("robin@example.org", "gone")) is None


def test_opt_out_essential_kind_raises():
    with pytest.raises(ValueError, match="account is essential email"):
        services.opt_out("robin@example.org", "account")

    assert EmailOptOut.objects.count() == 0


def test_opt_out_twice_keeps_one_row(test_kinds):
    services.opt_out("Robin@Example.org", "test_news")
    services.opt_out("robin@example.org", "test_news")

    assert list(EmailOptOut.objects.values_list("email", "kind")) == [("robin@example.org", "test_news")]


def test_set_preferences_switches_off_exactly_the_unwanted_kinds(test_kinds):
    services.opt_out("robin@example.org", "test_events")

    services.set_preferences("Robin@Example.org", wanted={"test_events", "account"})

    switchable = {kind.key for kind in kinds.switchable()}
    assert opted_out_kinds("ROBIN@example.org") == switchable - {"test_events"}


# --- retention ---------------------------------------------------------------------------------


def test_delete_old_email_bodies_blanks_old_finished_mail_only(time_machine):
    time_machine.move_to("2025-01-01 12:00Z", tick=False)
    old_sent = set_row(queue(dedupe_key="old:sent", body_html="<p>Hello</p>"), status="sent", sent_at=NOW)
    old_queued = queue(dedupe_key="old:queued")
    time_machine.move_to("2025-12-01 12:00Z", tick=False)
    recent_sent = set_row(queue(dedupe_key="recent:sent"), status="sent", sent_at=NOW)
    time_machine.move_to("2026-01-15 12:00Z", tick=False)

    blanked = services.delete_old_email_bodies()

    assert blanked == 1
    rows = {row.dedupe_key: row for row in OutgoingEmail.objects.all()}
    assert (rows["old:sent"].body_text, rows["old:sent"].body_html, rows["old:sent"].status) == ("", "", "sent")
    assert rows["old:sent"].recipient == old_sent.recipient
    assert rows["old:queued"].body_text == old_queued.body_text
    assert rows["recent:sent"].body_text == recent_sent.body_text
