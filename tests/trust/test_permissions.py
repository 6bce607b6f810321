"""Every URL of the portal, requested by every kind of person, checked against the tables.

The tables are ``permission_table_<name>.py`` beside this file; docs/permissions.md is made from
them (``python -m tests.trust.permission_doc``).
"""

import re

import pytest

from .walker import (
    TABLES,
    describe,
    load_table,
    load_tables,
    portal_urls,
    request_leaving_no_trace,
    signed_in_clients,
    table_path,
)


def test_every_url_has_a_row_in_its_table():
    tables = {name: load_table(name) for name in TABLES}
    urls = portal_urls()

    missing = []
    for url in urls:
        if url.key in {row.key for row in tables[url.table].rows}:
            continue
        admin_page = re.fullmatch(r"admin/(\w+)/(\w+)/.*", url.route)
        if admin_page and url.key.startswith("admin:") and url.key.endswith("_changelist"):
            missing.append(
                f"the admin's pages of {admin_page[1]}.{admin_page[2]} have no rows: add "
                f"*admin_model({admin_page[1] + '.' + admin_page[2]!r}) to {table_path(url.table)}"
            )
        elif not admin_page:
            missing.append(f"{url.key!r} (route {url.route!r}) has no row: add it to {table_path(url.table)}")
    known = {(url.table, url.key) for url in urls}
    stale = [
        f"{table_path(name)} has a row for {row.key!r}, which no URL has: remove or rename it"
        for name, table in tables.items()
        for row in table.rows
        if (name, row.key) not in known
    ]

    assert missing + stale == [], "\n".join(missing + stale)


def header_problems(response) -> list[str]:
    problems = []
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append("no Referrer-Policy: same-origin")
    csp = response.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in csp or "script-src 'self'" not in csp or "unsafe-inline" in csp:
        problems.append(f"Content-Security-Policy is {csp!r}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append("no X-Frame-Options: DENY")
    return problems


@pytest.mark.parametrize("name", TABLES)
def test_permission_table(name, world):
    """Each row's URL, as each person: the answer the table gives, and the security headers."""
    # The admin shows every app's objects: its walk has them all.
    table = load_tables(world)[name] if name == "admin" else load_table(name)
    if table.build and name != "admin":
        table.build(world)
    clients = signed_in_clients(world)

    wrong = []
    for row in table.rows:
        url = row.url(world)
        for role in row.requested_as:
            where = f"{row.key} [{row.state or 'any'}] {url} as {role}"
            try:
                response = request_leaving_no_trace(clients[role], url)
            except Exception as error:  # noqa: BLE001 - a crash is one more wrong answer to list
                wrong.append(f"{where}: expected {row.expect[role].label}, raised {error!r}")
                continue
            if not row.expect[role].matches(response):
                wrong.append(f"{where}: expected {row.expect[role].label}, got {describe(response)}")
            wrong.extend(f"{where}: {problem}" for problem in header_problems(response))

    assert wrong == [], f"{len(wrong)} answer(s) differ from {table_path(name)}:\n" + "\n".join(wrong)


def test_permission_doc_matches_the_tables():
    from .permission_doc import DOC, MARKER, generated

    written = DOC.read_text()

    assert MARKER in written, f"{DOC} lost its marker line; run python -m tests.trust.permission_doc"
    assert written.split(MARKER)[1] == generated().split(MARKER)[1], (
        "docs/permissions.md differs from the permission tables: run python -m tests.trust.permission_doc"
    )
