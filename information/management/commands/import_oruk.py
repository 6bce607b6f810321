"""Import a council's Open Referral UK feed into the services directory.

FILE_OR_URL is a JSON document: one service, a list of services, or a page of services (with
``contents``). Given a URL of a paged feed, every page is read. Importing again updates what was
imported before.
"""

import json
import urllib.parse
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from information.services import import_oruk_services

TIMEOUT_SECONDS = 30
MAX_PAGES = 500


def _fetch(url: str):
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only, checked
        return json.load(response)


def _with_page(url: str, page: int) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["page"] = str(page)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _records(document) -> list:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return document["contents"]
    if isinstance(document, dict):
        return [document]
    raise CommandError("The feed is not a service, a list of services or a page of services.")


class Command(BaseCommand):
    help = "Import services, organisations, locations and taxonomies from an Open Referral UK feed."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL")

    def handle(self, *args, source, **options):
        records = []
        try:
            if source.startswith(("http://", "https://")):
                document = _fetch(source)
                records.extend(_records(document))
                total_pages = document.get("total_pages", 1) if isinstance(document, dict) else 1
                for page in range(2, min(int(total_pages), MAX_PAGES) + 1):
                    records.extend(_records(_fetch(_with_page(source, page))))
            else:
                records.extend(_records(json.loads(Path(source).read_text(encoding="utf-8"))))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Could not read {source}: {exc}") from exc

        report = import_oruk_services(records)
        for record_id, reason in report.skipped:
            self.stderr.write(f"Skipped {record_id}: {reason}")
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(report.imported)} services, skipped {len(report.skipped)}.")
        )
