"""The participation ladder: the four rungs register here, so the portal's own pages (home,
navigation, dashboard) can show each rung without the kernel importing any of them.

A rung's ``AppConfig.ready()`` calls ``register(Rung(...))``. Its home panel and dashboard panel are
templates of its own (``<app>/home_panel.html``, ``<app>/dashboard_panel.html``) filled by the
functions it gives, each taking the request and returning the template's context.

Home panels are the same for everyone (they get no ``user``) and are kept as cached fragments
(``forum_portal.fragments``): rendered again when any model of the rung's app changes, and at
least every ``HOME_PANEL_SECONDS`` for what changes with the clock alone.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from forum_portal import fragments


@dataclass(frozen=True)
class Rung:
    step: int
    app_label: str
    title: str
    summary: str
    url_name: str
    home_context: Callable[[HttpRequest], dict] | None = None
    # Returns None when the person has nothing to see in this rung's dashboard panel.
    dashboard_context: Callable[[HttpRequest], dict | None] | None = None

    @property
    def home_template(self) -> str:
        return f"{self.app_label}/home_panel.html"

    @property
    def dashboard_template(self) -> str:
        return f"{self.app_label}/dashboard_panel.html"


HOME_PANEL_SECONDS = 60

_RUNGS: dict[int, Rung] = {}


def register(rung: Rung) -> Rung:
    _RUNGS[rung.step] = rung
    # The home page keeps each rung's panel as a fragment, rendered again when the rung's data changes.
    fragments.watch(rung.app_label)
    return rung


def rungs() -> list[Rung]:
    """The registered rungs, lowest step first."""
    return [_RUNGS[step] for step in sorted(_RUNGS)]
