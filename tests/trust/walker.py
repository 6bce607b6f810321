"""The permission walker: every URL of the portal, as every kind of person, against a table.

The URL resolver lists every pattern, so a new page cannot be left out: each pattern needs a row
in its app's table (``tests/trust/permission_table_<table>.py``). A row names the URL, the state
of the objects it is requested with, and what each kind of person gets back:

    row("people:data-export-download", state="the parent's download, ready",
        kwargs=lambda world: {"pk": world.parent_export.pk},
        visitor=LOGIN, parent=OK, others=NOT_FOUND)

A role left out takes ``signed_in`` (everyone but the visitor), then ``others``; a row that leaves
a role without an answer is refused when the table is imported.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ("visitor", "parent", "other_parent", "officer", "other_officer", "staff", "admin")
ROLE_TITLES = {
    "visitor": "visitor",
    "parent": "parent carer",
    "other_parent": "another parent carer",
    "officer": "officer of the owning organisation",
    "other_officer": "officer of another organisation",
    "staff": "forum staff",
    "admin": "forum admin",
}

# The tables, by name. "portal" holds the kernel's own pages (home, account, email), "accounts"
# the sign-in pages, "admin" the Django admin; each rung has its own.
TABLES = ("portal", "accounts", "admin", "information", "consultations", "participation", "coproduction")


# --- What a response may be ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One expected answer: a label for the table and a check of the response."""

    label: str
    status: int
    redirect_to: str | None = None  # a URL name, for 302s; "sign-in" accepts either sign-in page
    location_pattern: str | None = None  # or a regular expression the redirect's path must match

    def matches(self, response) -> bool:
        if response.status_code != self.status:
            return False
        if self.redirect_to is None and self.location_pattern is None:
            return True
        location = urlsplit(response["Location"])
        if self.location_pattern is not None:
            return re.fullmatch(self.location_pattern, location.path) is not None
        if self.redirect_to == "sign-in":
            return location.path in (reverse("account_login"), reverse("admin:login")) and bool(
                parse_qs(location.query).get("next")
            )
        return location.path == reverse(self.redirect_to)


OK = Outcome("200", 200)
LOGIN = Outcome("302 sign in", 302, "sign-in")
FORBIDDEN = Outcome("403", 403)
NOT_FOUND = Outcome("404", 404)
NOT_ALLOWED = Outcome("405", 405)


def redirect(url_name: str) -> Outcome:
    """A 302 to the page named ``url_name`` (e.g. a member who has joined, sent from join to profile)."""
    return Outcome(f"302 to {url_name}", 302, url_name)


def redirect_matching(label: str, pattern: str) -> Outcome:
    """A 302 to a path matching ``pattern``, for pages whose address has arguments."""
    return Outcome(f"302 to {label}", 302, location_pattern=pattern)


def describe(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{response.status_code} to {response['Location']}"
    return str(response.status_code)


# --- Rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str  # the URL's name ("people:account"), or its route when it has none
    expect: dict[str, Outcome]
    state: str = ""
    kwargs: Callable | None = None  # world -> the URL's arguments
    path: Callable | None = None  # world -> the path, for URLs without a name
    requested_as: tuple[str, ...] = ROLES  # the people the walk sends; the others are as documented

    def url(self, world) -> str:
        if self.path is not None:
            return self.path(world)
        return reverse(self.key, kwargs=self.kwargs(world) if self.kwargs else None)


def row(
    key: str,
    *,
    state: str = "",
    kwargs: Callable | None = None,
    path: Callable | None = None,
    everyone: Outcome | None = None,
    signed_in: Outcome | None = None,
    others: Outcome | None = None,
    requested_as: tuple[str, ...] = ROLES,
    **by_role: Outcome,
) -> Row:
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"{key}: unknown role(s) {sorted(unknown)}; roles are {ROLES}")
    expect = {}
    for role in ROLES:
        outcome = by_role.get(role) or everyone or (signed_in if role != "visitor" else None) or others
        if outcome is None:
            raise ValueError(f"{key} [{state}]: no answer for {role}; name it, or give signed_in= or others=")
        expect[role] = outcome
    return Row(key=key, expect=expect, state=state, kwargs=kwargs, path=path, requested_as=requested_as)


def admin_model(label: str, *, obj: Callable | None = None, **admin_answers: Outcome) -> list[Row]:
    """The five admin pages of one model: only forum admins get in, everyone else is sent to sign in.

    ``admin_answers`` (changelist, add, change, history, delete) say what a forum admin gets where
    it is not a 200, e.g. ``add=FORBIDDEN`` for a trail nobody may write by hand. ``obj`` gives the
    object the change, history and delete pages open (default: the model's first row in the world).
    """
    app_label, model_name = label.split(".")
    model = next((m for m in admin.site._registry if m._meta.label_lower == label), None)
    if model is None:
        raise ValueError(f"{label} is not registered in the admin")

    def object_id(world):
        found = obj(world) if obj else model._default_manager.order_by("pk").first()
        if found is None:
            raise LookupError(f"The world has no {label} for its admin pages: give admin_model({label!r}) an obj=")
        return {"object_id": str(found.pk)}

    # The list and change pages are requested as everyone; the others as the visitor and the forum
    # admin only (the admin site's one check sends everyone else away before any page's own code).
    rows = []
    for action in ("changelist", "add", "change", "history", "delete"):
        rows.append(
            row(
                f"admin:{app_label}_{model_name}_{action}",
                state="" if action in ("changelist", "add") else "an existing row",
                kwargs=None if action in ("changelist", "add") else object_id,
                admin=admin_answers.get(action, OK),
                others=LOGIN,
                requested_as=ROLES if action in ("changelist", "change") else ("visitor", "admin"),
            )
        )
    rows.append(
        row(
            f"admin/{app_label}/{model_name}/<path:object_id>/",
            state="an existing row (old address of its change page)",
            path=lambda world: f"/admin/{app_label}/{model_name}/{object_id(world)['object_id']}/",
            admin=redirect_matching("its change page", rf"/admin/{app_label}/{model_name}/[^/]+/change/")
            if admin_answers.get("change", OK) is OK
            else admin_answers["change"],
            others=LOGIN,
            requested_as=("visitor", "admin"),
        )
    )
    return rows


# --- The URLs the resolver knows ----------------------------------------------------------------


@dataclass(frozen=True)
class PortalUrl:
    key: str
    route: str
    table: str
    arguments: tuple[str, ...] = field(default=())


def _table_of(urlconf, namespace: str | None) -> str:
    if namespace == "admin":
        return "admin"
    module = urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")
    top = module.split(".")[0]
    if top == "allauth":
        return "accounts"
    if top in TABLES:
        return top
    return "portal"


def portal_urls() -> list[PortalUrl]:
    """Every URL pattern of the portal, each with the table its row belongs in."""

    def walk(patterns, prefix: str, namespace: str | None, table: str) -> Iterator[PortalUrl]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner_namespace = (
                    f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                ) or namespace
                inner_table = _table_of(pattern.urlconf_name, pattern.namespace) if table == "portal" else table
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner_namespace, inner_table)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                key = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
                yield PortalUrl(key=key, route=route, table=table, arguments=tuple(_arguments(route)))

    return list(walk(get_resolver().url_patterns, "", None, "portal"))


def _arguments(route: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


# --- Tables --------------------------------------------------------------------------------------


def load_table(name: str) -> SimpleNamespace:
    """A table module's rows and its ``build(world)``, which adds the objects its rows need."""
    module = importlib.import_module(f"tests.trust.permission_table_{name}")
    return SimpleNamespace(
        name=name,
        module=module,
        rows=list(module.ROWS),
        build=getattr(module, "build", None),
        notes=getattr(module, "NOTES", ""),
    )


def table_path(name: str) -> str:
    return f"tests/trust/permission_table_{name}.py"


def load_tables(world=None) -> dict[str, SimpleNamespace]:
    """Every table; with a ``world``, each table's objects are added to it."""
    tables = {name: load_table(name) for name in TABLES}
    if world is not None:
        # The admin's build comes last: it adds rows of models that other tables' objects need.
        for table in sorted(tables.values(), key=lambda table: table.name == "admin"):
            if table.build:
                table.build(world)
    return tables


# --- Requests --------------------------------------------------------------------------------------


def signed_in_clients(world) -> dict[str, Client]:
    clients = {"visitor": Client()}
    for role in ROLES[1:]:
        clients[role] = Client()
        clients[role].force_login(world.people[role])
    return clients


def request_leaving_no_trace(client: Client, url: str, *, method: str = "get", **options):
    """Request ``url``; whatever the request wrote is rolled back and the client keeps its session."""
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, **options)
            transaction.set_rollback(True)
    finally:
        client.cookies = SimpleCookie()
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
    return response
