"""`GeneratedSite`: N seeded policy pages for benchmarks, rendered on demand.

Pages are dealt round-robin to the three CMS sites (page i → site i % 3, position i // 3 in
that site's listing, newest first). Nothing is stored per page: the text is derived from
(seed, i) and the page's version, and a version is the number of `edit_every_kth(k)` rounds
with i % k == 0 — so memory stays flat from 2,000 to 100,000 pages.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from crawler.simsite import textgen
from crawler.simsite.content import ContentSite, ListedItem
from crawler.simsite.policies import gold_text
from crawler.simsite.render import render_article
from crawler.simsite.server import Reply
from crawler.simsite.sites import SITES
from crawler.simsite.views import ArticleView, Link

_SITE_ORDER = tuple(SITES)
_DOC_BASE = {"trs": 20_000_000, "hanweb": 40_000_000, "gov": 6_000_000}
_NEWEST = datetime(2024, 6, 28, 17, 0)
_DOC_ID = re.compile(r"(\d+)\.s?html?$")


@functools.lru_cache(maxsize=8192)
def _document(site_id: str, key: str, year: int) -> textgen.GeneratedDoc:
    return textgen.generate(site_id, key, written_year=year)


class GeneratedSite(ContentSite):
    def __init__(
        self,
        n_pages: int,
        *,
        seed: int = 0,
        edit_every: int = 10,
        page_size: int = 20,
        tracking_params: bool = False,
        **server: Any,
    ) -> None:
        super().__init__(page_size=page_size, tracking_params=tracking_params, **server)
        if n_pages < 1:
            raise ValueError("n_pages must be positive")
        self.n_pages = n_pages
        self.seed = seed
        self.edit_every = edit_every
        self._rounds: list[int] = []

    # -- page arithmetic ----------------------------------------------------------------------
    def _count(self, site_id: str) -> int:
        s = _SITE_ORDER.index(site_id)
        return max(0, math.ceil((self.n_pages - s) / len(_SITE_ORDER)))

    @staticmethod
    def _published(j: int) -> datetime:
        return _NEWEST - timedelta(hours=5 * j, minutes=(j * 17) % 60)

    def _locate(self, i: int) -> tuple[str, int]:
        if not 0 <= i < self.n_pages:
            raise IndexError(i)
        return _SITE_ORDER[i % len(_SITE_ORDER)], i // len(_SITE_ORDER)

    def _path(self, i: int) -> str:
        site_id, j = self._locate(i)
        site = SITES[site_id]
        return site.article_path(self._published(j).date(), _DOC_BASE[site.cms] + j)

    def version(self, i: int) -> int:
        """How many edit rounds have changed page i."""
        with self._lock:
            return sum(1 for k in self._rounds if i % k == 0)

    def _key(self, i: int) -> str:
        return f"gen:{self.seed}:{i}"

    def _doc(self, i: int) -> textgen.GeneratedDoc:
        site_id, j = self._locate(i)
        return _document(site_id, self._key(i), self._published(j).year)

    def _paragraphs(self, i: int) -> list[str]:
        doc = self._doc(i)
        published = self._published(self._locate(i)[1])
        body = textgen.apply_edits(doc.body, self._key(i), self.version(i))
        return [*body, *doc.signature, f"{published.year}年{published.month}月{published.day}日"]

    def _listed_range(self, site_id: str, start: int, stop: int) -> list[ListedItem]:
        s = _SITE_ORDER.index(site_id)
        out = []
        for j in range(start, min(stop, self._count(site_id))):
            i = j * len(_SITE_ORDER) + s
            out.append(ListedItem(self._doc(i).title, self._path(i), self._published(j)))
        return out

    # -- public -------------------------------------------------------------------------------
    def page_url(self, i: int) -> str:
        return self.url(self._path(i))

    def page_index(self, url: str) -> int | None:
        """Page number behind a URL (tracking parameters ignored), or None."""
        path = urlsplit(url).path
        site = SITES.get(path.split("/")[1]) if path.count("/") >= 2 else None
        match = _DOC_ID.search(path)
        if site is None or match is None:
            return None
        j = int(match.group(1)) - _DOC_BASE[site.cms]
        i = j * len(_SITE_ORDER) + _SITE_ORDER.index(site.id)
        if j < 0 or i >= self.n_pages or self._path(i) != path:
            return None
        return i

    def policy_urls(self, site_id: str | None = None) -> list[str]:
        """All page URLs (of one site, in listing order, or of all sites by page number)."""
        if site_id is None:
            return [self.page_url(i) for i in range(self.n_pages)]
        s = _SITE_ORDER.index(site_id)
        return [self.page_url(i) for i in range(s, self.n_pages, len(_SITE_ORDER))]

    def gold_text(self, i: int) -> str:
        """Title and paragraphs of page i as now served, one per line (as SimSite.gold)."""
        return gold_text([self._doc(i).title, *self._paragraphs(i)])

    def gold_body(self, i: int) -> str:
        return self.gold_text(i).partition("\n")[2]

    def edit_every_kth(self, k: int | None = None) -> list[int]:
        """Edit one figure on every k-th page (i % k == 0); returns the pages changed."""
        k = k or self.edit_every
        if k < 1:
            raise ValueError("k must be positive")
        with self._lock:
            self._rounds.append(k)
        return list(range(0, self.n_pages, k))

    # -- serving ------------------------------------------------------------------------------
    def _resolve_content(self, path: str, query: str, origin: str) -> Reply | None:
        i = self.page_index(path)
        if i is None:
            return None
        site_id, j = self._locate(i)
        site = SITES[site_id]
        doc = self._doc(i)
        paragraphs = self._paragraphs(i)
        count = self._count(site_id)

        def neighbour(jj: int) -> Link:
            ii = jj * len(_SITE_ORDER) + _SITE_ORDER.index(site_id)
            return Link(self._doc(ii).title, self._path(ii))

        related = [neighbour((j + k) % count) for k in (2, 3) if count > 3]
        view = ArticleView(
            site=site,
            origin=origin,
            path=path,
            title=doc.title,
            paragraphs=tuple(paragraphs),
            signature_from=len(paragraphs) - 2,
            published=self._published(j),
            issuer=doc.issuer,
            noise=self._noise(site, f"g{i}"),
            written=self._published(j).date() - timedelta(days=3),
            doc_number=doc.doc_number,
            index_no=f"{site.org_code or site.id_code}/{self._published(j).year}-{j % 100000:05d}",
            subject=doc.subject,
            keywords=tuple(doc.keywords),
            prev=neighbour(j - 1) if j > 0 else None,
            next=neighbour(j + 1) if j + 1 < count else None,
            related=(*related, Link(*site.external[0])),
        )
        return self._html(site, render_article(view), born=self._published(j).timestamp())
