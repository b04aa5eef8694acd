"""Where a batch of sources gets crawled: behind a small interface, one local process per crawl.

A process per crawl because a Twisted reactor cannot be restarted, because each Scrapy crawl
throttles on its own anyway (the daemon serialises per domain instead), and because a crawl that
crashes or hangs can then be killed without touching the daemon. A later runner can hand batches
to workers on other machines: the daemon only starts handles, polls them and stops them, and the
crawl itself records everything in the database.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from monitor.daemon.child import CONFIG_ENV, DB_ENV, PARENT_ENV
from monitor.daemon.plan import Batch


class CrawlHandle(Protocol):
    batch: Batch
    started_at: datetime
    stop_reason: str | None
    """None while running on its own; "stop" (daemon stopping) or "timeout" once told to end."""

    @property
    def pid(self) -> int | None: ...

    def poll(self) -> int | None:
        """The exit code once the crawl has ended, else None."""
        ...

    def wait(self, timeout: float) -> int | None: ...

    def terminate(self) -> None:
        """Ask the crawl to stop after its in-flight requests."""
        ...

    def kill(self) -> None: ...


class CrawlRunner(Protocol):
    def start(self, batch: Batch) -> CrawlHandle: ...

    def close(self) -> None: ...


@dataclass
class ProcessHandle:
    batch: Batch
    started_at: datetime
    process: subprocess.Popen[bytes]
    stop_reason: str | None = field(default=None)

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def poll(self) -> int | None:
        return self.process.poll()

    def wait(self, timeout: float) -> int | None:
        try:
            return self.process.wait(timeout=max(timeout, 0.0))
        except subprocess.TimeoutExpired:
            return None

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)


class SubprocessRunner:
    """Runs `python -m monitor.daemon.child SOURCE…` for each batch.

    Processes are started from one long-lived thread: Linux delivers PR_SET_PDEATHSIG when the
    *thread* that forked the child exits, so forking from a scheduler worker thread could kill a
    healthy crawl whenever that worker retires.
    """

    def __init__(self, config_path: Path, database_url: str, log_level: str = "WARNING") -> None:
        self.config_path = config_path.resolve()
        self.database_url = database_url
        self.log_level = log_level
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="regwatch-spawn")

    def argv(self, batch: Batch) -> list[str]:
        return [
            sys.executable, "-m", "monitor.daemon.child",
            "--log-level", self.log_level, "--", *batch.source_ids,
        ]  # fmt: skip

    def start(self, batch: Batch) -> ProcessHandle:
        env = dict(os.environ)
        # The URL may carry a password: the environment keeps it out of `ps` output.
        env[CONFIG_ENV] = str(self.config_path)
        env[DB_ENV] = self.database_url
        env[PARENT_ENV] = str(os.getpid())
        started = datetime.now(UTC)
        process = self._spawner.submit(
            subprocess.Popen,
            self.argv(batch),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        ).result()
        return ProcessHandle(batch=batch, started_at=started, process=process)

    def close(self) -> None:
        self._spawner.shutdown(wait=True)
