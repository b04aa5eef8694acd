"""Where known CMS templates keep the body of an article.

Most Chinese government sites run on a handful of CMSs, each leaving a fingerprint around the
body: TRS WCM's ``TRS_Editor`` / ``Custom_UnionStyle`` classes, Hanweb's
``<!--<$[信息内容]>begin-->`` comment markers and ``#zoom``, Kaipu UCAP's ``#UCAP-CONTENT``, the
gov.cn ``.pages_content``, Founder's ``<!--enpcontent-->`` markers, VSB's ``#vsb_content``.
Finding them costs one XPath query; a general extractor is only needed when none is present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from crawler.extract.tree import parse_fragment, text_content


@dataclass(frozen=True)
class Container:
    method: str
    roots: tuple[etree._Element, ...]
    # The element of the page that holds the body (None when markers span several elements).
    body: etree._Element | None
    # Elements around the body where attachment links are also looked for.
    region: tuple[etree._Element, ...]
    # The template's body container is there but holds no text (a scanned notice as an image,
    # or a body filled in by JavaScript): the body is empty, not whatever else the page says.
    empty: bool = False


@dataclass(frozen=True)
class _Marker:
    method: str
    begin: re.Pattern[str]
    end: re.Pattern[str]
    comments: etree.XPath


# Comment markers, most specific first. They delimit the body exactly, whatever the layout.
_MARKERS = (
    _Marker(
        "hanweb",
        re.compile(r"<!--\s*<\$\[信息内容\]>\s*begin\s*-->", re.I),
        re.compile(r"<!--\s*<\$\[信息内容\]>\s*end\s*-->", re.I),
        etree.XPath("//comment()[contains(., '信息内容')]"),
    ),
    _Marker(
        "hanweb",
        re.compile(r"<!--\s*ZJEG_RSS\.content\.begin\s*-->", re.I),
        re.compile(r"<!--\s*ZJEG_RSS\.content\.end\s*-->", re.I),
        etree.XPath("//comment()[contains(., 'ZJEG_RSS.content')]"),
    ),
)
# Founder's markers also wrap the bodies of several gov.cn and state-media templates; they are
# tried after the element rules because those are tighter on the templates that have both.
_ENP = _Marker(
    "enp",
    re.compile(r"<!--\s*enpcontent\s*-->", re.I),
    re.compile(r"<!--\s*/\s*enpcontent\s*-->", re.I),
    etree.XPath("//comment()[contains(., 'enpcontent')]"),
)
_ANY_BEGIN = re.compile(
    "|".join(f"(?:{marker.begin.pattern})" for marker in (*_MARKERS, _ENP)), re.IGNORECASE
)

# (method, attribute, value) by priority; a class value matches one class of the element.
_RULES: tuple[tuple[str, str, str], ...] = (
    ("ucap", "id", "UCAP-CONTENT"),
    ("govcn", "class", "pages_content"),
    ("govcn", "id", "pages_content"),
    ("trs", "class", "TRS_Editor"),
    ("trs", "class", "TRS_UEDITOR"),
    ("trs", "class", "trs_editor_view"),
    ("trs", "class", "Custom_UnionStyle"),
    ("trs", "class", "trs_paper_default"),
    ("vsb", "id", "vsb_content"),
    ("vsb", "class", "v_news_content"),
    ("vsb", "id", "vsb_content_2"),
    ("hanweb", "id", "zoom"),
    ("hanweb", "id", "Zoom"),
    ("zoom", "id", "fontzoom"),
    ("zoom", "class", "zoom"),
    ("wechat", "id", "js_content"),
    ("news", "class", "rm_txt_con"),
    ("news", "class", "artDet"),
    ("news", "id", "rwb_zw"),
    ("news", "id", "detailContent"),
    ("news", "id", "p-detail"),
    ("news", "class", "u-mainText"),
    ("news", "id", "articleBody"),
    ("news", "class", "detail_con"),
    ("news", "id", "article_content"),
    ("news", "class", "article-content"),
    ("news", "id", "article-content"),
    ("news", "class", "article_content"),
    ("news", "class", "news_content"),
    ("news", "id", "news_content"),
    ("news", "class", "art_con"),
    ("news", "class", "wzcon"),
)
_ORDER = {(attr, value): n for n, (_, attr, value) in enumerate(_RULES)}
_IDS = {value for _, attr, value in _RULES if attr == "id"}
_CLASSES = {value for _, attr, value in _RULES if attr == "class"}
_IDS_AND_CLASSES = etree.XPath("/descendant::*/@id | /descendant::*/@class")
# A container with less text than this is a placeholder (an image, a JavaScript target).
MIN_TEXT = 8
# CMS whose body container is unambiguous: when it is empty, so is the body. (#zoom and the
# news-site classes also name other things, so an empty one is not trusted.)
_AUTHORITATIVE = frozenset({"ucap", "govcn", "trs", "vsb"})
# The article region around a body (title, info bar, attachment list) adds little text; an
# ancestor that adds more than this is the page layout (menus, sidebars, footer).
_REGION_SLACK = 800
_REGION_LEVELS = 4


def _rule_of(el: etree._Element) -> int | None:
    best: int | None = None
    el_id = el.get("id")
    if el_id:
        best = _ORDER.get(("id", el_id))
    for cls in (el.get("class") or "").split():
        rank = _ORDER.get(("class", cls))
        if rank is not None and (best is None or rank < best):
            best = rank
    return best


def _text_len(el: etree._Element) -> int:
    return len(text_content(el).strip())


def region_of(body: etree._Element) -> tuple[etree._Element, ...]:
    """The article around the body, where attachment lists sit: the largest ancestor that adds
    little text to the body, else the small blocks that follow the body."""
    size = _text_len(body)
    limit = size * 1.5 + _REGION_SLACK
    region: etree._Element | None = None
    node = body.getparent()
    for _ in range(_REGION_LEVELS):
        if node is None or node.tag in {"body", "html"} or _text_len(node) > limit:
            break
        region = node
        node = node.getparent()
    if region is not None:
        return (region,)
    following = [el for el in body.itersiblings() if isinstance(el.tag, str)][:3]
    return tuple(el for el in following if _text_len(el) <= _REGION_SLACK)


def _with_rule_value(doc: etree._Element) -> list[etree._Element]:
    """Elements with an id or class value a rule names, in document order (and a few more).

    Their id and class values come from one XPath query; an XPath predicate, or reading the
    attributes of each element from Python, costs ten times more on a page of a thousand
    elements.
    """
    elements = (
        value.getparent()
        for value in _IDS_AND_CLASSES(doc)
        if value in _IDS or not _CLASSES.isdisjoint(value.split())
    )
    # An element with both a rule's id and class is listed once (a proxy stays one object).
    return list(dict.fromkeys(elements))


def _by_rules(doc: etree._Element) -> tuple[Container | None, Container | None]:
    """(the best container with text, an empty authoritative container) by rule priority."""
    ranked: dict[int, list[etree._Element]] = {}
    for el in _with_rule_value(doc):
        if el.get("id") in _IDS or not _CLASSES.isdisjoint((el.get("class") or "").split()):
            rank = _rule_of(el)
            if rank is not None:
                ranked.setdefault(rank, []).append(el)
    empty: Container | None = None
    for rank in sorted(ranked):
        method = _RULES[rank][0]
        sized = [(_text_len(el), el) for el in ranked[rank]]
        n, best = max(sized, key=lambda pair: pair[0])
        if n >= MIN_TEXT:
            return Container(method, (best,), best, region_of(best)), None
        if empty is None and method in _AUTHORITATIVE:
            empty = Container(method, (best,), best, region_of(best), empty=True)
    return None, empty


def _by_marker(html: str, doc: etree._Element, marker: _Marker, start: int) -> Container | None:
    begin = marker.begin.search(html, start)
    if not begin:
        return None
    end = marker.end.search(html, begin.end())
    if not end:
        return None
    fragment = html[begin.end() : end.start()]
    if not fragment.strip():
        return None
    root = parse_fragment(fragment)
    if root is None or _text_len(root) < MIN_TEXT:
        return None
    comments = marker.comments(doc)
    # Both markers in one element: that element is the body. (Element proxies stay the same
    # object while referenced, so identity compares elements.)
    parents = [c.getparent() for c in comments[:2]]
    body = parents[0] if parents and all(p is parents[0] for p in parents) else None
    region = region_of(body) if body is not None else ()
    return Container(marker.method, (root,), body, region)


def find_container(html: str, doc: etree._Element) -> Container | None:
    """The body of a page built by a known CMS, or None."""
    # Most pages have no marker: one scan of the page says so, instead of one per marker, and
    # finds where the first one is.
    first = _ANY_BEGIN.search(html)
    if first:
        for marker in _MARKERS:
            found = _by_marker(html, doc, marker, first.start())
            if found:
                return found
    found, empty = _by_rules(doc)
    if found is None and first:
        found = _by_marker(html, doc, _ENP, first.start())
    return found or empty
