import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.information import (
    ContactFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.information.queries import rendering_queries

pytestmark = pytest.mark.django_db


def names(response):
    return [service.name for service in response.context["page_obj"].object_list]


def test_directory_filters_by_need_age_and_area(client):
    ServiceFactory(name="Autism group", needs=["ASD"], minimum_age=5, maximum_age=11, area="Brookton")
    ServiceFactory(name="Autism teens", needs=["ASD"], minimum_age=12, maximum_age=18, area="Brookton")
    ServiceFactory(name="Hearing support", needs=["HI"], area="Brookton")
    ServiceFactory(name="Autism elsewhere", needs=["ASD"], area="Millford")
    ServiceFactory(name="Any age autism", needs=["ASD"], area="Brookton")
    ServiceFactory(name="Closed autism", needs=["ASD"], area="Brookton", status="defunct")

    response = client.get(reverse("information:service-list"), {"need": "ASD", "age": "8", "area": "Brookton"})

    assert names(response) == ["Any age autism", "Autism group"]


def test_directory_bad_age_explains_and_keeps_what_was_typed(client):
    ServiceFactory(name="Play")

    response = client.get(reverse("information:service-list"), {"age": "eight"})

    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter the age as a number, like 8" in content
    assert 'value="eight"' in content
    assert names(response) == ["Play"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"need": "XYZ"}, "need", "Choose a need from the list"),
        ({"area": "Atlantis"}, "area", "Choose an area from the list"),
    ],
)
def test_directory_unknown_need_or_area_says_so_beside_it(client, params, field, message):
    ServiceFactory(name="Play", area="Brookton")

    content = client.get(reverse("information:service-list"), params).content.decode()

    assert f'<li><a href="#id_{field}">{message}</a></li>' in content
    error = f'<p class="govuk-error-message" id="id_{field}-error"><span class="govuk-visually-hidden">Error:</span>'
    assert f"{error} {message}</p>" in content
    select = f'<select class="govuk-select govuk-select--error" id="id_{field}" name="{field}"'
    assert f'{select} aria-describedby="id_{field}-error">' in content


@pytest.mark.parametrize("count", [1, 5])
def test_directory_query_count_does_not_grow(client, django_assert_num_queries, count):
    for number in range(count):
        ServiceFactory(area=f"Area {number}", needs=["ASD"])

    # Rendering: areas for the filter, count, page with organisations; the cache's own queries aside.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("information:service-list"))
    assert len(rendering_queries(queries)) == 3
    assert response.content.decode().count('<h2 class="govuk-heading-s govuk-!-margin-bottom-1">') == count

    # Then the kept fragment: one cache query.
    with django_assert_num_queries(1):
        response = client.get(reverse("information:service-list"))
    assert response.content.decode().count('<h2 class="govuk-heading-s govuk-!-margin-bottom-1">') == count


@pytest.mark.parametrize("count", [1, 5])
def test_filtered_directory_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        ServiceFactory(area="Brookton", minimum_age=5, maximum_age=11)
        ServiceFactory(area="Millford")

    # Never cached: areas for the filter, count, page with organisations.
    with django_assert_num_queries(3):
        response = client.get(reverse("information:service-list"), {"age": "8", "area": "Brookton"})
    assert response.content.decode().count('<h2 class="govuk-heading-s govuk-!-margin-bottom-1">') == count


@pytest.mark.parametrize("count", [1, 5])
def test_service_page_query_count_does_not_grow_with_its_related_rows(client, django_assert_num_queries, count):
    service = ServiceFactory(needs=["ASD", "HI", "PD", "VI", "MSI"][:count])
    for number in range(count):
        ServiceAtLocationFactory(service=service, location__name=f"Centre {number}")
        ContactFactory(service=service, name=f"Contact {number}")
        service.taxonomy_terms.add(TaxonomyTermFactory())

    # The service with its organisation; then its needs, contacts, terms, their taxonomies, places with locations.
    with django_assert_num_queries(6):
        response = client.get(service.get_absolute_url())
    content = response.content.decode()
    assert (content.count("<strong>Centre "), content.count("<li>Contact ")) == (count, count)


def test_directory_shows_a_new_service_at_once(client):
    ServiceFactory(name="Play scheme", needs=["ASD"])
    assert "Play scheme" in client.get(reverse("information:service-list"), {"need": "ASD"}).content.decode()

    ServiceFactory(name="Swimming club", needs=["ASD"])

    assert "Swimming club" in client.get(reverse("information:service-list"), {"need": "ASD"}).content.decode()


def test_service_page_shows_locations_contacts_and_cost(client):
    place = ServiceAtLocationFactory(service__name="Play scheme", service__cost="", service__needs=["PD"])
    ContactFactory(service=place.service, name="Sam Reed")

    content = client.get(place.service.get_absolute_url()).content.decode()

    assert "Play scheme" in content
    assert "Family centre" in content
    assert "Sam Reed" in content
    assert "Free" in content
    assert "Physical disability" in content


def test_inactive_service_page_is_not_found(client):
    service = ServiceFactory(status="inactive")

    assert client.get(service.get_absolute_url()).status_code == 404
