"""``manage.py bench_job NAME`` runs one benchmark job (see forum_portal/benchdata.py) and prints
its figures, seconds and the process's peak memory as JSON; ``--list`` prints the jobs' names."""

import json
import resource
import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from forum_portal.benchdata import FLAT_MEMORY_MB, BenchJob


def bench_jobs() -> dict[str, BenchJob]:
    jobs = {}
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.benchdata"
        if app_config.name != "forum_portal" and find_spec(module_name) is not None:
            for job in getattr(import_module(module_name), "JOBS", []):
                jobs[job.name] = job
    return jobs


class Command(BaseCommand):
    help = "Run one benchmark job and print its figures as JSON."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?")
        parser.add_argument("--list", action="store_true")

    def handle(self, *args, name=None, **options):
        jobs = bench_jobs()
        if options["list"]:
            self.stdout.write(json.dumps(sorted(jobs)))
            return
        if name not in jobs:
            raise CommandError(f"No benchmark job {name!r}; there are: {', '.join(sorted(jobs)) or 'none'}")
        job = jobs[name]
        started = time.monotonic()
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(None)  # counted, not kept: a bulk INSERT's SQL would weigh on peak memory
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            figures = job.run()
        seconds = time.monotonic() - started
        # ru_maxrss is in kilobytes on Linux.
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        problems = list(figures.pop("problems", []))
        if job.max_seconds is not None and seconds > job.max_seconds:
            problems.append(f"over {job.max_seconds} s")
        if job.max_rss_mb is not None and rss_mb > job.max_rss_mb:
            problems.append(f"over {job.max_rss_mb} MB")
        if job.max_queries is not None and len(queries) > job.max_queries:
            problems.append(f"over {job.max_queries} queries")
        self.stdout.write(
            json.dumps(
                {
                    "job": name,
                    "seconds": round(seconds, 2),
                    "peak_rss_mb": round(rss_mb, 1),
                    "queries": len(queries),
                    "figures": figures,
                    "problems": problems,
                    "flat_memory_against": job.flat_memory_against,
                    "flat_memory_mb": FLAT_MEMORY_MB,
                }
            )
        )
