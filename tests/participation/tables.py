"""Read what a page shows in its tables and charts, cell by cell, for exact asserts."""

from html.parser import HTMLParser


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.svg_texts: list[str] = []
        self.summary: list[tuple[str, str]] = []
        self._key: str | None = None
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False
        self._in_svg_text = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
        elif tag == "text":
            self._in_svg_text, self._cell = True, []
        elif tag in ("dt", "dd"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._rows is not None:
            self.tables[self._caption] = self._rows
            self._rows = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in ("dt", "dd") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if tag == "dt":
                self._key = text
            else:
                self.summary.append((self._key, text))
            self._cell = None
        elif tag == "text" and self._in_svg_text:
            self.svg_texts.append("".join(self._cell).strip())
            self._in_svg_text, self._cell = False, None

    def handle_data(self, data):
        if self._in_caption:
            self._caption = (self._caption or "") + data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def read_page(html: str) -> _PageReader:
    """``.tables`` maps each table's caption to its rows of cell texts (the header row first);
    ``.svg_texts`` lists the texts of the page's charts in order; ``.summary`` the (key, value)
    pairs of its summary lists."""
    reader = _PageReader()
    reader.feed(html)
    return reader
