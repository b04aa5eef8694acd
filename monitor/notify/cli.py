"""Commands: `regwatch outbox [--pending|--dead] [--json]`, `regwatch outbox retry ID|--all-dead`,
`regwatch notify-test SUBSCRIPTION`, `regwatch dispatch [--once]`.

The plain functions take (config_path, database) like every entry point and return an exit
code; `outbox_app` wraps the outbox ones for mounting under the main typer app. Output names
channels only by their redacted label and passes every error through the secret scrubber.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import CursorResult, select, update

from monitor.context import AppContext, open_context
from monitor.notify.channels import all_channel_secrets
from monitor.notify.enqueue import DEAD, DELIVERED, DIGEST, PENDING, SENDING
from monitor.redaction import scrub
from storage.models import Event, Outbox, utcnow

if TYPE_CHECKING:  # loaded by the commands that deliver, not by every `regwatch` start
    from monitor.notify.dispatcher import Dispatcher

log = logging.getLogger(__name__)

Which = Literal["pending", "dead"] | None
_WAITING = (PENDING, SENDING, DIGEST)


def _open(
    config_path: Path | str | None, database: str | None
) -> tuple[AppContext, frozenset[str]]:
    context = open_context(config_path, database)
    return context, frozenset(context.loaded.secrets | all_channel_secrets(context.config))


def _when(at: datetime | None, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def show_outbox(
    config_path: Path | str | None,
    database: str | None,
    *,
    which: Which = None,
    as_json: bool = False,
    limit: int = 100,
    console: Console | None = None,
) -> int:
    """List outbox rows, newest first: all, the waiting ones (`pending`) or the `dead` ones."""
    console = console or Console()
    context, secrets = _open(config_path, database)
    query = select(Outbox, Event).join(Event, Event.id == Outbox.event_id)
    if which == "pending":
        query = query.where(Outbox.status.in_(_WAITING))
    elif which == "dead":
        query = query.where(Outbox.status == DEAD)
    with context.db.read() as session:
        rows = session.execute(query.order_by(Outbox.id.desc()).limit(limit)).all()
    if as_json:
        for row, event in rows:
            record = {
                "id": row.id,
                "event_id": row.event_id,
                "subscription": row.subscription_id,
                "channel": scrub(row.channel_label, secrets),
                "status": row.status,
                "attempts": row.attempts,
                "next_attempt_at": _iso(row.next_attempt_at) if row.status != DELIVERED else None,
                "delivered_at": _iso(row.delivered_at),
                "last_error": scrub(row.last_error, secrets) if row.last_error else None,
                "digest_id": row.digest_id,
                "title": event.title,
                "url": event.url,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        return 0
    zone = context.config.notifications.timezone
    table = Table(title=f"outbox ({len(rows)})", show_lines=False)
    for column in ("id", "event", "subscription", "channel", "status", "tries", "when", "error"):
        table.add_column(column, overflow="fold")
    for row, event in rows:
        when = row.delivered_at if row.status == DELIVERED else row.next_attempt_at
        table.add_row(
            str(row.id),
            f"{event.id} {event.type} {event.title or event.url}",
            row.subscription_id,
            scrub(row.channel_label, secrets),
            row.status,
            str(row.attempts),
            _when(when, zone),
            scrub(row.last_error or "", secrets),
        )
    console.print(table)
    return 0


def retry_outbox(
    config_path: Path | str | None,
    database: str | None,
    *,
    outbox_id: int | None = None,
    all_dead: bool = False,
    console: Console | None = None,
) -> int:
    """Send a dead (or waiting) row again now, with a fresh attempt budget."""
    console = console or Console()
    if (outbox_id is None) == (not all_dead):
        console.print("give an outbox ID or --all-dead (not both)")
        return 2
    context, _ = _open(config_path, database)
    query = update(Outbox).where(Outbox.status == DEAD)
    if outbox_id is not None:
        with context.db.read() as session:
            row = session.get(Outbox, outbox_id)
        if row is None:
            console.print(f"no outbox row {outbox_id}")
            return 1
        if row.status == DELIVERED:
            console.print(f"outbox row {outbox_id} was delivered already")
            return 1
        query = update(Outbox).where(Outbox.id == outbox_id, Outbox.status.in_([DEAD, PENDING]))
    with context.db.write() as session:
        result = session.execute(
            query.values(
                status=PENDING,
                attempts=0,
                next_attempt_at=utcnow(),
                claimed_at=None,
                claimed_by=None,
            )
        )
        count = cast(CursorResult[Any], result).rowcount or 0
    console.print(f"requeued {count} outbox row(s)")
    return 0


def notify_test(
    config_path: Path | str | None,
    database: str | None,
    subscription_id: str,
    *,
    console: Console | None = None,
) -> int:
    """Send a test message through every channel of a subscription; non-zero if one fails."""
    console = console or Console()
    context, secrets = _open(config_path, database)
    try:
        from monitor.notify.testsend import send_test

        outcomes = send_test(context.loaded, subscription_id)
    except KeyError:
        known = ", ".join(s.id for s in context.config.subscriptions) or "none"
        console.print(f"unknown subscription {subscription_id!r} (known: {known})")
        return 2
    table = Table(title=f"notify-test {subscription_id}")
    for column in ("channel", "result", "error"):
        table.add_column(column, overflow="fold")
    for label_, ok, error in outcomes:
        table.add_row(scrub(label_, secrets), "ok" if ok else "FAILED", scrub(error or "", secrets))
    console.print(table)
    return 0 if all(ok for _, ok, _ in outcomes) else 1


def dispatch(
    config_path: Path | str | None,
    database: str | None,
    *,
    once: bool = False,
    workers: int = 4,
) -> int:
    """Deliver the outbox until SIGTERM/SIGINT (or, with `once`, until nothing is due)."""
    context, _ = _open(config_path, database)
    from monitor.notify.dispatcher import Dispatcher

    dispatcher = Dispatcher(context.db, context.loaded, workers=workers)
    tick = context.config.daemon.tick.total_seconds()
    try:
        run_loop(dispatcher, once=once, tick=tick)
    finally:
        context.db.dispose()
    return 0


def run_loop(
    dispatcher: Dispatcher, *, once: bool, tick: float, stop: threading.Event | None = None
) -> None:
    """Run passes until stopped; sleeps until the next row is due, at most `tick` seconds."""
    stop = stop or threading.Event()
    with _stop_on_signals(stop, dispatcher):
        while not stop.is_set():
            stats = dispatcher.run_once()
            if stats.claimed or stats.digests or stats.recovered:
                log.info("dispatch: %s", stats)
            if once and not stats.claimed:
                break
            if not stats.claimed:
                stop.wait(max(dispatcher.seconds_until_due(tick), 0.2))


@contextmanager
def _stop_on_signals(stop: threading.Event, dispatcher: Dispatcher) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("dispatch: %s received, stopping", signal.Signals(signum).name)
        stop.set()
        dispatcher.stop()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# -- typer wrappers ----------------------------------------------------------------------------

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="REGWATCH_CONFIG", help="config file", show_default=False),
]
DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="REGWATCH_DB", help="database URL", show_default=False),
]

_META = "regwatch.notify.locations"
outbox_app = typer.Typer(help="The notification outbox: what waits, what failed, what to resend.")


def _locations(ctx: typer.Context, config: Path | None, db: str | None) -> tuple[Any, Any]:
    """Explicit options first, else what the main app put in ctx.obj (dict or attributes)."""
    given_config, given_db = ctx.meta.get(_META, (None, None))
    obj = ctx.find_root().obj

    def inherited(*names: str) -> Any:
        for name in names:
            value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
            if value:
                return value
        return None

    return (
        config or given_config or inherited("config_path", "config"),
        db or given_db or inherited("database", "db"),
    )


@outbox_app.callback(invoke_without_command=True)
def outbox_command(
    ctx: typer.Context,
    pending: Annotated[bool, typer.Option("--pending", help="waiting rows only")] = False,
    dead: Annotated[bool, typer.Option("--dead", help="dead rows only")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    limit: Annotated[int, typer.Option(help="at most this many rows")] = 100,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    if ctx.invoked_subcommand is not None:
        ctx.meta[_META] = (config, db)
        return
    if pending and dead:
        raise typer.BadParameter("--pending and --dead exclude each other")
    which: Which = "pending" if pending else "dead" if dead else None
    config_path, database = _locations(ctx, config, db)
    raise typer.Exit(show_outbox(config_path, database, which=which, as_json=as_json, limit=limit))


@outbox_app.command("retry")
def outbox_retry_command(
    ctx: typer.Context,
    outbox_id: Annotated[int | None, typer.Argument(help="outbox row to send again")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="every dead row")] = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    config_path, database = _locations(ctx, config, db)
    raise typer.Exit(retry_outbox(config_path, database, outbox_id=outbox_id, all_dead=all_dead))
