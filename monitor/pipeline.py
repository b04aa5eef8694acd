"""The Scrapy item pipeline that hands each fetch result to the ingestor."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import FetchResult
from monitor.ingest import Ingestor


class IngestPipeline:
    """The ingestor travels as the spider's `ingestor` attribute: Scrapy deep-copies settings,
    and a database handle must not be copied."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler)

    def _ingestor(self) -> Ingestor:
        return self.crawler.spider.ingestor  # type: ignore[union-attr,no-any-return]

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchResult):
            self._ingestor().add(item)
        return item

    def close_spider(self) -> None:
        self._ingestor().flush()
