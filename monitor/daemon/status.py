"""`regwatch status`: what each source last did and when it runs next, and the outbox backlog."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from monitor.context import AppContext
from monitor.daemon.lock import holder
from monitor.notify import DEAD, DIGEST, PENDING, SENDING
from storage.models import CrawlRun, Outbox, Source


@dataclass
class LastCrawl:
    started_at: datetime
    finished_at: datetime | None
    status: str
    pages: int
    changes: int
    errors: int
    error: str | None


@dataclass
class SourceStatus:
    id: str
    name: str
    schedule: str
    in_config: bool
    crawling: bool
    last_crawl: LastCrawl | None
    next_run: datetime | None
    consecutive_failures: int


@dataclass
class Status:
    daemon: str | None  # who holds the daemon lock ("pid 1234"), None when no daemon runs
    sources: list[SourceStatus]
    outbox: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        def convert(value: Any) -> Any:
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list):
                return [convert(v) for v in value]
            return value

        result: dict[str, Any] = convert(asdict(self))
        return result


def collect(ctx: AppContext) -> Status:
    with ctx.db.read() as session:
        sources = list(session.scalars(select(Source).order_by(Source.id)))
        finished_ids = select(func.max(CrawlRun.id)).where(CrawlRun.status != "running")
        last = {
            run.source_id: run
            for run in session.scalars(
                select(CrawlRun).where(CrawlRun.id.in_(finished_ids.group_by(CrawlRun.source_id)))
            )
        }
        crawling = set(
            session.scalars(select(CrawlRun.source_id).where(CrawlRun.status == "running"))
        )
        query = select(Outbox.status, func.count()).group_by(Outbox.status)
        counts = {status: count for status, count in session.execute(query)}
    rows = []
    for source in sources:
        run = last.get(source.id)
        rows.append(
            SourceStatus(
                id=source.id,
                name=source.name,
                schedule=source.schedule,
                in_config=source.in_config,
                crawling=source.id in crawling,
                last_crawl=LastCrawl(
                    started_at=run.started_at,
                    finished_at=run.finished_at,
                    status=run.status,
                    pages=run.pages,
                    changes=run.changes,
                    errors=run.errors,
                    error=run.error,
                )
                if run is not None
                else None,
                next_run=source.next_due_at,
                consecutive_failures=source.consecutive_failures,
            )
        )
    outbox = {
        "pending": counts.get(PENDING, 0) + counts.get(SENDING, 0),
        "digest": counts.get(DIGEST, 0),
        "dead": counts.get(DEAD, 0),
    }
    return Status(daemon=holder(ctx.config.database), sources=rows, outbox=outbox)
