"""HTML trees on lxml's plain parser.

``lxml.html`` gives every element a Python class chosen by a lookup written in Python, which
runs each time an element is touched from Python: on a government page that lookup cost more
than parsing it. The extractor needs none of those classes, only the two helpers below, so it
parses with a plain ``etree.HTMLParser`` (the same libxml2 parser and options ``lxml.html``
uses, hence the same trees).
"""

from __future__ import annotations

import re

from lxml import etree

_PARSER = etree.HTMLParser()
_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)


def parse_document(html: str) -> etree._Element:
    """The root of a page (``lxml.html.document_fromstring``); an empty ``<html>`` when the page
    cannot be parsed."""
    try:
        root = etree.fromstring(html or "<html></html>", _PARSER)
    except (etree.ParserError, ValueError):
        root = None
    return root if root is not None else etree.fromstring("<html></html>", _PARSER)


def parse_fragment(html: str) -> etree._Element | None:
    """A ``<div>`` holding a piece of HTML (``lxml.html.fragment_fromstring(html,
    create_parent="div")``), or None when it does not parse as a piece of a body."""
    if not _FULL_HTML.match(html):
        html = f"<html><body>{html}</body></html>"
    try:
        root = etree.fromstring(html, _PARSER)
    except (etree.ParserError, ValueError):
        return None
    bodies = [] if root is None else [el for el in root if el.tag == "body"]
    if len(bodies) != 1:
        return None
    body = bodies[0]
    div = etree.Element("div")
    if body.text and body.text.strip():
        div.text = body.text
    div.extend(body)
    return div


def text_content(el: etree._Element) -> str:
    """All the text under an element, tails of its children included (``text_content()``, which
    is XPath ``string()``; libxml2's text serialisation gives the same string faster)."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def drop_tree(el: etree._Element) -> None:
    """Remove an element and its subtree, keeping the text that follows it (``drop_tree()``)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)
