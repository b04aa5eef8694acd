"""Run one crawl of some sources (or of single URLs) in this process, then close its runs.

A Twisted reactor cannot be restarted, so a process runs one crawl; the daemon starts one
process per crawl (see monitor.daemon), which also keeps a crashing crawl away from it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from scrapy.crawler import CrawlerProcess
from twisted.python.failure import Failure

from config.schema import SourceConfig
from crawler.listing import canonical_url
from crawler.settings import scrapy_settings
from crawler.spider import RegwatchSpider, SourceSpec
from monitor.context import AppContext
from monitor.ingest import Ingestor, IngestStats
from storage.models import CrawlRun, Source
from storage.repo import (
    known_pages,
    listing_states,
    page_by_url,
    save_listing_states,
    site_boilerplate,
)

log = logging.getLogger("regwatch.crawl")

ADHOC_SOURCE = "adhoc"


@dataclass
class SourceReport:
    source_id: str
    run_id: int
    status: str
    stats: IngestStats


def spec_for(source: SourceConfig, default_robots: bool, attachments: bool) -> SourceSpec:
    return SourceSpec(
        id=source.id,
        listing=tuple(source.listing),
        pages=tuple(source.pages),
        follow=source.follow,
        max_listing_pages=source.max_listing_pages,
        obey_robots=default_robots if source.obey_robots is None else source.obey_robots,
        attachments=attachments,
    )


def select_sources(ctx: AppContext, ids: Iterable[str] | None) -> list[SourceConfig]:
    wanted = list(ids or [])
    known = {s.id: s for s in ctx.config.sources}
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise KeyError(f"unknown source: {', '.join(unknown)}")
    if wanted:
        return [known[i] for i in wanted]
    return [s for s in ctx.config.sources if s.enabled]


def run_crawl(
    ctx: AppContext,
    source_ids: Iterable[str] | None = None,
    *,
    only_urls: Mapping[str, str] | None = None,
    notify: bool = True,
    log_level: str = "WARNING",
) -> list[SourceReport]:
    """Crawl the sources (or just `only_urls`: url → source id) and record one run per source."""
    config = ctx.config
    if only_urls is not None:
        only_urls = {canonical_url(u): s for u, s in only_urls.items()}
        involved = sorted(set(only_urls.values()))
        by_id = {s.id: s for s in config.sources}
        specs = [
            spec_for(by_id[i], config.crawl.obey_robots, config.crawl.attachments)
            if i in by_id
            else SourceSpec(id=i, obey_robots=config.crawl.obey_robots)
            for i in involved
        ]
    else:
        chosen = select_sources(ctx, source_ids)
        specs = [spec_for(s, config.crawl.obey_robots, config.crawl.attachments) for s in chosen]
        involved = [s.id for s in specs]
    for spec in specs:
        if not spec.obey_robots:
            log.warning("source %s ignores robots.txt (obey_robots: false)", spec.id)

    started = datetime.now(UTC)
    with ctx.db.write() as session:
        if ADHOC_SOURCE in involved and session.get(Source, ADHOC_SOURCE) is None:
            session.add(Source(id=ADHOC_SOURCE, name="单独添加的网址", topics=[], in_config=False))
            session.flush()
        runs = {sid: CrawlRun(source_id=sid, started_at=started) for sid in involved}
        session.add_all(runs.values())
        session.flush()
        run_ids = {sid: run.id for sid, run in runs.items()}
    with ctx.db.read() as session:
        known = {sid: known_pages(session, sid) for sid in involved}
        listings = {sid: listing_states(session, sid) for sid in involved}

    @cache
    def boilerplate(site: str) -> frozenset[str]:
        with ctx.db.read() as session:
            return site_boilerplate(session, site)

    ingestor = Ingestor(ctx.db, config, notify=notify, boilerplate=boilerplate)
    settings: dict[str, Any] = scrapy_settings(
        config.crawl,
        pipelines={"monitor.pipeline.IngestPipeline": 300},
        log_level=log_level,
    )
    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    _quiet_scrapy(log_level)
    process = CrawlerProcess(settings)
    _quiet_scrapy(log_level)
    crawler = process.create_crawler(RegwatchSpider)

    def did_not_run(failure: Failure) -> None:
        """Scrapy only logs a crawl that raised (one that could not even start, say), and its
        runs would be closed as `ok` with nothing fetched: it failed."""
        log.error("crawl did not complete:\n%s", failure.getTraceback())
        ingestor.failure = f"crawl did not complete: {failure.getErrorMessage()}"

    process.crawl(
        crawler,
        sources=specs,
        known=known,
        listings=listings,
        boilerplate=boilerplate,
        only_urls=only_urls,
        ingestor=ingestor,
    ).addErrback(did_not_run)
    process.start()
    reason = (crawler.stats.get_value("finish_reason") if crawler.stats else None) or "finished"
    reports = _close_runs(ctx, run_ids, ingestor, reason, baseline=only_urls is None)
    ctx.db.checkpoint()
    return reports


def _quiet_scrapy(log_level: str) -> None:
    """Scrapy resets logging when it starts; the user's --log-level must still hold. An unreachable
    site's robots.txt is already recorded as a page error, so its traceback is kept for DEBUG."""
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(log_level)
    robots = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    robots.setLevel(log_level if log_level == "DEBUG" else "CRITICAL")


def _close_runs(
    ctx: AppContext,
    run_ids: Mapping[str, int],
    ingestor: Ingestor,
    reason: str,
    *,
    baseline: bool,
) -> list[SourceReport]:
    finished = datetime.now(UTC)
    reports = []
    with ctx.db.write() as session:
        for source_id, run_id in run_ids.items():
            stats = ingestor.stats.get(source_id, IngestStats())
            run = session.get(CrawlRun, run_id)
            source = session.get(Source, source_id)
            assert run is not None and source is not None
            reached = stats.fetched + stats.not_modified
            if reason == "closespider_timeout":
                status = "timeout"
            elif ingestor.failure:
                status = "failed"
            elif reason == "shutdown":  # SIGTERM/Ctrl-C: partial, so crawled again (no baseline)
                status = "interrupted"
            elif reached == 0 and stats.errors:
                status = "failed"
            else:
                status = "ok"
            run.status, run.finished_at = status, finished
            run.fetched, run.not_modified = stats.fetched, stats.not_modified
            run.pages = reached
            run.changes = sum(stats.events.values())
            run.errors = stats.errors
            run.error = "\n".join(stats.error_messages[:20]) or ingestor.failure
            source.last_crawl_at = finished
            if status == "ok":
                source.consecutive_failures = 0
            elif status != "interrupted":
                source.consecutive_failures += 1
            if baseline and status == "ok" and source.baseline_at is None:
                source.baseline_at = finished
            if baseline and status == "ok" and not stats.unstored:
                # a page lost to a storage error is not known next time, and only its listing
                # still links to it: that listing must not be skipped as unchanged
                listings = ingestor.listings.get(source_id, {})
                save_listing_states(session, source_id, listings, finished)
            reports.append(SourceReport(source_id, run_id, status, stats))
            log.info(
                "crawl source=%s status=%s pages=%d fetched=%d not_modified=%d events=%d errors=%d",
                source_id, status, reached, stats.fetched, stats.not_modified,
                run.changes, stats.errors,
            )  # fmt: skip
    return reports


def source_of_url(ctx: AppContext, url: str) -> str | None:
    """The source that already holds this page, if any."""
    with ctx.db.read() as session:
        page = page_by_url(session, canonical_url(url))
        return page.source_id if page is not None else None
