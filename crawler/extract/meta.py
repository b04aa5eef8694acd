"""Metadata from the page around the body: government meta tags, the title, the URL, and the
signature block at the end of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from crawler.extract.dates import DATE_PATTERN, parse_date
from crawler.extract.tree import text_content
from crawler.extract.zh import fold_ws, squash, tc_re

# Government meta tag names (lowercased) → field. Names vary in case and in spelling.
META_FIELDS = {
    "articletitle": "title",
    "pubdate": "published",
    "publishdate": "published",
    "firstpublishedtime": "published",
    "contentsource": "issuer",
    "sitename": "site_name",
    "columnname": "column",
    "keywords": "keywords",
    "url": "url",  # the canonical address: its date when the fetched URL has none
}
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--| - | – | — )\s*")
_SITE_WORDS = tc_re(
    r"网站|门户|官网|政府网|人民政府|政务|首页|频道|网$|^中国|局$|厅$|委员会$|部$|办公室$|中心$"
)
# "标题-站名" without spaces: only split when the tail is short and reads like a site or an organ.
_BARE_DASH_TAIL = tc_re(
    r"-([^-]{0,24}(?:网站|网|局|厅|部|委|委员会|中心|政府|办公室|门户|平台|频道|纪检))$"
)
_URL_DATES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/content_"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/[0-9a-f]{16,}/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),
)
_TITLE_TEXT = etree.XPath("//title//text()", smart_strings=False)
# Headings, and elements whose class or id says "title" (found by their attributes: a
# predicate on every element of the page costs ten times more).
_HEADINGS = etree.XPath(
    "//h1 | //h2 | //h3 | //*/@class[contains(., 'title')]/.. | //*/@id[contains(., 'title')]/.."
)
_DATE_ONLY = re.compile(rf"^\s*{DATE_PATTERN}\s*$")
_ANNEX = tc_re(r"^(?:附件|附表)")
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff（）()·\s]{2,40}$")
_PERSON_TITLE = tc_re(r"^(?:总理|主席|局长|部长|省长|市长|县长|区长|主任|厅长|书记|院长)")
_EFFECTIVE = tc_re(
    rf"[自于从]\s*({DATE_PATTERN})\s*(?:起|开始)?\s*(?:施行|实施|执行|生效|正式施行|正式实施)"
)


@dataclass
class Signature:
    issuer: str | None
    date: str | None


def meta_tags(doc: etree._Element) -> dict[str, str]:
    """Known government meta tags: the first non-empty value of each, names folded to lower case."""
    out: dict[str, str] = {}
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        field = META_FIELDS.get(name)
        if not field or field in out:
            continue
        value = fold_ws(meta.get("content") or "")
        if value:
            out[field] = value
    return out


def strip_site_suffix(title: str, site_name: str | None) -> str:
    """``政策标题_某某市人民政府`` → ``政策标题``."""
    bare = _BARE_DASH_TAIL.search(title)
    if bare:
        title = title[: bare.start()].rstrip("-—_| ")
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    while len(parts) > 1:
        last = parts[-1].strip()
        if (site_name and (last in site_name or site_name in last)) or _SITE_WORDS.search(last):
            parts.pop()
        else:
            break
    return fold_ws(" ".join(parts)) if len(parts) > 1 else fold_ws(parts[0] if parts else "")


def structural_title(
    doc: etree._Element, site_name: str | None, first_line: str | None = None
) -> str | None:
    """The article title from the page layout.

    ``<title>`` usually holds the article title plus the site name; the heading on the page
    (or the body's first line, where many templates repeat the title) that ``<title>``
    contains is the article title without guessing where the suffix starts. Headings that are
    the site name (a logo in ``<h1>``) are passed over.
    """
    head_title = fold_ws("".join(_TITLE_TEXT(doc)))
    squashed_head = squash(head_title)
    candidates: list[str] = []
    for el in _HEADINGS(doc):
        text = fold_ws(text_content(el))
        if 4 <= len(text) <= 150 and (not site_name or squash(text) != squash(site_name)):
            candidates.append(text)
    if first_line and 4 <= len(first_line) <= 150:
        candidates.append(first_line)
    inside = [c for c in candidates if squash(c) in squashed_head]
    if inside:
        return max(inside, key=len)
    if head_title:
        stripped = strip_site_suffix(head_title, site_name)
        if stripped and (not site_name or squash(stripped) != squash(site_name)):
            return stripped
    return candidates[0] if candidates else None


def url_date(url: str) -> str | None:
    for pattern in _URL_DATES:
        match = pattern.search(url)
        if match:
            return parse_date(f"{match[1]}-{match[2]}-{match[3]}")
    return None


def signature(lines: list[str]) -> Signature:
    """The issuing organ and date printed at the end of a policy (落款).

    The last line that is only a date, within the last lines of the text; the organ is the
    short line(s) just above it that read like a name, not a sentence nor a person's title.
    """
    # The last lines of prose; an annex table or attachment list may follow the signature.
    tail = [i for i, line in enumerate(lines) if "\t" not in line and not _ANNEX.match(line)]
    for i in reversed(tail[-12:]):
        if not _DATE_ONLY.match(lines[i]):
            continue
        issuers: list[str] = []
        j = i - 1
        while j >= 0 and len(issuers) < 3 and _ORG_LINE.match(lines[j]):
            if _PERSON_TITLE.match(lines[j]):
                break
            issuers.insert(0, fold_ws(lines[j]))
            j -= 1
        return Signature(" ".join(issuers) or None, parse_date(lines[i]))
    return Signature(None, None)


def effective_date(text: str) -> str | None:
    """``本办法自2022年1月1日起施行`` → 2022-01-01."""
    match = _EFFECTIVE.search(text)
    return parse_date(match[1]) if match else None
