"""The `run` and `status` commands; monitor.cli registers them on the `regwatch` app.

Heavy imports (APScheduler, Apprise, SQLAlchemy models) happen inside the commands so the rest
of the CLI starts as fast as before.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from monitor.daemon.status import Status


def _fail(message: str, code: int) -> NoReturn:
    print(f"regwatch: {message}", file=sys.stderr)  # one line, never wrapped to the terminal
    raise typer.Exit(code)


def daemon_run(ctx: typer.Context) -> None:
    """Run the daemon: crawl every source on its schedule and deliver alerts, until stopped.

    SIGTERM or Ctrl-C stop it cleanly (crawls ended, outbox flushed, exit 0); SIGHUP reloads the
    config. One daemon per database: a second one exits with an error.
    """
    import logging

    from config.loader import ConfigError
    from monitor.daemon.lock import LockError
    from monitor.daemon.run import run_daemon

    options = ctx.obj
    level = logging.getLevelName(options.log_level)
    if isinstance(level, int) and level > logging.DEBUG:
        logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    try:
        code = run_daemon(options.config, options.database, options.log_level)
    except ConfigError as exc:
        _fail(str(exc), 2)
    except LockError as exc:
        _fail(str(exc), 1)
    raise typer.Exit(code)


def daemon_status(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Per source: last crawl, next run, failures; and the outbox backlog."""
    from config.loader import ConfigError
    from monitor.context import open_context
    from monitor.daemon.status import collect

    options = ctx.obj
    try:
        app_context = open_context(options.config, options.database)
    except ConfigError as exc:
        _fail(str(exc), 2)
    status = collect(app_context)
    app_context.db.dispose()
    if as_json:
        print(json.dumps(status.to_json(), ensure_ascii=False))
        return
    render(status, ZoneInfo(app_context.config.notifications.timezone), Console())


def render(status: Status, tz: tzinfo, console: Console) -> None:
    now = datetime.now(UTC)
    table = Table("source", "schedule", "last crawl", "result", "pages", "changes", "errors",
                  "next run", "fails")  # fmt: skip
    failing = []
    for s in status.sources:
        if not s.in_config:
            continue
        run = s.last_crawl
        result = run.status if run else "never"
        table.add_row(
            s.id,
            s.schedule,
            _when(run.finished_at or run.started_at, tz, now) if run else "—",
            f"{result} (crawling)" if s.crawling else result,
            str(run.pages) if run else "",
            str(run.changes) if run else "",
            str(run.errors) if run else "",
            _when(s.next_run, tz, now) if s.next_run else "—",
            str(s.consecutive_failures),
        )
        if run is not None and run.error and s.consecutive_failures:
            failing.append(f"{s.id}: {run.error.splitlines()[0]}")
    console.print(table)
    for line in failing:
        console.print(line, markup=False, highlight=False)
    daemon = f"running ({status.daemon})" if status.daemon else "not running"
    box = status.outbox
    console.print(
        f"daemon: {daemon}; outbox: {box['pending']} pending, {box['digest']} held for digests, "
        f"{box['dead']} dead",
        markup=False,
        highlight=False,
    )


def _when(moment: datetime, tz: tzinfo, now: datetime) -> str:
    """`11-22 16:32 (in 9s)`: the wall time in the notification zone, and how far away."""
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    for limit, unit, size in ((90, "s", 1), (5400, "m", 60), (172800, "h", 3600)):
        if span < limit:
            rel = f"{span / size:.0f}{unit}"
            break
    else:
        rel = f"{span / 86400:.0f}d"
    rel = f"in {rel}" if seconds > 0 else f"{rel} ago"
    return f"{moment.astimezone(tz):%m-%d %H:%M} ({rel})"
