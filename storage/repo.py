"""Queries shared by the crawler, the monitor and the web UI; plain values in, rows out."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Event,
    ListingPage,
    Page,
    SiteLine,
    SiteStat,
    Snapshot,
    Source,
    Subscription,
)


@dataclass(frozen=True)
class KnownPage:
    """What a crawl needs to ask for a page conditionally and to skip unchanged bytes."""

    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    raw_hash: str | None
    status: str
    parent_url: str | None


def sync_sources(session: Session, sources: Sequence[dict[str, Any]]) -> None:
    """Upsert the config's sources; ones gone from the file are kept (history) but marked."""
    wanted = {s["id"]: s for s in sources}
    for row in session.scalars(select(Source)):
        spec = wanted.pop(row.id, None)
        row.in_config = spec is not None
        if spec is not None:
            row.name, row.region, row.topics = spec["name"], spec.get("region"), spec["topics"]
            row.schedule = spec["schedule"]
    for spec in wanted.values():
        session.add(
            Source(
                id=spec["id"],
                name=spec["name"],
                region=spec.get("region"),
                topics=spec["topics"],
                schedule=spec["schedule"],
            )
        )
    session.flush()


def sync_subscriptions(session: Session, subscriptions: Sequence[dict[str, Any]]) -> None:
    wanted = {s["id"]: s for s in subscriptions}
    for row in session.scalars(select(Subscription)):
        spec = wanted.pop(row.id, None)
        row.in_config = spec is not None
        if spec is not None:
            row.spec = spec
    for sub_id, spec in wanted.items():
        session.add(Subscription(id=sub_id, spec=spec))
    session.flush()


def known_pages(session: Session, source_id: str) -> dict[str, KnownPage]:
    parent = Page.__table__.alias("parent")
    rows = session.execute(
        select(
            Page.url,
            Page.kind,
            Page.etag,
            Page.last_modified,
            Page.raw_hash,
            Page.status,
            parent.c.url,
        )
        .outerjoin(parent, parent.c.id == Page.parent_id)
        .where(Page.source_id == source_id)
    )
    return {row[0]: KnownPage(*row) for row in rows}


@dataclass(frozen=True)
class ListingState:
    """What a crawl needs to ask for a listing page conditionally, and to go on without it."""

    etag: str | None
    last_modified: str | None
    body_hash: str
    next_pages: tuple[str, ...]
    follow: str | None  # the source's link rule when the listing was read


def listing_states(session: Session, source_id: str) -> dict[str, ListingState]:
    rows = session.execute(
        select(
            ListingPage.url,
            ListingPage.etag,
            ListingPage.last_modified,
            ListingPage.body_hash,
            ListingPage.next_pages,
            ListingPage.follow,
        ).where(ListingPage.source_id == source_id)
    )
    return {
        url: ListingState(etag, lm, digest, tuple(nxt), follow)
        for url, etag, lm, digest, nxt, follow in rows
    }


def save_listing_states(
    session: Session, source_id: str, states: Mapping[str, ListingState], now: datetime
) -> None:
    """Replace the source's listing pages with those of a completed crawl (pages no longer
    reached are dropped with the rest)."""
    session.execute(delete(ListingPage).where(ListingPage.source_id == source_id))
    session.add_all(
        ListingPage(
            source_id=source_id,
            url=url,
            etag=state.etag,
            last_modified=state.last_modified,
            body_hash=state.body_hash,
            next_pages=list(state.next_pages),
            follow=state.follow,
            checked_at=now,
        )
        for url, state in states.items()
    )


def page_by_url(session: Session, url: str) -> Page | None:
    return session.scalar(select(Page).where(Page.url == url))


def snapshots_of(session: Session, page_id: int) -> list[Snapshot]:
    return list(
        session.scalars(
            select(Snapshot).where(Snapshot.page_id == page_id).order_by(Snapshot.version)
        )
    )


def recent_key_hashes(session: Session, page_id: int, limit: int) -> list[str]:
    """Comparison-key hashes of a page's latest versions, newest first (for the flapping guard)."""
    return list(
        session.scalars(
            select(Snapshot.key_hash)
            .where(Snapshot.page_id == page_id)
            .order_by(Snapshot.version.desc())
            .limit(limit)
        )
    )


def events_since(
    session: Session,
    since: datetime | None = None,
    source_id: str | None = None,
    types: Iterable[str] | None = None,
    limit: int = 100,
) -> list[Event]:
    query = select(Event).order_by(Event.detected_at.desc(), Event.id.desc()).limit(limit)
    if since is not None:
        query = query.where(Event.detected_at >= since)
    if source_id is not None:
        query = query.where(Event.source_id == source_id)
    if types is not None:
        query = query.where(Event.type.in_(list(types)))
    return list(session.scalars(query))


def _line_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def record_site_lines(session: Session, site: str, lines: Iterable[str]) -> None:
    """Count, per site, the pages that carry each line (each page counted once per line)."""
    stat = session.get(SiteStat, site)
    if stat is None:
        stat = SiteStat(site=site, pages=0)
        session.add(stat)
    stat.pages += 1
    wanted = {_line_hash(line): line for line in set(lines)}
    if not wanted:
        return
    existing = set(
        session.scalars(
            select(SiteLine.line_hash).where(
                SiteLine.site == site, SiteLine.line_hash.in_(list(wanted))
            )
        )
    )
    if existing:
        session.execute(
            update(SiteLine)
            .where(SiteLine.site == site, SiteLine.line_hash.in_(list(existing)))
            .values(pages=SiteLine.pages + 1)
        )
    session.add_all(
        SiteLine(site=site, line_hash=digest, line=line, pages=1)
        for digest, line in wanted.items()
        if digest not in existing
    )
    session.flush()


def site_boilerplate(
    session: Session, site: str, *, min_pages: int = 5, share: float = 0.6
) -> frozenset[str]:
    """Lines found on at least `share` of a site's pages once it has `min_pages` of them."""
    stat = session.get(SiteStat, site)
    if stat is None or stat.pages < min_pages:
        return frozenset()
    threshold = max(min_pages, int(stat.pages * share))
    rows = session.scalars(
        select(SiteLine.line).where(SiteLine.site == site, SiteLine.pages >= threshold)
    )
    return frozenset(rows)
