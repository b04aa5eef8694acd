"""The Scrapy item pipeline that hands each fetch result to the ingestor."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import FetchResult
from monitor.ingest import Ingestor

INGESTOR_SETTING = "REGWATCH_INGESTOR"


class IngestPipeline:
    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler.settings[INGESTOR_SETTING])

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchResult):
            self.ingestor.ingest(item)
        return item
