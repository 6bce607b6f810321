import copy
import datetime
import decimal
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from information.models import (
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    ServiceOrganisation,
    Taxonomy,
    TaxonomyTerm,
)

from .oruk_schemas import assert_valid, example_path, load, requires_schemas

pytestmark = pytest.mark.django_db

ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
# The ids in the profile's example service (examples/service_full.json).
EXAMPLE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
EXAMPLE_TERM_PARENT = "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"


def example(name: str):
    return json.loads(example_path(name).read_text())


def profile_service() -> dict:
    """The profile's example service, put on the globe: it gives its location latitude 100 and
    longitude 101, which no place has (see the test that it is refused as it is)."""
    service = example("service_full.json")
    service["service_at_locations"][0]["location"].update(latitude=51.4545, longitude=-2.5879)
    return service


def record(name="Sleep clinic", **extra):
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "status": "active",
        "organization": {"id": ORG, "name": "Brookshire Council", "description": "The council"},
        **extra,
    }


class Sink:
    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text.strip())

    def flush(self):
        pass


def run(source, *options):
    out, err = Sink(), Sink()
    call_command("import_oruk", str(source), *options, stdout=out, stderr=err)
    return out.lines, err.lines


def run_file(tmp_path, document):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document))
    return run(path)


# --- Importing records ---------------------------------------------------------------------------


@requires_schemas
def test_import_of_the_profile_example_keeps_every_part_and_serves_it_back(tmp_path, client):
    document = profile_service()

    out, err = run_file(tmp_path, document)

    assert (out, err) == (["Imported 1 services, skipped 0."], [])
    service = Service.objects.get(pk=EXAMPLE)
    assert (service.name, service.url, service.email, service.status) == (
        "Community Counselling",
        "http://example.com/counselling",
        "email@example.com",
        "active",
    )
    assert (service.minimum_age, service.maximum_age, service.cost) == (12, 100, "per 1 hour session")
    assert service.area == document["service_areas"][0]["name"][:100]
    assert service.last_modified == datetime.datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=datetime.UTC)
    assert str(service.organisation_id) == ORG
    assert service.organisation.name == "Example Organization Inc."
    location = Location.objects.get()
    assert (str(location.pk), location.name, location.address, location.city, location.postcode) == (
        "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "MyCity Civic Center",
        "1-30 Main Street",
        "MyCity",
        "ABC 1234",
    )
    assert (location.latitude, location.longitude) == (decimal.Decimal("51.454500"), decimal.Decimal("-2.587900"))
    assert str(ServiceAtLocation.objects.get().pk) == "e94c9f38-1e8f-4564-91d4-d53501ab1765"
    contact = Contact.objects.get()
    assert (str(contact.pk), contact.name, contact.title, contact.service_id) == (
        "1e7efce3-639b-4880-940c-b95cd30cdb50",
        "Ann Persona",
        "Reception Manager",
        service.pk,
    )
    term = service.taxonomy_terms.get()
    assert (str(term.pk), term.name, term.code, term.description) == (EXAMPLE_TERM, "name", "name", "description")
    # The term names its taxonomy only by name ("taxonomy"), and points to a parent the feed does not hold.
    assert (term.taxonomy.name, str(term.parent_id)) == ("taxonomy", EXAMPLE_TERM_PARENT)

    body = client.get(reverse("openreferral:service-detail", args=[service.pk])).json()
    assert_valid(body, load("service.json"))
    assert body["attributes"][0]["taxonomy_term"]["parent_id"] == EXAMPLE_TERM_PARENT
    assert body["service_at_locations"][0]["location"]["latitude"] == 51.4545


@requires_schemas
def test_the_profile_example_as_published_is_refused_for_its_latitude(tmp_path):
    out, err = run_file(tmp_path, example("service_full.json"))

    assert out == ["Imported 0 services, skipped 1."]
    assert err == [f"Skipped {EXAMPLE}: service_at_locations[0].location.latitude 100 is not between -90 and 90"]
    assert (Service.objects.count(), ServiceOrganisation.objects.count(), TaxonomyTerm.objects.count()) == (0, 0, 0)


def test_import_twice_updates_instead_of_duplicating(tmp_path):
    first = record(
        contacts=[{"id": str(uuid.uuid4()), "name": "Desk", "phones": [{"id": str(uuid.uuid4()), "number": "01"}]}],
        service_at_locations=[
            {
                "id": str(uuid.uuid4()),
                "location": {
                    "id": str(uuid.uuid4()),
                    "location_type": "physical",
                    "name": "Hub",
                    "addresses": [{"address_1": "1 Road", "city": "Town", "postal_code": "BS1 1AA"}],
                },
            }
        ],
        attributes=[{"id": str(uuid.uuid4()), "taxonomy_term": {"id": str(uuid.uuid4()), "name": "Sleep"}}],
    )
    run_file(tmp_path, [first])
    first["name"] = "Sleep clinic (renamed)"

    run_file(tmp_path, {"contents": [first], "total_pages": 1})

    service = Service.objects.get()
    assert service.name == "Sleep clinic (renamed)"
    assert (
        ServiceOrganisation.objects.count(),
        Location.objects.count(),
        ServiceAtLocation.objects.count(),
        Contact.objects.count(),
        TaxonomyTerm.objects.count(),
    ) == (1, 1, 1, 1, 1)
    assert Contact.objects.get().phone == "01"
    assert Location.objects.get().postcode == "BS1 1AA"


def test_bad_records_of_any_shape_are_reported_by_id_and_skipped_and_the_rest_imported(tmp_path):
    nowhere = "0d1b7c7e-0000-4000-8000-000000000000"
    bad = {
        "no name": record(""),
        "name a number": record(5),
        "organisation text": {**record(), "organization": "Council"},
        "organisation to nothing": {"id": str(uuid.uuid4()), "name": "Orphan", "organization_id": nowhere},
        "no organisation": {"id": str(uuid.uuid4()), "name": "Orphan"},
        "ages backwards": record(minimum_age=12, maximum_age=5),
        "age in words": record(minimum_age="twelve"),
        "unknown status": record(status="open"),
        "url not a url": record(url="not a web address"),
        "place text": record(service_at_locations=["the library"]),
        "contacts text": record(contacts="call us"),
        "attribute text": record(attributes=["sleep"]),
        "latitude off the globe": record(
            service_at_locations=[
                {"id": str(uuid.uuid4()), "location": {"id": str(uuid.uuid4()), "latitude": 1000, "longitude": 2}}
            ]
        ),
        "location to nothing": record(service_at_locations=[{"id": str(uuid.uuid4()), "location_id": nowhere}]),
        "term to nothing": record(attributes=[{"id": str(uuid.uuid4()), "taxonomy_term_id": nowhere}]),
        "taxonomy to nothing": record(
            attributes=[{"taxonomy_term": {"id": str(uuid.uuid4()), "name": "Sleep", "taxonomy_id": nowhere}}]
        ),
        "id not a uuid": {**record(), "id": "service-1"},
    }
    good = record("Good service")

    out, err = run_file(tmp_path, [*bad.values(), "nonsense", good])

    assert list(Service.objects.values_list("name", flat=True)) == ["Good service"]
    assert out == [f"Imported 1 services, skipped {len(bad) + 1}."]
    why = {name: line.removeprefix(f"Skipped {bad[name]['id']}: ") for name, line in zip(bad, err, strict=False)}
    assert why == {
        "no name": "the service has no name",
        "name a number": "name is not text",
        "organisation text": "organization is not an object",
        "organisation to nothing": f"organization_id {nowhere} is not in the feed or the directory",
        "no organisation": "missing field organization_id",
        "ages backwards": "The minimum age must not be above the maximum age.",
        "age in words": "minimum_age 'twelve' is not a whole number of at least 0",
        "unknown status": "unknown status 'open'",
        "url not a url": "url: Enter a valid URL.",
        "place text": "service_at_locations is not a list of objects",
        "contacts text": "contacts is not a list of objects",
        "attribute text": "attributes is not a list of objects",
        "latitude off the globe": "service_at_locations[0].location.latitude 1000 is not between -90 and 90",
        "location to nothing": f"service_at_locations[0].location_id {nowhere} is not in the feed or the directory",
        "term to nothing": f"attributes[0].taxonomy_term_id {nowhere} is not in the feed or the directory",
        "taxonomy to nothing": f"attributes[0].taxonomy_term.taxonomy_id {nowhere} is not in the feed or the directory",
        "id not a uuid": "id 'service-1' is not a UUID",
    }
    assert err[len(bad)] == "Skipped (no id): the record is not an object"
    assert len(err) == len(bad) + 1


def test_a_skipped_record_leaves_nothing_behind(tmp_path):
    new_org = str(uuid.uuid4())
    half_good = record(
        organization={"id": new_org, "name": "New provider", "description": "New"},
        contacts=[{"id": str(uuid.uuid4()), "name": "Desk"}],
        attributes=[{"taxonomy_term": {"id": str(uuid.uuid4()), "name": "Sleep", "taxonomy": "Needs"}}, "x"],
    )

    out, err = run_file(tmp_path, [half_good])

    assert err == [f"Skipped {half_good['id']}: attributes is not a list of objects"]
    assert (ServiceOrganisation.objects.count(), Contact.objects.count(), Taxonomy.objects.count()) == (0, 0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite stores a NUL character; PostgreSQL refuses it")
def test_a_value_the_database_refuses_skips_only_that_record(tmp_path):
    refused = record("Sleep\x00clinic")

    out, err = run_file(tmp_path, [refused, record("Good service")])

    assert out == ["Imported 1 services, skipped 1."]
    assert err[0].startswith(f"Skipped {refused['id']}: the database refused it: ")
    assert list(Service.objects.values_list("name", flat=True)) == ["Good service"]


# --- Importing again -----------------------------------------------------------------------------


@requires_schemas
def test_a_summary_from_the_services_list_keeps_what_it_leaves_out(tmp_path):
    run_file(tmp_path, profile_service())
    summary_page = example("service_list.json")
    summary_page["contents"][0]["name"] = "Community Counselling (renamed)"

    out, err = run_file(tmp_path, summary_page)

    assert out == ["Imported 1 services, skipped 0."]
    service = Service.objects.get()
    assert service.name == "Community Counselling (renamed)"
    assert [str(term.pk) for term in service.taxonomy_terms.all()] == [EXAMPLE_TERM]
    assert (service.contacts.count(), service.service_at_locations.count()) == (1, 1)
    assert service.area == profile_service()["service_areas"][0]["name"][:100]


def test_lists_a_record_gives_replace_the_services_own(tmp_path):
    sleep, play = str(uuid.uuid4()), str(uuid.uuid4())
    desk, phone = str(uuid.uuid4()), str(uuid.uuid4())
    first = record(
        attributes=[
            {"taxonomy_term": {"id": sleep, "name": "Sleep", "taxonomy": "Needs"}},
            {"taxonomy_term": {"id": play, "name": "Play", "taxonomy": "Needs"}},
        ],
        contacts=[{"id": desk, "name": "Desk"}, {"id": phone, "name": "Phone line"}],
    )
    run_file(tmp_path, [first])

    run_file(tmp_path, [{**first, "attributes": [{"taxonomy_term_id": play}], "contacts": [{"id": desk}]}])

    service = Service.objects.get()
    assert [term.name for term in service.taxonomy_terms.all()] == ["Play"]
    assert list(service.contacts.values_list("pk", flat=True)) == [uuid.UUID(desk)]
    assert TaxonomyTerm.objects.count() == 2  # a term is shared, so it stays

    run_file(tmp_path, [{**first, "attributes": []}])

    assert list(Service.objects.get().taxonomy_terms.all()) == []


def test_taxonomies_named_only_by_name_are_made_once(tmp_path):
    def with_term(name):
        term = {"id": str(uuid.uuid4()), "name": name, "taxonomy": "Local Offer needs"}
        return record(attributes=[{"taxonomy_term": term}])

    feed = [with_term("Sleep"), with_term("Play")]
    run_file(tmp_path, feed)
    run_file(tmp_path, feed)

    taxonomy = Taxonomy.objects.get()
    assert taxonomy.name == "Local Offer needs"
    assert sorted(taxonomy.terms.values_list("name", flat=True)) == ["Play", "Sleep"]


def test_a_taxonomy_named_by_id_keeps_its_details_when_a_term_only_points_to_it(tmp_path):
    taxonomy_id = str(uuid.uuid4())
    detail = {"id": taxonomy_id, "name": "SEND needs", "description": "Needs", "uri": "https://example.org/needs"}
    term = {"id": str(uuid.uuid4()), "name": "Sleep", "taxonomy_detail": detail}
    run_file(tmp_path, [record(attributes=[{"taxonomy_term": term}])])

    pointing = {"id": str(uuid.uuid4()), "name": "Play", "taxonomy_id": taxonomy_id, "taxonomy": "other words"}
    run_file(tmp_path, [record(attributes=[{"taxonomy_term": pointing}])])

    taxonomy = Taxonomy.objects.get()
    assert (str(taxonomy.pk), taxonomy.name, taxonomy.description, taxonomy.uri) == (
        taxonomy_id,
        "SEND needs",
        "Needs",
        "https://example.org/needs",
    )
    assert taxonomy.terms.count() == 2


def test_a_terms_parent_is_kept_whether_or_not_the_directory_holds_it(tmp_path, client):
    broad, narrow, elsewhere = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    run_file(
        tmp_path,
        [
            record(
                attributes=[
                    {"taxonomy_term": {"id": broad, "name": "Health", "parent_id": elsewhere}},
                    {"taxonomy_term": {"id": narrow, "name": "Sleep", "parent_id": broad}},
                ]
            )
        ],
    )

    assert TaxonomyTerm.objects.get(pk=narrow).parent == TaxonomyTerm.objects.get(pk=broad)
    assert str(TaxonomyTerm.objects.get(pk=broad).parent_id) == elsewhere
    body = client.get(reverse("openreferral:taxonomy-term-detail", args=[broad])).json()
    assert body["parent_id"] == elsewhere


# --- Importing from a feed's URL -----------------------------------------------------------------


class Feed:
    """A council's feed on a local web server: pages of summaries and each service's record."""

    def __init__(self):
        self.pages: list[list[dict]] = []
        self.records: dict[str, dict] = {}
        self.slow: set[str] = set()
        self.requests: list[str] = []
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                feed.requests.append(self.path)
                parts = urlsplit(self.path)
                if parts.path == "/api/services":
                    number = int(parse_qs(parts.query).get("page", ["1"])[0])
                    body = feed.page(number)
                else:
                    service_id = parts.path.removeprefix("/api/services/")
                    if service_id in feed.slow:
                        time.sleep(1.5)
                    body = feed.records.get(service_id)
                if body is None:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/services"

    def add(self, *records):
        """One more page, listing these services by their one-to-one fields."""
        self.pages.append([self.summary(item) for item in records])
        for item in records:
            self.records[item["id"]] = item

    @staticmethod
    def summary(item):
        return {key: value for key, value in item.items() if not isinstance(value, list)}

    def page(self, number):
        if not 1 <= number <= len(self.pages):
            return None
        return {
            "total_items": sum(len(rows) for rows in self.pages),
            "total_pages": len(self.pages),
            "page_number": number,
            "size": len(self.pages[number - 1]),
            "first_page": number == 1,
            "last_page": number == len(self.pages),
            "empty": False,
            "contents": self.pages[number - 1],
        }


@pytest.fixture
def feed():
    feed = Feed()
    thread = threading.Thread(target=feed.server.serve_forever, daemon=True)
    thread.start()
    yield feed
    feed.server.shutdown()
    feed.server.server_close()


@requires_schemas
def test_import_from_a_url_reads_every_page_and_each_services_full_record(feed):
    second = copy.deepcopy(profile_service())
    second.update(id=str(uuid.uuid4()), name="Second service", service_at_locations=[], contacts=[])
    feed.add(profile_service())
    feed.add(second)

    out, err = run(feed.url + "?per_page=1")

    assert (out, err) == (["Imported 2 services, skipped 0."], [])
    assert feed.requests == [
        "/api/services?per_page=1",
        f"/api/services/{EXAMPLE}",
        "/api/services?per_page=1&page=2",
        f"/api/services/{second['id']}",
    ]
    service = Service.objects.get(pk=EXAMPLE)
    # What only the full record holds came in too.
    assert (service.service_at_locations.count(), service.contacts.count()) == (1, 1)
    assert [str(term.pk) for term in service.taxonomy_terms.all()] == [EXAMPLE_TERM]


def test_import_from_a_url_stops_at_the_most_pages_asked_for(feed):
    for name in ["First", "Second", "Third"]:
        feed.add(record(name))

    out, err = run(feed.url, "--max-pages", "2")

    assert sorted(Service.objects.values_list("name", flat=True)) == ["First", "Second"]
    assert out == ["Imported 2 services, skipped 0."]
    assert err == ["Stopped after 2 pages of 3: run again with a larger --max-pages for the rest."]


def test_a_service_whose_record_cannot_be_fetched_is_skipped_the_rest_imported(feed):
    slow, missing, fine = record("Slow"), record("Missing"), record("Fine")
    feed.add(slow, missing, fine)
    feed.slow.add(slow["id"])
    del feed.records[missing["id"]]

    out, err = run(feed.url, "--timeout", "0.5")

    assert list(Service.objects.values_list("name", flat=True)) == ["Fine"]
    assert out == ["Imported 1 services, skipped 2."]
    assert err == [
        f"Skipped {slow['id']}: could not read {feed.url}/{slow['id']}: timed out",
        f"Skipped {missing['id']}: could not read {feed.url}/{missing['id']}: HTTP Error 404: Not Found",
    ]


def test_import_from_a_url_that_cannot_be_read_says_so(feed):
    with pytest.raises(CommandError, match="Could not read .*/api/nothing: HTTP Error 404"):
        run(feed.url.replace("/services", "/nothing"))


def test_import_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="Could not read"):
        call_command("import_oruk", str(tmp_path / "missing.json"))
