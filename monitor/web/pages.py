"""The HTML pages that read: dashboard, timeline, change, policy, version, subscriptions."""

from __future__ import annotations

from datetime import date
from typing import Any, get_args

from fastapi import APIRouter, HTTPException, Request
from markupsafe import Markup
from sqlalchemy import select
from starlette.datastructures import QueryParams
from starlette.responses import Response

from config.schema import EventType
from monitor.context import AppContext
from monitor.daemon.status import collect
from monitor.history import render_diff
from monitor.notify import DEAD, DELIVERED, DIGEST, PENDING, SENDING
from monitor.redaction import scrub
from monitor.web import queries
from monitor.web.params import RowId
from monitor.web.render import render
from storage.models import Event, Page, Snapshot, Subscription

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
OUTBOX_STATES = (PENDING, SENDING, DIGEST, DELIVERED, DEAD)


def _ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _cursor(text: str | None) -> int | None:
    try:
        return queries.decode_cursor(text) if text else None
    except queries.BadCursor as exc:
        raise HTTPException(400, "bad cursor") from exc


def change_filter(params: QueryParams, timezone: str) -> queries.ChangeFilter:
    """The timeline form's fields; empty or unreadable ones mean "no filter"."""
    return queries.ChangeFilter(
        source=params.get("source") or None,
        region=params.get("region") or None,
        topic=params.get("topic") or None,
        types=tuple(t for t in params.getlist("type") if t),
        since=_date(params.get("since")),
        until=_date(params.get("until")),
        keyword=(params.get("q") or "").strip() or None,
        include_silent=params.get("all") == "1",
        timezone=timezone,
    )


@router.get("/")
def dashboard(request: Request) -> Response:
    ctx = _ctx(request)
    status = collect(ctx)
    with ctx.db.read() as session:
        sources = {s.id: s for s in queries.all_sources(session)}
        facts = queries.source_facts(session)
        latest, _ = queries.find_changes(
            session, queries.ChangeFilter(timezone=_zone(ctx)), None, 15
        )
    return render(
        request,
        "dashboard.html",
        status=status,
        sources=sources,
        facts=facts,
        latest=latest,
    )


def _zone(ctx: AppContext) -> str:
    return ctx.config.notifications.timezone


@router.get("/changes")
def timeline(request: Request) -> Response:
    ctx = _ctx(request)
    flt = change_filter(request.query_params, _zone(ctx))
    with ctx.db.read() as session:
        try:
            events, next_cursor = queries.find_changes(
                session, flt, _cursor(request.query_params.get("cursor")), PAGE_SIZE
            )
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from exc
        sources = queries.all_sources(session)
    regions = sorted({s.region for s in sources if s.region})
    topics = sorted({t for s in sources for t in (s.topics or [])})
    return render(
        request,
        "changes.html",
        events=events,
        flt=flt,
        next_cursor=next_cursor,
        sources=sources,
        sources_by_id={s.id: s for s in sources},
        regions=regions,
        topics=topics,
        event_types=_event_types(),
    )


def _event_types() -> list[str]:
    return list(get_args(EventType))


@router.get("/changes/{event_id}")
def change(request: Request, event_id: RowId) -> Response:
    ctx = _ctx(request)
    with ctx.db.read() as session:
        event = session.get(Event, event_id)
        if event is None:
            raise HTTPException(404, f"no change {event_id}")
        old = session.get(Snapshot, event.from_snapshot_id) if event.from_snapshot_id else None
        new = session.get(Snapshot, event.to_snapshot_id) if event.to_snapshot_id else None
        page, source = event.page, event.source
        parent = session.get(Page, page.parent_id) if page.parent_id else None
        # Texts are decompressed with the site's dictionary, which needs the session.
        diff_html = Markup(render_diff(old, new, "html")) if old and new else None
        new_text = new.text if new else None
    return render(
        request,
        "change.html",
        event=event,
        page=page,
        source=source,
        parent=parent,
        old=old,
        new=new,
        diff_html=diff_html,
        new_text=new_text,
        summary=event.summary or {},
    )


@router.get("/pages")
def page_list(request: Request) -> Response:
    ctx = _ctx(request)
    params = request.query_params
    flt = queries.PageFilter(
        source=params.get("source") or None,
        kind=params.get("kind") or None,
        keyword=(params.get("q") or "").strip() or None,
    )
    with ctx.db.read() as session:
        rows, next_id = queries.find_pages(session, flt, _cursor(params.get("cursor")), PAGE_SIZE)
        meta = queries.latest_meta(session, rows)
        sources = queries.all_sources(session)
    return render(
        request,
        "pages.html",
        rows=rows,
        meta=meta,
        flt=flt,
        sources=sources,
        next_cursor=next_id,
    )


@router.get("/pages/{page_id}")
def policy(request: Request, page_id: RowId) -> Response:
    ctx = _ctx(request)
    with ctx.db.read() as session:
        page = session.get(Page, page_id)
        if page is None:
            raise HTTPException(404, f"no page {page_id}")
        source = page.source
        versions = session.execute(
            select(
                Snapshot.version,
                Snapshot.fetched_at,
                Snapshot.title,
                Snapshot.chars,
                Snapshot.http_status,
            )
            .where(Snapshot.page_id == page.id)
            .order_by(Snapshot.version.desc())
        ).all()
        meta = queries.latest_meta(session, [page]).get(page.id, {})
        parent = session.get(Page, page.parent_id) if page.parent_id else None
        children = {
            p.url: p for p in session.scalars(select(Page).where(Page.parent_id == page.id))
        }
        flt = queries.ChangeFilter(page_id=page.id, include_silent=True, timezone=_zone(ctx))
        events, _ = queries.find_changes(session, flt, None, 100)
    return render(
        request,
        "policy.html",
        page=page,
        source=source,
        versions=versions,
        meta=meta,
        parent=parent,
        children=children,
        events=events,
    )


def _snapshot(session: Any, page_id: int, version: int) -> Snapshot:
    snapshot = session.scalar(
        select(Snapshot).where(Snapshot.page_id == page_id, Snapshot.version == version)
    )
    if snapshot is None:
        raise HTTPException(404, f"no version {version} of page {page_id}")
    return snapshot  # type: ignore[no-any-return]


@router.get("/pages/{page_id}/versions/{version}")
def version_page(request: Request, page_id: RowId, version: RowId) -> Response:
    ctx = _ctx(request)
    with ctx.db.read() as session:
        page = session.get(Page, page_id)
        if page is None:
            raise HTTPException(404, f"no page {page_id}")
        snapshot = _snapshot(session, page_id, version)
        text = snapshot.text
    return render(request, "version.html", page=page, snapshot=snapshot, text=text)


@router.get("/pages/{page_id}/diff")
def version_diff(request: Request, page_id: RowId) -> Response:
    """Any two stored versions side by side (default: the last two)."""
    ctx = _ctx(request)
    params = request.query_params
    with ctx.db.read() as session:
        page = session.get(Page, page_id)
        if page is None:
            raise HTTPException(404, f"no page {page_id}")
        newest = page.versions
        try:
            to_version = int(params.get("to") or newest)
            from_version = int(params.get("from") or to_version - 1)
        except ValueError as exc:
            raise HTTPException(400, "from and to are version numbers") from exc
        if not (0 < from_version <= queries.MAX_ID and 0 < to_version <= queries.MAX_ID):
            raise HTTPException(404, "no such versions")
        old = _snapshot(session, page_id, from_version)
        new = _snapshot(session, page_id, to_version)
        diff_html = Markup(render_diff(old, new, "html"))
    return render(request, "diff.html", page=page, old=old, new=new, diff_html=diff_html)


@router.get("/subscriptions")
def subscriptions(request: Request) -> Response:
    ctx = _ctx(request)
    configured = {s.id: s for s in ctx.config.subscriptions}
    with ctx.db.read() as session:
        rows = list(session.scalars(select(Subscription).order_by(Subscription.id)))
        counts = queries.outbox_counts(session)
        recent = {row.id: queries.recent_outbox(session, row.id) for row in rows}
        titles = {
            item.event_id: item.event.title or item.event.url
            for items in recent.values()
            for item in items
        }
    return render(
        request,
        "subscriptions.html",
        rows=rows,
        configured=configured,
        counts=counts,
        recent=recent,
        titles=titles,
        states=OUTBOX_STATES,
        channel=_channel_name,
        error_text=lambda text: _scrubbed(ctx, text),
    )


def _channel_name(label: str, key: str) -> str:
    """Only the kind of channel and a short id: even a redacted Apprise URL is not shown."""
    scheme = label.split("://", 1)[0] if "://" in label else "?"
    return f"{scheme} · {key[:8]}"


def _scrubbed(ctx: AppContext, text: str | None) -> str:
    return scrub(text or "", ctx.loaded.secrets)
