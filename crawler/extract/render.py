"""An element tree → lines of text: one paragraph per line, a table row per line.

Table cells are joined by a TAB: it survives every consumer (JSON, diffs, e-mail) unambiguously,
cannot be confused with text inside a cell, and costs nothing in comparisons, which fold
whitespace. Empty cells are dropped, so a merged cell and an empty one read the same. A table
that holds another table, or whose rows have a single cell, is layout: its cells are rendered as
ordinary blocks.

Each line remembers how much of it was link text, which the cleaning rules use to tell a menu or
a link farm from prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from crawler.extract.zh import fold_ws, tc_quick

SKIP = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe",
        "object", "embed", "svg", "select", "option", "button", "input", "textarea", "map",
        "audio", "video", "canvas", "frameset", "frame",
    }
)  # fmt: skip
BLOCK = frozenset(
    {
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
        "header", "footer", "blockquote", "pre", "dl", "dt", "dd", "center", "form", "fieldset",
        "address", "hr", "figure", "figcaption", "caption", "nav", "aside", "main", "body",
        "html", "tbody", "thead", "tfoot", "legend", "details", "summary", "menu", "tr", "td",
        "th",
    }
)  # fmt: skip
CELL = frozenset({"td", "th"})
_HIDDEN = tc_quick(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass
class Line:
    text: str
    link_chars: int = 0

    @property
    def link_ratio(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def is_hidden(el: etree._Element) -> bool:
    style = el.get("style")
    return bool(style and _HIDDEN.search(style)) or el.get("hidden") is not None


class _Writer:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._parts: list[str] = []
        self._link = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self._parts.append(text)
            if in_link:
                self._link += len(fold_ws(text))

    def flush(self) -> None:
        if not self._parts:  # (then no link text was counted either)
            return
        text = fold_ws("".join(self._parts))
        if text:
            self.lines.append(Line(text, min(self._link, len(text))))
        self._parts = []
        self._link = 0


def _tag(el: etree._Element) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def _rows(table: etree._Element) -> list[etree._Element]:
    """Rows of this table, not of tables nested in it."""
    out: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            out.append(child)
        elif tag in {"tbody", "thead", "tfoot"}:
            out.extend(c for c in child if _tag(c) == "tr")
    return out


def _cells(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if _tag(c) in CELL and not is_hidden(c)]


def _is_layout(table: etree._Element, rows: list[etree._Element]) -> bool:
    if any(_tag(el) == "table" for el in table.iterdescendants()):
        return True
    return all(len(_cells(row)) <= 1 for row in rows)


def _walk(el: etree._Element, out: _Writer, in_link: bool) -> None:
    tag = _tag(el)
    if tag is None or tag in SKIP or is_hidden(el):
        out.add(el.tail, in_link)
        return
    if tag == "br":
        out.flush()
        out.add(el.tail, in_link)
        return
    if tag == "table":
        out.flush()
        _table(el, out)
        out.add(el.tail, in_link)
        return
    block = tag in BLOCK
    if block:
        out.flush()
    link = in_link or tag == "a"
    out.add(el.text, link)
    for child in el:
        _walk(child, out, link)
    if block:
        out.flush()
    out.add(el.tail, in_link)


def _cell_text(cell: etree._Element) -> Line:
    inner = _Writer()
    _walk_children(cell, inner)
    inner.flush()
    text = " ".join(line.text for line in inner.lines)
    return Line(text, sum(line.link_chars for line in inner.lines))


def _walk_children(el: etree._Element, out: _Writer) -> None:
    out.add(el.text, False)
    for child in el:
        _walk(child, out, False)


def _table(table: etree._Element, out: _Writer) -> None:
    rows = _rows(table)
    if _is_layout(table, rows):
        for row in rows:
            for cell in _cells(row):
                out.flush()
                _walk_children(cell, out)
                out.flush()
        return
    for row in rows:
        cells = [line for line in (_cell_text(c) for c in _cells(row)) if line.text]
        if cells:
            out.lines.append(
                Line("\t".join(c.text for c in cells), sum(c.link_chars for c in cells))
            )


def render(*roots: etree._Element) -> list[Line]:
    """Lines of the given elements (their tails excluded), in document order."""
    out = _Writer()
    for root in roots:
        out.flush()
        if _tag(root) == "table":
            _table(root, out)
        else:
            _walk_children(root, out)
        out.flush()
    return out.lines
