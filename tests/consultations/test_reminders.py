"""Consultation reminders: who gets which, once, with the clock frozen and stepped."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import reminders, services
from consultations.models import Consultation, Reply, ReplyItem, Response
from forum_portal.notify.models import OutgoingEmail
from forum_portal.notify.services import opt_out, send_queued_email
from tests.factories import ForumStaffFactory, OfficerFactory, ParentCarerFactory, UserFactory, activate_totp
from tests.factories.consultations import ConsultationFactory
from tests.factories.people import OrganisationFactory

pytestmark = pytest.mark.django_db

# A Tuesday in March at 10:00, when UK time is UTC: outside quiet hours.
START = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    """Frozen time that a test moves on with ``clock.move_to(moment)``."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def approved(*, closes_at, opens_at=None, **kwargs) -> Consultation:
    return ConsultationFactory(
        status=Consultation.Status.APPROVED,
        opens_at=opens_at or START - timedelta(weeks=4),
        closes_at=closes_at,
        reply_due_at=closes_at + timedelta(weeks=12),
        **kwargs,
    )


def keys(kind=None) -> list[str]:
    emails = OutgoingEmail.objects.all()
    if kind:
        emails = emails.filter(kind=kind)
    return sorted(emails.values_list("dedupe_key", flat=True))


def submitted(consultation, user):
    return Response.objects.create(
        consultation=consultation, user=user, status=Response.Status.SUBMITTED, submitted_at=timezone.now()
    )


@pytest.fixture
def closing_in_a_week(clock):
    """A consultation closing two hours short of 7 days after START: its 7-day reminder is due."""
    consultation = approved(closes_at=START + timedelta(days=7, hours=-2), title="Short breaks")
    people = {
        "waiting": ParentCarerFactory(email="waiting@example.org"),
        "answered": ParentCarerFactory(email="answered@example.org"),
        "drafting": ParentCarerFactory(email="drafting@example.org"),
        "officer": OfficerFactory(email="officer@example.org", membership__organisation=consultation.organisation),
        "not a parent": UserFactory(email="visitor@example.org"),
        "gone": ParentCarerFactory(email="gone@example.org", is_active=False),
    }
    submitted(consultation, people["answered"])
    Response.objects.create(consultation=consultation, user=people["drafting"])
    # A draft by someone who may not answer this consultation (no visitors) gets nothing either.
    Response.objects.create(consultation=consultation, user=people["not a parent"])
    return consultation, people


def test_closing_soon_goes_once_to_parents_who_have_not_sent_an_answer(closing_in_a_week):
    consultation, people = closing_in_a_week
    close_day = "2026-03-17"

    assert reminders.remind_closing_soon() == 2
    assert reminders.remind_closing_soon() == 0  # the sweep running again sends nothing more

    assert keys() == sorted(
        f"closing-7d:{consultation.pk}:{close_day}:{people[name].pk}" for name in ("waiting", "drafting")
    )
    waiting = OutgoingEmail.objects.get(recipient="waiting@example.org")
    assert waiting.subject == "“Short breaks” closes in 7 days"
    assert f"http://127.0.0.1:8000/consultations/{consultation.pk}/answer/" in waiting.body_text
    assert "Have your say" in waiting.body_text
    drafting = OutgoingEmail.objects.get(recipient="drafting@example.org")
    assert drafting.subject == "Finish your answer: “Short breaks” closes in 7 days"
    assert "saved your answers. They are not sent yet." in drafting.body_text
    assert f"http://127.0.0.1:8000/consultations/{consultation.pk}/answer/" in drafting.body_html
    assert waiting.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_closing_soon_steps_from_seven_days_to_one_day_and_stops_after_an_answer(clock, closing_in_a_week):
    consultation, people = closing_in_a_week
    reminders.remind_closing_soon()

    clock.move_to(START + timedelta(days=3))  # between the two moments: nothing due
    assert reminders.remind_closing_soon() == 0
    submitted(consultation, people["waiting"])

    clock.move_to(START + timedelta(days=6))
    assert reminders.remind_closing_soon() == 1
    assert keys() == sorted(
        [
            f"closing-7d:{consultation.pk}:2026-03-17:{people['waiting'].pk}",
            f"closing-7d:{consultation.pk}:2026-03-17:{people['drafting'].pk}",
            f"closing-1d:{consultation.pk}:2026-03-17:{people['drafting'].pk}",
        ]
    )
    assert OutgoingEmail.objects.get(dedupe_key__startswith="closing-1d").subject == (
        "Finish your answer: “Short breaks” closes tomorrow"
    )

    clock.move_to(START + timedelta(days=8))  # closed: nothing for parents any more
    assert reminders.remind_closing_soon() == 0


def test_a_missed_sweep_catches_up_within_the_look_back_window(clock, closing_in_a_week):
    consultation, people = closing_in_a_week
    clock.move_to(START + timedelta(hours=20))  # the runs since the moment were missed
    assert reminders.remind_closing_soon() == 2


def test_an_extended_consultation_gets_fresh_reminders_for_its_new_date_only(clock, closing_in_a_week):
    consultation, people = closing_in_a_week
    reminders.remind_closing_soon()
    new_close = consultation.closes_at + timedelta(weeks=2)
    services.extend_consultation(consultation, closes_at=new_close, reason="Half term", by=ForumStaffFactory())

    clock.move_to(START + timedelta(days=6))  # the old one-day moment: nothing
    assert reminders.remind_closing_soon() == 0
    clock.move_to(START + timedelta(days=14))  # the new seven-day moment
    assert reminders.remind_closing_soon() == 2
    clock.move_to(START + timedelta(days=14, hours=3))
    assert reminders.remind_closing_soon() == 0

    waiting = people["waiting"].pk
    assert keys() == sorted(
        [
            f"closing-7d:{consultation.pk}:2026-03-17:{waiting}",
            f"closing-7d:{consultation.pk}:2026-03-17:{people['drafting'].pk}",
            f"closing-7d:{consultation.pk}:2026-03-31:{waiting}",
            f"closing-7d:{consultation.pk}:2026-03-31:{people['drafting'].pk}",
        ]
    )


def test_a_withdrawn_consultation_gets_no_reminders(clock, closing_in_a_week):
    consultation, people = closing_in_a_week
    staff = ForumStaffFactory()
    clock.move_to(START - timedelta(days=1))
    services.withdraw_consultation(consultation, by=staff, reason="The proposal was dropped.")

    for day in range(0, 9):
        clock.move_to(START + timedelta(days=day))
        assert reminders.send_due_reminders() == {
            "closing_soon": 0,
            "closing": 0,
            "closed": 0,
            "reply_due_soon": 0,
            "reply_overdue": 0,
            "reply_progress": 0,
        }
    assert keys() == []


def test_visitors_with_a_draft_are_reminded_where_visitors_may_answer(clock):
    consultation = approved(closes_at=START + timedelta(days=1, hours=-1), allows_visitors=True)
    visitor = UserFactory()
    Response.objects.create(consultation=consultation, user=visitor)
    Response.objects.create(consultation=consultation)  # an anonymous visitor: no address to write to

    assert reminders.remind_closing_soon() == 1
    assert keys() == [f"closing-1d:{consultation.pk}:2026-03-11:{visitor.pk}"]


def test_local_offer_rounds_get_no_closing_soon_reminders(clock):
    approved(closes_at=START + timedelta(days=7, hours=-1), kind=Consultation.Kind.LOCAL_OFFER)
    ParentCarerFactory()
    assert reminders.remind_closing_soon() == 0


def test_parents_reminders_wait_out_quiet_hours(clock, closing_in_a_week):
    consultation, people = closing_in_a_week
    officer = people["officer"]
    late = START + timedelta(hours=12)  # 22:00 UK time
    clock.move_to(late)
    reminders.remind_closing_soon()

    waiting = OutgoingEmail.objects.get(recipient="waiting@example.org")
    assert (waiting.status, waiting.not_before) == (OutgoingEmail.Status.QUEUED, datetime(2026, 3, 11, 8, tzinfo=UTC))
    # An officer's work reminder is not held.
    two_days_before = datetime(2026, 3, 15, 21, 30, tzinfo=UTC)
    clock.move_to(two_days_before)
    reminders.remind_closing()
    officers = OutgoingEmail.objects.get(recipient=officer.email)
    assert officers.not_before == two_days_before


def test_a_consultation_closing_at_midnight_is_reminded_the_morning_before(clock):
    uk = ZoneInfo("Europe/London")
    consultation = approved(closes_at=datetime(2026, 3, 17, 23, 59, tzinfo=uk), title="Respite")
    parent = ParentCarerFactory()

    clock.move_to(datetime(2026, 3, 16, 9, 59, tzinfo=uk))
    assert reminders.remind_closing_soon() == 0
    clock.move_to(datetime(2026, 3, 16, 10, 0, tzinfo=uk))
    assert reminders.remind_closing_soon() == 1

    email = OutgoingEmail.objects.get()
    assert (email.dedupe_key, email.subject) == (
        f"closing-1d:{consultation.pk}:2026-03-17:{parent.pk}",
        "“Respite” closes tomorrow",
    )
    assert email.not_before == datetime(2026, 3, 16, 10, 0, tzinfo=uk)  # sent now, not held


@pytest.mark.parametrize("meanwhile", ["the parent answers", "it is withdrawn", "it is extended"])
def test_a_reminder_held_overnight_is_not_sent_if_it_is_no_longer_true_by_morning(clock, meanwhile, mailoutbox):
    consultation = approved(closes_at=START + timedelta(days=7, hours=-2), title="Short breaks")
    parent = ParentCarerFactory()
    clock.move_to(START + timedelta(hours=12))  # 22:00: the sweep finds it, quiet hours hold it
    reminders.remind_closing_soon()
    held = OutgoingEmail.objects.get()
    staff = ForumStaffFactory()

    if meanwhile == "the parent answers":
        submitted(consultation, parent)
    elif meanwhile == "it is withdrawn":
        services.withdraw_consultation(consultation, by=staff, reason="Dropped")
    else:
        services.extend_consultation(
            consultation, closes_at=consultation.closes_at + timedelta(weeks=2), reason="Longer", by=staff
        )
    clock.move_to(held.not_before)
    result = send_queued_email(held.pk)

    held.refresh_from_db()
    assert (result.outcome.value, held.status, mailoutbox) == ("cancelled", "cancelled", [])


def test_a_reminder_still_true_in_the_morning_is_sent(clock, mailoutbox):
    approved(closes_at=START + timedelta(days=7, hours=-2), title="Short breaks")
    ParentCarerFactory(email="parent@example.org")
    clock.move_to(START + timedelta(hours=12))
    reminders.remind_closing_soon()
    held = OutgoingEmail.objects.get()

    assert send_queued_email(held.pk).outcome.value == "skipped"  # still 22:00
    clock.move_to(held.not_before)
    assert send_queued_email(held.pk).outcome.value == "sent"
    assert [message.to for message in mailoutbox] == [["parent@example.org"]]


def test_a_reply_reminder_is_not_sent_once_the_reply_is_published(clock, mailoutbox):
    consultation = approved(opens_at=START - timedelta(weeks=16), closes_at=START - timedelta(weeks=10))
    officer = OfficerFactory(membership__organisation=consultation.organisation)
    clock.move_to(consultation.reply_due_at - timedelta(days=14))
    reminders.remind_reply_due_soon()
    queued = OutgoingEmail.objects.get(kind="consultation_reply_due")
    reply = services.reply_for(consultation)
    services.save_reply_item(reply, by=officer, you_said="A", we_did="B", outcome="changed")
    services.publish_reply(reply, by=officer)

    assert send_queued_email(queued.pk).outcome.value == "cancelled"


def test_nobody_who_switched_the_kind_off_is_reminded(closing_in_a_week):
    consultation, people = closing_in_a_week
    opt_out("waiting@example.org", "consultation_closing_soon")
    assert reminders.remind_closing_soon() == 1
    assert list(OutgoingEmail.objects.values_list("recipient", flat=True)) == ["drafting@example.org"]


def test_finding_the_audience_takes_the_same_queries_for_one_member_or_many(clock):
    consultation = approved(closes_at=START + timedelta(days=7, hours=-1))
    ParentCarerFactory()

    def count():
        with CaptureQueriesContext(connection) as queries:
            due = reminders.closing_soon_due(timezone.now())
        return len(queries), len(due)

    one = count()
    ParentCarerFactory.create_batch(5)
    Response.objects.create(consultation=consultation, user=ParentCarerFactory())
    many = count()
    assert (one[1], many[1]) == (1, 7)
    assert one[0] == many[0]


# --- Officers and staff ------------------------------------------------------------------------------


@pytest.fixture
def council(clock):
    organisation = OrganisationFactory(name="Northshire Council")
    officers = [
        OfficerFactory(email="ana@northshire.example.org", membership__organisation=organisation),
        OfficerFactory(email="ben@northshire.example.org", membership__organisation=organisation),
    ]
    OfficerFactory(email="someone@elsewhere.example.org")  # another organisation's officer
    return organisation, officers


def test_owning_officers_hear_two_days_before_closing_with_the_count(clock, council):
    organisation, (ana, ben) = council
    consultation = approved(closes_at=START + timedelta(days=2, hours=-1), organisation=organisation, title="Transport")
    submitted(consultation, ParentCarerFactory())

    assert reminders.remind_closing() == 2
    assert reminders.remind_closing() == 0
    assert keys() == [
        f"closing-officers-2d:{consultation.pk}:2026-03-12:{ana.pk}",
        f"closing-officers-2d:{consultation.pk}:2026-03-12:{ben.pk}",
    ]
    assert OutgoingEmail.objects.get(recipient=ana.email).subject == "“Transport” closes in 2 days: 1 answer so far"


def test_owning_officers_hear_when_it_closes_with_the_count_and_reply_date(clock, council):
    organisation, (ana, ben) = council
    consultation = approved(closes_at=START + timedelta(hours=2), organisation=organisation, title="Transport")
    for _ in range(3):
        submitted(consultation, ParentCarerFactory())
    Response.objects.create(consultation=consultation, user=ParentCarerFactory())  # a draft is not an answer

    assert reminders.remind_closed() == 0  # still open
    clock.move_to(START + timedelta(hours=3))
    assert reminders.remind_closed() == 2
    clock.move_to(START + timedelta(hours=9))
    assert reminders.remind_closed() == 0

    email = OutgoingEmail.objects.get(recipient=ana.email)
    assert email.dedupe_key == f"closed:{consultation.pk}:2026-03-10:{ana.pk}"
    assert email.subject == "“Transport” has closed: 3 answers, reply due 2 June 2026"
    assert f"http://127.0.0.1:8000/consultations/{consultation.pk}/results/" in email.body_text


def test_reply_due_reminders_at_14_days_and_1_day_until_published(clock, council):
    organisation, (ana, ben) = council
    consultation = approved(
        opens_at=START - timedelta(weeks=20), closes_at=START - timedelta(weeks=8), organisation=organisation
    )
    due = START + timedelta(days=14, hours=-1)
    Consultation.objects.filter(pk=consultation.pk).update(reply_due_at=due)

    assert reminders.remind_reply_due_soon() == 2
    assert reminders.remind_reply_due_soon() == 0
    reply = Reply.objects.create(consultation=consultation)
    ReplyItem.objects.create(reply=reply, you_said="More notice", we_did="Done", outcome=ReplyItem.Outcome.CHANGED)
    services.publish_reply(reply, by=ana)

    clock.move_to(due - timedelta(hours=12))
    assert reminders.remind_reply_due_soon() == 0
    assert keys("consultation_reply_due") == [
        f"reply-due-14d:{consultation.pk}:2026-03-24:{ana.pk}",
        f"reply-due-14d:{consultation.pk}:2026-03-24:{ben.pk}",
    ]


def test_local_offer_answer_due_a_month_before(clock, council):
    organisation, (ana, ben) = council
    round_ = approved(
        opens_at=START - timedelta(days=400),
        closes_at=START - timedelta(days=35),
        organisation=organisation,
        kind=Consultation.Kind.LOCAL_OFFER,
    )
    Consultation.objects.filter(pk=round_.pk).update(reply_due_at=START + timedelta(days=30, hours=-1))

    assert reminders.remind_reply_due_soon() == 2
    assert keys() == [
        f"reply-due-30d:{round_.pk}:2026-04-09:{ana.pk}",
        f"reply-due-30d:{round_.pk}:2026-04-09:{ben.pk}",
    ]
    assert "The yearly answer to the Local Offer feedback" in OutgoingEmail.objects.first().body_text


def test_overdue_replies_weekly_to_officers_and_a_weekly_digest_to_staff(clock, council):
    organisation, (ana, ben) = council
    staff = ForumStaffFactory(email="staff@forum.example.org")
    consultation = approved(
        opens_at=START - timedelta(weeks=20),
        closes_at=START - timedelta(weeks=13),
        organisation=organisation,
        title="Transport",
    )
    Consultation.objects.filter(pk=consultation.pk).update(reply_due_at=START - timedelta(hours=1))

    sent = []
    for hours in (0, 24, 48, 24 * 6, 24 * 7, 24 * 8, 24 * 14):
        clock.move_to(START + timedelta(hours=hours))
        sent.append(reminders.remind_reply_overdue())
    # Tuesday 10 March (officers' week 0, staff's ISO week 11), Monday 16 March (staff's week 12),
    # Tuesday 17 March (officers' week 1), Tuesday 24 March (both).
    assert sent == [3, 0, 0, 1, 2, 0, 3]
    assert keys("consultation_reply_overdue") == sorted(
        f"reply-overdue:{consultation.pk}:2026-03-10:w{week}:{officer.pk}"
        for week in (0, 1, 2)
        for officer in (ana, ben)
    )
    assert keys("consultation_overdue_digest") == [
        f"reply-overdue-digest:2026-W{week}:{staff.pk}" for week in (11, 12, 13)
    ]
    digest = OutgoingEmail.objects.filter(kind="consultation_overdue_digest").first()
    assert digest.subject == "1 overdue “You said, we did” reply this week"
    assert "Northshire Council: “Transport”, due 10 March 2026" in digest.body_text


def test_dry_run_lists_what_is_due_and_queues_nothing(closing_in_a_week, capsys):
    consultation, people = closing_in_a_week
    ParentCarerFactory(email="switched-off@example.org")
    opt_out("switched-off@example.org", "consultation_closing_soon")  # not due, so not listed
    call_command("send_due_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "closing_soon: 2 due" in out
    assert "switched-off@example.org" not in out
    assert f"consultation_closing_soon to waiting@example.org (closing-7d:{consultation.pk}:2026-03-17:" in out
    assert "2 reminder(s) would be queued." in out
    assert OutgoingEmail.objects.count() == 0

    call_command("send_due_reminders")
    assert "closing_soon: 2 queued" in capsys.readouterr().out
    call_command("send_due_reminders", "--dry-run")
    assert "0 reminder(s) would be queued." in capsys.readouterr().out


def test_reminder_kinds_are_switchable_and_only_parents_mail_keeps_quiet_hours():
    from forum_portal.notify import kinds

    found = {kind.key: kind for kind in kinds.switchable() if kind.key.startswith("consultation_")}
    assert {key: kind.quiet_hours for key, kind in found.items()} == {
        "consultation_reply": True,
        "consultation_closing_soon": True,
        "consultation_closing": False,
        "consultation_closed": False,
        "consultation_reply_due": False,
        "consultation_reply_overdue": False,
        "consultation_overdue_digest": False,
    }


def test_forum_admins_filter_the_outbox_by_consultation(client, clock, council):
    organisation, (ana, ben) = council
    transport = approved(closes_at=START - timedelta(hours=1), organisation=organisation, title="Transport")
    approved(closes_at=START - timedelta(hours=2), organisation=organisation, title="Short breaks")
    reminders.remind_closed()
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    activate_totp(admin_user)
    client.force_login(admin_user)

    response = client.get(reverse("admin:notify_outgoingemail_changelist"), {"consultation": transport.pk})

    assert response.status_code == 200
    assert sorted(email.dedupe_key for email in response.context["cl"].result_list) == [
        f"closed:{transport.pk}:2026-03-10:{ana.pk}",
        f"closed:{transport.pk}:2026-03-10:{ben.pk}",
    ]
    assert OutgoingEmail.objects.count() == 4


def test_progress_on_will_change_items_goes_daily_to_those_who_asked_to_hear_back(clock, council):
    organisation, (ana, ben) = council
    consultation = approved(
        opens_at=START - timedelta(weeks=10), closes_at=START - timedelta(weeks=2), organisation=organisation
    )
    listening, silent = ParentCarerFactory(email="listening@example.org"), ParentCarerFactory()
    for user, hear_back in ((listening, True), (silent, False)):
        Response.objects.create(
            consultation=consultation, user=user, hear_back=hear_back, status="submitted", submitted_at=START
        )
    visitor = Response.objects.create(
        consultation=consultation, email="visitor@example.org", hear_back=True, status="submitted", submitted_at=START
    )
    reply = services.reply_for(consultation)
    item = services.save_reply_item(
        reply,
        by=ana,
        you_said="Booking by phone is hard",
        we_did="An online booking form",
        outcome=ReplyItem.Outcome.WILL_CHANGE,
        reason="It takes a term to build.",
        owner="Short breaks team",
        due_date=START.date() + timedelta(days=90),
    )
    services.publish_reply(reply, by=ana)
    item = ReplyItem.objects.get(pk=item.pk)
    services.add_progress_update(item, text="The form is designed.", by=ana)
    services.add_progress_update(item, text="Parents tested it.", by=ana)
    services.save_reply_summary(reply, summary="A correction", by=ana)  # not progress on an item

    assert reminders.send_reply_progress() == 0  # the day is not over
    clock.move_to(START + timedelta(days=1))
    services.add_progress_update(item, text="It is live.", by=ana)
    assert reminders.send_reply_progress() == 2
    assert reminders.send_reply_progress() == 0
    clock.move_to(START + timedelta(days=2, hours=1))
    assert reminders.send_reply_progress() == 2

    assert [key for key in keys() if key.startswith("reply-progress")] == sorted(
        f"reply-progress:{consultation.pk}:{day}:{response}"
        for day in ("2026-03-10", "2026-03-11")
        for response in (visitor.pk, listening.consultation_responses.get().pk)
    )
    first = OutgoingEmail.objects.get(dedupe_key__contains=":2026-03-10:", recipient="listening@example.org")
    assert "posted 2 updates on 10 March 2026" in first.body_text
    assert "The form is designed." in first.body_text and "Parents tested it." in first.body_text
    assert "It is live." not in first.body_text


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_queue_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("two sweeps at once need two connections to PostgreSQL")
    with time_machine.travel(START, tick=False):
        consultation = approved(closes_at=START + timedelta(days=7, hours=-2))
        for number in range(120):
            ParentCarerFactory(email=f"parent{number}@example.org")
    barrier, results, errors = threading.Barrier(2), [], []

    def sweep():
        try:
            with time_machine.travel(START, tick=False):
                due = reminders.closing_soon_due(timezone.now())
                barrier.wait(timeout=30)  # both have found everything due before either queues
                results.append((len(due), reminders.queue_reminders(due)))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert [found for found, _ in results] == [120, 120]
    assert sum(queued for _, queued in results) == 120
    assert OutgoingEmail.objects.filter(dedupe_key__startswith=f"closing-7d:{consultation.pk}:").count() == 120
