"""The benchmark's own parts keep working as the portal grows."""

import json
from datetime import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from consultations import benchdata as consultations_bench
from consultations.reminders import UK
from forum_portal.audit.models import AuditEvent
from forum_portal.people.models import ParentCarerProfile, User
from tests.worker import celery_publishing

pytestmark = pytest.mark.django_db


def test_floor_page_is_served_only_for_the_benchmark(client, settings, django_assert_num_queries):
    assert client.get("/bench/floor/").status_code == 404

    settings.BENCH_FLOOR_PAGE = True
    with django_assert_num_queries(0):
        response = client.get("/bench/floor/")

    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Floor</h1>' in response.content.decode()


def test_seed_bench_small_builds_members_with_consented_data():
    call_command("seed_bench", scale="small")

    assert User.objects.filter(email__startswith="member").count() == 50
    assert ParentCarerProfile.objects.exclude(postcode_district="").count() == 50


def test_seed_bench_refuses_a_database_with_people(capsys):
    User.objects.create_user("someone@example.org", "a-password-123")

    with pytest.raises(CommandError, match="only on an empty database"):
        call_command("seed_bench", scale="small")


def test_bench_queries_loads_every_benchmark_page(settings, capsys):
    settings.BENCH_FLOOR_PAGE = True
    call_command("seed_bench", scale="small")
    capsys.readouterr()

    call_command("bench_queries")

    rows = json.loads(capsys.readouterr().out)
    assert {row["page"]: row["status"] for row in rows if row["page"] in {"floor", "home"}} == {
        "floor": 200,
        "home": 200,
    }
    assert [row["page"] for row in rows if row["status"] != 200] == []
    signed_in = {row["page"]: row["cookie"] for row in rows if row["cookie"]}
    assert list(signed_in) == ["staff dashboard", "answer form", "results page"]
    assert signed_in["staff dashboard"].startswith("sessionid=")
    assert next(row["queries"] for row in rows if row["page"] == "floor") == 0


def test_every_benchmark_page_makes_at_most_twelve_queries(settings, capsys):
    settings.BENCH_FLOOR_PAGE = True
    call_command("seed_bench", scale="small")
    capsys.readouterr()

    call_command("bench_queries")

    rows = json.loads(capsys.readouterr().out)
    assert {row["page"]: row["queries"] for row in rows if row["queries"] > 12} == {}
    # The pages the issue names are all measured.
    named = {
        "floor", "home", "consultation list", "consultation page", "answer form", "results page", "reply page",
        "accountability", "guide list", "search", "services API", "event list", "project page",
    }  # fmt: skip
    assert named - {row["page"] for row in rows} == set()


# The sweep's moment is 10:01 on the day the reminders fell due, whatever the hour the data was seeded
# at (seeded after 10:01, it once looked a day late and found nothing due), and in the week before
# the clocks change (a week of 168 hours then ends on another day).
@pytest.mark.parametrize("seeded_at", ["2026-12-07T08:30", "2026-12-07T10:30", "2026-12-07T23:30", "2026-03-24T23:30"])
@pytest.mark.django_db(transaction=True)  # each batch of reminders commits, and is then handed over
def test_reminder_sweep_job_queues_once_and_hands_every_reminder_to_the_workers(settings, seeded_at):
    settings.NOTIFY_QUIET_HOURS = ()
    with time_machine.travel(datetime.fromisoformat(seeded_at).replace(tzinfo=UK)):
        call_command("seed_bench", scale="small")

        with celery_publishing(eager=True):
            figures = consultations_bench.sweep_closing_soon()

    # 50 members: a tenth answered the consultation closing in a week; the one with a draft is reminded.
    assert figures == {"due": 45, "queued": 45, "handed_to_workers": 45, "due_on_a_second_run": 0}


def test_reminder_sweep_job_says_when_nothing_was_handed_over(settings):
    # Inside the test's transaction nothing commits, so nothing is handed to the workers.
    settings.NOTIFY_QUIET_HOURS = ()
    with time_machine.travel(datetime(2026, 12, 7, 10, 30, tzinfo=UK)):
        call_command("seed_bench", scale="small")

        figures = consultations_bench.sweep_closing_soon()

    assert figures["problems"] == ["only 0 of 45 handed to workers (quiet hours, or no broker)"]


def test_csv_export_jobs_read_every_answer(capsys):
    call_command("seed_bench", scale="small")
    capsys.readouterr()

    call_command("bench_job", consultations_bench.EXPORT_MOST)

    result = json.loads(capsys.readouterr().out)
    # 100 responses to the 10 questions of the consultation with the most answers (small scale).
    assert result["figures"] == {"status": 200, "answers": 1000, "csv_rows": 100, "megabytes": 0.0}
    assert result["flat_memory_against"] == consultations_bench.EXPORT_BUSY
    assert AuditEvent.objects.filter(action="consultation.answers_exported").count() == 1
