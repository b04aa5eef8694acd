"""Crawl 5 disallowed URLs at once while robots.txt is still downloading; print nothing.

Run as a script by test_robots.py (a Twisted reactor runs once per process):
`python robots_probe.py BASE_URL stock|ours`.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess

MIDDLEWARES = {
    "stock": "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
    "ours": "crawler.robots.RobotsTxtMiddleware",
}


class Probe(scrapy.Spider):
    name = "probe"

    def __init__(self, base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = base

    async def start(self) -> AsyncIterator[Any]:
        for i in range(5):
            yield scrapy.Request(f"{self.base}/private/{i}.html", dont_filter=True)

    def parse(self, response: Any) -> None:
        return None


def main(base: str, which: str) -> None:
    process = CrawlerProcess(
        {
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "DOWNLOAD_DELAY": 0,
            "RETRY_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
            "DOWNLOADER_MIDDLEWARES": {
                "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                MIDDLEWARES[which]: 100,
            },
        }
    )
    process.crawl(Probe, base=base)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
