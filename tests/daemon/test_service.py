"""The daemon's bookkeeping with a fake runner and a settable clock: no processes, no waiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from monitor.context import AppContext, open_context
from monitor.daemon.plan import Batch
from monitor.daemon.service import Daemon
from storage.models import CrawlRun, Source

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class FakeHandle:
    batch: Batch
    started_at: datetime
    stop_reason: str | None = None
    code: int | None = None
    signals: list[str] = field(default_factory=list)
    pid: int | None = 4242

    def poll(self) -> int | None:
        return self.code

    def wait(self, timeout: float) -> int | None:
        return self.code

    def terminate(self) -> None:
        self.signals.append("TERM")
        self.code = -15

    def kill(self) -> None:
        self.signals.append("KILL")
        self.code = -9


@dataclass
class FakeRunner:
    started: list[FakeHandle] = field(default_factory=list)
    closed: bool = False

    def start(self, batch: Batch) -> FakeHandle:
        handle = FakeHandle(batch, datetime.now(UTC))
        self.started.append(handle)
        return handle

    def close(self) -> None:
        self.closed = True


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def source(source_id: str, host: str, schedule: str = "every 1h") -> dict[str, Any]:
    return {"id": source_id, "name": source_id, "pages": [f"http://{host}/{source_id}.html"],
            "schedule": schedule}  # fmt: skip


def write(path: Path, sources: list[dict[str, Any]], **daemon: Any) -> None:
    settings = {"restart_spread": "10m", "jitter": 0, "max_parallel_crawls": 2, **daemon}
    path.write_text(yaml.safe_dump({"daemon": settings, "sources": sources}), "utf-8")


@pytest.fixture
def setup(tmp_path: Path, db_url: str) -> Any:
    config = tmp_path / "regwatch.yaml"
    made: list[AppContext] = []

    def make(sources: list[dict[str, Any]], **daemon: Any) -> tuple[Daemon, FakeRunner, Clock]:
        write(config, sources, **daemon)
        ctx = open_context(config, db_url)
        made.append(ctx)
        runner, clock = FakeRunner(), Clock()
        return Daemon(ctx, runner, database_override=db_url, clock=clock), runner, clock

    yield make
    for ctx in made:
        ctx.db.dispose()


def rows(daemon: Daemon) -> dict[str, Source]:
    with daemon.ctx.db.read() as session:
        return {s.id: s for s in session.scalars(select(Source))}


def runs(daemon: Daemon) -> list[CrawlRun]:
    with daemon.ctx.db.read() as session:
        return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def test_first_start_spreads_sources_and_batches_them_by_domain(setup: Any) -> None:
    daemon, runner, clock = setup(
        [
            source("a1", "a.gov.cn"),
            source("a2", "a.gov.cn"),
            source("b1", "b.gov.cn"),
            source("c1", "c.gov.cn"),
        ],
        restart_spread="40s",
    )
    daemon.recover()
    due = sorted(s.next_due_at for s in rows(daemon).values() if s.next_due_at)
    assert due == [T0, T0 + timedelta(seconds=10), T0 + timedelta(seconds=20),
                   T0 + timedelta(seconds=30)]  # fmt: skip

    clock.now = T0 + timedelta(seconds=35)
    daemon.tick()
    assert [h.batch.source_ids for h in runner.started] == [("a1", "a2"), ("b1",)]  # 2 slots
    daemon.tick()
    assert len(runner.started) == 2  # c1 waits for a free slot, a.gov.cn is busy

    runner.started[0].code = 0
    daemon.tick()
    assert [h.batch.source_ids for h in runner.started][2:] == [("c1",)]


def test_a_crashed_crawl_counts_as_a_failure_and_its_source_moves_on(setup: Any) -> None:
    daemon, runner, clock = setup([source("a", "a.gov.cn")], restart_spread="0s")
    daemon.recover()
    daemon.tick()
    (handle,) = runner.started
    handle.code = 1  # died before recording anything
    clock.now = T0 + timedelta(seconds=5)
    daemon.tick()

    (run,) = runs(daemon)
    assert (run.status, run.error) == ("failed", "crawl process exited with code 1")
    row = rows(daemon)["a"]
    assert row.consecutive_failures == 1
    assert row.next_due_at == T0 + timedelta(hours=1)  # the next slot of its grid


def test_a_crawl_past_the_wall_clock_limit_is_killed_and_recorded(setup: Any) -> None:
    daemon, runner, _clock = setup([source("a", "a.gov.cn")], restart_spread="0s")
    daemon.recover()
    daemon.tick()
    (handle,) = runner.started
    handle.started_at -= timedelta(hours=1)  # the default limit is 30 minutes
    daemon.tick()

    assert handle.signals == ["KILL"]
    (run,) = runs(daemon)
    assert run.status == "timeout"
    assert "wall-clock limit" in (run.error or "")
    due = rows(daemon)["a"].next_due_at
    assert due is not None and due > T0


def test_stop_interrupts_crawls_and_leaves_their_sources_due(setup: Any) -> None:
    daemon, runner, clock = setup([source("a", "a.gov.cn")], restart_spread="0s")
    daemon.recover()
    daemon.tick()
    clock.now = T0 + timedelta(seconds=3)
    daemon.stop()

    assert runner.started[0].signals == ["TERM"]
    assert runner.closed
    (run,) = runs(daemon)
    assert run.status == "interrupted"
    row = rows(daemon)["a"]
    assert row.next_due_at == T0 and row.consecutive_failures == 0


def test_recover_closes_stale_runs_and_spreads_only_overdue_sources(setup: Any) -> None:
    daemon, _runner, _clock = setup(
        [source("late", "a.gov.cn", "every 1m"), source("later", "b.gov.cn", "every 1m"),
         source("fine", "c.gov.cn", "every 1h")],
        restart_spread="10m",
    )  # fmt: skip
    state = {  # last crawl, and the due time the daemon derived from it
        "late": (T0 - timedelta(minutes=61), T0 - timedelta(hours=1)),
        "later": (T0 - timedelta(minutes=2), T0 - timedelta(minutes=1)),
        "fine": (T0 - timedelta(minutes=15), T0 + timedelta(hours=1)),
    }
    with daemon.ctx.db.write() as session:
        for row in session.scalars(select(Source)):
            row.last_crawl_at, row.next_due_at = state[row.id]
        session.add(CrawlRun(source_id="late", started_at=T0 - timedelta(hours=1)))
    daemon.recover()

    assert [r.status for r in runs(daemon)] == ["interrupted"]
    due = {i: s.next_due_at for i, s in rows(daemon).items()}
    assert due["late"] == T0  # longest waiting first
    assert due["later"] == T0 + timedelta(minutes=5)
    assert due["fine"] == T0 + timedelta(hours=1)


def test_reload_adds_sources_and_applies_a_shorter_schedule(setup: Any, tmp_path: Path) -> None:
    daemon, _runner, clock = setup([source("a", "a.gov.cn", "every 6h")], restart_spread="1m")
    with daemon.ctx.db.write() as session:
        row = session.get(Source, "a")
        assert row is not None
        row.last_crawl_at = T0 - timedelta(minutes=10)
        row.next_due_at = T0 + timedelta(hours=5)
    clock.now = T0
    write(tmp_path / "regwatch.yaml",
          [source("a", "a.gov.cn", "every 30m"), source("b", "b.gov.cn")],
          restart_spread="1m", jitter=0)  # fmt: skip
    assert daemon.reload()

    due = {i: s.next_due_at for i, s in rows(daemon).items()}
    assert due["a"] == T0 + timedelta(minutes=30)  # the 30-minute grid after its last crawl
    assert due["b"] == T0  # new: placed at once (alone in the spread)
    assert daemon.ctx.config.source("a").schedule.text == "every 30m"


def test_a_broken_config_on_reload_keeps_the_running_one(setup: Any, tmp_path: Path) -> None:
    daemon, _runner, _clock = setup([source("a", "a.gov.cn")])
    (tmp_path / "regwatch.yaml").write_text("sources: [{id: BAD}]", "utf-8")
    assert not daemon.reload()
    assert [s.id for s in daemon.ctx.config.sources] == ["a"]


def test_status_reports_last_crawl_next_run_and_backlog(setup: Any) -> None:
    from rich.console import Console

    from monitor.daemon.cli import render
    from monitor.daemon.status import collect

    daemon, runner, clock = setup([source("a", "a.gov.cn"), source("b", "b.gov.cn")])
    daemon.recover()
    daemon.tick()
    runner.started[0].code = 3
    clock.now = T0 + timedelta(minutes=11)
    daemon.tick()

    status = collect(daemon.ctx)
    assert status.daemon is None
    assert status.outbox == {"pending": 0, "digest": 0, "dead": 0}
    by_id = {s.id: s for s in status.sources}
    assert by_id["a"].last_crawl is not None and by_id["a"].last_crawl.status == "failed"
    assert by_id["a"].consecutive_failures == 1
    assert by_id["b"].last_crawl is None and by_id["b"].crawling is False

    console = Console(record=True, width=200)
    render(status, UTC, console)
    text = console.export_text()
    assert "a: crawl process exited with code 3" in text
    assert "never" in text
    assert "daemon: not running; outbox: 0 pending" in text
