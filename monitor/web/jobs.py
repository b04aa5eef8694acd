""" "Recrawl now": the same `regwatch recrawl URL` / `regwatch crawl SOURCE` a user would type,
run as a child process.

Never in the server's own process: a Twisted reactor runs once per process, and a crawl that
hangs or crashes must not take the web server with it. Config and database reach the child
through the environment (a PostgreSQL URL may carry a password, which `ps` would show).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from monitor.redaction import scrub

MAX_RUNNING = 4
MAX_KEPT = 100
OUTPUT_LIMIT = 64_000


class Busy(Exception):
    """Too many crawls started from the web are still running."""


@dataclass
class Job:
    id: int
    kind: str  # "page" or "source"
    target: str
    argv: list[str]
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    returncode: int | None = None
    output: str = ""
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.returncode is None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "target": self.target,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "running": self.running,
            "returncode": self.returncode,
            "output": self.output,
        }


class Jobs:
    """The crawls this server started, newest kept in memory (the database keeps the results)."""

    def __init__(
        self,
        config_path: Path | None,
        database_url: str,
        secrets: frozenset[str] = frozenset(),
        log_level: str = "WARNING",
    ) -> None:
        self.config_path = config_path.resolve() if config_path else None
        self.database_url = database_url
        self.secrets = secrets
        self.log_level = log_level
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def _command(self, kind: str, target: str) -> list[str]:
        base = [sys.executable, "-m", "monitor.cli", "--log-level", self.log_level]
        return [*base, "recrawl", target] if kind == "page" else [*base, "crawl", target]

    async def start(self, kind: str, target: str) -> Job:
        """Start a crawl, or return the one already running for the same target."""
        for job in self._jobs.values():
            if job.running and (job.kind, job.target) == (kind, target):
                return job
        if sum(job.running for job in self._jobs.values()) >= MAX_RUNNING:
            raise Busy(f"{MAX_RUNNING} crawls are already running")
        env = dict(os.environ)
        env["REGWATCH_DB"] = self.database_url
        if self.config_path is not None:
            env["REGWATCH_CONFIG"] = str(self.config_path)
        job = Job(id=next(self._ids), kind=kind, target=target, argv=self._command(kind, target))
        job.process = await asyncio.create_subprocess_exec(
            *job.argv,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        self._jobs[job.id] = job
        self._forget_old()
        task = asyncio.create_task(self._collect(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _collect(self, job: Job) -> None:
        assert job.process is not None and job.process.stdout is not None
        chunks: list[bytes] = []
        size = 0
        while chunk := await job.process.stdout.read(8192):
            if size < OUTPUT_LIMIT:
                chunks.append(chunk)
            size += len(chunk)
        job.returncode = await job.process.wait()
        text = b"".join(chunks).decode("utf-8", "replace")[:OUTPUT_LIMIT]
        job.output = scrub(text, self.secrets)
        job.finished_at = datetime.now(UTC)

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if not job.running]
        for job_id in finished[: max(0, len(self._jobs) - MAX_KEPT)]:
            del self._jobs[job_id]

    async def close(self) -> None:
        """Stop crawls still running when the server stops: nobody would see their output."""
        for job in self._jobs.values():
            if job.running and job.process is not None:
                with contextlib.suppress(ProcessLookupError):
                    job.process.terminate()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=30)
