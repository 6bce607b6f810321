"""The benchmark's own parts keep working as the portal grows."""

import json

import pytest
from django.core.management import CommandError, call_command

from forum_portal.people.models import ParentCarerProfile, User

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
