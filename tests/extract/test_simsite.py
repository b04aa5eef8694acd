"""The simulated site (crawler.simsite, written independently of the extractor) served over
127.0.0.1: every policy page must extract to exactly its gold, spam or not."""

from __future__ import annotations

import urllib.error
import urllib.request

from crawler.extract import extract, is_soft_404
from crawler.simsite import GeneratedSite, SimSite


def fetch(url: str) -> tuple[int, bytes, str | None]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read(), reply.headers.get("Content-Type")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type")


def test_simsite_policies_extract_to_gold() -> None:
    with SimSite() as site:
        ids = [p for p in site.policy_ids() if site.status(p) == "active"]
        assert len(ids) >= 10
        site.inject_spam(ids[0], inside_article=True)
        site.inject_spam(ids[1], inside_article=False)
        for pid in ids:
            url = site.policy_url(pid)
            status, body, content_type = fetch(url)
            gold = site.gold(pid)
            doc = extract(body, url, content_type=content_type)
            assert status == 200
            assert doc.text == gold.body, pid
            assert (doc.title, doc.published, doc.doc_number, doc.issuer) == (
                gold.title, gold.published, gold.doc_number, gold.issuer,
            ), pid  # fmt: skip
            assert [(a.url, a.name, a.type) for a in doc.attachments] == [
                (a.url, a.name, a.type) for a in gold.attachments
            ], pid
            assert doc.spam_detected == (pid in ids[:2]), pid


def test_simsite_soft_404() -> None:
    with SimSite() as site:
        pid = site.policy_ids()[0]
        site.remove(pid, "soft404")
        status, body, content_type = fetch(site.policy_url(pid))
        assert status == 200
        assert is_soft_404(extract(body, site.policy_url(pid), content_type=content_type))


def test_generated_pages_extract_to_gold() -> None:
    with GeneratedSite(n_pages=30) as site:
        for i in range(30):
            url = site.page_url(i)
            _, body, content_type = fetch(url)
            assert extract(body, url, content_type=content_type).text == site.gold_body(i), url
