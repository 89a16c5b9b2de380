"""A report page read back with the standard library's html.parser (never zscore's code):
its elements, tables and text, for tests/test_report*.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: The only URIs a report may hold: the SVG and XLink namespaces of its inline plots.
ALLOWED_URIS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@dataclass
class Table:
    attrs: dict[str, str]
    rows: list[tuple[dict[str, str], list[str]]] = field(default_factory=list)

    def cells(self, key: str, value: str) -> list[str]:
        """The cells of the row whose ``key`` attribute is ``value``."""
        for attrs, cells in self.rows:
            if attrs.get(key) == value:
                return cells
        raise KeyError(f"no row with {key}={value!r}")


class Page(HTMLParser):
    """Every start tag (name, attrs), the tables, the ids, and the text outside <style>."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.tables: list[Table] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._table: list[Table] = []
        self._row: list[str] | None = None
        self._row_attrs: dict[str, str] = {}
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        self._stack.append(tag)
        if tag == "table":
            t = Table(a)
            self.tables.append(t)
            self._table.append(t)
        elif tag == "tr" and self._table:
            self._row, self._row_attrs = [], a
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self._table[-1].rows.append((self._row_attrs, self._row))
            self._row = None
        elif tag == "table" and self._table:
            self._table.pop()
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "style":
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def table(self, cls: str, **attrs: str) -> Table:
        found = [t for t in self.tables if cls in t.attrs.get("class", "").split()
                 and all(t.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]
        assert len(found) == 1, (cls, attrs, len(found))
        return found[0]

    def all_text(self) -> str:
        return "".join(self.text)


def uris(text: str) -> set[str]:
    """Every absolute URI in the page (scheme://...), and every protocol-relative one."""
    found = set(re.findall(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>)]*", text))
    found |= set(re.findall(r"(?:src|href)\s*=\s*[\"']//[^\"']*", text))
    return found


def interval_text(low: float, high: float) -> str:
    return f"{low:.1f} – {high:.1f}"
