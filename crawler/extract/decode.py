"""Bytes → text for Chinese government pages, which often declare their charset wrongly or only
in a ``<meta>`` tag.

Order: HTTP header, BOM, ``<meta charset>``, detection (charset-normalizer). A declaration is only
taken when the bytes decode under it (a handful of stray bytes is tolerated: real pages carry
them). GB2312/GBK are decoded as GB18030, their superset, so that rare characters in names
survive. Latin-1 and its relatives are never used: they decode anything and are never right for
a Chinese page, so such a declaration counts as no declaration.
"""

from __future__ import annotations

import codecs
import re

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "unicode": "utf-8",
    "utf8": "utf-8",
}
# Decodes every byte string, so it proves nothing; a page declaring it is treated as undeclared.
_NEVER = {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15", "cp1250", "mac-roman"}
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_\-:.]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of undecodable bytes a declared charset may leave before it is judged a lie.
_TOLERANCE = 0.001


def _canonical(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    name = _ALIASES.get(name, name)
    return None if name in _NEVER else name


def _try(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = body.decode(encoding, errors="replace")
    if text.count("\ufffd") <= max(2, len(body) * _TOLERANCE):
        return text
    return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not body.isascii()


def _declared(body: bytes, content_type: str | None) -> list[str]:
    out: list[str] = []
    header = _HEADER_CHARSET.search(content_type) if content_type else None
    if header and (name := _canonical(header[1])):
        out.append(name)
    out.extend(next(([bom_name] for bom, bom_name in _BOMS if body.startswith(bom)), []))
    meta = _META_CHARSET.search(body[:8192])
    if meta and (name := _canonical(meta[1].decode("ascii", "ignore"))):
        out.append(name)
    return out


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, name of the encoding used)."""
    for encoding in _declared(body, content_type):
        # A GB-family declaration over bytes that are valid UTF-8 is a template lie: GB18030
        # would decode them without error into mojibake, while non-ASCII bytes that happen to
        # form valid UTF-8 by chance are vanishingly rare.
        if encoding == "gb18030" and _is_utf8(body):
            return body.decode("utf-8"), "utf-8"
        text = _try(body, encoding)
        if text is not None:
            return text.lstrip("\ufeff"), encoding.removesuffix("-sig")
    if _is_utf8(body) or body.isascii():
        return body.decode("utf-8"), "utf-8"
    # Imported here: most pages are settled above, and the detector's tables weigh a few MB.
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    guess = _canonical(best.encoding) if best is not None else None
    for candidate in (guess, "gb18030"):
        if candidate:
            text = _try(body, candidate)
            if text is not None:
                return text, candidate
    return body.decode("utf-8", errors="replace"), "utf-8"
