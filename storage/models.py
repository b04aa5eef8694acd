"""Tables. History is append-only (snapshots, events); pages and sources carry current state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import zstandard
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    object_session,
    relationship,
)
from sqlalchemy.types import TypeDecorator

from storage import codec


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC everywhere, returned aware, so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    region: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[list[Any]] = mapped_column(default=list)
    schedule: Mapped[str] = mapped_column(String(100), default="every 6h")
    in_config: Mapped[bool] = mapped_column(Boolean, default=True)
    baseline_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    last_crawl_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="policy")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    moved_to: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_checked_at: Mapped[datetime | None]
    last_changed_at: Mapped[datetime | None]
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    raw_hash: Mapped[str | None] = mapped_column(String(64))
    last_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshots.id", use_alter=True, name="fk_pages_last_snapshot")
    )
    versions: Mapped[int] = mapped_column(Integer, default=0)
    missing_count: Mapped[int] = mapped_column(Integer, default=0)
    missing_since: Mapped[datetime | None]
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None] = mapped_column(Integer)

    source: Mapped[Source] = relationship()


class Blob(Base):
    """Raw bodies, zstd-compressed and stored once per SHA-256."""

    __tablename__ = "blobs"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    codec: Mapped[str] = mapped_column(String(20), default="zstd")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Snapshot(Base):
    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("page_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    url: Mapped[str] = mapped_column(String(2000))
    http_status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str | None] = mapped_column(String(40))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    raw_hash: Mapped[str] = mapped_column(ForeignKey("blobs.hash"))
    title: Mapped[str | None] = mapped_column(Text)
    text_z: Mapped[bytes] = mapped_column(LargeBinary)
    chars: Mapped[int] = mapped_column(Integer, default=0)
    text_hash: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)

    @property
    def text(self) -> str:
        """The clean text, kept zstd-compressed (with the site's dictionary when it has one)."""
        cached: str | None = self.__dict__.get("_text")
        return cached if cached is not None else self.decode_text()

    @text.setter
    def text(self, value: str) -> None:
        self.set_text(value)

    def decode_text(self) -> str:
        """Decompress now, while the session that can load the site's dictionary is open."""
        session = object_session(self)
        text = codec.decompress(self.text_z, lambda i: dictionary(session, i)).decode()
        self.__dict__["_text"] = text
        return text

    def set_text(self, value: str, compressor: zstandard.ZstdCompressor | None = None) -> None:
        self.text_z = codec.compress(value.encode("utf-8"), compressor)
        self.chars = len(value)
        self.__dict__["_text"] = value


class ZstdDict(Base):
    """A site's trained compression dictionary; its id is the one written into every frame."""

    __tablename__ = "zstd_dicts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    site: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def dictionary(session: Session | None, dict_id: int) -> bytes | None:
    if session is None:
        return None
    row = session.get(ZstdDict, dict_id)
    return row.data if row is not None else None


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_detected", "detected_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    url: Mapped[str] = mapped_column(String(2000))
    new_url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    significance: Mapped[int] = mapped_column(Integer, default=0)
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    from_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id"))
    to_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id"))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary_text: Mapped[str] = mapped_column(Text, default="")
    diff: Mapped[str] = mapped_column(Text, default="")
    spam_detected: Mapped[bool] = mapped_column(Boolean, default=False)

    page: Mapped[Page] = relationship()
    source: Mapped[Source] = relationship()


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    in_config: Mapped[bool] = mapped_column(Boolean, default=True)
    last_digest_at: Mapped[datetime | None]


class Outbox(Base):
    """One row per (event, subscription, channel): the unique key makes alerts idempotent."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id", "channel_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"))
    channel_key: Mapped[str] = mapped_column(String(64))
    channel_label: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    # host:pid:start-time of the dispatcher holding the claim, so a restarted one on the same host
    # can take back rows its dead predecessor left in 'sending' without waiting for the lease.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    digest_id: Mapped[str | None] = mapped_column(String(100))

    event: Mapped[Event] = relationship()


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[float] = mapped_column(Float, default=0.0)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ListingPage(Base):
    """A listing page as the last completed crawl saw it. A listing that answers 304, or the
    same bytes, links to nothing new: every policy it linked to is already a page that the
    crawl asks for anyway, so it is not parsed again, and the next pages it linked to (kept
    here) are still followed. Only a crawl that completed and stored every page saves these: an
    interrupted one may not have reached every page its listings linked to. `follow` is the
    source's link rule the links were chosen with: under another rule the listing is read again."""

    __tablename__ = "listing_pages"

    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    body_hash: Mapped[str] = mapped_column(String(64))
    follow: Mapped[str | None] = mapped_column(Text)
    next_pages: Mapped[list[Any]] = mapped_column(default=list)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class SiteLine(Base):
    """How many pages of a site carry a line: lines on most pages are the site's boilerplate."""

    __tablename__ = "site_lines"

    site: Mapped[str] = mapped_column(String(255), primary_key=True)
    line_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    line: Mapped[str] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=0)


class SiteStat(Base):
    __tablename__ = "site_stats"

    site: Mapped[str] = mapped_column(String(255), primary_key=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
