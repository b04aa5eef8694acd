"""Policy documents of the simulated site: the YAML texts and their mutable, per-site state."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from typing import Any, Literal

import yaml

AttachmentType = Literal["docx", "xlsx", "pdf"]
Status = Literal["active", "404", "410", "soft404"]


@dataclass
class Attachment:
    name: str
    type: AttachmentType
    lines: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def text(self) -> str:
        """Expected extracted text: lines, or table rows with tab-separated cells."""
        if self.type == "xlsx":
            return "\n".join("\t".join(row) for row in self.rows)
        return "\n".join(self.lines)

    def replace(self, old: str, new: str) -> int:
        count = sum(line.count(old) for line in self.lines)
        count += sum(cell.count(old) for row in self.rows for cell in row)
        self.lines = [line.replace(old, new) for line in self.lines]
        self.rows = [[cell.replace(old, new) for cell in row] for row in self.rows]
        return count


@dataclass
class Policy:
    """One policy page. `body` + `signature` are the paragraphs of the article, in order."""

    id: str
    site_id: str
    doc_id: int
    title: str
    issuer: str
    published: datetime
    body: list[str]
    signature: list[str] = field(default_factory=list)
    doc_number: str = ""
    written: date | None = None
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    reserve: bool = False
    # --- mutable serving state ---
    status: Status = "active"
    url_doc_id: int = 0
    moved_from: list[str] = field(default_factory=list)
    spam: Literal["", "inside", "outside"] = ""

    def __post_init__(self) -> None:
        if not self.url_doc_id:
            self.url_doc_id = self.doc_id

    @property
    def paragraphs(self) -> list[str]:
        return [*self.body, *self.signature]

    @property
    def online(self) -> bool:
        return not self.reserve

    def gold_text(self) -> str:
        return gold_text([self.title, *self.paragraphs])


def gold_text(texts: list[str]) -> str:
    """What a perfect extractor returns: one line per paragraph (a hard line break inside a
    paragraph starts a new line), whitespace inside a line folded to one space."""
    lines = (" ".join(line.split()) for text in texts for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _lines(block: Any) -> list[str]:
    if not block:
        return []
    if isinstance(block, list):
        return [str(x).strip() for x in block if str(x).strip()]
    return [line.strip() for line in str(block).splitlines() if line.strip()]


def _policy(raw: dict[str, Any]) -> Policy:
    attachments = [
        Attachment(
            name=a["name"],
            type=a["type"],
            lines=[str(x) for x in a.get("lines", [])],
            rows=[[str(c) for c in row] for row in a.get("rows", [])],
        )
        for a in raw.get("attachments", [])
    ]
    return Policy(
        id=raw["id"],
        site_id=raw["site"],
        doc_id=int(raw["doc_id"]),
        title=raw["title"].strip(),
        issuer=raw["issuer"],
        published=datetime.strptime(raw["published"], "%Y-%m-%d %H:%M"),
        body=_lines(raw["body"]),
        signature=_lines(raw.get("signature")),
        doc_number=raw.get("doc_number", ""),
        written=raw.get("written"),
        subject=raw.get("subject", ""),
        keywords=list(raw.get("keywords", [])),
        attachments=attachments,
        reserve=bool(raw.get("reserve", False)),
    )


@functools.cache
def _catalogue() -> tuple[Policy, ...]:
    text = resources.files("crawler.simsite").joinpath("policies.yaml").read_text(encoding="utf-8")
    return tuple(_policy(raw) for raw in yaml.safe_load(text))


def load_policies() -> list[Policy]:
    """Fresh, independently mutable copies of the packaged policies (file order)."""
    return copy.deepcopy(list(_catalogue()))
