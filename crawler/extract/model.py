"""The extracted document: the shape every consumer (storage, compare, CLI) relies on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Order of the DESIGN contract (`extract --json`): these keys come first so that users'
# scripts reading the JSON see the documented fields at the top.
_DESIGN_FIELDS = ("url", "title", "text", "published", "doc_number", "issuer", "attachments")


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str
    type: str  # lowercase extension: pdf, docx, xlsx, doc, wps, ofd, zip, xls


@dataclass
class PolicyDocument:
    url: str
    title: str | None
    text: str
    published: str | None = None
    written: str | None = None
    effective: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    index_number: str | None = None
    cited: list[str] = field(default_factory=list)
    site_name: str | None = None
    column: str | None = None
    keywords: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    encoding: str = "utf-8"
    spam_detected: bool = False
    extraction_uncertain: bool = False
    method: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        ordered = {key: data.pop(key) for key in _DESIGN_FIELDS}
        ordered.update(data)
        return ordered
