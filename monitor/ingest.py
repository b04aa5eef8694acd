"""Apply one fetch result to the database: snapshot, page state, event, outbox rows — atomically.

Everything a result changes is written in one transaction, so a crash between fetching and
alerting either keeps the new version *and* its alerts, or neither; the next crawl then sees the
change again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.schema import Config
from crawler.extract import boilerplate_lines, extract, is_soft_404, strip_boilerplate
from crawler.items import FetchResult
from crawler.listing import canonical_url
from monitor.compare import compare, comparison_key
from monitor.lifecycle import (
    MISSING_STATUSES,
    redirected_elsewhere,
    redirected_home,
    removal_due,
)
from monitor.notify import enqueue
from storage.blobs import SiteCodecs, put_blob
from storage.db import Database
from storage.models import Event, Page, Snapshot, Source
from storage.repo import ListingState, page_by_url, recent_key_hashes, record_site_lines

log = logging.getLogger("regwatch.ingest")

SILENT_TYPES = frozenset({"cosmetic", "moved"})


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_hash(text: str) -> str:
    return text_hash(comparison_key(text))


@dataclass
class IngestStats:
    fetched: int = 0
    not_modified: int = 0
    errors: int = 0
    unstored: int = 0  # results lost to a storage error: their listings must be read again
    events: Counter[str] = field(default_factory=Counter)
    event_ids: list[int] = field(default_factory=list)
    error_messages: list[str] = field(default_factory=list)


class Ingestor:
    """Writes results in batches — one transaction per batch, a savepoint per result — because
    one transaction per page would make an unchanged re-crawl a stream of tiny commits."""

    def __init__(
        self,
        db: Database,
        config: Config,
        *,
        notify: bool = True,
        batch_size: int = 200,
        max_delay: float = 2.0,
        boilerplate: Callable[[str], frozenset[str]] | None = None,
    ) -> None:
        self.db = db
        self.boilerplate = boilerplate or (lambda _site: frozenset())
        self.codecs = SiteCodecs()
        self.config = config
        self.notify = notify
        self.batch_size = batch_size
        self.max_delay = max_delay
        self.stats: dict[str, IngestStats] = {}
        # Listing pages read in this crawl, per source: saved when the source's run completes.
        self.listings: dict[str, dict[str, ListingState]] = {}
        self._pending: list[FetchResult] = []
        self.failure: str | None = None
        self._oldest = 0.0

    def add(self, result: FetchResult) -> None:
        stats = self.stats.setdefault(result.source_id, IngestStats())
        if result.kind == "listing":
            if result.error:
                stats.errors += 1
                stats.error_messages.append(f"{result.url}: {result.error}")
            elif result.listing is not None:
                self.listings.setdefault(result.source_id, {})[result.url] = result.listing
            return
        if not self._pending:
            self._oldest = time.monotonic()
        self._pending.append(result)
        if (
            len(self._pending) >= self.batch_size
            or time.monotonic() - self._oldest > self.max_delay
        ):
            self.flush()

    def flush(self) -> list[Event]:
        batch, self._pending = self._pending, []
        if not batch:
            return []
        try:
            applied = self._write(batch)
        except Exception as exc:  # the batch is lost: the crawl must not count as a baseline
            log.exception("could not store a batch of %d results", len(batch))
            self.failure = f"{type(exc).__name__}: {exc}"
            for result in batch:
                self.stats.setdefault(result.source_id, IngestStats()).errors += 1
            raise
        created: list[Event] = []
        for stats, events in applied:
            for event in events:
                stats.events[event.type] += 1
                stats.event_ids.append(event.id)
                log.info("event type=%s source=%s url=%s", event.type, event.source_id, event.url)
            created.extend(events)
        return created

    def _write(self, batch: list[FetchResult]) -> list[tuple[IngestStats, list[Event]]]:
        applied: list[tuple[IngestStats, list[Event]]] = []
        with self.db.write() as session:
            urls: set[str | None] = {r.url for r in batch}
            urls.update(r.parent_url for r in batch)
            pages = _pages_by_url(session, urls)
            for result in batch:
                stats = self.stats.setdefault(result.source_id, IngestStats())
                apply = _Apply(
                    session, self.config, result, stats, self.boilerplate, pages, self.codecs
                )
                if result.status in (304, None):
                    apply.run()  # bookkeeping on the page only: nothing worth a savepoint
                    continue
                try:
                    with session.begin_nested():
                        events = apply.run()
                        if self.notify:
                            for event in events:
                                enqueue(session, event, self.config, now=result.fetched_at)
                except Exception as exc:  # one bad page must not lose the batch
                    log.exception("could not store %s", result.url)
                    stats.errors += 1
                    stats.unstored += 1
                    stats.error_messages.append(f"{result.url}: {type(exc).__name__}: {exc}")
                    continue
                applied.append((stats, events))
        return applied


class _Apply:
    def __init__(
        self,
        session: Session,
        config: Config,
        result: FetchResult,
        stats: IngestStats,
        boilerplate: Callable[[str], frozenset[str]],
        pages: dict[str, Page],
        codecs: SiteCodecs,
    ) -> None:
        self.session = session
        self.pages = pages
        self.codecs = codecs
        self.config = config
        self.r = result
        self.stats = stats
        self.now = result.fetched_at
        source = session.get(Source, result.source_id)
        if source is None:
            raise LookupError(f"unknown source {result.source_id!r}")
        self.source = source
        self.events: list[Event] = []
        self.site = urlsplit(result.final_url or result.url).netloc
        self.learnt = boilerplate(self.site)

    def run(self) -> list[Event]:
        r = self.r
        page = self.pages.get(r.url)
        if page is None:
            page = self._new_page()
            self.pages[r.url] = page
        page.last_checked_at = self.now
        if r.status is None:
            self._fetch_error(page, r.error or "no response")
        elif r.status == 304:
            self.stats.not_modified += 1
            self._present(page)
        elif r.status in MISSING_STATUSES or redirected_home(r.url, r.final_url):
            self._missing(page)
        elif r.status != 200:
            self._fetch_error(page, f"HTTP {r.status}")
        else:
            self.stats.fetched += 1
            self._fetched(page)
        return self.events

    def _new_page(self) -> Page:
        parent = self.pages.get(self.r.parent_url) if self.r.parent_url else None
        page = Page(
            source_id=self.source.id,
            url=self.r.url,
            kind=self.r.kind,
            parent_id=parent.id if parent else None,
            first_seen_at=self.now,
        )
        self.session.add(page)
        self.session.flush()
        return page

    def _count_error(self, message: str) -> None:
        self.stats.errors += 1
        self.stats.error_messages.append(f"{self.r.url}: {message}")

    def _fetch_error(self, page: Page, message: str) -> None:
        """A failed fetch says nothing about the policy: count it, never call it removed."""
        page.error_count += 1
        page.last_error = message
        if not page.versions:
            page.status = "error"
        page.last_status = self.r.status
        self._count_error(message)

    def _present(self, page: Page) -> None:
        page.error_count = 0
        page.last_error = None
        page.missing_count = 0
        page.missing_since = None
        page.last_status = self.r.status
        if self.r.etag or self.r.last_modified:
            page.etag, page.last_modified = self.r.etag, self.r.last_modified
        if page.status in ("missing", "error"):
            page.status = "active"

    def _missing(self, page: Page) -> None:
        page.last_status = self.r.status
        page.error_count = 0
        if page.status == "removed":
            return
        page.missing_count += 1
        page.missing_since = page.missing_since or self.now
        removal = self.config.removal
        if page.versions and removal_due(
            page.missing_count,
            page.missing_since,
            self.now,
            after=removal.after,
            grace=removal.grace,
        ):
            page.status = "removed"
            page.etag = page.last_modified = page.raw_hash = None
            self._event(page, "removed", significance=3, summary_text=f"页面已删除: {page.url}")
        else:
            page.status = "missing"

    def _fetched(self, page: Page) -> None:
        r = self.r
        was = page.status
        moved = self._follow_redirect(page)
        if r.raw_unchanged:
            self._present(page)
            if moved:
                self._moved(page)
            return
        if r.document is not None and is_soft_404(r.document):
            self._missing(page)
            return
        text, title, meta, spam = self._content()
        last = self.session.get(Snapshot, page.last_snapshot_id) if page.last_snapshot_id else None
        self._present(page)
        page.raw_hash = r.raw_hash
        if last is not None and last.text == text and last.title == title:
            if moved:
                self._moved(page)
            if was == "removed":
                page.status = "active"
                self._event(page, "restored", significance=2, summary_text="页面已恢复")
            return
        snapshot = self._snapshot(page, text, title, meta)
        if last is None:
            self._record_site_lines()
            if (
                page.kind == "policy"
                and self.source.baseline_at is not None
                and was != "removed"
                and not self._known_elsewhere(page, snapshot)
            ):
                self._event(
                    page,
                    "new",
                    silent=self._published_long_ago(meta),
                    significance=3,
                    to_snapshot=snapshot,
                    summary=_new_summary(meta),
                    summary_text=_new_summary_text(title, meta),
                    spam=spam,
                )
            return
        if was == "removed":
            page.status = "active"
            self._event(page, "restored", significance=2, from_snapshot=last, to_snapshot=snapshot)
            return
        self._changed(page, last, snapshot, spam)

    def _follow_redirect(self, page: Page) -> bool:
        """Note where a redirect leads; True when that is news. Once the target is a page we
        watch anyway, the old URL is retired, so one change is never reported twice."""
        r = self.r
        if not redirected_elsewhere(r.url, r.final_url):
            return False
        assert r.final_url is not None
        target = page_by_url(self.session, canonical_url(r.final_url))
        if target is not None and target.id != page.id:
            page.status = "moved"
        if page.moved_to == r.final_url:
            return False
        page.moved_to = r.final_url
        return True

    def _moved(self, page: Page) -> None:
        self._event(page, "moved", significance=0, summary_text=f"页面已迁移: {page.moved_to}")

    def _known_elsewhere(self, page: Page, snapshot: Snapshot) -> bool:
        """A 'new' URL whose text this source already holds is a move or a duplicate link."""
        twin = self.session.scalar(
            select(Page.id)
            .join(Snapshot, Snapshot.id == Page.last_snapshot_id)
            .where(
                Page.source_id == page.source_id,
                Page.id != page.id,
                Snapshot.key_hash == snapshot.key_hash,
            )
            .limit(1)
        )
        return twin is not None

    def _changed(self, page: Page, last: Snapshot, snapshot: Snapshot, spam: bool) -> None:
        # A version stored before the site's boilerplate was learnt still carries those lines;
        # losing them is not a change of the policy.
        old_text = strip_boilerplate(last.text, self.learnt)
        comparison = compare(
            old_text,
            snapshot.text,
            old_title=last.title,
            new_title=snapshot.title,
            old_attachments=_attachments(last),
            new_attachments=_attachments(snapshot),
        )
        if comparison.kind == "same":
            return
        flapping = False
        if comparison.kind == "cosmetic":
            etype = "cosmetic"
        else:
            window = self.config.compare.revert_window
            earlier = recent_key_hashes(self.session, page.id, window + 2)[2:]
            etype = "reverted" if snapshot.key_hash in earlier else "changed"
            flapping = etype == "reverted" and self._reverted_lately(page, window)
        summary = comparison.summary()
        if page.kind == "attachment" and page.parent_id is not None:
            parent = self.session.get(Page, page.parent_id)
            summary["policy"] = {"url": parent.url, "title": parent.title} if parent else None
        page.last_changed_at = self.now
        self._event(
            page,
            etype,
            significance=comparison.significance if etype != "cosmetic" else 0,
            silent=flapping,
            from_snapshot=last,
            to_snapshot=snapshot,
            summary=summary,
            summary_text=comparison.summary_text(),
            diff=comparison.unified_diff(),
            spam=spam,
        )

    def _reverted_lately(self, page: Page, window: int) -> bool:
        """The first return to an earlier text is news; a page flapping between texts is not."""
        recent = self.session.scalars(
            select(Event.type)
            .where(Event.page_id == page.id)
            .order_by(Event.id.desc())
            .limit(window)
        )
        return "reverted" in set(recent)

    def _published_long_ago(self, meta: dict[str, Any]) -> bool:
        published = meta.get("published")
        if not published:
            return False
        try:
            day = date.fromisoformat(published)
        except ValueError:
            return False
        return self.now.date() - day > self.config.compare.new_max_age

    def _content(self) -> tuple[str, str | None, dict[str, Any], bool]:
        r = self.r
        if r.document is not None:
            doc = r.document
            meta = doc.to_json()
            for key in ("url", "title", "text"):
                meta.pop(key, None)
            return doc.text, doc.title, meta, doc.spam_detected
        name = urlsplit(r.url).path.rsplit("/", 1)[-1]
        return r.attachment_text or "", name, {"attachment": True}, False

    def _snapshot(self, page: Page, text: str, title: str | None, meta: dict[str, Any]) -> Snapshot:
        r = self.r
        assert r.body is not None and r.raw_hash is not None
        if page.kind == "policy":
            self.codecs.observe(self.session, self.site, r.body)
        compressor = self.codecs.compressor(self.session, self.site)
        put_blob(self.session, r.body, r.raw_hash, compressor)
        page.versions += 1
        snapshot = Snapshot(
            page_id=page.id,
            version=page.versions,
            fetched_at=self.now,
            url=r.final_url or r.url,
            http_status=r.status or 200,
            content_type=r.content_type,
            encoding=meta.get("encoding"),
            etag=r.etag,
            last_modified=r.last_modified,
            raw_hash=r.raw_hash,
            title=title,
            text_hash=text_hash(text),
            key_hash=key_hash(text),
            meta=meta,
        )
        snapshot.set_text(text, compressor)
        self.session.add(snapshot)
        self.session.flush()
        page.last_snapshot_id = snapshot.id
        page.title = title or page.title
        return snapshot

    def _record_site_lines(self) -> None:
        """Count lines as the page is without this site's learnt boilerplate, so a learnt line
        keeps being counted and never drops out of the set (which would change texts back)."""
        r = self.r
        if r.document is None or r.body is None:
            return
        text = r.document.text
        if self.learnt:
            text = extract(r.body, r.final_url or r.url, content_type=r.content_type).text
        record_site_lines(self.session, self.site, boilerplate_lines(text))

    def _event(
        self,
        page: Page,
        etype: str,
        *,
        significance: int,
        from_snapshot: Snapshot | None = None,
        to_snapshot: Snapshot | None = None,
        summary: dict[str, Any] | None = None,
        summary_text: str = "",
        diff: str = "",
        spam: bool = False,
        silent: bool = False,
    ) -> None:
        event = Event(
            type=etype,
            page_id=page.id,
            source_id=self.source.id,
            detected_at=self.now,
            url=page.url,
            new_url=page.moved_to if page.moved_to and page.moved_to != page.url else None,
            title=page.title,
            significance=significance,
            silent=silent or etype in SILENT_TYPES,
            from_snapshot_id=from_snapshot.id if from_snapshot else None,
            to_snapshot_id=to_snapshot.id if to_snapshot else None,
            summary=summary or {},
            summary_text=summary_text,
            diff=diff,
            spam_detected=spam,
        )
        self.session.add(event)
        self.session.flush()
        self.events.append(event)


def _pages_by_url(session: Session, urls: set[str | None]) -> dict[str, Page]:
    """The batch's pages in one query per 500 URLs, instead of one query per result."""
    wanted = sorted(u for u in urls if u)
    pages: dict[str, Page] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        pages.update((p.url, p) for p in session.scalars(select(Page).where(Page.url.in_(chunk))))
    return pages


def _attachments(snapshot: Snapshot) -> dict[str, str]:
    """A policy's attachment links: added or dropped files are part of the policy's change; a
    file's own content is watched, and its changes reported, on the attachment's page."""
    listed = snapshot.meta.get("attachments") or []
    return {a["url"]: a["url"] for a in listed if isinstance(a, dict) and "url" in a}


def _new_summary(meta: dict[str, Any]) -> dict[str, Any]:
    keys = ("published", "doc_number", "issuer", "effective")
    return {k: meta.get(k) for k in keys if meta.get(k)}


def _new_summary_text(title: str | None, meta: dict[str, Any]) -> str:
    parts = [f"新发布: {title or ''}".strip()]
    if meta.get("doc_number"):
        parts.append(f"文号: {meta['doc_number']}")
    if meta.get("published"):
        parts.append(f"发布日期: {meta['published']}")
    return "\n".join(parts)
