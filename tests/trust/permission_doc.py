"""docs/permissions.md's tables of every page, made from the permission tables.

Run ``python -m tests.trust.permission_doc`` after changing a table; test_permission_doc fails
while the document and the tables differ.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "permissions.md"
MARKER = "<!-- Made from tests/trust/permission_table_*.py by python -m tests.trust.permission_doc -->"

TITLES = {
    "portal": "Portal pages, account and email choices",
    "accounts": "Sign-in, passwords and two-factor",
    "admin": "Django admin",
    "information": "Information",
    "consultations": "Consultations",
    "participation": "Participation",
    "coproduction": "Co-production",
}


def generated() -> str:
    from .walker import ROLE_TITLES, ROLES, TABLES, load_table, portal_urls, table_path

    routes = {url.key: url.route for url in portal_urls()}
    lines = [
        MARKER,
        "",
        "## Every page, as each person",
        "",
        "What each kind of person gets when they open each page: `200` the page, `302 sign in` sent to",
        "sign in, `403` refused, `404` as if it did not exist (private things), `302 to …` sent elsewhere.",
        "A page's row may appear once per state of the objects it shows. The walker in",
        "`tests/trust/test_permissions.py` requests every URL the resolver knows, as each person, and",
        "fails on any URL without a row. The Django admin's add, history and delete pages are requested",
        "as the visitor and the forum admin only: the admin site's one check turns everyone else away",
        "before any page's own code, as the walk of its list and change pages shows.",
        "",
        "Columns: " + ", ".join(f"**{index}** {ROLE_TITLES[role]}" for index, role in enumerate(ROLES, 1)) + ".",
    ]
    for name in TABLES:
        table = load_table(name)
        lines += ["", f"### {TITLES[name]}", "", f"From `{table_path(name)}`."]
        if not table.rows:
            lines += ["", "No pages yet."]
            continue
        header = "| page | address | state | " + " | ".join(str(i) for i in range(1, len(ROLES) + 1)) + " |"
        lines += ["", header, "|" + "---|" * (3 + len(ROLES))]
        for row in table.rows:
            route = routes.get(row.key, "?").replace("|", "\\|")
            answers = " | ".join(row.expect[role].label for role in ROLES)
            lines.append(f"| `{row.key}` | `/{route}` | {row.state or 'any'} | {answers} |")
    return "\n".join(lines) + "\n"


def written_by_hand() -> str:
    text = DOC.read_text()
    return text.split(MARKER)[0].rstrip("\n") + "\n\n"


def main() -> None:
    import django

    django.setup()
    DOC.write_text(written_by_hand() + generated())
    print(f"Wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")
    main()
