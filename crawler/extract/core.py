"""Bytes and URL in, a PolicyDocument out: the extraction pipeline, pure and without I/O.

Each field is taken from its most reliable source first: government meta tags, then the
information-disclosure table read by label, then the page structure, then the body text itself
(the signature block, a document number under the title). The body comes from a known CMS
container when there is one, else from trafilatura (readability-lxml as a second opinion).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from urllib.parse import urljoin

from lxml import etree

from crawler.extract.attachments import find_attachments
from crawler.extract.clean import clean_lines
from crawler.extract.containers import Container, find_container
from crawler.extract.dates import parse_date
from crawler.extract.decode import decode_html
from crawler.extract.docnum import find_doc_numbers, normalize_doc_number
from crawler.extract.fallback import extract_fallback, settle
from crawler.extract.labels import labelled_values
from crawler.extract.meta import (
    effective_date,
    meta_tags,
    signature,
    structural_title,
    url_date,
)
from crawler.extract.model import PolicyDocument
from crawler.extract.render import render
from crawler.extract.spam import is_spam_text, page_has_spam
from crawler.extract.tree import drop_tree, parse_document, text_content
from crawler.extract.zh import fold_ws, tc_re

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Control characters lxml refuses (stray NULs are common in pages exported from Word).
_CONTROL_CHARS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
_CONTROL = re.compile(f"[{re.escape(''.join(_CONTROL_CHARS))}]")
_CONTROL_BYTES = bytes(map(ord, _CONTROL_CHARS))
# Encodings whose multibyte sequences never hold a control byte: in a page decoded from them, a
# control character was a control byte of the page, which bytes.translate finds fastest.
_CONTROL_SAFE = frozenset({"utf-8", "gb18030", "big5hkscs"})
# A script or style element up to its end tag. Written as a loop over runs without "<" (rather
# than ``.*?``) so that the engine does not try the end tag at every character inside.
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_HANWEB_TITLE = re.compile(
    r"<!--\s*<\$\[标题\]>\s*begin\s*-->(.*?)<!--\s*<\$\[标题\]>\s*end\s*-->", re.S
)
_KEYWORD_SPLIT = re.compile(r"[,，;；、\s]+")
# Values a template prints when it knows nothing: never an issuer.
_PLACEHOLDER = tc_re(
    r"^(?:未知|不详|暂无|无|本站|本网|佚名|admin|管理员|网站管理员)$", re.IGNORECASE
)
# How far into the body a document number printed under the title is looked for.
_DOC_NUMBER_LINES = 8


def _has_control(body: bytes, encoding: str, html: str) -> bool:
    """Whether the decoded page holds a control character (checked without a regex, which tries
    its class at every character)."""
    if encoding in _CONTROL_SAFE:
        return len(body.translate(None, _CONTROL_BYTES)) < len(body)
    return any(char in html for char in _CONTROL_CHARS)


def _visible_text(html: str) -> str:
    return _TAG.sub(" ", _SCRIPT_STYLE.sub(" ", html))


def _drop_spam_links(roots: Iterable[etree._Element]) -> bool:
    """Remove anchors whose text is link-farm vocabulary; True when there were any."""
    found = False
    for root in roots:
        for link in list(root.iter("a")):
            if is_spam_text(text_content(link), 1.0):
                found = True
                drop_tree(link)
    return found


def _first(*values: str | None) -> str | None:
    for value in values:
        if value:
            return value
    return None


def _first_date(*values: str | None) -> str | None:
    for value in values:
        parsed = parse_date(value)
        if parsed:
            return parsed
    return None


def _body(
    html: str, url: str, container: Container | None, boilerplate: Collection[str]
) -> tuple[list[str], str, bool, bool]:
    """(lines, method, spam found, uncertain)."""
    if container is not None:
        spam = _drop_spam_links(container.roots)
        cleaned = clean_lines(render(*container.roots), boilerplate)
        if cleaned.lines or container.empty:
            return cleaned.lines, container.method, spam or cleaned.spam, not cleaned.lines
    if not _visible_text(html).strip():
        return [], "empty", False, False
    fallback = extract_fallback(html, url)
    cleaned = clean_lines(fallback.lines, boilerplate)
    if fallback.method != "trafilatura":
        return cleaned.lines, fallback.method, cleaned.spam, True
    lines, uncertain = settle(cleaned.lines, clean_lines(fallback.second, boilerplate).lines)
    return lines, fallback.method, cleaned.spam, uncertain


def _hanweb_title(html: str) -> str | None:
    match = _HANWEB_TITLE.search(html)
    return fold_ws(_TAG.sub("", match[1])) or None if match else None


def _doc_number_in_body(lines: list[str]) -> str | None:
    for line in lines[:_DOC_NUMBER_LINES]:
        found = normalize_doc_number(line)
        if found and len(line) <= len(found) + 4:
            return found
    return None


def extract(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    boilerplate: Collection[str] = (),
) -> PolicyDocument:
    """Extract the clean text and metadata of a policy page.

    ``boilerplate``: lines the storage layer learnt recur on many pages of this site (see
    ``boilerplate_lines``); they are removed from the body.
    """
    html, encoding = decode_html(body, content_type)
    html = _XML_DECL.sub("", html, count=1)
    if _has_control(body, encoding, html):
        html = _CONTROL.sub("", html)
    doc = parse_document(html)
    base_href = next((h for b in doc.iter("base") if (h := b.get("href")) is not None), "").strip()
    base = urljoin(url, base_href) if base_href else url
    tags = {k: v for k, v in meta_tags(doc).items() if not _PLACEHOLDER.match(v)}
    container = find_container(html, doc)
    lines, method, spam, uncertain = _body(html, url, container, boilerplate)
    text = "\n".join(lines)

    label = {
        key: next((v for v in values if not _PLACEHOLDER.match(v)), None)
        for key, values in labelled_values(doc, skip=container.body if container else None).items()
    }
    sign = signature(lines)
    site_name = tags.get("site_name")
    title = (
        tags.get("title")
        or label.get("title")
        or _hanweb_title(html)
        or structural_title(doc, site_name, lines[0] if lines else None)
    )
    doc_number = _first(
        normalize_doc_number(label.get("doc_number")),
        _doc_number_in_body(lines),
        normalize_doc_number(title) if title else None,
    )
    written = _first_date(label.get("written"), sign.date)
    keywords_text = _first(label.get("keywords"), tags.get("keywords")) or ""
    regions = [*container.roots, *container.region] if container else []
    return PolicyDocument(
        url=url,
        title=title,
        text=text,
        published=(
            _first_date(tags.get("published"), label.get("published"), label.get("date"))
            # Dates read from URLs and the signature are already parsed; only looked for when
            # the page states none (resolving a URL costs as much as reading a label).
            or url_date(url)
            or url_date(urljoin(url, tags.get("url", "")))
            or sign.date
        ),
        written=written,
        effective=_first_date(label.get("effective")) or effective_date(text),
        issuer=_first(label.get("issuer"), tags.get("issuer"), label.get("source"), sign.issuer),
        doc_number=doc_number,
        index_number=label.get("index_number"),
        cited=[n for n in find_doc_numbers(text) if n != doc_number],
        site_name=site_name,
        column=tags.get("column"),
        keywords=[k for k in _KEYWORD_SPLIT.split(keywords_text) if k],
        attachments=find_attachments(regions, base),
        encoding=encoding,
        spam_detected=spam or page_has_spam(_SCRIPT_STYLE.sub(" ", html)),
        extraction_uncertain=uncertain,
        method=method,
    )
