"""What a crawl hands to whoever stores it: one result per fetched (or failed) URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from crawler.extract import PolicyDocument
from storage.repo import ListingState


@dataclass
class FetchResult:
    source_id: str
    url: str
    kind: str  # "policy", "attachment" or "listing"
    status: int | None = None  # None when nothing was received (DNS, timeout, refused)
    final_url: str | None = None
    body: bytes | None = None
    raw_hash: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    raw_unchanged: bool = False
    document: PolicyDocument | None = None
    attachment_text: str | None = None
    parent_url: str | None = None
    listing: ListingState | None = None  # a listing page read (or known unchanged)
    error: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def not_modified(self) -> bool:
        return self.status == 304
