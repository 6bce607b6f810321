"""Benchmark pages and data of the portal as a whole.

Each app may have a ``benchdata.py`` with ``seed(scale, people)`` (bulk-inserts its share of the
benchmark data set), ``PAGES`` (the pages ``make bench`` measures) and ``JOBS`` (work that is not a
page, such as an export or a reminder sweep, each timed in a process of its own so its peak memory
is its own). ``people`` is the ``BenchPeople`` made by ``manage.py seed_bench``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BenchPage:
    name: str
    # Returns the path to load, looked up in the benchmark database (e.g. a busy consultation).
    path: Callable[[], str]
    public: bool = True
    # For a page behind sign-in: returns the person to sign in as (an officer with two-factor set
    # up, say). The benchmark signs them in once and sends their session cookie with every request.
    signed_in_as: Callable[[], object] | None = None
    # The fraction of the floor page's requests/s the page must reach. None: 0.6 for a public page,
    # no target for a page behind sign-in. The officers' results page of a busy consultation: 0.3.
    target_ratio: float | None = None

    @property
    def target(self) -> float | None:
        if self.target_ratio is not None:
            return self.target_ratio
        return 0.6 if self.public else None


@dataclass(frozen=True)
class BenchJob:
    name: str
    # Does the work once on the large data set; returns figures to report (rows written, ...),
    # with a "problems" list when something the job checks itself went wrong.
    run: Callable[[], dict]
    # Targets checked by make bench: most seconds, most peak memory (MB) of the process, most SQL
    # queries.
    max_seconds: float | None = None
    max_rss_mb: float | None = None
    max_queries: int | None = None
    # The name of a job doing the same work on less data: this one's peak memory may exceed that
    # one's by at most FLAT_MEMORY_MB (memory that stays flat as the data grows).
    flat_memory_against: str | None = None


FLAT_MEMORY_MB = 10


def bench_staff():
    from forum_portal.people.models import User

    return User.objects.get(email="staff@bench.example.org")


def bench_officer():
    """The first partner organisation's officer."""
    from forum_portal.people.models import User

    return User.objects.get(email="officer0@bench.example.org")


PAGES = [
    BenchPage("floor", lambda: "/bench/floor/"),
    BenchPage("home", lambda: "/"),
    BenchPage("about", lambda: "/about/"),
    BenchPage("staff dashboard", lambda: "/dashboard/", public=False, signed_in_as=bench_staff),
]
