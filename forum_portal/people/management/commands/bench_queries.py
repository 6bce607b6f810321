"""How many SQL queries each benchmark page makes: ``manage.py bench_queries`` prints JSON."""

import json
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forum_portal.benchdata import BenchPage


def bench_pages() -> list[BenchPage]:
    """Every app's benchmark pages, the portal's own first."""
    pages = list(import_module("forum_portal.benchdata").PAGES)
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.benchdata"
        if app_config.name != "forum_portal" and find_spec(module_name) is not None:
            pages += getattr(import_module(module_name), "PAGES", [])
    return pages


class Command(BaseCommand):
    help = "Load each benchmark page once (after a warm-up) and print its path and query count as JSON."

    def handle(self, *args, **options):
        results = []
        for page in bench_pages():
            # The benchmark's server answers to 127.0.0.1 only (ALLOWED_HOSTS), not to "testserver".
            client = Client(SERVER_NAME="127.0.0.1")
            cookie = ""
            if page.signed_in_as is not None:
                client.force_login(page.signed_in_as())
                cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            path = page.path()
            client.get(path)  # warm caches the way a running server would have them
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            results.append(
                {
                    "page": page.name,
                    "path": path,
                    "status": response.status_code,
                    "queries": len(queries),
                    "public": page.public,
                    "target_ratio": page.target,
                    "cookie": cookie,
                }
            )
        self.stdout.write(json.dumps(results))
