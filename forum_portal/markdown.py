"""The one way the portal turns text people write into HTML: Markdown, then a strict allow-list.

Guides, news, consultation documents, "You said, we did" replies, event descriptions and
co-written documents all go through ``render_markdown`` when they are saved (by the service that
saves them, into a ``*_html`` field), never per request: a list page then only prints stored HTML.
Raw HTML in the text is escaped, links get ``rel="noopener noreferrer"``, and GOV.UK Frontend
classes are added so the result looks like the rest of the page.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# GOV.UK Frontend styles elements by class, not by tag.
CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<a ": '<a class="govuk-link" ',
    "<table>": '<table class="govuk-table">',
    "<th>": '<th class="govuk-table__header">',
    "<td>": '<td class="govuk-table__cell">',
    "<tr>": '<tr class="govuk-table__row">',
    "<blockquote>": '<blockquote class="govuk-inset-text">',
}


def render_markdown(text: str) -> SafeString:
    """HTML for ``text`` written in Markdown. A heading written as ``#`` becomes an ``<h2>``, so
    the page's own ``<h1>`` stays the only one."""
    if not text:
        return mark_safe("")
    # Escape raw HTML before Markdown sees it: people write text, not markup.
    escaped = text.replace("<", "&lt;")
    html = markdown_lib.markdown(escaped, extensions=["tables", "sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    for plain, styled in CLASSES.items():
        html = html.replace(plain, styled)
    return mark_safe(html)  # noqa: S308 - cleaned by nh3 above, classes are our own constants
