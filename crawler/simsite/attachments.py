"""Real attachment files (DOCX, XLSX, PDF) built from an attachment's text.

DOCX and XLSX come from python-docx and openpyxl. The PDF is written by hand: a single-page
document using the Adobe standard CJK font STSong-Light with the UniGB-UTF16-H encoding, the
same construction PDF libraries use for Chinese without embedding a font; text extractors
(pypdf) decode it to Unicode.
"""

from __future__ import annotations

import io
import textwrap

import docx
import openpyxl

from crawler.simsite.policies import Attachment

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def build(attachment: Attachment) -> bytes:
    if attachment.type == "docx":
        return _docx(attachment.lines)
    if attachment.type == "xlsx":
        return _xlsx(attachment.rows)
    return _pdf(attachment.lines)


def _docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pdf_text(line: str) -> bytes:
    return b"<" + line.encode("utf-16-be").hex().upper().encode() + b">"


def _pdf(lines: list[str], width: int = 50) -> bytes:
    wrapped = [part for line in lines for part in textwrap.wrap(line, width) or [""]]
    content = b"BT /F1 9 Tf 50 800 Td 14 TL\n"
    content += b"".join(_pdf_text(line) + b" Tj T*\n" for line in wrapped) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light "
        b"/Encoding /UniGB-UTF16-H /DescendantFonts [5 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor 6 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
