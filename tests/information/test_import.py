import json
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from information.models import Contact, Location, Service, ServiceAtLocation, ServiceOrganisation, TaxonomyTerm

from .oruk_schemas import assert_valid, example_path, load, requires_schemas

pytestmark = pytest.mark.django_db

ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"


def record(name="Sleep clinic", **extra):
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "status": "active",
        "organization": {"id": ORG, "name": "Brookshire Council", "description": "The council"},
        **extra,
    }


def run(tmp_path, document):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document))
    out, err = [], []

    class Sink:
        def __init__(self, lines):
            self.lines = lines

        def write(self, text):
            self.lines.append(text.strip())

        def flush(self):
            pass

    call_command("import_oruk", str(path), stdout=Sink(out), stderr=Sink(err))
    return out, err


@requires_schemas
def test_import_of_the_profile_example_keeps_ids_and_serves_them_back(tmp_path, client):
    document = json.loads(example_path("service_full.json").read_text())

    out, err = run(tmp_path, document)

    assert out == ["Imported 1 services, skipped 0."]
    service = Service.objects.get(pk=document["id"])
    assert service.name == document["name"]
    assert str(service.organisation_id) == document["organization"]["id"]
    body = client.get(reverse("openreferral:service-detail", args=[service.pk])).json()
    assert_valid(body, load("service.json"))


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
    run(tmp_path, [first])
    first["name"] = "Sleep clinic (renamed)"

    run(tmp_path, {"contents": [first], "total_pages": 1})

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


def test_bad_records_are_reported_by_id_and_skipped(tmp_path):
    good = record("Good service")
    no_name = record("")
    bad_ages = record("Bad ages", minimum_age=12, maximum_age=5)
    no_org = {"id": str(uuid.uuid4()), "name": "Orphan"}

    out, err = run(tmp_path, [good, no_name, bad_ages, no_org, "nonsense"])

    assert list(Service.objects.values_list("name", flat=True)) == ["Good service"]
    assert out == ["Imported 1 services, skipped 4."]
    assert err == [
        f"Skipped {no_name['id']}: the service has no name",
        f"Skipped {bad_ages['id']}: The minimum age must not be above the maximum age.",
        f"Skipped {no_org['id']}: missing field organization_id",
        "Skipped (no id): string indices must be integers, not 'str'",
    ]


def test_import_from_a_url_reads_every_page(tmp_path):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    pages = {"1": [record("First")], "2": [record("Second")]}

    class Feed(BaseHTTPRequestHandler):
        def do_GET(self):
            page = parse_qs(urlsplit(self.path).query).get("page", ["1"])[0]
            body = json.dumps({"total_pages": 2, "page_number": int(page), "contents": pages[page]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        call_command("import_oruk", f"http://127.0.0.1:{server.server_port}/services?per_page=1")
    finally:
        server.shutdown()
        server.server_close()

    assert sorted(Service.objects.values_list("name", flat=True)) == ["First", "Second"]


def test_import_of_a_missing_file_says_so(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Could not read"):
        call_command("import_oruk", str(tmp_path / "missing.json"))
