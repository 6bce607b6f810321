"""Benchmark pages and data of the portal as a whole.

Each app may have a ``benchdata.py`` with ``seed(scale, people)`` (bulk-inserts its share of the
benchmark data set) and ``PAGES`` (the pages ``make bench`` measures). ``people`` is the
``BenchPeople`` made by ``manage.py seed_bench``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BenchPage:
    name: str
    # Returns the path to load, looked up in the benchmark database (e.g. a busy consultation).
    path: Callable[[], str]
    public: bool = True
    # Pages whose target is a fraction of the floor other than 0.6 (the results page: 0.3).
    target_ratio: float = 0.6


PAGES = [
    BenchPage("floor", lambda: "/bench/floor/"),
    BenchPage("home", lambda: "/"),
    BenchPage("about", lambda: "/about/"),
]
