"""Pages of no known template: trafilatura, with readability-lxml as a second opinion.

trafilatura's XML output is rendered by our own renderer (its tags mapped to HTML), so the body
has the same shape as on known templates: one paragraph per line, tables as TAB rows, and link
density per line for the cleaning rules. The two (cleaned) bodies are then settled:

- they disagree strongly → trafilatura's body, flagged ``extraction_uncertain``;
- otherwise each vouches for the other's short lines: trafilatura keeps the menus and headings
  of layout tables as short lines, which readability's body does not contain;
- when they are the same text, readability's order is kept (trafilatura can move a table
  nested in a layout cell to the end of the body).

Both libraries are imported on the first page of no known template: they bring in dozens of
modules (courlan, htmldate, justext, urllib3 …) and tens of MB that a crawl of known templates
never needs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from lxml import etree

from crawler.extract.render import Line, render
from crawler.extract.tree import parse_fragment
from crawler.extract.zh import squash

_TAGS = {
    "head": "h3", "row": "tr", "cell": "td", "ref": "a", "lb": "br", "list": "ul", "item": "li",
    "quote": "blockquote", "hi": "span", "doc": "div", "main": "div", "graphic": "span",
    "code": "pre", "del": "span",
}  # fmt: skip
# Bigram F1 below which the two extractors are said to disagree.
DISAGREEMENT = 0.6
# Bigram F1 above which both bodies are the same text.
CONSENSUS = 0.9
# trafilatura keeps menus, sidebars and headings of layout tables as short lines; a short line
# that readability's body does not contain is dropped. Longer lines are kept whatever.
SHORT_LINE = 40


@dataclass
class Fallback:
    lines: list[Line]
    second: list[Line]  # readability's body, the second opinion
    method: str


@cache
def _config():  # type: ignore[no-untyped-def]
    """Short notices are valid bodies: lower trafilatura's minimum sizes."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "10")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _trafilatura(html: str, url: str) -> list[Line]:
    import trafilatura

    xml = trafilatura.extract(
        html,
        url=url,
        output_format="xml",
        include_tables=True,
        include_links=True,
        include_comments=False,
        include_images=False,
        config=_config(),
    )
    if not xml:
        return []
    root = etree.fromstring(xml.encode("utf-8"))
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _TAGS:
            el.tag = _TAGS[el.tag]
    mains = root.findall("div") or [root]
    return render(*mains)


def _readability(html: str) -> list[Line]:
    from readability import Document

    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on odd pages
        return []
    if not summary.strip():
        return []
    root = parse_fragment(summary)
    return render(root) if root is not None else []


def _bigrams(lines: list[Line]) -> Counter[str]:
    text = squash("".join(line.text for line in lines))
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def agreement(a: list[Line], b: list[Line]) -> float:
    """Bigram F1 between two bodies."""
    ga, gb = _bigrams(a), _bigrams(b)
    overlap = sum((ga & gb).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(ga.values())
    recall = overlap / sum(gb.values())
    return 2 * precision * recall / (precision + recall)


def _as_lines(texts: list[str]) -> list[Line]:
    return [Line(text) for text in texts]


def settle(main: list[str], second: list[str]) -> tuple[list[str], bool]:
    """(the body, whether it is uncertain) from trafilatura's and readability's bodies."""
    if agreement(_as_lines(main), _as_lines(second)) < DISAGREEMENT:
        return main, True
    confirmed = corroborate(main, second)
    if agreement(_as_lines(confirmed), _as_lines(second)) >= CONSENSUS:
        return corroborate(second, main), False
    return confirmed, False


def corroborate(main: list[str], second: list[str]) -> list[str]:
    """The lines of one body, without the short ones the other body does not confirm."""
    if not second:
        return main
    confirmed = {squash(line) for line in second}
    whole = squash("".join(second))
    return [
        line
        for line in main
        if len(line) > SHORT_LINE
        or squash(line) in confirmed
        or (len(squash(line)) >= 15 and squash(line) in whole)
    ]


def extract_fallback(html: str, url: str) -> Fallback:
    main = _trafilatura(html, url)
    second = _readability(html)
    if not main:
        return Fallback(second, second, "readability")
    return Fallback(main, second, "trafilatura")
