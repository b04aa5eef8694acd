"""The JSON API under /api/v1, described by /openapi.json.

Change items are `monitor.history.event_record` (the `changes --json` lines) plus `page_id`:
one shape for scripts whichever way they read. Lists are keyset-paginated: `next` is the
cursor of the following page, null on the last.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from config.schema import EventType
from monitor.context import AppContext
from monitor.daemon.status import LastCrawl, Status, collect
from monitor.history import event_record, render_diff
from monitor.web import queries
from monitor.web.actions import start_job
from monitor.web.auth import CHALLENGE, Auth
from monitor.web.jobs import Jobs
from monitor.web.params import Cursor, Day, Limit, RowId
from storage.models import Event, Page, Snapshot

router = APIRouter(prefix="/api/v1", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="The config's web.token")
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed cursor or parameters"},
    404: {"description": "Not found"},
}


class ChangeItem(BaseModel):
    """The `regwatch changes --json` fields; `new_url` only on `moved`."""

    id: int
    type: str = Field(description="new, changed, cosmetic, removed, moved, restored, …")
    url: str
    source: str
    title: str | None
    detected_at: str = Field(description="ISO 8601, as `changes --json` prints it")
    significance: int
    summary: str
    new_url: str | None = None
    details: dict[str, Any]
    silent: bool
    page_id: int


class ChangePage(BaseModel):
    items: list[ChangeItem]
    next: str | None


class ChangeDetail(ChangeItem):
    diff: str = Field(description="Unified text diff by article")
    diff_html: str | None = Field(description="Side-by-side HTML table, text escaped")
    from_version: int | None
    to_version: int | None


class SourceItem(BaseModel):
    id: str
    name: str
    region: str | None
    topics: list[str]
    schedule: str
    in_config: bool
    crawling: bool
    last_crawl: LastCrawl | None
    next_run: datetime | None
    consecutive_failures: int
    pages: int
    failing_pages: int
    events: int


class PageItem(BaseModel):
    id: int
    url: str
    source: str
    kind: str
    status: str
    title: str | None
    versions: int
    parent_id: int | None
    moved_to: str | None
    first_seen_at: datetime
    last_checked_at: datetime | None
    last_changed_at: datetime | None
    last_status: int | None
    error_count: int
    last_error: str | None
    doc_number: str | None
    issuer: str | None
    published: str | None


class PagePage(BaseModel):
    items: list[PageItem]
    next: str | None


class VersionItem(BaseModel):
    version: int
    fetched_at: datetime
    url: str
    http_status: int
    title: str | None
    chars: int


class PageDetail(PageItem):
    meta: dict[str, Any] = Field(description="Metadata of the latest version")
    history: list[VersionItem]


class VersionDetail(VersionItem):
    page_id: int
    content_type: str | None
    encoding: str | None
    text: str = Field(description="Clean text")
    meta: dict[str, Any] = Field(description="文号, 发文机关, dates, attachments…")


class RecrawlPage(BaseModel):
    """Fetch one stored page now, as `regwatch recrawl URL`."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1)


class RecrawlSource(BaseModel):
    """Crawl one configured source now, as `regwatch crawl ID`."""

    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1)


class JobOut(BaseModel):
    id: int
    kind: str
    target: str
    started_at: datetime
    finished_at: datetime | None
    running: bool
    returncode: int | None
    output: str


def _ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def _cursor(text: str | None) -> int | None:
    return queries.decode_cursor(text) if text else None


def _change(event: Event) -> dict[str, Any]:
    return {**event_record(event), "page_id": event.page_id}


@router.get("/changes", response_model=ChangePage, response_model_exclude_unset=True,
            responses=ERRORS)  # fmt: skip
def changes(
    request: Request,
    source: str | None = None,
    region: Annotated[str | None, Query(description="Region name or part of it")] = None,
    topic: str | None = None,
    type: Annotated[list[EventType] | None, Query(description="Event types")] = None,
    since: Annotated[Day | None, Query(description="First day (display time zone)")] = None,
    until: Annotated[Day | None, Query(description="Last day, included")] = None,
    q: Annotated[str | None, Query(description="Keyword in title, summary or URL")] = None,
    all: Annotated[bool, Query(description="Include silent events (cosmetic…)")] = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    ctx = _ctx(request)
    flt = queries.ChangeFilter(
        source=source,
        region=region,
        topic=topic,
        types=tuple(type or ()),
        since=since,
        until=until,
        keyword=q,
        include_silent=all,
        timezone=ctx.config.notifications.timezone,
    )
    with ctx.db.read() as session:
        try:
            events, following = queries.find_changes(session, flt, _cursor(cursor), limit)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from exc
        items = [_change(e) for e in events]
    return {"items": items, "next": str(following) if following is not None else None}


@router.get("/changes/{change_id}", response_model=ChangeDetail,
            response_model_exclude_unset=True, responses=ERRORS)  # fmt: skip
def change(request: Request, change_id: RowId) -> dict[str, Any]:
    with _ctx(request).db.read() as session:
        event = session.get(Event, change_id)
        if event is None:
            raise HTTPException(404, f"no change {change_id}")
        old = session.get(Snapshot, event.from_snapshot_id) if event.from_snapshot_id else None
        new = session.get(Snapshot, event.to_snapshot_id) if event.to_snapshot_id else None
        return {
            **_change(event),
            "diff": event.diff,
            "diff_html": render_diff(old, new, "html") if old and new else None,
            "from_version": old.version if old else None,
            "to_version": new.version if new else None,
        }


@router.get("/sources", response_model=list[SourceItem])
def sources(request: Request) -> list[dict[str, Any]]:
    ctx = _ctx(request)
    status = {s.id: s for s in collect(ctx).sources}
    with ctx.db.read() as session:
        facts = queries.source_facts(session)
        rows = queries.all_sources(session)
    items = []
    for row in rows:
        state = status[row.id]
        items.append(
            {
                "id": row.id,
                "name": row.name,
                "region": row.region,
                "topics": list(row.topics or []),
                "schedule": row.schedule,
                "in_config": row.in_config,
                "crawling": state.crawling,
                "last_crawl": state.last_crawl.__dict__ if state.last_crawl else None,
                "next_run": state.next_run,
                "consecutive_failures": state.consecutive_failures,
                "pages": facts.pages.get(row.id, 0),
                "failing_pages": facts.failing_pages.get(row.id, 0),
                "events": facts.events.get(row.id, 0),
            }
        )
    return items


def _page(page: Page, meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": page.id,
        "url": page.url,
        "source": page.source_id,
        "kind": page.kind,
        "status": page.status,
        "title": page.title,
        "versions": page.versions,
        "parent_id": page.parent_id,
        "moved_to": page.moved_to,
        "first_seen_at": page.first_seen_at,
        "last_checked_at": page.last_checked_at,
        "last_changed_at": page.last_changed_at,
        "last_status": page.last_status,
        "error_count": page.error_count,
        "last_error": page.last_error,
        "doc_number": meta.get("doc_number"),
        "issuer": meta.get("issuer"),
        "published": meta.get("published"),
    }


@router.get("/pages", response_model=PagePage, responses=ERRORS)
def pages(
    request: Request,
    source: str | None = None,
    kind: Annotated[str | None, Query(description="policy or attachment")] = None,
    q: Annotated[str | None, Query(description="Keyword in title or URL")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    flt = queries.PageFilter(source=source, kind=kind, keyword=q)
    with _ctx(request).db.read() as session:
        rows, following = queries.find_pages(session, flt, _cursor(cursor), limit)
        meta = queries.latest_meta(session, rows)
        items = [_page(row, meta.get(row.id, {})) for row in rows]
    return {"items": items, "next": str(following) if following is not None else None}


def _versions(session: Any, page_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Snapshot.version,
            Snapshot.fetched_at,
            Snapshot.url,
            Snapshot.http_status,
            Snapshot.title,
            Snapshot.chars,
        )
        .where(Snapshot.page_id == page_id)
        .order_by(Snapshot.version)
    )
    keys = ("version", "fetched_at", "url", "http_status", "title", "chars")
    return [dict(zip(keys, row, strict=True)) for row in rows]


@router.get("/pages/{page_id}", response_model=PageDetail, responses=ERRORS)
def page(request: Request, page_id: RowId) -> dict[str, Any]:
    with _ctx(request).db.read() as session:
        row = session.get(Page, page_id)
        if row is None:
            raise HTTPException(404, f"no page {page_id}")
        meta = queries.latest_meta(session, [row]).get(row.id, {})
        return {**_page(row, meta), "meta": meta, "history": _versions(session, page_id)}


@router.get("/pages/{page_id}/versions", response_model=list[VersionItem], responses=ERRORS)
def versions(request: Request, page_id: RowId) -> list[dict[str, Any]]:
    with _ctx(request).db.read() as session:
        if session.get(Page, page_id) is None:
            raise HTTPException(404, f"no page {page_id}")
        return _versions(session, page_id)


@router.get("/pages/{page_id}/versions/{version}", response_model=VersionDetail,
            responses=ERRORS)  # fmt: skip
def version(request: Request, page_id: RowId, version: RowId) -> dict[str, Any]:
    with _ctx(request).db.read() as session:
        snapshot = session.scalar(
            select(Snapshot).where(Snapshot.page_id == page_id, Snapshot.version == version)
        )
        if snapshot is None:
            raise HTTPException(404, f"no version {version} of page {page_id}")
        return {
            "page_id": page_id,
            "version": snapshot.version,
            "fetched_at": snapshot.fetched_at,
            "url": snapshot.url,
            "http_status": snapshot.http_status,
            "title": snapshot.title,
            "chars": snapshot.chars,
            "content_type": snapshot.content_type,
            "encoding": snapshot.encoding,
            "text": snapshot.text,
            "meta": snapshot.meta or {},
        }


@router.get("/status", response_model=Status)
def status(request: Request) -> Status:
    """What `regwatch status --json` prints."""
    return collect(_ctx(request))


@router.post(
    "/recrawl",
    response_model=JobOut,
    status_code=202,
    responses={
        400: {"description": "Body is not JSON"},
        401: {"description": "No token"},
        403: {"description": "Wrong token, or actions disabled (no web.token)"},
        404: {"description": "Unknown page or source"},
        429: {"description": "Too many crawls running"},
    },
)
async def recrawl(
    request: Request,
    body: RecrawlPage | RecrawlSource,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
) -> dict[str, object]:
    """Crawl one stored page (`regwatch recrawl URL`) or one source (`regwatch crawl ID`) now,
    in a child process; poll `/api/v1/jobs/{id}` for its output."""
    auth: Auth = request.app.state.auth
    if not auth.enabled:
        raise HTTPException(403, "actions are disabled: web.token is not configured")
    if not auth.has_credential_header(request):  # a session cookie is not enough here
        raise HTTPException(401, "send the token as Authorization: Bearer", CHALLENGE)
    if isinstance(body, RecrawlPage):
        job = await start_job(request, "page", body.url)
    else:
        job = await start_job(request, "source", body.source)
    return job.to_json()


@router.get("/jobs/{job_id}", response_model=JobOut, responses=ERRORS)
def job(request: Request, job_id: RowId) -> dict[str, object]:
    jobs: Jobs = request.app.state.jobs
    found = jobs.get(job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id}")
    return found.to_json()
