"""Import a council's Open Referral UK feed into the services directory.

FILE_OR_URL is a JSON document: one service, a list of services, or a page of services (with
``contents``). Given the URL of a feed's ``/services``, every page is read (up to ``--max-pages``)
and each service's full record is fetched from ``/services/{id}``, since a page holds only a
service's one-to-one fields. Importing again updates what was imported before.
"""

import http.client
import json
import urllib.parse
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from information import oruk
from information.services import import_oruk_services

TIMEOUT_SECONDS = 30
MAX_PAGES = 100
# Far more than a page of a feed, or one service, ever holds.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# What fetching a document can raise: network and HTTP errors (OSError), a broken response, bad JSON.
FETCH_ERRORS = (OSError, http.client.HTTPException, ValueError)


def _fetch(url: str, *, timeout: float):
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked
        body = response.read(MAX_DOCUMENT_BYTES + 1)
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"the document is over {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    return json.loads(body)


def _with_page(url: str, page: int) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["page"] = str(page)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _detail_url(list_url: str, service_id: str) -> str:
    """``/services/{id}`` beside the ``/services`` page that was read."""
    parts = urllib.parse.urlsplit(list_url)
    path = parts.path.rstrip("/") + "/" + urllib.parse.quote(service_id, safe="")
    return urllib.parse.urlunsplit(parts._replace(path=path, query="", fragment=""))


def _is_page(document) -> bool:
    return isinstance(document, dict) and isinstance(document.get("contents"), list)


def _records(document) -> list:
    if isinstance(document, list):
        return document
    if _is_page(document):
        return document["contents"]
    if isinstance(document, dict):
        return [document]
    raise CommandError("The feed is not a service, a list of services or a page of services.")


class Command(BaseCommand):
    help = "Import services, organisations, locations and taxonomies from an Open Referral UK feed."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL")
        parser.add_argument(
            "--max-pages",
            type=int,
            default=MAX_PAGES,
            help=f"Read at most this many pages of a feed's /services (default {MAX_PAGES}).",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=TIMEOUT_SECONDS,
            help=f"Give up on a request to the feed after this many seconds (default {TIMEOUT_SECONDS}).",
        )

    def handle(self, *args, source, max_pages, timeout, **options):
        if max_pages < 1 or timeout <= 0:
            raise CommandError("--max-pages must be at least 1 and --timeout above 0.")
        not_fetched = []
        if source.startswith(("http://", "https://")):
            records, not_fetched = self.read_feed(source, max_pages=max_pages, timeout=timeout)
        else:
            try:
                records = _records(json.loads(Path(source).read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Could not read {source}: {exc}") from exc

        report = import_oruk_services(records)
        skipped = not_fetched + report.skipped
        for record_id, reason in skipped:
            self.stderr.write(f"Skipped {record_id}: {reason}")
        self.stdout.write(self.style.SUCCESS(f"Imported {len(report.imported)} services, skipped {len(skipped)}."))

    def read_feed(self, url: str, *, max_pages: int, timeout: float) -> tuple[list, list[tuple[str, str]]]:
        """The full records of the services the feed lists, and those that could not be fetched."""
        try:
            document = _fetch(url, timeout=timeout)
        except FETCH_ERRORS as exc:
            raise CommandError(f"Could not read {url}: {exc}") from exc
        if not _is_page(document):
            # One service, or a plain list of them: already full records.
            return _records(document), []

        records, not_fetched, page = [], [], 1
        while True:
            for summary in document["contents"]:
                record, problem = self.fetch_service(url, summary, timeout=timeout)
                if problem:
                    not_fetched.append(problem)
                else:
                    records.append(record)
            total_pages = document.get("total_pages")
            if not document["contents"] or document.get("last_page") is True:
                break
            if isinstance(total_pages, int) and page >= total_pages:
                break
            if page >= max_pages:
                of = f" of {total_pages}" if isinstance(total_pages, int) else ""
                self.stderr.write(f"Stopped after {page} pages{of}: run again with a larger --max-pages for the rest.")
                break
            page += 1
            try:
                document = _fetch(_with_page(url, page), timeout=timeout)
            except FETCH_ERRORS as exc:
                self.stderr.write(f"Stopped at page {page}, which could not be read: {exc}")
                break
            if not _is_page(document):
                self.stderr.write(f"Stopped at page {page}, which is not a page of services.")
                break
        return records, not_fetched

    def fetch_service(self, list_url: str, summary, *, timeout: float):
        """The full record of one service a page lists, or (its id, why it could not be had)."""
        service_id = summary.get("id") if isinstance(summary, dict) else None
        try:
            oruk.read_uuid(service_id, "id")
        except oruk.BadRecord as exc:
            return None, (service_id if isinstance(service_id, str) and service_id else "(no id)", str(exc))
        detail_url = _detail_url(list_url, service_id)
        try:
            record = _fetch(detail_url, timeout=timeout)
        except FETCH_ERRORS as exc:
            return None, (service_id, f"could not read {detail_url}: {exc}")
        if not isinstance(record, dict) or str(record.get("id", "")).lower() != service_id.lower():
            return None, (service_id, f"{detail_url} is not this service's record")
        return record, None
