"""The benchmark site: seeded pages on demand, listings, and edit rounds."""

from __future__ import annotations

import httpx

from crawler.listing import parse_listing
from crawler.simsite import SimSite

from .conftest import page_text


def test_generated_pages_listings_and_edits(client: httpx.Client) -> None:
    with SimSite.generated(300, edit_every=7, seed=3, page_size=20) as g:
        sizes = []
        for i in (0, 1, 2, 299):
            spec = g.site(g.site_ids[i % 3])
            body = client.get(g.page_url(i)).content
            sizes.append(len(body))
            assert page_text(body, spec.cms, spec.charset) == g.gold_text(i)
            assert g.page_index(g.page_url(i) + "?spm=1") == i
        assert all(7_000 < size < 15_000 for size in sizes)

        urls: list[str] = []
        for site_id in g.site_ids:
            for listing in g.listing_urls(site_id):
                urls += parse_listing(client.get(listing).content, listing).links
        assert sorted(urls) == sorted(g.policy_urls())

        before = {i: g.gold_text(i) for i in range(30)}
        etag = client.get(g.page_url(7)).headers["ETag"]
        changed = g.edit_every_kth()
        assert changed[:3] == [0, 7, 14]
        assert [i for i in range(30) if g.gold_text(i) != before[i]] == [0, 7, 14, 21, 28]
        assert client.get(g.page_url(7), headers={"If-None-Match": etag}).status_code == 200
        assert g.page_index(g.url("/ybj/zwgk/zcwj/202001/t20200101_1.shtml")) is None
