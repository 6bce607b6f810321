"""Reading the POST forms of a rendered page, so tests can fill them in as a browser would."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from .walker import OK, request_leaving_no_trace


@dataclass
class Field:
    name: str
    kind: str  # text, email, password, number, date, hidden, textarea, select, radio, checkbox, file, ...
    value: str = ""
    options: list[str] = field(default_factory=list)  # for select, radio and checkbox: the values offered
    multiple: bool = False


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)
    multipart: bool = False

    def defaults(self) -> dict[str, list[str]]:
        """What a browser would send untouched: hidden values, what is typed in, ticked boxes."""
        data: dict[str, list[str]] = {}
        for item in self.fields.values():
            if item.kind in ("radio", "checkbox"):
                continue
            if item.kind == "select":
                data[item.name] = item.options[:1]
            elif item.kind != "file":
                data[item.name] = [item.value]
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._form = Form(action=attrs.get("action", ""), multipart="multipart" in attrs.get("enctype", ""))
            return
        if self._form is None or "name" not in attrs and tag != "option":
            return
        fields = self._form.fields
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            name = attrs["name"]
            if kind in ("radio", "checkbox"):
                item = fields.setdefault(name, Field(name, kind, multiple=kind == "checkbox"))
                item.options.append(attrs.get("value", "on"))
            else:
                fields[name] = Field(name, kind, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = fields[attrs["name"]] = Field(attrs["name"], "textarea")
        elif tag == "select":
            self._select = fields[attrs["name"]] = Field(attrs["name"], "select", multiple="multiple" in attrs)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


# Forms left out of the generated-data and upload tests, and why.
NOT_FUZZED = {
    "account_logout": "signs the person out; has no fields",
}
# Who opens each page to find its forms: the first of these the table lets in.
FUZZ_ROLE_ORDER = ("parent", "officer", "staff", "visitor", "other_parent", "other_officer", "admin")


def forms_to_fuzz(world, tables, clients):
    """(URL, person, form) for every POST form on every page a person may open, admin aside."""
    found = []
    seen = set()
    for name, table in tables.items():
        if name == "admin":
            continue  # Django's own admin forms, for forum admins only
        for row in table.rows:
            if row.key in NOT_FUZZED:
                continue
            role = next((role for role in FUZZ_ROLE_ORDER if row.expect[role] is OK), None)
            if role is None:
                continue
            url = row.url(world)
            response = request_leaving_no_trace(clients[role], url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for form in post_forms(response.content.decode()):
                action = urljoin(url, form.action) if form.action else url
                if (action, tuple(form.fields)) not in seen:
                    seen.add((action, tuple(form.fields)))
                    found.append((row.key, action, role, form))
    return found
