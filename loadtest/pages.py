"""Reading the portal's pages as a person filling them in would: shared by the load scenario
(loadtest/locustfile.py) and the fault drills (loadtest/run.py). Standard library only, so
Locust's process needs nothing of Django.
"""

import base64
import hashlib
import hmac
import struct
import time
from html.parser import HTMLParser

# What a person types into a free-text question: no child or school named, as the page asks.
SAMPLE_TEXT = "Booking online in the evening would help us; the phone line is busy after school."
ERROR_PAGE = "Sorry, something went wrong"


class _FormReader(HTMLParser):
    """Collects the fields of the page's forms: the CSRF token, and for each question the first
    choice offered (radios, checkboxes) or a text box to fill."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.csrf_token = ""
        self.choices: dict[str, str] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name") or ""
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if name == "csrfmiddlewaretoken" and not self.csrf_token:
                self.csrf_token = attributes.get("value") or ""
            elif not name.startswith("question_"):
                return
            elif kind in ("radio", "checkbox"):
                self.choices.setdefault(name, attributes.get("value") or "")
            elif kind == "text" and name not in self.texts:
                self.texts.append(name)
        elif tag == "textarea" and name.startswith("question_") and name not in self.texts:
            self.texts.append(name)


def read_form(html: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader


def csrf_token(html: str) -> str:
    """The CSRF token of the page's first form, or "" if it shows none."""
    return read_form(html).csrf_token


def answers_for(html: str) -> dict[str, str]:
    """Answers to every question on a page of a consultation's questions: the first option of
    each choice question, and ``SAMPLE_TEXT`` in each text box."""
    reader = read_form(html)
    return {**reader.choices, **dict.fromkeys(reader.texts, SAMPLE_TEXT)}


def is_error_page(html: str) -> bool:
    """The portal's 500 page, which it shows when the database is away."""
    return f'<h1 class="govuk-heading-l">{ERROR_PAGE}</h1>' in html


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows (RFC 6238: 30-second steps, SHA-1)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() if at is None else at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
