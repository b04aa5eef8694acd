"""Read-side views of stored history, shared by the CLI and the web UI."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from crawler.listing import canonical_url
from monitor.compare import compare
from monitor.context import AppContext
from storage.models import Event, Page, Snapshot
from storage.repo import events_since, page_by_url, snapshots_of

EVENT_LABELS = {
    "new": "新发布",
    "changed": "内容变更",
    "cosmetic": "格式调整",
    "removed": "已删除",
    "moved": "已迁移",
    "restored": "已恢复",
    "reverted": "内容回退",
}
SILENT_BY_DEFAULT = frozenset({"cosmetic", "moved"})


def event_record(event: Event) -> dict[str, Any]:
    """The `changes --json` contract (DESIGN): stable keys first, extras after."""
    record: dict[str, Any] = {
        "id": event.id,
        "type": event.type,
        "url": event.url,
        "source": event.source_id,
        "title": event.title,
        "detected_at": event.detected_at.isoformat(),
        "significance": event.significance,
        "summary": event.summary_text,
    }
    if event.new_url:
        record["new_url"] = event.new_url
    record["details"] = event.summary
    record["silent"] = event.silent
    return record


def list_changes(
    ctx: AppContext,
    since: datetime | None,
    source: str | None,
    types: list[str] | None,
    include_silent: bool,
    limit: int,
    as_json: bool,
    console: Console,
) -> None:
    with ctx.db.read() as session:
        events = events_since(session, since, source, types, limit)
        if not include_silent and not types:
            events = [e for e in events if e.type not in SILENT_BY_DEFAULT]
        if as_json:
            for event in events:
                print(json.dumps(event_record(event), ensure_ascii=False))
            return
        table = Table("id", "detected", "type", "source", "title", "summary")
        for event in events:
            table.add_row(
                str(event.id),
                event.detected_at.strftime("%Y-%m-%d %H:%M"),
                EVENT_LABELS.get(event.type, event.type),
                event.source_id,
                event.title or event.url,
                event.summary_text.splitlines()[0] if event.summary_text else "",
            )
        console.print(table)


def list_errors(ctx: AppContext, as_json: bool, console: Console) -> None:
    with ctx.db.read() as session:
        pages = session.scalars(
            select(Page).where(Page.error_count > 0).order_by(Page.error_count.desc())
        ).all()
        rows = [
            {
                "url": p.url,
                "source": p.source_id,
                "errors": p.error_count,
                "last_error": p.last_error,
                "last_checked_at": p.last_checked_at.isoformat() if p.last_checked_at else None,
            }
            for p in pages
        ]
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table("url", "source", "errors", "last error")
    for row in rows:
        table.add_row(str(row["url"]), str(row["source"]), str(row["errors"]),
                      str(row["last_error"] or ""))  # fmt: skip
    console.print(table)


def _page(session: Any, url: str) -> Page:
    page = page_by_url(session, canonical_url(url)) or page_by_url(session, url)
    if page is None:
        raise LookupError(f"no stored page for {url}")
    return page


def show_diff(
    ctx: AppContext, url: str, from_version: int | None, to_version: int | None, fmt: str
) -> str:
    with ctx.db.read() as session:
        page = _page(session, url)
        versions = {s.version: s for s in snapshots_of(session, page.id)}
        if len(versions) < 2 and (from_version is None or to_version is None):
            raise LookupError(f"{url} has {len(versions)} version(s); nothing to compare")
        new = to_version or max(versions)
        old = from_version or max(v for v in versions if v < new)
        if old not in versions or new not in versions:
            raise LookupError(f"{url} has versions 1–{max(versions)}; no {old} or {new}")
        return render_diff(versions[old], versions[new], fmt)


def render_diff(old: Snapshot, new: Snapshot, fmt: str) -> str:
    comparison = compare(old.text, new.text, old_title=old.title, new_title=new.title)
    if fmt == "markdown":
        return comparison.markdown(max_chars=100_000)
    if fmt == "html":
        return comparison.html()
    versions = (
        f"v{old.version} ({old.fetched_at:%Y-%m-%d %H:%M}) → "
        f"v{new.version} ({new.fetched_at:%Y-%m-%d %H:%M})"
    )
    summary = comparison.summary_text()
    return "\n".join(part for part in (versions, summary, "", comparison.unified_diff()) if part)


def show_history(ctx: AppContext, url: str, as_json: bool, console: Console) -> None:
    with ctx.db.read() as session:
        page = _page(session, url)
        snapshots = snapshots_of(session, page.id)
        rows = [
            {
                "version": s.version,
                "fetched_at": s.fetched_at.isoformat(),
                "title": s.title,
                "chars": len(s.text),
                "raw_hash": s.raw_hash,
            }
            for s in snapshots
        ]
        status = page.status
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    console.print(f"{url} — {status}, {len(rows)} version(s)", markup=False)
    table = Table("version", "fetched", "title", "chars")
    for row in rows:
        table.add_row(str(row["version"]), str(row["fetched_at"])[:16], str(row["title"] or ""),
                      str(row["chars"]))  # fmt: skip
    console.print(table)


def show_latest_change(ctx: AppContext, url: str, event_ids: list[int], console: Console) -> None:
    """After a recrawl: the events it raised with their diffs, or the page's state."""
    with ctx.db.read() as session:
        page = page_by_url(session, url)
        if page is None:
            console.print(f"{url}: not stored (fetch failed)", markup=False)
            return
        events = [e for e in (session.get(Event, i) for i in event_ids) if e is not None]
        if not events:
            console.print(
                f"{url}: no change (version {page.versions}, status {page.status})", markup=False
            )
            return
        for event in events:
            console.print(
                f"[{EVENT_LABELS.get(event.type, event.type)}] {event.title or url}", markup=False
            )
            if event.from_snapshot_id and event.to_snapshot_id:
                old = session.get(Snapshot, event.from_snapshot_id)
                new = session.get(Snapshot, event.to_snapshot_id)
                assert old is not None and new is not None
                print(render_diff(old, new, "text"))
            elif event.summary_text:
                print(event.summary_text)
