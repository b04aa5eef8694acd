"""One spider for a batch of sources, so sources on one domain share that domain's download slot.

The spider only fetches and extracts (pure work); storing, comparing and alerting happen in the
item pipeline the caller installs. Known pages and listings are asked for conditionally, and bytes
that hash to the last stored version are never extracted (or, for a listing, parsed) again.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.extract import extract, extract_attachment_text
from crawler.items import FetchResult
from crawler.listing import canonical_url, parse_listing
from storage.repo import KnownPage, ListingState

# Statuses the spider wants to see itself (redirects stay with Scrapy's RedirectMiddleware);
# anything else reaches the errback and is recorded as a fetch error.
HANDLED_STATUSES = [304, 400, 401, 403, 404, 405, 410, 429, 451, 500, 502, 503, 504, 520, 522, 524]
ATTACHMENT_TYPES = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "wps", "ofd", "zip", "et"})


@dataclass(frozen=True)
class SourceSpec:
    id: str
    listing: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    follow: str | None = None
    max_listing_pages: int = 5
    obey_robots: bool = True
    attachments: bool = True


class RegwatchSpider(scrapy.Spider):
    name = "regwatch"

    def __init__(
        self,
        sources: Iterable[SourceSpec],
        known: Mapping[str, Mapping[str, KnownPage]],
        listings: Mapping[str, Mapping[str, ListingState]] | None = None,
        boilerplate: Callable[[str], frozenset[str]] | None = None,
        only_urls: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources = {s.id: s for s in sources}
        self.known = known
        self.listings = listings or {}
        self.boilerplate = boilerplate or (lambda _site: frozenset())
        self.only_urls = only_urls
        self._requested: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        if self.only_urls is not None:
            for url, source_id in self.only_urls.items():
                known = self.known.get(source_id, {}).get(url)
                kind = known.kind if known else "policy"
                parent = known.parent_url if known else None
                for request in self._page_request(source_id, url, kind, parent):
                    yield request
            return
        for source in self.sources.values():
            for url in source.listing:
                yield self._listing_request(source, url, 1)
            pages: list[tuple[str, str, str | None]] = [
                (canonical_url(url), "policy", None) for url in source.pages
            ]
            pages += [
                (url, page.kind, page.parent_url)
                for url, page in self.known.get(source.id, {}).items()
                if page.status != "moved"
            ]
            for url, kind, parent in pages:
                for request in self._page_request(source.id, url, kind, parent):
                    yield request

    def _listing_request(self, source: SourceSpec, url: str, depth: int) -> Request:
        headers: dict[str, str] = {}
        state = self._listing_state(source, url)
        if state is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.failed,
            dont_filter=depth == 1,
            priority=10,
            headers=headers,
            meta={
                "source_id": source.id,
                "request_url": url,
                "kind": "listing",
                "depth": depth,
                "dont_obey_robotstxt": not source.obey_robots,
                "handle_httpstatus_list": HANDLED_STATUSES,
            },
        )

    def _listing_state(self, source: SourceSpec, url: str) -> ListingState | None:
        """What the last complete crawl saw of this listing, if its links were chosen with the
        source's current `follow` rule (after a change, the listing must be read again)."""
        state = self.listings.get(source.id, {}).get(url)
        return state if state is not None and state.follow == source.follow else None

    def _page_request(
        self, source_id: str, url: str, kind: str, parent: str | None
    ) -> Iterator[Request]:
        """Each page once per crawl. Scrapy's duplicate filter is off for pages because it would
        also drop a redirect to a URL fetched earlier, and then a move would go unseen."""
        if url in self._requested:
            return
        self._requested.add(url)
        headers: dict[str, str] = {}
        known = self.known.get(source_id, {}).get(url)
        if known is not None and known.status != "removed":
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        source = self.sources.get(source_id)
        yield Request(
            url,
            callback=self.parse_page,
            errback=self.failed,
            dont_filter=True,
            headers=headers,
            meta={
                "source_id": source_id,
                "request_url": url,
                "kind": kind,
                "parent_url": parent,
                "dont_obey_robotstxt": source is not None and not source.obey_robots,
                "handle_httpstatus_list": HANDLED_STATUSES,
            },
        )

    def parse_listing(self, response: Response) -> Iterable[Any]:
        source = self.sources[response.meta["source_id"]]
        known = self._listing_state(source, response.meta["request_url"])
        unchanged = known is not None and response.status == 304
        if response.status == 200:
            digest = hashlib.sha256(response.body).hexdigest()
            unchanged = known is not None and known.body_hash == digest
        elif not unchanged:
            yield self._result(response, error=f"listing answered HTTP {response.status}")
            return
        if unchanged:
            assert known is not None
            state = ListingState(
                _header(response, b"ETag") or known.etag,
                _header(response, b"Last-Modified") or known.last_modified,
                known.body_hash,
                known.next_pages,
                source.follow,
            )
        else:
            listing = parse_listing(response.body, response.url, source.follow, _charset(response))
            state = ListingState(
                _header(response, b"ETag"),
                _header(response, b"Last-Modified"),
                digest,
                tuple(listing.next_pages),
                source.follow,
            )
            for url in listing.links:
                yield from self._page_request(source.id, url, "policy", None)
        yield self._result(response, listing=state)
        depth = response.meta["depth"]
        if depth < source.max_listing_pages:
            for url in state.next_pages[: source.max_listing_pages - depth]:
                yield self._listing_request(source, url, depth + 1)

    def parse_page(self, response: Response) -> Iterable[Any]:
        meta = response.meta
        if response.status != 200:
            yield self._result(response)
            return
        body = response.body
        digest = hashlib.sha256(body).hexdigest()
        known = self.known.get(meta["source_id"], {}).get(meta["request_url"])
        result = self._result(response, body=body, raw_hash=digest)
        if known is not None and known.raw_hash == digest and known.status == "active":
            result.raw_unchanged = True
            result.body = None
            yield result
            return
        content_type = _header(response, b"Content-Type")
        site = urlsplit(response.url).netloc
        try:
            if meta["kind"] == "attachment":
                result.attachment_text = extract_attachment_text(body, response.url, content_type)
                yield result
                return
            document = extract(
                body, response.url, content_type=content_type, boilerplate=self.boilerplate(site)
            )
        except Exception as exc:  # a page we cannot read is an error on that page, never lost
            self.logger.exception("extraction failed for %s", response.url)
            yield self._result(response, status=None, error=f"extraction failed: {exc!r}")
            return
        result.document = document
        yield result
        source = self.sources.get(meta["source_id"])
        if source is not None and source.attachments:
            for attachment in document.attachments:
                if attachment.type in ATTACHMENT_TYPES:
                    url = canonical_url(attachment.url)
                    yield from self._page_request(source.id, url, "attachment", meta["request_url"])

    def failed(self, failure: Failure) -> Iterable[Any]:
        request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        message = failure.getErrorMessage() or failure.type.__name__
        yield FetchResult(
            source_id=meta["source_id"],
            url=meta["request_url"],
            kind=meta["kind"],
            parent_url=meta.get("parent_url"),
            error=f"{failure.type.__name__}: {message}",
        )

    def _result(self, response: Response, **fields: Any) -> FetchResult:
        meta = response.meta
        values: dict[str, Any] = {
            "source_id": meta["source_id"],
            "url": meta["request_url"],
            "kind": meta["kind"],
            "status": response.status,
            "final_url": response.url,
            "content_type": _header(response, b"Content-Type"),
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "parent_url": meta.get("parent_url"),
        }
        return FetchResult(**(values | fields))


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _charset(response: Response) -> str | None:
    content_type = _header(response, b"Content-Type") or ""
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return None
