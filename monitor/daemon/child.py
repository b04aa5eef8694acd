"""The crawl process the daemon starts: `python -m monitor.daemon.child [--log-level L] SOURCE…`.

It crawls its sources once (recording one CrawlRun each and queueing alerts in the same
transactions as their events) and exits; the daemon delivers the alerts. It dies with the daemon:
a crawl nobody supervises would outlive the wall-clock limit and the single-instance lock.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

CONFIG_ENV = "REGWATCH_CONFIG"
DB_ENV = "REGWATCH_DB"
PARENT_ENV = "REGWATCH_DAEMON_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux for SIGKILL when the daemon goes, and leave if it already went.

    Done here rather than in a `preexec_fn`, which is unsafe in a process with threads (the
    daemon has several) and disables the fast vfork path of `subprocess`.
    """
    parent = os.environ.get(PARENT_ENV)
    if parent is None or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(parent):
        os._exit(70)


def quiet_scrapy(record: logging.LogRecord) -> bool:
    """Scrapy's INFO lines (versions, settings, middlewares, stats: a dozen per crawl, logged
    on loggers Scrapy itself sets to DEBUG) would drown the daemon's one line per crawl."""
    return record.levelno >= logging.WARNING or not record.name.startswith(
        ("scrapy", "twisted", "py.warnings")
    )


def main(argv: list[str] | None = None) -> int:
    die_with_parent()
    parser = argparse.ArgumentParser(prog="regwatch-crawl")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args(argv)
    level = args.log_level.upper()

    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr
    )
    scrapy_level = level if level == "DEBUG" else "WARNING"
    if level != "DEBUG":
        for handler in logging.getLogger().handlers:
            handler.addFilter(quiet_scrapy)

    from monitor.context import open_context
    from monitor.crawl import run_crawl
    from monitor.redaction import install_redaction

    ctx = open_context(os.environ.get(CONFIG_ENV), os.environ.get(DB_ENV))
    install_redaction(ctx.loaded.secrets)
    try:
        run_crawl(ctx, args.sources, notify=True, log_level=scrapy_level)
    finally:
        ctx.db.dispose()
    return 0


def exit_now(code: int) -> None:
    """Leave without tearing the interpreter down (up to a second with Scrapy loaded): every
    result is committed by now, and only the log needs flushing."""

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
