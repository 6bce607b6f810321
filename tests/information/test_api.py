import uuid

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

from .oruk_schemas import assert_valid, assert_valid_page, load, requires_schemas, taxonomy_term_schema

pytestmark = pytest.mark.django_db


def full_service(**kwargs):
    term = TaxonomyTermFactory(name="Short breaks", description="")
    service = ServiceFactory(
        name="Play scheme",
        url="https://play.example.org",
        email="play@example.org",
        minimum_age=5,
        maximum_age=17,
        area="Brookton",
        cost="£5 a session",
        **kwargs,
    )
    service.taxonomy_terms.add(term)
    ServiceAtLocationFactory(service=service)
    ContactFactory(service=service, title="")
    return service


def test_api_root_says_which_version_and_is_open_to_other_sites(client):
    response = client.get(reverse("openreferral:api-root"))

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["version"] == "3.0"


@requires_schemas
def test_services_page_conforms_to_the_profile(client):
    for _ in range(3):
        full_service()

    response = client.get(reverse("openreferral:service-list"), {"per_page": 2, "page": 2})

    body = response.json()
    assert_valid_page(body, load("service_list.json"))
    assert {key: body[key] for key in body if key != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 2,
        "size": 1,
        "first_page": False,
        "last_page": True,
        "empty": False,
    }
    assert response["Access-Control-Allow-Origin"] == "*"


def test_services_page_past_the_end_is_empty(client):
    ServiceFactory()

    body = client.get(reverse("openreferral:service-list"), {"page": 5}).json()

    assert (body["empty"], body["size"], body["contents"], body["last_page"]) == (True, 0, [], True)


def test_services_list_leaves_out_inactive_services_and_searches(client):
    ServiceFactory(name="Sleep clinic")
    ServiceFactory(name="Speech therapy")
    ServiceFactory(name="Sleep closed", status="defunct")

    body = client.get(reverse("openreferral:service-list"), {"search": "sleep"}).json()

    assert [row["name"] for row in body["contents"]] == ["Sleep clinic"]


@requires_schemas
def test_full_service_conforms_and_leaves_empty_fields_out(client):
    service = full_service(description="")

    body = client.get(reverse("openreferral:service-detail", args=[service.pk])).json()

    assert_valid(body, load("service.json"))
    assert "description" not in body
    assert body["id"] == str(service.pk)
    assert body["cost_options"][0]["amount_description"] == "£5 a session"
    assert body["service_areas"][0]["name"] == "Brookton"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Short breaks"
    assert body["contacts"][0]["phones"][0]["number"] == "0117 000 0000"
    assert "title" not in body["contacts"][0]
    assert body["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "BS16 1AA"


def test_service_detail_of_unknown_or_malformed_id_is_404(client):
    assert client.get(reverse("openreferral:service-detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("openreferral:service-detail", args=["not-a-uuid"])).status_code == 404


@requires_schemas
def test_service_at_locations_conform(client):
    service = full_service()
    place = service.service_at_locations.get()

    page = client.get(reverse("openreferral:service-at-location-list")).json()
    detail = client.get(reverse("openreferral:service-at-location-detail", args=[place.pk])).json()

    assert_valid_page(page, load("service_at_location_list.json"))
    assert_valid(detail, load("service_at_location.json"))
    assert detail["service"]["name"] == "Play scheme"


@requires_schemas
def test_taxonomies_and_terms_conform(client):
    term = TaxonomyTermFactory(description="Breaks for carers")

    terms = client.get(reverse("openreferral:taxonomy-term-list")).json()
    one_term = client.get(reverse("openreferral:taxonomy-term-detail", args=[term.pk])).json()
    taxonomies = client.get(reverse("openreferral:taxonomy-list")).json()
    taxonomy = client.get(reverse("openreferral:taxonomy-detail", args=[term.taxonomy_id])).json()

    assert_valid_page(terms, taxonomy_term_schema())
    assert_valid(one_term, taxonomy_term_schema())
    assert_valid_page(taxonomies, {"type": "object", "required": ["id", "name", "description"]})
    assert taxonomies["contents"][0]["id"] == str(term.taxonomy_id)
    assert [row["id"] for row in taxonomy["taxonomy_terms"]] == [str(term.pk)]


@pytest.mark.parametrize("count", [1, 5])
def test_services_api_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        full_service()

    # Rendering: count and page; the cache's own queries aside.
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("openreferral:service-list")).json()
    assert len(rendering_queries(queries)) == 2
    assert body["size"] == count

    # Then the kept page: one cache query; a search is never cached.
    with django_assert_num_queries(1):
        response = client.get(reverse("openreferral:service-list"))
    assert response.json() == body
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    with django_assert_num_queries(2):
        body = client.get(reverse("openreferral:service-list"), {"search": "a"}).json()


def test_services_api_shows_a_new_service_at_once(client):
    full_service()
    assert client.get(reverse("openreferral:service-list")).json()["total_items"] == 1

    full_service()

    assert client.get(reverse("openreferral:service-list")).json()["total_items"] == 2


@pytest.mark.parametrize("count", [1, 5])
def test_service_at_locations_api_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        full_service()

    with django_assert_num_queries(2):
        body = client.get(reverse("openreferral:service-at-location-list")).json()
    assert body["size"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_taxonomy_terms_api_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        TaxonomyTermFactory()

    with django_assert_num_queries(2):
        body = client.get(reverse("openreferral:taxonomy-term-list")).json()
    assert body["size"] == count
