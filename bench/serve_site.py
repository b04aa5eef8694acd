"""Serve the generated benchmark site from its own process, driven by lines on stdin.

The site runs apart from the tools under test so that its CPU time is never charged to them,
and it answers from memory (every page is rendered once, up front, and again after an edit), so
it behaves like the plain static site of the issue's reference rather than a CMS rendering on
demand. It prints one JSON line when ready and one per command:

    python bench/serve_site.py --pages 2000 [--port 8800] [--seed 0] [--page-size 20]

Commands (one per line): ``edit K`` edits one figure on every K-th page (i % K == 0) and answers
with the edited URLs; ``stats`` answers with the counts of statuses served since the last
``stats``; ``quit`` stops. A person can type them too.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.simsite.generated import GeneratedSite
from crawler.simsite.server import Reply

# The article container of each template: what a CSS filter (urlwatch's) should keep.
CONTAINERS = {"ybj": "div.TRS_Editor", "rsj": "#zoom", "gjj": "#UCAP-CONTENT"}


class BenchSite(GeneratedSite):
    """A GeneratedSite whose replies are memoised until the next edit, with status counters."""

    def __init__(self, n_pages: int, **kwargs: Any) -> None:
        super().__init__(n_pages, log_requests=True, **kwargs)
        self._replies: dict[tuple[str, str, str], Reply] = {}
        self._statuses: Counter[int] = Counter()
        self._count_lock = threading.Lock()

    def _resolve(self, path: str, query: str, origin: str) -> Reply:
        key = (path, query, origin)
        reply = self._replies.get(key)
        if reply is None:
            reply = super()._resolve(path, query, origin)
            self._replies[key] = reply
        return reply

    def _record(self, handler: Any, method: str, path: str, query: str, site: str,
                started: float, status: int, inm: str | None, ims: str | None) -> None:  # fmt: skip
        """Count instead of logging: a log of every request would grow without bound."""
        with self._count_lock:
            self._statuses[status] += 1

    def take_stats(self) -> dict[str, int]:
        with self._count_lock:
            stats, self._statuses = self._statuses, Counter()
        return {str(status): count for status, count in sorted(stats.items())}

    def prerender(self) -> None:
        """Render every page and listing once, so no tool pays for a first render."""
        with self._lock:
            self._replies.clear()
        for url in self.policy_urls() + [u for s in self.site_ids for u in self.listing_urls(s)]:
            split = urlsplit(url)
            self._resolve(split.path, split.query, self.base_url)

    def edit(self, k: int) -> list[int]:
        edited = self.edit_every_kth(k)
        self.prerender()
        return edited


def listing_pages_needed(n_pages: int, page_size: int) -> int:
    """Listing pages of the largest of the three sites (pages are dealt round-robin)."""
    per_site = -(-n_pages // 3)
    return -(-per_site // page_size)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--page-size", type=int, default=20, help="items per listing page")
    args = parser.parse_args(argv)
    site = BenchSite(args.pages, seed=args.seed, page_size=args.page_size, port=args.port)
    with site:
        site.prerender()
        sources = site.sources()
        depth = listing_pages_needed(args.pages, args.page_size) + 1
        for source in sources:
            source["max_listing_pages"] = min(depth, 1000)
        ready = {
            "base_url": site.base_url,
            "pages": args.pages,
            "urls": site.policy_urls(),
            "sources": sources,
            "containers": {site.url(f"/{k}/"): v for k, v in CONTAINERS.items()},
        }
        print(json.dumps(ready, ensure_ascii=False), flush=True)
        for line in sys.stdin:
            command, _, arg = line.strip().partition(" ")
            if command == "edit":
                edited = site.edit(int(arg))
                answer: dict[str, Any] = {"edited": [site.page_url(i) for i in edited]}
            elif command == "stats":
                answer = {"statuses": site.take_stats()}
            elif command == "quit":
                break
            else:
                answer = {"error": f"unknown command {command!r}"}
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
