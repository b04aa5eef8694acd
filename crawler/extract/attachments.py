"""Attachments: the files a policy links (its annexes, forms, the signed original), and their
text where a well-kept library can read them.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from lxml import etree

from crawler.extract.model import Attachment
from crawler.extract.tree import text_content
from crawler.extract.zh import fold_ws

TYPES = ("pdf", "docx", "xlsx", "doc", "wps", "ofd", "zip", "xls", "rar", "et", "pptx", "ppt")
_EXT = re.compile(r"\.(" + "|".join(TYPES) + r")$", re.IGNORECASE)
# A link can only resolve to a file type that it or the base URL spells out, unless percent
# escapes or the tabs and newlines URL parsing drops are involved: other links (most of a page's)
# are passed over without resolving them.
_MAY_NAME_FILE = re.compile(r"\.(?:" + "|".join(TYPES) + r")|[%\t\r\n]", re.IGNORECASE)
_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/zip": "zip",
    "application/ofd": "ofd",
}


def attachment_type(url: str) -> str | None:
    """The lowercase extension of an attachment URL (path, or a ``filename=`` query value)."""
    parts = urlsplit(url)
    for candidate in (unquote(parts.path), *(value for _, value in parse_qsl(parts.query))):
        match = _EXT.search(candidate.strip())
        if match:
            return match[1].lower()
    return None


def _name(link: etree._Element, url: str) -> str:
    text = fold_ws(text_content(link)) or fold_ws(link.get("title") or "")
    return text or unquote(posixpath.basename(urlsplit(url).path))


def find_attachments(roots: Iterable[etree._Element], base_url: str) -> list[Attachment]:
    """Links to files under the given elements, absolute, without repeats, in page order."""
    seen: dict[str, Attachment] = {}
    any_link = bool(_MAY_NAME_FILE.search(base_url))
    for root in roots:
        for link in root.iter("a"):
            href = (link.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#", "mailto:")):
                continue
            if not any_link and not _MAY_NAME_FILE.search(href):
                continue
            url = urljoin(base_url, href)
            kind = attachment_type(url)
            if kind and url not in seen:
                seen[url] = Attachment(url=url, name=_name(link, url), type=kind)
    return list(seen.values())


def _sniff(body: bytes, url: str, content_type: str | None) -> str | None:
    if body.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(b"PK"):
        import zipfile  # only attachments are zipped; page extraction never needs it

        try:
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if content_type:
        kind = _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
        if kind:
            return kind
    return attachment_type(url)


def _pdf(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return "\n".join((page.extract_text() or "").strip() for page in reader.pages)


def _docx(body: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(body))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [fold_ws(c.text) for c in row.cells]
            lines.append("\t".join(c for c in dict.fromkeys(cells) if c))
    return "\n".join(lines)


def _xlsx(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    lines: list[str] = []
    for sheet in book.worksheets:
        lines.append(str(sheet.title))
        for row in sheet.iter_rows(values_only=True):
            cells = [fold_ws(str(v)) for v in row if v is not None and str(v).strip()]
            if cells:
                lines.append("\t".join(cells))
    book.close()
    return "\n".join(lines)


_READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx}


def extract_attachment_text(body: bytes, url: str, content_type: str | None = None) -> str | None:
    """Text of a PDF, DOCX or XLSX attachment; None for formats without a reader (DOC, WPS,
    OFD, ZIP …) and for files that cannot be read (those are still watched by their hash)."""
    kind = _sniff(body, url, content_type)
    reader = _READERS.get(kind or "")
    if reader is None:
        return None
    try:
        text = reader(body)
    except Exception:  # a corrupt or encrypted file: its hash still records changes
        return None
    lines = [fold_ws(line) if "\t" not in line else line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)
