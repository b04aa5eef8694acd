"""Honour `Retry-After` on 429/503 by slowing the whole domain, then let Scrapy's retry retry.

Scrapy's RetryMiddleware re-queues at once; a server that asked for a pause gets it here through
the domain's download slot, so every request to that domain waits, not only the retried one.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

MAX_RETRY_AFTER = 600.0


def parse_retry_after(value: str, now: float) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        header = response.headers.get(b"Retry-After")
        if response.status in (429, 503) and header:
            seconds = parse_retry_after(header.decode("latin-1"), time.time())
            if seconds is not None and self.crawler.engine is not None:
                downloader = self.crawler.engine.downloader
                slot = downloader.slots.get(downloader.get_slot_key(request))
                if slot is not None:
                    slot.delay = max(slot.delay, min(seconds, MAX_RETRY_AFTER))
                    slot.lastseen = time.time()
        return response
