"""A real `regwatch run` process against a real database and the simulated site."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest
import yaml
from sqlalchemy import select

from crawler.simsite import SimSite
from storage.db import Database
from storage.models import CrawlRun, Event, Outbox, Source

QUICK_DAEMON = {"tick": "0.2s", "restart_spread": "0s", "jitter": 0, "stop_timeout": "10s"}
QUICK_CRAWL = {"delay": "0s", "retries": 0, "timeout": "10s"}


@dataclass
class DaemonProcess:
    process: subprocess.Popen[bytes]
    log_path: Path
    wait: Callable[..., Any]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, pattern: str, timeout: float = 30, count: int = 1) -> list[str]:
        """Wait until `pattern` has matched `count` log lines; returns the matching lines."""

        def found() -> list[str] | None:
            if self.process.poll() is not None:
                raise AssertionError(f"daemon exited {self.process.returncode}:\n{self.log()}")
            lines = [line for line in self.log().splitlines() if re.search(pattern, line)]
            return lines if len(lines) >= count else None

        try:
            result: list[str] = self.wait(found, timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- daemon log ---\n{self.log()}") from None
        return result

    def stop(self, timeout: float = 30) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def crawls_gone(self) -> bool:
        return all(gone(pid) for pid in self.crawl_pids())

    def crawl_pids(self) -> list[int]:
        return [int(m) for m in re.findall(r"crawl_started .* pid=(\d+)", self.log())]


@dataclass
class World:
    """One config file, one database, and daemons started on them."""

    tmp: Path
    db_url: str
    env: dict[str, str]
    wait: Callable[..., Any]
    config_path: Path = field(init=False)
    daemons: list[DaemonProcess] = field(default_factory=list)
    _db: Database | None = None

    def __post_init__(self) -> None:
        self.config_path = self.tmp / "regwatch.yaml"

    def write_config(
        self,
        sources: list[dict[str, Any]],
        *,
        subscriptions: list[dict[str, Any]] | None = None,
        crawl: dict[str, Any] | None = None,
        daemon: dict[str, Any] | None = None,
    ) -> None:
        config = {
            "crawl": {**QUICK_CRAWL, **(crawl or {})},
            "daemon": {**QUICK_DAEMON, **(daemon or {})},
            "sources": sources,
            "subscriptions": subscriptions or [],
        }
        self.config_path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "monitor.cli", "--config", str(self.config_path),
                "--db", self.db_url, "--log-level", "INFO", *args]  # fmt: skip

    def start(self, *, ready: bool = True) -> DaemonProcess:
        log_path = self.tmp / f"daemon-{len(self.daemons)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                self.argv("run"), cwd=self.tmp, env=self.env, stdout=log, stderr=log
            )
        daemon = DaemonProcess(process, log_path, self.wait)
        self.daemons.append(daemon)
        if ready:
            daemon.wait_log("daemon_started")
        return daemon

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args), cwd=self.tmp, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.db_url)
        return self._db

    def runs(self, source_id: str | None = None) -> list[CrawlRun]:
        with self.db.read() as session:
            query = select(CrawlRun).order_by(CrawlRun.id)
            if source_id is not None:
                query = query.where(CrawlRun.source_id == source_id)
            return list(session.scalars(query))

    def finished_runs(self, source_id: str | None = None) -> list[CrawlRun]:
        return [r for r in self.runs(source_id) if r.status != "running"]

    def sources(self) -> dict[str, Source]:
        with self.db.read() as session:
            return {s.id: s for s in session.scalars(select(Source))}

    def events(self, *types: str) -> list[Event]:
        with self.db.read() as session:
            query = select(Event).order_by(Event.id)
            if types:
                query = query.where(Event.type.in_(types))
            return list(session.scalars(query))

    def outbox(self) -> list[Outbox]:
        with self.db.read() as session:
            return list(session.scalars(select(Outbox).order_by(Outbox.id)))

    def close(self) -> None:
        for daemon in self.daemons:
            if daemon.process.poll() is None:
                daemon.process.kill()
                daemon.process.wait(10)
            for pid in daemon.crawl_pids():
                kill_quietly(pid)
        if self._db is not None:
            self._db.dispose()


def kill_quietly(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def world_for(
    tmp_path: Path, cli: Any, wait: Callable[..., Any]
) -> Iterator[Callable[[str], World]]:
    """`world_for(db_url)`: a World on that database, cleaned up after the test."""
    made: list[World] = []

    def make(db_url: str) -> World:
        world = World(tmp_path, db_url, dict(cli.env), wait)
        made.append(world)
        return world

    yield make
    for world in made:
        world.close()


@pytest.fixture
def world(world_for: Callable[[str], World], tmp_path: Path) -> World:
    """A World on a SQLite file (the tests that do not depend on the backend)."""
    return world_for(f"sqlite:///{tmp_path / 'regwatch.db'}")


class Site(SimSite):
    def editable(self, count: int) -> list[str]:
        """Policies with a 第一条 to rewrite, from the 医保局 site first."""
        found = [
            pid
            for bureau in ("ybj", "gjj", "rsj")
            for pid in self.policy_ids(bureau)
            if "第一条" in self.gold_text(pid)
        ]
        assert len(found) >= count, found
        return found[:count]


@pytest.fixture
def sim() -> Iterator[Site]:
    with Site() as site:
        yield site
