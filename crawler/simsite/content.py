"""What the hand-written and the generated sites share: listings, news, chrome pages, noise.

A content site knows its policies; this base turns them into listing pages in each CMS's
pagination style, serves the sidebar news and navigation placeholders every real page links
to, and answers everything else with the site's own 404 page.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from crawler.simsite.noise import make_noise
from crawler.simsite.render import (
    relative,
    render_article,
    render_datastore,
    render_listing,
    render_message,
)
from crawler.simsite.server import Reply, SimServer
from crawler.simsite.sites import SITES, SiteSpec
from crawler.simsite.views import ArticleView, Link, ListingView, MessageView, Noise

_NEWS_TAIL = (
    "下一步，将持续加强工作统筹，推动各项举措落地见效，不断提升群众的获得感和满意度。",
    "会议强调，要坚持以人民为中心的发展思想，切实把好事办好、实事办实。",
)
_MISSING = "对不起，您访问的页面不存在或已被删除！"


@dataclass(frozen=True)
class ListedItem:
    title: str
    path: str
    published: datetime


def content_type(site: SiteSpec, kind: str = "html") -> str:
    """GBK sites declare their charset only in the page (as many real ones do)."""
    base = "text/xml" if kind == "xml" else "text/html"
    return base if site.charset != "utf-8" else f"{base}; charset=utf-8"


class ContentSite(SimServer):
    def __init__(self, *, page_size: int, tracking_params: bool, **server: Any) -> None:
        super().__init__(**server)
        if page_size < 1:
            raise ValueError("page_size must be positive")
        self.page_size = page_size
        self.tracking_params = tracking_params
        self._lock = threading.RLock()
        self._epoch = 0
        self._renders = itertools.count(1)
        self._listing_re = {
            s.id: re.compile(
                {
                    "trs": rf"^{s.prefix}zwgk/zcwj/index(?:_(\d+))?\.shtml$",
                    "gov": rf"^{s.prefix}zhengce/index(?:_(\d+))?\.htm$",
                    "hanweb": rf"^{s.prefix}col/col{s.column_id}/index\.html$",
                }[s.cms]
            )
            for s in SITES.values()
        }

    # -- to implement -------------------------------------------------------------------------
    def _count(self, site_id: str) -> int:
        """Number of items in the site's policy listing."""
        raise NotImplementedError

    def _listed_range(self, site_id: str, start: int, stop: int) -> list[ListedItem]:
        """Items `start:stop` of the site's policy listing, newest first."""
        raise NotImplementedError

    def _resolve_content(self, path: str, query: str, origin: str) -> Reply | None:
        raise NotImplementedError

    # -- public -------------------------------------------------------------------------------
    @property
    def site_ids(self) -> tuple[str, ...]:
        return tuple(SITES)

    def site(self, site_id: str) -> SiteSpec:
        return SITES[site_id]

    def listing_url(self, site_id: str) -> str:
        """First page of the site's policy listing (what a source's `listing:` points at)."""
        return self.url(SITES[site_id].listing_path(0, self.page_size))

    def listing_urls(self, site_id: str) -> list[str]:
        """Every page of the listing as it stands now, in crawl order."""
        with self._lock:
            pages = self._pages(self._count(site_id))
        site = SITES[site_id]
        return [self.url(site.listing_path(k, self.page_size)) for k in range(pages)]

    def churn_noise(self) -> None:
        """Change only noise everywhere: counters, 热点 rotation, spam links, tokens, indent."""
        with self._lock:
            self._epoch += 1

    def sources(self) -> list[dict[str, Any]]:
        """One regwatch source per site, ready for a generated config file."""
        return [
            {
                "id": f"sim-{s.id}",
                "name": f"{s.name} · {s.column}",
                "region": s.region,
                "topics": list(s.topics),
                "listing": [self.listing_url(s.id)],
                "max_listing_pages": 50,
            }
            for s in SITES.values()
        ]

    # -- helpers for subclasses ---------------------------------------------------------------
    def _pages(self, count: int) -> int:
        return max(1, math.ceil(count / self.page_size))

    def _noise(self, site: SiteSpec, key: str, spam: str = "") -> Noise:
        return make_noise(site, key, self._epoch, spam=spam)

    def _html(
        self, site: SiteSpec, body: bytes, status: int = 200, born: float | None = None
    ) -> Reply:
        return Reply(status, body, content_type(site), born=born)

    def _message(
        self,
        site: SiteSpec,
        origin: str,
        path: str,
        title: str,
        message: str,
        status: int = 200,
        links: tuple[Link, ...] = (),
    ) -> Reply:
        view = MessageView(site, origin, path, title, message, self._noise(site, path), links)
        return self._html(site, render_message(view), status)

    def _not_found(self, site: SiteSpec, origin: str, path: str) -> Reply:
        return self._message(site, origin, path, "页面不存在", _MISSING, 404)

    def _soft_404(self, site: SiteSpec, origin: str, path: str) -> Reply:
        """A "page not found" page answered with 200, as many CMS do for deleted articles."""
        return self._message(site, origin, path, "页面不存在", _MISSING)

    def _gone(self) -> Reply:
        return Reply(410, b"<html><head><title>410 Gone</title></head><body>410 Gone</body></html>")

    # -- listings -----------------------------------------------------------------------------
    def _tracked(self, href: str, site: SiteSpec) -> str:
        if not self.tracking_params or site.cms == "hanweb":
            return href
        n = next(self._renders)
        if site.cms == "trs":
            return f"{href}?spm=zm{site.id_code[-4:]}-001.0.0.{n}.{self._epoch}{n % 7}"
        return f"{href}?from=list&_t={int(time.time() * 1000)}{n}"

    def _listing_reply(
        self, site: SiteSpec, page: int, origin: str, path: str, *, xml: bool
    ) -> Reply:
        count = self._count(site.id)
        pages = self._pages(count)
        if page >= pages:
            return self._not_found(site, origin, path)
        items = self._listed_range(site.id, page * self.page_size, (page + 1) * self.page_size)
        links = []
        for it in items:
            href = it.path if site.cms == "hanweb" else relative(path, it.path)
            links.append(Link(it.title, self._tracked(href, site), f"{it.published:%Y-%m-%d}"))
        view = ListingView(
            site=site,
            origin=origin,
            path=path,
            items=tuple(links),
            page=page,
            pages=pages,
            page_size=self.page_size,
            total=count,
            noise=self._noise(site, f"list:{page}"),
            page_paths=tuple(site.listing_path(k, self.page_size) for k in range(pages)),
        )
        if xml:
            return Reply(200, render_datastore(view), content_type(site, "xml"))
        return self._html(site, render_listing(view))

    def _resolve_listing(self, site: SiteSpec, path: str, query: str, origin: str) -> Reply | None:
        match = self._listing_re[site.id].match(path)
        if match:
            page = int(match.group(1) or 0) if match.groups() else 0
            return self._listing_reply(site, page, origin, path, xml=False)
        if site.cms == "hanweb" and path == f"{site.prefix}module/web/jpage/dataproxy.jsp":
            params = parse_qs(query)
            try:
                start = int(params["startrecord"][0])
            except (KeyError, ValueError):
                return Reply(400, b"bad request")
            return self._listing_reply(
                site, max(0, start - 1) // self.page_size, origin, path, xml=True
            )
        return None

    # -- chrome pages -------------------------------------------------------------------------
    def _news_reply(self, site: SiteSpec, path: str, origin: str) -> Reply | None:
        for item in site.news_items():
            if item.path == path:
                view = ArticleView(
                    site=site,
                    origin=origin,
                    path=path,
                    title=item.title,
                    paragraphs=(f"近日，{item.title}。", *_NEWS_TAIL),
                    signature_from=3,
                    published=item.published,
                    issuer=site.name,
                    noise=self._noise(site, path),
                    column="工作动态",
                )
                return self._html(site, render_article(view), born=item.published.timestamp())
        return None

    def _portal(self) -> Reply:
        rows = "".join(
            f'<li><a href="{s.listing_path(0, self.page_size)}">'
            f"{html.escape(s.name)} · {html.escape(s.column)}</a> ({s.cms})</li>"
            for s in SITES.values()
        )
        body = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>regwatch 模拟政府网站</title>'
            f"</head><body><h1>regwatch 模拟政府网站</h1><ul>{rows}</ul></body></html>"
        )
        return Reply(200, body.encode(), "text/html; charset=utf-8")

    def _resolve(self, path: str, query: str, origin: str) -> Reply:
        if path == "/":
            return self._portal()
        site = SITES.get(path.split("/")[1]) if path.count("/") >= 2 else None
        if site is None:
            return Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>")
        with self._lock:
            for reply in (
                self._resolve_listing(site, path, query, origin),
                self._resolve_content(path, query, origin),
                self._news_reply(site, path, origin),
            ):
                if reply is not None:
                    return reply
            if path == site.prefix:
                return Reply(302, headers=(("Location", origin + site.nav[0][1]),))
            for name, href in site.nav:
                if href == path:
                    link = Link(site.column, site.listing_path(0, self.page_size))
                    return self._message(site, origin, path, name, f"{name}栏目", links=(link,))
            return self._not_found(site, origin, path)
