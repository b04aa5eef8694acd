"""The daemon: starts due crawls, reaps them, advances the schedule, delivers alerts, stops cleanly.

The schedule lives in the `sources` table (`next_due_at`), not in APScheduler: one `tick` job
reads it, which keeps every decision in the database (ready for workers on other machines) and
makes "what is due" a query rather than thousands of persisted jobs. APScheduler, with its job
store in regwatch's database, runs the daemon's few periodic jobs: tick, dispatch and digests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from config.loader import ConfigError, load_config
from config.schema import DaemonSettings
from monitor.context import AppContext, source_row
from monitor.daemon import plan
from monitor.daemon.runner import CrawlHandle, CrawlRunner
from monitor.notify.dispatcher import Dispatcher
from storage.models import CrawlRun, Source
from storage.repo import sync_sources, sync_subscriptions

log = logging.getLogger("regwatch.daemon")

JOB_TABLE = "apscheduler_jobs"
DIGEST_EVERY = timedelta(minutes=1)
INTERRUPTED = "interrupted"
_ACTIVE: Daemon | None = None


def kv(event: str, **fields: object) -> str:
    """One log line, `event key=value …`, easy to grep and to parse."""
    parts = [event]
    for key, value in fields.items():
        text = str(value)
        parts.append(f"{key}={text!r}" if (" " in text or not text) else f"{key}={text}")
    return " ".join(parts)


def utcnow() -> datetime:
    return datetime.now(UTC)


def hard_limit(wall_clock_limit: timedelta) -> timedelta:
    """When the daemon kills a crawl: Scrapy closes itself at the limit; this catches hangs."""
    grace = min(max(wall_clock_limit * 0.1, timedelta(seconds=3)), timedelta(minutes=2))
    return wall_clock_limit + grace


class Daemon:
    def __init__(
        self,
        ctx: AppContext,
        runner: CrawlRunner,
        *,
        database_override: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.ctx = ctx
        self.runner = runner
        self.database_override = database_override
        self.clock = clock
        self.handles: list[CrawlHandle] = []
        self.dispatcher = Dispatcher(ctx.db, ctx.loaded, clock=clock)
        self.scheduler: BackgroundScheduler | None = None
        self._mutex = threading.RLock()
        self._stopping = False

    @property
    def settings(self) -> DaemonSettings:
        return self.ctx.config.daemon

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.ctx.config.notifications.timezone)

    # -- start ------------------------------------------------------------------------------

    def start(self) -> None:
        """Recover from the last run, then let APScheduler drive tick, dispatch and digests."""
        global _ACTIVE
        _ACTIVE = self
        self.recover()
        self.scheduler = self._scheduler()
        self.scheduler.start()
        log.info(kv("daemon_started", sources=len(self.ctx.config.sources),
                    tick=self.settings.tick.total_seconds()))  # fmt: skip

    def recover(self) -> None:
        """Close the runs a killed daemon left open and spread the overdue sources."""
        now = self.clock()
        with self.ctx.db.write() as session:
            stale = list(session.scalars(select(CrawlRun).where(CrawlRun.status == "running")))
            for run in stale:
                run.status, run.finished_at = INTERRUPTED, now
                run.error = "the daemon stopped before this crawl finished"
            closed = len(stale)
        if closed:
            log.warning(kv("stale_runs_closed", runs=closed))
        self._replan(now, restart=True)

    def _scheduler(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.ctx.db.writer,
                                                     tablename=JOB_TABLE)},
            executors={"default": ThreadPoolExecutor(3)},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=UTC,
        )  # fmt: skip
        tick = self.settings.tick.total_seconds()
        now = self.clock()
        jobs = {
            "tick": ("monitor.daemon.service:run_tick", tick),
            "dispatch": ("monitor.daemon.service:run_dispatch", tick),
            "digests": ("monitor.daemon.service:run_digests", DIGEST_EVERY.total_seconds()),
        }
        for job_id, (func, seconds) in jobs.items():
            scheduler.add_job(
                func, "interval", seconds=seconds, id=job_id, replace_existing=True,
                next_run_time=now,
            )  # fmt: skip
        return scheduler

    def _replan(self, now: datetime, *, restart: bool) -> None:
        """Apply the current config to stored due times; spread sources that are late.

        On start every overdue source is spread over `restart_spread`. On reload only the
        sources this reload made due (new ones, or a schedule made shorter) are; sources already
        waiting keep their turn.
        """
        config = self.ctx.config
        jitter = self.settings.jitter
        with self.ctx.db.write() as session:
            rows = {s.id: s for s in session.scalars(select(Source).where(Source.in_config))}
            before = {i: r.next_due_at for i, r in rows.items()}
            for source in config.sources:
                row = rows.get(source.id)
                if row is not None:
                    row.next_due_at = plan.reconciled_due(
                        source.schedule, source.id, jitter, row.next_due_at, row.last_crawl_at,
                        self.tz,
                    )  # fmt: skip
            found = plan.candidates(config.sources, {i: r.next_due_at for i, r in rows.items()})
            running = {i for h in self.handles for i in h.batch.source_ids}
            late = [
                c
                for c in plan.overdue(found, now)
                if c.id not in running
                and (restart or (due := before.get(c.id)) is None or due > now)
            ]
            placed = plan.spread(late, now, self.settings.restart_spread)
            for source_id, when in placed.items():
                rows[source_id].next_due_at = when
        if placed:
            log.info(kv("sources_placed", count=len(placed),
                        window=self.settings.restart_spread.total_seconds()))  # fmt: skip

    # -- tick -------------------------------------------------------------------------------

    def tick(self) -> None:
        with self._mutex:
            if self._stopping:
                return
            now = self.clock()
            self.reap(now)
            self._launch(now)

    def _launch(self, now: datetime) -> None:
        free = self.settings.max_parallel_crawls - len(self.handles)
        if free <= 0:
            return
        with self.ctx.db.read() as session:
            query = select(Source.id, Source.next_due_at).where(Source.in_config)
            stored = {source_id: due for source_id, due in session.execute(query)}
        found = [c for c in plan.candidates(self.ctx.config.sources, stored) if c.id in stored]
        running = {i for h in self.handles for i in h.batch.source_ids}
        busy = {d for h in self.handles for d in h.batch.domains}
        ready = plan.due(found, now, running)
        for batch in plan.batches(ready, busy, free):
            try:
                handle = self.runner.start(batch)
            except OSError as exc:
                log.error(kv("crawl_not_started", sources=",".join(batch.source_ids),
                             error=exc))  # fmt: skip
                continue
            self.handles.append(handle)
            log.info(kv("crawl_started", sources=",".join(batch.source_ids),
                        domains=",".join(sorted(batch.domains)), pid=handle.pid))  # fmt: skip

    def reap(self, now: datetime) -> None:
        """Settle finished crawls; kill the ones past the wall-clock limit."""
        limit = self.ctx.config.crawl.wall_clock_limit
        for handle in list(self.handles):
            code = handle.poll()
            overdue = datetime.now(UTC) - handle.started_at > hard_limit(limit)
            if code is None and handle.stop_reason is None and overdue:
                handle.stop_reason = "timeout"
                handle.kill()
                code = handle.wait(10)
            if code is not None:
                self.handles.remove(handle)
                self._settle(handle, code, now)

    def _settle(self, handle: CrawlHandle, code: int, now: datetime) -> None:
        """Close what the crawl left open and advance the sources whose crawl completed.

        A source whose crawl was interrupted keeps its due time, so it is crawled again (on the
        next start if the daemon is stopping).
        """
        fallback, why = self._fallback(handle, code)
        ids = handle.batch.source_ids
        statuses: dict[str, str] = {}
        with self.ctx.db.write() as session:
            runs: dict[str, CrawlRun] = {}
            for found in session.scalars(
                select(CrawlRun)
                .where(
                    CrawlRun.source_id.in_(ids),
                    CrawlRun.started_at >= handle.started_at - timedelta(seconds=1),
                )
                .order_by(CrawlRun.id)
            ):
                runs[found.source_id] = found
            for source_id in ids:
                source = session.get(Source, source_id)
                if source is None:
                    continue
                run = runs.get(source_id) or CrawlRun(
                    source_id=source_id, started_at=handle.started_at, status="running"
                )
                session.add(run)
                if run.status == "running":
                    run.status, run.finished_at, run.error = fallback, now, why
                    source.last_crawl_at = now
                    if fallback != INTERRUPTED:
                        source.consecutive_failures += 1
                statuses[source_id] = run.status
                if run.status != INTERRUPTED:
                    self._advance(source, now)
        seconds = (datetime.now(UTC) - handle.started_at).total_seconds()
        level = logging.INFO if code == 0 else logging.WARNING
        log.log(level, kv("crawl_finished", pid=handle.pid, exit=code, seconds=f"{seconds:.1f}",
                          status=",".join(f"{i}:{s}" for i, s in statuses.items())))  # fmt: skip

    def _fallback(self, handle: CrawlHandle, code: int) -> tuple[str, str]:
        """The status (and reason) of a run the crawl process left open."""
        if handle.stop_reason == "stop":
            return INTERRUPTED, "the daemon stopped during this crawl"
        if handle.stop_reason == "timeout":
            limit = self.ctx.config.crawl.wall_clock_limit
            return "timeout", f"crawl process killed at the wall-clock limit ({limit})"
        return "failed", f"crawl process exited with code {code}"

    def _advance(self, source: Source, now: datetime) -> None:
        try:
            config = self.ctx.config.source(source.id)
        except KeyError:
            return
        after = source.last_crawl_at or now
        source.next_due_at = plan.next_due(
            config.schedule, source.id, self.settings.jitter, after, self.tz
        )

    # -- alerts -----------------------------------------------------------------------------

    def dispatch(self, deadline: float | None = None) -> int:
        """Deliver what is due, pass after pass, until nothing is left (or the deadline)."""
        delivered = 0
        dispatcher = self.dispatcher
        while deadline is None or time.monotonic() < deadline:
            stats = dispatcher.run_once()
            delivered += stats.delivered
            if not stats.claimed:
                break
        return delivered

    def digests(self) -> None:
        self.dispatcher.run_digests()

    # -- reload -----------------------------------------------------------------------------

    def reload(self) -> bool:
        """Re-read the config (SIGHUP): sources and subscriptions re-synced, state kept."""
        path = self.ctx.loaded.path
        try:
            loaded = load_config(path, database=self.database_override)
        except ConfigError as exc:
            log.error(kv("reload_failed", error=exc))
            return False
        if loaded.config.database != self.ctx.config.database:
            log.warning("reload: a new database URL takes effect on restart only")
            loaded = type(loaded)(
                config=loaded.config.model_copy(update={"database": self.ctx.config.database}),
                path=loaded.path,
                secrets=loaded.secrets,
            )
        with self._mutex:
            with self.ctx.db.write() as session:
                sync_sources(session, [source_row(s) for s in loaded.config.sources])
                sync_subscriptions(
                    session,
                    [
                        s.model_dump(mode="json", exclude={"notify"})
                        for s in loaded.config.subscriptions
                    ],
                )
            old_tick = self.settings.tick
            self.ctx = AppContext(loaded=loaded, db=self.ctx.db)
            self.dispatcher = Dispatcher(self.ctx.db, loaded, clock=self.clock)
            self._replan(self.clock(), restart=False)
            if self.scheduler is not None and self.settings.tick != old_tick:
                for job_id in ("tick", "dispatch"):
                    self.scheduler.reschedule_job(
                        job_id, trigger="interval", seconds=self.settings.tick.total_seconds()
                    )
        log.info(kv("config_reloaded", sources=len(loaded.config.sources),
                    subscriptions=len(loaded.config.subscriptions)))  # fmt: skip
        return True

    # -- stop -------------------------------------------------------------------------------

    def stop(self, hurry: threading.Event | None = None) -> None:
        """Stop scheduling, end the crawls (SIGTERM, then SIGKILL), flush the outbox once."""
        global _ACTIVE
        hurry = hurry or threading.Event()
        timeout = self.settings.stop_timeout.total_seconds()
        with self._mutex:
            self._stopping = True
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
        with self._mutex:
            for handle in self.handles:
                handle.stop_reason = handle.stop_reason or "stop"
                handle.terminate()
            deadline = time.monotonic() + timeout
            for handle in self.handles:
                while handle.poll() is None and time.monotonic() < deadline:
                    if hurry.is_set():
                        break
                    handle.wait(min(0.2, deadline - time.monotonic()))
                if handle.poll() is None:
                    handle.kill()
                    handle.wait(10)
            self.reap(self.clock())
        flushed = self.dispatch(deadline=time.monotonic() + timeout)
        self.runner.close()
        _ACTIVE = None
        log.info(kv("daemon_stopped", flushed=flushed))


# APScheduler persists jobs by reference, so the jobs are module functions reaching the daemon
# of this process (the job store is never shared: one daemon per database).


def run_tick() -> None:
    if _ACTIVE is not None:
        _ACTIVE.tick()


def run_dispatch() -> None:
    if _ACTIVE is not None:
        _ACTIVE.dispatch()


def run_digests() -> None:
    if _ACTIVE is not None:
        _ACTIVE.digests()
