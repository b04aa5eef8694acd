"""Discover policy links and further pages on a listing page. Pure: bytes and URL in.

Government listings hide their items and pagination in three ways, all read here: plain
`<a>` lists with 下一页 links; TRS WCM pages that build the pager in JavaScript with
`createPageHTML(total, current, "index", "shtml")`; and Hanweb (jcms) pages that carry the
items as `<record><![CDATA[<li><a …>]]></record>` inside a `<script type="text/xml">` data
store, with the next record group behind `<nextgroup>`. Links are canonicalised so that a
policy's identity never depends on tracking parameters that change between visits.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import charset_normalizer
import lxml.etree
import lxml.html
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.utils.response import get_base_url
from w3lib.encoding import html_body_declared_encoding
from w3lib.url import canonicalize_url

# Query parameters that only track the visit, never name the document.
TRACKING_PARAMS = frozenset(
    {
        "spm",
        "from",
        "share",
        "shareid",
        "share_from",
        "share_source",
        "sharesource",
        "share_token",
        "timestamp",
        "ts",
        "_t",
        "isappinstalled",
        "scene",
        "clicktime",
        "enterid",
        "fbclid",
        "gclid",
        "msclkid",
        "vd_source",
        "wfr",
        "from_source",
    }
)
TRACKING_PREFIXES = ("utm_", "spm_", "share_")
# Cache busters: dropped only when their value looks random (a timestamp or a fraction).
_CACHE_BUSTERS = frozenset({"t", "_", "r", "rand", "random", "nocache", "v"})
_RANDOM_VALUE = re.compile(r"^(\d{6,}|0?\.\d+)$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)

_TRS_ARTICLE = re.compile(r"/t\d{8}_\d+\.s?html?$")
_HANWEB_ARTICLE = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_(\d+)_\d+\.s?html?$")
_GOVCN_ARTICLE = re.compile(r"/content_\d+\.s?html?$")
_PAGE_NAME = re.compile(r"/(index|default|list|more|home)(_\d+)?\.s?html?$", re.IGNORECASE)
_HTML_PAGE = re.compile(r"\.s?html?$", re.IGNORECASE)
_ID_PARAMS = frozenset(
    {"id", "articleid", "infoid", "contentid", "docid", "aid", "newsid", "artid", "itemid"}
)
_HANWEB_COLUMN = re.compile(r"/col(\d+)/")

_NEXT_WORDS = frozenset({"下一页", "下页", "后页", "后一页", "下一頁", "next", "nextpage"})
_NEXT_SYMBOLS = frozenset({">", ">>", "›", "»"})
_DECORATION = re.compile(r"[\s<>›»\[\]【】()（）]+")
_CREATE_PAGE = re.compile(
    r"""createPageHTML\(\s*(?:(['"])[^'"]*\1\s*,\s*)?([\w.$]+)\s*,\s*([\w.$]+)\s*,"""
    r"""\s*(['"])([^'"]+)\4\s*,\s*(['"])([^'"]+)\6"""
)
_MAX_JS_PAGES = 5000
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BARE_DATASTORE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?<datastore", re.IGNORECASE)


@dataclass(frozen=True)
class ListingPage:
    links: list[str] = field(default_factory=list)
    """Canonical policy URLs, deduplicated, in page order."""
    next_pages: list[str] = field(default_factory=list)
    """Canonical URLs of further listing pages, the likely next one first."""
    titles: dict[str, str] = field(default_factory=dict)
    """Anchor text of each link in `links` (the policy title as listed)."""


def _is_tracking(key: str, value: str) -> bool:
    k = key.lower()
    if k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES):
        return True
    return k in _CACHE_BUSTERS and bool(_RANDOM_VALUE.match(value))


@lru_cache(maxsize=1 << 16)
def canonical_url(url: str) -> str:
    """Identity of a page: tracking parameters and fragment dropped, scheme/host lowercased,
    default port removed, remaining parameters sorted (`?id=123` is kept).

    Cached: the same navigation and pagination links recur on every listing page of a site."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = _JSESSIONID.sub("", parts.path) or "/"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, v)
    ]
    return canonicalize_url(urlunsplit((scheme, netloc, path, urlencode(query), "")))


# -- decoding -------------------------------------------------------------------------------
def _codec(name: str) -> str:
    """GB2312 and GBK declarations are read as GB18030, their superset."""
    return "gb18030" if name.lower().replace("-", "") in {"gb2312", "gbk", "gb18030"} else name


def _decode(body: bytes, url: str, encoding: str | None) -> str:
    if encoding:
        return body.decode(_codec(encoding), errors="replace")
    if html_body_declared_encoding(body) is None:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            best = charset_normalizer.from_bytes(body).best()
            if best is not None:
                return body.decode(_codec(best.encoding), errors="replace")
    return HtmlResponse(url=url, body=body).text


# -- Hanweb data stores -----------------------------------------------------------------------
def _datastore(xml: str) -> tuple[list[str], list[str]]:
    """Record HTML fragments and nextgroup hrefs of a jpage `<datastore>`."""
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False)
    root = lxml.etree.fromstring(_XML_DECLARATION.sub("", xml).strip().encode(), parser=parser)
    if root is None:
        return [], []
    records = ["".join(r.itertext()) for r in root.iter("record")]
    hrefs: list[str] = []
    for group in root.iter("nextgroup"):
        markup = "".join(group.itertext()).strip()
        if markup:
            fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
            hrefs += [a.get("href", "") for a in fragment.iter("a") if a.get("href")]
    return records, hrefs


def _records_div(records: list[str]) -> lxml.html.HtmlElement:
    container = lxml.html.Element("div", {"class": "datastore"})
    for record in records:
        if record.strip():
            container.append(lxml.html.fragment_fromstring(record, create_parent="div"))
    return container


def _expand_datastores(text: str) -> tuple[lxml.html.HtmlElement, list[str]]:
    """The page with each data store replaced by its records; and the nextgroup hrefs."""
    if _BARE_DATASTORE.match(text):
        records, hrefs = _datastore(text)
        page = lxml.html.document_fromstring("<html><body></body></html>")
        page.body.append(_records_div(records))
        return page, hrefs
    page = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text))
    hrefs = []
    for script in list(page.iter("script")):
        if (script.get("type") or "").lower() != "text/xml" or not script.text:
            continue
        records, more = _datastore(script.text)
        hrefs += more
        container = _records_div(records)
        container.tail = script.tail
        parent = script.getparent()
        if parent is not None:
            parent.replace(script, container)
    return page, hrefs


# -- pagination -----------------------------------------------------------------------------
def _is_next_anchor(a: lxml.html.HtmlElement) -> bool:
    words = _DECORATION.sub("", a.text_content()).lower()
    raw = re.sub(r"\s+", "", a.text_content())
    title = _DECORATION.sub("", a.get("title") or "").lower()
    rel = (a.get("rel") or "").lower().split()
    classes = (a.get("class") or "").lower().split()
    return (
        words in _NEXT_WORDS
        or raw in _NEXT_SYMBOLS
        or title in _NEXT_WORDS
        or "next" in rel
        or any(c == "next" or c.endswith("-next") or c.endswith("_next") for c in classes)
    )


def _js_pages(page: lxml.html.HtmlElement, base: str) -> list[str]:
    """Pages named by TRS `createPageHTML(total, current, name, ext)`, later pages first."""
    scripts = "\n".join(s.text or "" for s in page.iter("script"))
    variables = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"var\s+(\w+)\s*=\s*(\d+)", scripts)
    }

    def number(token: str) -> int | None:
        return int(token) if token.isdigit() else variables.get(token)

    out: list[str] = []
    for match in _CREATE_PAGE.finditer(scripts):
        total, current = number(match.group(2)), number(match.group(3)) or 0
        if total is None:
            continue
        name, ext = match.group(5), match.group(7)
        order = [*range(current + 1, total), *range(0, min(current, total))]
        for i in order[:_MAX_JS_PAGES]:
            out.append(urljoin(base, f"{name if i == 0 else f'{name}_{i}'}.{ext}"))
    return out


def _next_pages(page: lxml.html.HtmlElement, base: str, datastore_hrefs: list[str]) -> list[str]:
    anchors = [
        urljoin(base, a.get("href", "").strip())
        for a in page.iter("a")
        if a.get("href")
        and not a.get("href", "").strip().lower().startswith("javascript")
        and _is_next_anchor(a)
    ]
    return [*anchors, *_js_pages(page, base), *(urljoin(base, h) for h in datastore_hrefs)]


# -- policy links ---------------------------------------------------------------------------
def _host(netloc: str) -> str:
    return netloc.lower().removeprefix("www.")


def _looks_like_policy(candidate: str, listing: str) -> bool:
    """Default follow rule: an article URL of a known CMS shape within the listing's section.

    TRS `t20220601_123.shtml` and other `.html` pages must sit under the listing's
    directory; gov.cn `content_123.htm` also under its parent's `content/`; Hanweb
    `/art/…/art_<column>_<id>.html` must carry the listing's column id when it has one.
    """
    cand, base = urlsplit(candidate), urlsplit(listing)
    if _host(cand.netloc) != _host(base.netloc):
        return False
    path = cand.path
    hanweb = _HANWEB_ARTICLE.search(path)
    if hanweb:
        column = _HANWEB_COLUMN.search(base.path)
        column_id = column.group(1) if column else parse_qs(base.query).get("columnid", [None])[0]
        return column_id is None or hanweb.group(1) == column_id
    directory = posixpath.dirname(base.path).rstrip("/") + "/"
    if _GOVCN_ARTICLE.search(path):
        parent = posixpath.dirname(directory.rstrip("/")).rstrip("/") + "/"
        return path.startswith(directory) or path.startswith(parent + "content/")
    if not path.startswith(directory):
        return False
    if _TRS_ARTICLE.search(path):
        return True
    if _PAGE_NAME.search(path):
        return False
    if _HTML_PAGE.search(path):
        return bool(re.search(r"\d", path[len(directory) :]))
    params = parse_qsl(cand.query)
    return any(k.lower() in _ID_PARAMS and v.isdigit() for k, v in params)


def parse_listing(
    body: bytes | str, url: str, follow: str | None = None, encoding: str | None = None
) -> ListingPage:
    """Policy links (matching `follow`, a regex searched in the canonical URL, or the default
    CMS heuristic) and further listing pages found on one listing page."""
    text = body if isinstance(body, str) else _decode(body, url, encoding)
    if not _XML_DECLARATION.sub("", text).strip():
        return ListingPage()
    page, datastore_hrefs = _expand_datastores(text)
    html = lxml.html.tostring(page, encoding="unicode")
    response = HtmlResponse(url=url, body=html.encode("utf-8"), encoding="utf-8")
    base = get_base_url(response)
    here = canonical_url(url)

    next_pages: list[str] = []
    for candidate in map(canonical_url, _next_pages(page, base, datastore_hrefs)):
        if candidate != here and candidate not in next_pages:
            next_pages.append(candidate)

    extractor = LinkExtractor(
        tags=("a", "area"),
        attrs=("href",),
        unique=False,
        deny_extensions=IGNORED_EXTENSIONS if follow is None else [],
    )
    pattern = re.compile(follow) if follow is not None else None
    links: list[str] = []
    titles: dict[str, str] = {}
    skip = {here, *next_pages}
    for link in extractor.extract_links(response):
        candidate = canonical_url(link.url)
        if candidate in skip or candidate in titles:
            continue
        wanted = pattern.search(candidate) if pattern else _looks_like_policy(candidate, here)
        if wanted:
            links.append(candidate)
            titles[candidate] = re.sub(r"\s+", " ", link.text).strip()
    return ListingPage(links=links, next_pages=next_pages, titles=titles)
