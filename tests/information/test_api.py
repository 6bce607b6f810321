import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from information.models import Taxonomy, TaxonomyTerm
from tests.factories.information import (
    ContactFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyFactory,
    TaxonomyTermFactory,
)
from tests.information.queries import rendering_queries

from .oruk_schemas import (
    assert_valid,
    assert_valid_page,
    example,
    load,
    requires_schemas,
    schema_errors,
    taxonomy_schema,
    taxonomy_term_schema,
)

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
def test_the_profiles_taxonomy_examples_fit_the_schemas_the_tests_use():
    taxonomy, term = example("taxonomy.json"), example("taxonomy_term.json")

    assert_valid(taxonomy, taxonomy_schema())
    assert_valid_page(example("taxonomy_list.json"), taxonomy_schema())
    assert_valid(term, taxonomy_term_schema())
    assert_valid_page(example("taxonomy_term_list.json"), taxonomy_term_schema())
    # The format checker is on: an id that is not a UUID fails, in a term listed inside a taxonomy too.
    assert schema_errors({**term, "id": "term-1"}, taxonomy_term_schema()) == ["id: 'term-1' is not a 'uuid'"]
    broken = {**taxonomy, "taxonomy_terms": [{**term, "parent_id": "up"}]}
    assert schema_errors(broken, taxonomy_schema()) == ["taxonomy_terms/0/parent_id: 'up' is not a 'uuid'"]


def profile_taxonomy() -> tuple[Taxonomy, TaxonomyTerm]:
    """The taxonomy and term of the profile's examples, as rows."""
    data, term = example("taxonomy.json"), example("taxonomy_term.json")
    taxonomy = TaxonomyFactory(
        id=data["id"], name=data["name"], description=data["description"], uri=data["uri"], version=data["version"]
    )
    term = TaxonomyTermFactory(
        id=term["id"],
        taxonomy=taxonomy,
        name=term["name"],
        description=term["description"],
        code=term["term"],
        parent_id=term["parent_id"],
    )
    return taxonomy, term


@requires_schemas
def test_taxonomies_conform_and_give_back_the_profiles_example(client):
    taxonomy, _ = profile_taxonomy()
    TaxonomyFactory(name="zones")
    data = example("taxonomy.json")

    page = client.get(reverse("openreferral:taxonomy-list"), {"per_page": 1}).json()
    detail = client.get(reverse("openreferral:taxonomy-detail", args=[taxonomy.pk])).json()

    assert_valid_page(page, taxonomy_schema())
    assert page == {**example("taxonomy_list.json"), "total_items": 2, "total_pages": 2}
    assert_valid(detail, taxonomy_schema())
    # Ours names the term's taxonomy by its id and name; the term's own URI is not kept.
    term = {key: value for key, value in data["taxonomy_terms"][0].items() if key != "term_uri"}
    assert detail == {**data, "taxonomy_terms": [{**term, "taxonomy_id": data["id"], "taxonomy": "name"}]}


@requires_schemas
def test_taxonomy_terms_conform_and_give_back_the_profiles_example(client):
    taxonomy, term = profile_taxonomy()
    TaxonomyTermFactory(name="zebra crossings", description="")
    expected = {
        **{key: value for key, value in example("taxonomy_term.json").items() if key != "term_uri"},
        "taxonomy_id": str(taxonomy.pk),
        "taxonomy": "name",
    }

    page = client.get(reverse("openreferral:taxonomy-term-list")).json()
    detail = client.get(reverse("openreferral:taxonomy-term-detail", args=[term.pk])).json()

    assert_valid_page(page, taxonomy_term_schema())
    assert [row["name"] for row in page["contents"]] == ["name", "zebra crossings"]
    assert page["contents"][1]["description"] == "zebra crossings"  # required, so the name stands in
    assert_valid(detail, taxonomy_term_schema())
    assert detail == expected


# --- Errors: JSON, open to other sites, with the right status ------------------------------------

DETAILS = [
    ("openreferral:service-detail", "service"),
    ("openreferral:service-at-location-detail", "service at location"),
    ("openreferral:taxonomy-detail", "taxonomy"),
    ("openreferral:taxonomy-term-detail", "taxonomy term"),
]


def assert_json_error(response, status: int, detail: str) -> None:
    assert (response.status_code, response["Content-Type"], response["Access-Control-Allow-Origin"]) == (
        status,
        "application/json",
        "*",
    )
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(("name", "what"), DETAILS)
def test_a_malformed_id_is_a_json_404(client, name, what):
    response = client.get(reverse(name, args=["not-a-uuid"]))

    assert_json_error(response, 404, f"No {what} with this id: 'not-a-uuid' is not a UUID.")


@pytest.mark.parametrize(("name", "what"), DETAILS)
def test_an_unknown_id_is_a_json_404(client, name, what):
    response = client.get(reverse(name, args=[uuid.uuid4()]))

    assert_json_error(response, 404, f"No {what} with this id.")


def test_an_inactive_service_is_a_json_404(client):
    service = ServiceFactory(status="defunct")

    response = client.get(reverse("openreferral:service-detail", args=[service.pk]))

    assert_json_error(response, 404, "No service with this id.")


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"taxonomy_term_id": "sleep"}, "taxonomy_term_id must be a UUID; 'sleep' is not one."),
        ({"taxonomy_id": "42"}, "taxonomy_id must be a UUID; '42' is not one."),
        ({"page": "two"}, "page must be a whole number; 'two' is not one."),
        ({"per_page": "all"}, "per_page must be a whole number; 'all' is not one."),
    ],
)
def test_a_malformed_filter_or_page_is_a_json_400(client, params, detail):
    ServiceFactory()

    response = client.get(reverse("openreferral:service-list"), params)

    assert_json_error(response, 400, detail)


def test_a_malformed_page_of_another_list_is_a_json_400_too(client):
    response = client.get(reverse("openreferral:taxonomy-term-list"), {"per_page": "1.5"})

    assert_json_error(response, 400, "per_page must be a whole number; '1.5' is not one.")


def test_the_filters_find_services_by_term_and_by_taxonomy(client):
    term = TaxonomyTermFactory()
    ServiceFactory(name="Sleep clinic").taxonomy_terms.add(term)
    ServiceFactory(name="Play club")

    by_term = client.get(reverse("openreferral:service-list"), {"taxonomy_term_id": str(term.pk)}).json()
    by_taxonomy = client.get(reverse("openreferral:service-list"), {"taxonomy_id": str(term.taxonomy_id)}).json()

    assert [row["name"] for row in by_term["contents"]] == ["Sleep clinic"]
    assert [row["name"] for row in by_taxonomy["contents"]] == ["Sleep clinic"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_method_that_writes_is_a_json_405(client, method):
    response = getattr(client, method)(reverse("openreferral:service-list"))

    assert_json_error(response, 405, f"This API only reads: {method.upper()} is not allowed.")
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_a_browsers_preflight_is_answered_with_the_cors_headers(client):
    service = ServiceFactory()

    response = client.options(
        reverse("openreferral:service-detail", args=[service.pk]),
        headers={"Origin": "https://council.example.org", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 204
    assert response.content == b""
    assert {
        name: response[name] for name in ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Allow"]
    } == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Allow": "GET, HEAD, OPTIONS",
    }


def test_head_is_answered_like_get(client):
    response = client.head(reverse("openreferral:taxonomy-list"))

    assert (response.status_code, response["Access-Control-Allow-Origin"]) == (200, "*")


def test_a_path_the_api_does_not_have_is_a_json_404(client):
    response = client.get("/openreferral/organizations")

    assert_json_error(response, 404, "There is nothing at this address. The API's root lists where its definition is.")


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


@pytest.mark.parametrize("count", [1, 5])
def test_taxonomies_api_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        TaxonomyFactory()

    # count, page
    with django_assert_num_queries(2):
        body = client.get(reverse("openreferral:taxonomy-list")).json()
    assert body["size"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_service_detail_api_query_count_does_not_grow_with_its_related_rows(client, django_assert_num_queries, count):
    service = ServiceFactory()
    for _ in range(count):
        ServiceAtLocationFactory(service=service)
        ContactFactory(service=service)
        service.taxonomy_terms.add(TaxonomyTermFactory())

    # The service with its organisation; then its places with locations, contacts, terms with taxonomies.
    with django_assert_num_queries(4):
        body = client.get(reverse("openreferral:service-detail", args=[service.pk])).json()
    assert [len(body[key]) for key in ("service_at_locations", "contacts", "attributes")] == [count] * 3
