"""What the pages, feeds and API read: filtered, keyset-paginated queries over stored history.

Pagination is by key, not offset: a cursor names the last row shown, so new events arriving
while someone pages back in time neither repeat nor skip rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from config.schema import SubscriptionConfig
from monitor.notify.enqueue import changed_text
from monitor.notify.matching import EventFacts, wants
from storage.models import Event, Outbox, Page, Snapshot, Source

MAX_LIMIT = 200


class BadCursor(ValueError):
    """A cursor this server did not hand out."""


# Row ids are 32-bit integers on PostgreSQL: larger numbers name nothing and must not reach SQL.
MAX_ID = 2**31 - 1
CURSOR_PATTERN = r"^[0-9]{1,9}$"


def decode_cursor(text: str) -> int:
    """A cursor is the id of the last row shown (an event or a page)."""
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise BadCursor(text)
    return int(text)


@dataclass(frozen=True)
class ChangeFilter:
    """The timeline's filters; dates are whole days in the display time zone, both included."""

    source: str | None = None
    region: str | None = None
    topic: str | None = None
    types: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    keyword: str | None = None
    include_silent: bool = False
    page_id: int | None = None
    timezone: str = "Asia/Shanghai"

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """UTC instants; a day at the ends of the calendar (0001-01-01) bounds nothing."""
        zone = ZoneInfo(self.timezone)

        def start_of(day: date | None) -> datetime | None:
            try:
                return datetime.combine(day, time(), zone).astimezone(UTC) if day else None
            except OverflowError:
                return None

        try:
            after_until = self.until + timedelta(days=1) if self.until else None
        except OverflowError:
            after_until = None
        return start_of(self.since), start_of(after_until)


def _sources_matching(session: Session, region: str | None, topic: str | None) -> list[str]:
    """Regions nest by name (重庆 matches 重庆市渝中区), topics match whole; few sources, so
    this is done here rather than in JSON-column SQL that differs between databases."""
    ids = []
    for source in session.scalars(select(Source)):
        if region and region not in (source.region or ""):
            continue
        if topic and topic not in (source.topics or []):
            continue
        ids.append(source.id)
    return ids


def _unmatchable(*texts: str | None) -> bool:
    """A NUL character cannot be stored (PostgreSQL refuses it in text), so a filter holding
    one matches nothing; it must not reach the database, where it would be an error."""
    return any(text and "\x00" in text for text in texts)


def _filtered(session: Session, flt: ChangeFilter) -> Select[Event]:
    query = select(Event)
    if _unmatchable(flt.source, flt.keyword, *flt.types):
        return query.where(false())
    if flt.source:
        query = query.where(Event.source_id == flt.source)
    if flt.region or flt.topic:
        query = query.where(Event.source_id.in_(_sources_matching(session, flt.region, flt.topic)))
    if flt.types:
        query = query.where(Event.type.in_(flt.types))
    elif not flt.include_silent:
        query = query.where(Event.silent.is_(False))
    start, end = flt.bounds()
    if start is not None:
        query = query.where(Event.detected_at >= start)
    if end is not None:
        query = query.where(Event.detected_at < end)
    if flt.keyword:
        pattern = f"%{_escape_like(flt.keyword.strip())}%"
        query = query.where(
            or_(
                Event.title.ilike(pattern, escape="\\"),
                Event.summary_text.ilike(pattern, escape="\\"),
                Event.url.ilike(pattern, escape="\\"),
            )
        )
    if flt.page_id is not None:
        query = query.where(Event.page_id == flt.page_id)
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_changes(
    session: Session, flt: ChangeFilter, after_id: int | None, limit: int
) -> tuple[list[Event], int | None]:
    """One page of events, newest first (as `regwatch changes`), after the event `after_id`;
    and the cursor of the next page (None at the end). LookupError: no such event."""
    query = _filtered(session, flt).order_by(Event.detected_at.desc(), Event.id.desc())
    if after_id is not None:
        after = session.get(Event, after_id)
        if after is None:
            raise LookupError(f"the cursor names no change: {after_id}")
        query = query.where(
            or_(
                Event.detected_at < after.detected_at,
                and_(Event.detected_at == after.detected_at, Event.id < after.id),
            )
        )
    rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def changes_for_subscription(
    session: Session, subscription: SubscriptionConfig, limit: int, scan: int = 1000
) -> list[Event]:
    """The latest events the subscription's filters let through (the same test as alerts)."""
    query = select(Event).order_by(Event.detected_at.desc(), Event.id.desc()).limit(scan)
    if subscription.sources:
        query = query.where(Event.source_id.in_(subscription.sources))
    query = query.where(Event.type.in_(list(subscription.events)))
    chosen: list[Event] = []
    regions = {s.id: (s.region, tuple(s.topics or ())) for s in all_sources(session)}
    for event in session.scalars(query):
        region, topics = regions.get(event.source_id, (None, ()))
        facts = EventFacts(
            type=event.type,
            source_id=event.source_id,
            region=region,
            topics=topics,
            significance=event.significance,
            silent=event.silent,
            text=_matched_text(session, event) if subscription.keywords else "",
        )
        if wants(subscription, facts):
            chosen.append(event)
            if len(chosen) >= limit:
                break
    return chosen


def _matched_text(session: Session, event: Event) -> str:
    """What alert matching reads for keywords (monitor.notify.enqueue): title, summary, and
    the changed lines of the diff, or the whole text when there is no diff (a new policy)."""
    return "\n".join([event.title or "", event.summary_text or "", changed_text(session, event)])


@dataclass(frozen=True)
class PageFilter:
    source: str | None = None
    kind: str | None = None
    keyword: str | None = None


def find_pages(
    session: Session, flt: PageFilter, after_id: int | None, limit: int
) -> tuple[list[Page], int | None]:
    query = select(Page).order_by(Page.id.desc())
    if _unmatchable(flt.source, flt.kind, flt.keyword):
        query = query.where(false())
    if flt.source:
        query = query.where(Page.source_id == flt.source)
    if flt.kind:
        query = query.where(Page.kind == flt.kind)
    if flt.keyword:
        pattern = f"%{_escape_like(flt.keyword.strip())}%"
        query = query.where(
            or_(Page.title.ilike(pattern, escape="\\"), Page.url.ilike(pattern, escape="\\"))
        )
    if after_id is not None:
        query = query.where(Page.id < after_id)
    rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def latest_meta(session: Session, pages: Iterable[Page]) -> dict[int, dict[str, Any]]:
    """Each page's metadata as of its last stored version (文号, 发文机关, dates, attachments…)."""
    ids = {p.last_snapshot_id: p.id for p in pages if p.last_snapshot_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Snapshot.id, Snapshot.meta).where(Snapshot.id.in_(list(ids))))
    return {ids[snapshot_id]: meta or {} for snapshot_id, meta in rows}


@dataclass
class SourceFacts:
    """Per source: how many pages, how many of them failing, how many events."""

    pages: dict[str, int] = field(default_factory=dict)
    failing_pages: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)


def source_facts(session: Session) -> SourceFacts:
    def counted(query: Select[str, int]) -> dict[str, int]:
        return {key: count for key, count in session.execute(query)}

    return SourceFacts(
        pages=counted(select(Page.source_id, func.count()).group_by(Page.source_id)),
        failing_pages=counted(
            select(Page.source_id, func.count())
            .where(Page.error_count > 0)
            .group_by(Page.source_id)
        ),
        events=counted(select(Event.source_id, func.count()).group_by(Event.source_id)),
    )


def all_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


def outbox_counts(session: Session) -> dict[str, dict[str, int]]:
    """subscription id → status → rows."""
    counts: dict[str, dict[str, int]] = {}
    query = select(Outbox.subscription_id, Outbox.status, func.count()).group_by(
        Outbox.subscription_id, Outbox.status
    )
    for subscription_id, status, count in session.execute(query):
        counts.setdefault(subscription_id, {})[status] = count
    return counts


def recent_outbox(session: Session, subscription_id: str, limit: int = 20) -> list[Outbox]:
    query = (
        select(Outbox)
        .where(Outbox.subscription_id == subscription_id)
        .order_by(Outbox.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
