"""Atom feeds: all changes, one source's, or those a subscription's filters let through.

Feed readers poll often, so the answer is validated before it is built: the ETag is a hash of
the entries' ids and the language, and a matching If-None-Match (or an If-Modified-Since not
older than the newest entry) gets 304 without rendering any diff. Entry ids are derived from
the event (its page URL, detection time and id), so they never change between polls.
"""

from __future__ import annotations

import hashlib
import html
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from feedgen.feed import FeedGenerator
from sqlalchemy.orm import Session
from starlette.responses import Response

from monitor.context import AppContext
from monitor.history import render_diff
from monitor.web import queries
from monitor.web.i18n import event_label, negotiate, translator
from storage.models import Event, Snapshot, Source

router = APIRouter(tags=["feeds"])
FEED_ENTRIES = 50
ATOM = "application/atom+xml; charset=utf-8"


def entry_id(event: Event) -> str:
    key = f"regwatch:change:{event.id}:{event.url}:{event.detected_at.isoformat()}"
    return uuid.uuid5(uuid.NAMESPACE_URL, key).urn


@router.get(
    "/feed.atom",
    summary="Atom feed of changes",
    response_class=Response,
    responses={
        200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}}},
        304: {"description": "Not modified since the given ETag or date"},
        400: {"description": "Malformed parameters"},
        404: {"description": "Unknown source or subscription"},
    },
)
def feed(
    request: Request,
    source: Annotated[str | None, Query(description="Only this source's changes")] = None,
    subscription: Annotated[
        str | None, Query(description="Only changes this subscription's filters let through")
    ] = None,
) -> Response:
    ctx: AppContext = request.app.state.ctx
    lang = negotiate(request)
    with ctx.db.read() as session:
        title_parts = [translator(lang)("app_title")]
        events = _events(ctx, session, source, subscription, title_parts)
        etag = _etag(events, lang, source, subscription)
        updated = max((e.detected_at for e in events), default=None)
        headers = {"ETag": etag, "Vary": "Accept-Language, Cookie"}
        if updated is not None:
            headers["Last-Modified"] = format_datetime(updated.astimezone(UTC), usegmt=True)
        if _not_modified(request, etag, updated):
            return Response(status_code=304, headers=headers)
        body = _atom(request, session, events, lang, " · ".join(title_parts), updated)
    return Response(body, media_type=ATOM, headers=headers)


def _events(
    ctx: AppContext,
    session: Session,
    source: str | None,
    subscription: str | None,
    title_parts: list[str],
) -> list[Event]:
    if source is not None:
        row = session.get(Source, source) if "\x00" not in source else None
        if row is None:
            raise HTTPException(404, f"unknown source: {source}")
        title_parts.append(row.name)
    if subscription is None:
        flt = queries.ChangeFilter(source=source, timezone=ctx.config.notifications.timezone)
        events, _ = queries.find_changes(session, flt, None, FEED_ENTRIES)
        return events
    config = next((s for s in ctx.config.subscriptions if s.id == subscription), None)
    if config is None:
        raise HTTPException(404, f"unknown subscription: {subscription}")
    title_parts.append(subscription)
    chosen = queries.changes_for_subscription(session, config, FEED_ENTRIES)
    return [e for e in chosen if source is None or e.source_id == source]


def _etag(events: list[Event], lang: str, *filters: str | None) -> str:
    digest = hashlib.sha256()
    digest.update(
        repr((lang, filters, [(e.id, e.detected_at.isoformat()) for e in events])).encode()
    )
    return f'"{digest.hexdigest()[:32]}"'


def _not_modified(request: Request, etag: str, updated: datetime | None) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since is None or updated is None:
        return False
    try:
        stamp = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return updated.replace(microsecond=0) <= stamp


def _atom(
    request: Request,
    session: Session,
    events: list[Event],
    lang: str,
    title: str,
    updated: datetime | None,
) -> bytes:
    base = str(request.base_url).rstrip("/")
    narrowed = urlencode(
        [(k, v) for k in ("source", "subscription") if (v := request.query_params.get(k))]
    )
    generator = FeedGenerator()
    generator.id(f"{base}/feed.atom" + (f"?{narrowed}" if narrowed else ""))
    generator.title(title)
    generator.language("zh-CN" if lang == "zh" else "en")
    generator.link(href=str(request.url), rel="self")
    generator.link(href=f"{base}/changes", rel="alternate")
    generator.updated(updated or datetime(2000, 1, 1, tzinfo=UTC))
    generator.generator("regwatch")
    for event in reversed(events):  # feedgen puts the last added entry first
        entry = generator.add_entry()
        entry.id(entry_id(event))
        label = event_label(event.type, lang)
        entry.title(f"【{label}】{event.title or event.url}")
        # One link only: feedgen 1.0 drops `rel` on entry links, and a second one would then
        # be a second "alternate", which RFC 4287 forbids. The page's own URL is in the content.
        entry.link(href=f"{base}/changes/{event.id}", rel="alternate")
        entry.updated(event.detected_at)
        entry.published(event.detected_at)
        entry.author(name=event.source_id)
        entry.category(term=event.type, label=label)
        if event.summary_text:
            entry.summary(event.summary_text)
        entry.content(_content(session, event), type="html")
    return generator.atom_str(pretty=True)


def _content(session: Session, event: Event) -> str:
    """The summary and the side-by-side diff (built from escaped text by change detection)."""
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in event.summary_text.splitlines())
    parts = [f"<ul>{lines}</ul>"] if lines else []
    if event.from_snapshot_id and event.to_snapshot_id:
        old = session.get(Snapshot, event.from_snapshot_id)
        new = session.get(Snapshot, event.to_snapshot_id)
        if old is not None and new is not None:
            parts = [render_diff(old, new, "html")]
    parts.append(f'<p><a href="{html.escape(event.url)}">{html.escape(event.url)}</a></p>')
    return "".join(parts)
