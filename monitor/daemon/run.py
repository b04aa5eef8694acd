"""`regwatch run` as a process: lock, signals, the main loop and the exit code."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from config.loader import ConfigError, load_config
from monitor.context import open_context
from monitor.daemon.lock import InstanceLock
from monitor.daemon.runner import SubprocessRunner
from monitor.daemon.service import Daemon, kv

log = logging.getLogger("regwatch.daemon")

LOCK_CHECK_SECONDS = 5.0


@dataclass
class Signals:
    """What the signal handlers asked for; the main loop acts on it outside the handler."""

    wake: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    hurry: threading.Event = field(default_factory=threading.Event)
    reload: threading.Event = field(default_factory=threading.Event)

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)

    def _on_stop(self, _signum: int, _frame: FrameType | None) -> None:
        if self.stop.is_set():
            self.hurry.set()  # a second signal: kill the crawls now
        self.stop.set()
        self.wake.set()

    def _on_reload(self, _signum: int, _frame: FrameType | None) -> None:
        self.reload.set()
        self.wake.set()


def run_daemon(config_path: Path | None, database: str | None, log_level: str) -> int:
    """Run until SIGTERM/SIGINT (exit 0); SIGHUP reloads the config.

    Raises ConfigError for a bad config, LockError (AlreadyRunning) when the lock is not free.
    """
    signals = Signals()
    signals.install()
    loaded = load_config(config_path, database=database)
    lock = InstanceLock(loaded.config.database)
    lock.acquire()
    try:
        return _serve(lock, signals, loaded.path, database, log_level)
    finally:
        lock.release()


def _serve(
    lock: InstanceLock,
    signals: Signals,
    config_path: Path | None,
    database: str | None,
    log_level: str,
) -> int:
    from monitor.redaction import install_redaction

    ctx = open_context(config_path, database)
    install_redaction(ctx.loaded.secrets)
    if ctx.loaded.path is None:
        raise ConfigError("the daemon needs a config file")
    runner = SubprocessRunner(ctx.loaded.path, ctx.config.database, log_level)
    daemon = Daemon(ctx, runner, database_override=database)
    code = 0
    try:
        daemon.start()
        while not signals.stop.is_set():
            signals.wake.wait(LOCK_CHECK_SECONDS)
            signals.wake.clear()
            if signals.reload.is_set():
                signals.reload.clear()
                daemon.reload()
            if not signals.stop.is_set() and not lock.alive():
                log.error(kv("lock_lost", detail="the database connection holding it broke"))
                code = 1
                break
    finally:
        daemon.stop(signals.hurry)
        ctx.db.dispose()
    return code
