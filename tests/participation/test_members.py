import csv
import io

import pytest
from django.urls import reverse

from forum_portal.audit.models import AuditEvent
from forum_portal.people.services import set_profile_data
from participation import selectors
from participation.models import PopulationFigure
from tests.factories.participation import ActivityFactory
from tests.factories.people import ForumStaffFactory, OfficerFactory, ParentCarerFactory

pytestmark = pytest.mark.django_db


def member(email, *, area=None, age_bands=None, needs=None):
    user = ParentCarerFactory(email=email)
    set_profile_data(user.parent_carer_profile, postcode_district=area, age_bands=age_bands, needs=needs)
    return user


@pytest.fixture
def staff_client(client):
    client.force_login(ForumStaffFactory())
    return client


@pytest.mark.parametrize("count", [1, 5])
def test_member_list_queries_do_not_grow(staff_client, django_assert_num_queries, count):
    for n in range(count):
        member(f"m{n}@example.org", area="BS16", age_bands=["5-10"], needs=["ASD"])

    with django_assert_num_queries(9):
        response = staff_client.get(reverse("participation:member-list"))

    assert response.content.decode().count('<br><span class="govuk-body-s">ASD</span>') == count


def test_member_list_filters_on_consented_data(staff_client):
    member("a@example.org", area="BS16", age_bands=["5-10"], needs=["ASD"])
    member("b@example.org", area="BS15", age_bands=["5-10"], needs=["SEMH"])
    member("c@example.org")

    response = staff_client.get(reverse("participation:member-list"), {"age_band": "5-10", "need": "ASD"})

    assert [profile.user.email for profile in response.context["page"].object_list] == ["a@example.org"]


def test_member_export_is_recorded_and_spreadsheet_safe(staff_client):
    user = member("a@example.org", area="BS16", needs=["ASD", "SLCN"])
    user.full_name = "=HYPERLINK()"
    user.save()

    response = staff_client.get(reverse("participation:member-download", args=["csv"]), {"area": "BS16"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'=HYPERLINK()"
    assert rows[1][3:] == ["BS16", "", "Autistic spectrum disorder; Speech, language and communication needs"]
    event = AuditEvent.objects.get(action="participation.members_exported")
    assert event.detail == {"rows": 1, "area": "BS16"}


def test_member_list_is_refused_to_officers(client):
    client.force_login(OfficerFactory())
    assert client.get(reverse("participation:member-list")).status_code == 403


def test_representativeness_hides_small_groups_so_shares_cannot_give_them_away():
    for n in range(6):
        member(f"a{n}@example.org", area="BS16", age_bands=["5-10"])
    for n in range(5):
        member(f"c{n}@example.org", area="BS17", age_bands=["16-18"])
    member("b@example.org", area="BS15", age_bands=["11-15"])
    PopulationFigure.objects.create(dimension="area", value="BS16", count=300)
    PopulationFigure.objects.create(dimension="area", value="BS15", count=100)

    areas, ages, needs = selectors.representativeness()

    # BS15's 1 is hidden; BS16's share gives the total (12), so BS17's 5 is hidden too: the two
    # hidden groups add up to 6, which could be 1 and 5, 2 and 4, 3 and 3...
    assert [
        (r.label, r.people_shown, r.people_share_shown, r.population, r.population_share_shown) for r in areas.rows
    ] == [
        ("BS15", "not shown", "–", 100, "25%"),
        ("BS16", 6, "50%", 300, "75%"),
        ("BS17", "not shown", "–", None, "–"),
    ]
    assert [(r.label, r.people_shown) for r in ages.rows] == [
        ("5 to 10", 6),
        ("11 to 15", "not shown"),
        ("16 to 18", "not shown"),
    ]
    assert needs.rows == []


def test_representativeness_with_one_small_group_of_two_hides_both():
    for n in range(6):
        member(f"a{n}@example.org", area="BS16")
    member("b@example.org", area="BS15")

    areas, _, _ = selectors.representativeness()

    assert [(r.label, r.people_shown, r.people_share_shown) for r in areas.rows] == [
        ("BS15", "not shown", "–"),
        ("BS16", "not shown", "–"),
    ]


def test_representativeness_of_one_activity_counts_its_participants(staff_client):
    people = [member(f"a{n}@example.org", area="BS16") for n in range(5)]
    activity = ActivityFactory()
    activity.participants.set(people[:2])

    response = staff_client.get(reverse("participation:representativeness"), {"activity": activity.pk})

    areas = response.context["comparisons"][0]
    assert [(row.label, row.people) for row in areas.rows] == [("BS16", 2)]


def test_population_figure_form_checks_the_group_and_replaces_a_figure(staff_client):
    url = reverse("participation:representativeness")

    response = staff_client.post(url, {"dimension": "need", "value": "XYZ", "count": "40"})
    assert "Enter one of: SPLD, MLD" in response.content.decode()
    assert 'value="XYZ"' in response.content.decode()

    staff_client.post(url, {"dimension": "need", "value": "asd", "count": "40"})
    staff_client.post(url, {"dimension": "need", "value": "ASD", "count": "45"})
    assert list(PopulationFigure.objects.values_list("dimension", "value", "count")) == [("need", "ASD", 45)]


@pytest.mark.parametrize("count", [1, 5])
def test_representativeness_queries_do_not_grow(staff_client, django_assert_num_queries, count):
    for n in range(count):
        user = member(f"r{n}@example.org", area=f"BS{n + 1}", age_bands=["5-10"], needs=["ASD"])
        ActivityFactory().participants.add(user)
        PopulationFigure.objects.create(dimension="area", value=f"BS{n + 1}", count=50)

    with django_assert_num_queries(9):
        response = staff_client.get(reverse("participation:representativeness"))

    assert len(response.context["comparisons"][0].rows) == count


def test_member_list_in_an_unknown_format_is_not_found(staff_client):
    assert staff_client.get(reverse("participation:member-download", args=["xlsx"])).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_representativeness_of_one_activity_queries_do_not_grow(staff_client, django_assert_num_queries, count):
    activity = ActivityFactory()
    for n in range(count):
        user = member(f"p{n}@example.org", area=f"BS{n + 1}", age_bands=["5-10"], needs=["ASD"])
        activity.participants.add(user)

    with django_assert_num_queries(9):
        response = staff_client.get(reverse("participation:representativeness"), {"activity": activity.pk})

    assert response.context["chosen"] == activity
    assert [row.people for row in response.context["comparisons"][0].rows] == [1] * count
