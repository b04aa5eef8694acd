"""Scrapy settings from regwatch's crawl config: polite by default, nothing listening."""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings

from config.schema import CrawlSettings

# Components regwatch never runs. Scrapy imports every component named in a *_BASE setting, even
# one disabled with None, and these pull in tldextract, aiohttp and twisted.conch: ~0.2 s and
# ~10 MB at the start of every crawl process. The stock robots.txt middleware is replaced by
# crawler.robots; cookies and the HTTP cache are off; nothing listens (telnet, remote control);
# DownloaderStats renders every request and response as raw HTTP to count bytes nobody reads.
UNUSED_COMPONENTS = frozenset(
    {
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
        "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware",
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.extensions.remote_control.RemoteControl",
        "scrapy.extensions.memusage.MemoryUsage",
        "scrapy.extensions.memdebug.MemoryDebugger",
        "scrapy.extensions.feedexport.FeedExporter",
        "scrapy.extensions.spiderstate.SpiderState",
        "scrapy.extensions.logstats.LogStats",
        "scrapy.downloadermiddlewares.stats.DownloaderStats",
    }
)


def _used(base: dict[str, int]) -> dict[str, int]:
    return {path: order for path, order in base.items() if path not in UNUSED_COMPONENTS}


def user_agent(crawl: CrawlSettings) -> str:
    if crawl.contact and crawl.contact not in crawl.user_agent:
        return f"{crawl.user_agent} contact: {crawl.contact}"
    return crawl.user_agent


def scrapy_settings(
    crawl: CrawlSettings,
    *,
    pipelines: dict[str, int] | None = None,
    log_level: str = "WARNING",
) -> dict[str, Any]:
    delay = crawl.delay.total_seconds()
    return {
        "BOT_NAME": "regwatch",
        "USER_AGENT": user_agent(crawl),
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
        # A callback yields one result and a few requests; Scrapy's default of 100 parallel
        # output workers per response costs more than the work itself (measured: ~2x on 304s).
        "CONCURRENT_ITEMS": 4,
        # Scrapy checks every callback for `return value` inside a generator by reading and
        # parsing its source; its cache is keyed by weak references to bound methods, which die
        # at once, so it re-parses on every response (a third of the CPU of a 304 re-crawl).
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        # Scrapy's own downloader ignores CONCURRENT_REQUESTS_PER_DOMAIN at delay 0.
        "DOWNLOADER": "crawler.downloader.SlotLimitedDownloader",
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0.5 if delay > 0 else 0.0,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle and delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, delay * 10),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(crawl.concurrency_per_domain),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": crawl.retries,
        "DOWNLOAD_TIMEOUT": crawl.timeout.total_seconds(),
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "CLOSESPIDER_TIMEOUT": crawl.wall_clock_limit.total_seconds(),
        "COOKIES_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "DOWNLOADER_MIDDLEWARES_BASE": _used(default_settings.DOWNLOADER_MIDDLEWARES_BASE),
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.robots.RobotsTxtMiddleware": 100,
            "crawler.retry_after.RetryAfterMiddleware": 560,
        },
        "EXTENSIONS_BASE": _used(default_settings.EXTENSIONS_BASE),
        "ITEM_PIPELINES": pipelines or {},
    }
