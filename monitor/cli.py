"""`regwatch`: one entry point; every command opens config and database the same way."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from config.durations import parse_duration
from config.loader import ConfigError
from monitor.context import AppContext, load, open_context
from monitor.daemon.cli import daemon_run, daemon_status
from monitor.notify.cli import outbox_app
from monitor.web.cli import serve

app = typer.Typer(
    name="regwatch",
    help="Watch government regulation pages and report what changed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)
app.add_typer(outbox_app, name="outbox")
app.command("run")(daemon_run)
app.command("status")(daemon_status)
app.command("serve")(serve)


@dataclass
class Options:
    config: Path | None
    database: str | None
    log_level: str


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(f"regwatch: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", envvar="REGWATCH_CONFIG", help="Config file.")
    ] = None,
    database: Annotated[
        str | None, typer.Option("--db", envvar="REGWATCH_DB", help="Database URL.")
    ] = None,
    log_level: Annotated[
        str, typer.Option("--log-level", help="DEBUG, INFO, WARNING…")
    ] = "WARNING",
) -> None:
    logging.basicConfig(
        level=log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    for handler in logging.root.handlers:  # Scrapy lowers the root logger's level when it starts
        handler.setLevel(log_level.upper())
    ctx.obj = Options(config=config, database=database, log_level=log_level.upper())


def context(ctx: typer.Context) -> AppContext:
    options: Options = ctx.obj
    try:
        return open_context(options.config, options.database)
    except ConfigError as exc:
        fail(str(exc), 2)


@app.command("check-config")
def check_config(ctx: typer.Context) -> None:
    """Validate the config file; exit non-zero with one line naming the problem."""
    options: Options = ctx.obj
    try:
        loaded = load(options.config, options.database)
    except ConfigError as exc:
        fail(str(exc), 2)
    config = loaded.config
    console.print(
        f"{loaded.path}: ok — {len(config.sources)} sources, "
        f"{len(config.subscriptions)} subscriptions",
        markup=False,
    )


@app.command()
def sources(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the configured sources."""
    app_context = context(ctx)
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "region": s.region,
            "topics": s.topics,
            "schedule": s.schedule.text,
            "listing": s.listing,
            "pages": s.pages,
            "verified": s.verified,
        }
        for s in app_context.config.sources
    ]
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table("id", "name", "region", "schedule", "urls")
    for row in rows:
        urls = len(row["listing"]) + len(row["pages"])  # type: ignore[arg-type]
        table.add_row(str(row["id"]), str(row["name"]), str(row["region"] or ""),
                      str(row["schedule"]), str(urls))  # fmt: skip
    console.print(table)


@app.command()
def crawl(
    ctx: typer.Context,
    source: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    no_notify: Annotated[
        bool, typer.Option("--no-notify", help="Record, but alert nobody.")
    ] = False,
    queue_only: Annotated[
        bool, typer.Option("--queue-only", help="Queue alerts for the daemon; send nothing now.")
    ] = False,
) -> None:
    """Crawl all (or the named) sources once, detect changes, notify, exit."""
    from monitor.crawl import run_crawl

    app_context = context(ctx)
    try:
        reports = run_crawl(app_context, source, notify=not no_notify, log_level=ctx.obj.log_level)
    except KeyError as exc:
        fail(str(exc.args[0]), 2)
    if not no_notify and not queue_only:
        deliver_now(app_context)
    table = Table("source", "status", "pages", "fetched", "304", "events", "errors")
    for report in reports:
        s = report.stats
        events = ", ".join(f"{k}:{v}" for k, v in sorted(s.events.items())) or "0"
        table.add_row(report.source_id, report.status, str(s.fetched + s.not_modified),
                      str(s.fetched), str(s.not_modified), events, str(s.errors))  # fmt: skip
    console.print(table)


def deliver_now(app_context: AppContext) -> None:
    """Hand fresh alerts to their channels now instead of waiting for the daemon's next tick."""
    from monitor.notify.dispatcher import Dispatcher

    dispatcher = Dispatcher(app_context.db, app_context.loaded)
    while dispatcher.run_once().claimed:
        pass


@app.command()
def recrawl(
    ctx: typer.Context,
    url: str,
    source: Annotated[str | None, typer.Option("--source", help="Attach to this source.")] = None,
    no_notify: Annotated[bool, typer.Option("--no-notify")] = False,
) -> None:
    """Fetch one URL now, store it, and print its diff against the last clean text."""
    from crawler.listing import canonical_url
    from monitor.crawl import ADHOC_SOURCE, run_crawl, source_of_url

    app_context = context(ctx)
    if source is not None and source not in {s.id for s in app_context.config.sources}:
        fail(f"unknown source: {source}", 2)
    owner = source or source_of_url(app_context, url) or ADHOC_SOURCE
    reports = run_crawl(
        app_context, only_urls={url: owner}, notify=not no_notify, log_level=ctx.obj.log_level
    )
    if not no_notify:
        deliver_now(app_context)
    stats = reports[0].stats if reports else None
    if stats is not None and stats.error_messages:
        for message in stats.error_messages:
            errors.print(message, markup=False)
    from monitor.history import show_latest_change

    show_latest_change(app_context, canonical_url(url), stats.event_ids if stats else [], console)


@app.command()
def changes(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="e.g. 7d, 24h")] = None,
    source: Annotated[str | None, typer.Option()] = None,
    event_type: Annotated[list[str] | None, typer.Option("--type")] = None,
    include_silent: Annotated[bool, typer.Option("--all", help="Include cosmetic/moved.")] = False,
    errors_only: Annotated[bool, typer.Option("--errors", help="Pages whose fetch fails.")] = False,
    limit: Annotated[int, typer.Option()] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List change events, newest first."""
    from monitor.history import list_changes, list_errors

    app_context = context(ctx)
    if errors_only:
        list_errors(app_context, as_json, console)
        return
    cutoff = datetime.now(UTC) - parse_duration(since) if since else None
    list_changes(app_context, cutoff, source, event_type, include_silent, limit, as_json, console)


@app.command()
def extract(
    file_or_url: str,
    url: Annotated[str | None, typer.Option("--url", help="URL the file was saved from.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print the clean text and metadata of a saved page or a URL."""
    from monitor.extract_command import run_extract

    try:
        document = run_extract(file_or_url, url)
    except (OSError, ValueError) as exc:
        fail(str(exc), 2)
    if as_json:
        print(json.dumps(document.to_json(), ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{document.title or ''}[/bold]")
    for key in ("published", "doc_number", "issuer", "index_number", "written", "effective"):
        value = getattr(document, key)
        if value:
            console.print(f"{key}: {value}", markup=False)
    console.print()
    console.print(document.text, markup=False, highlight=False)


@app.command()
def diff(
    ctx: typer.Context,
    url: str,
    from_version: Annotated[int | None, typer.Option("--from")] = None,
    to_version: Annotated[int | None, typer.Option("--to")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, markdown or html")] = "text",
) -> None:
    """Show the diff between two stored versions of a page (default: the last two)."""
    from monitor.history import show_diff

    if fmt not in {"text", "markdown", "html"}:
        fail(f"--format: not one of text, markdown, html: {fmt!r}", 2)
    try:
        print(show_diff(context(ctx), url, from_version, to_version, fmt))
    except LookupError as exc:
        fail(str(exc.args[0]), 1)


@app.command()
def history(
    ctx: typer.Context, url: str, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List the stored versions of one page."""
    from monitor.history import show_history

    try:
        show_history(context(ctx), url, as_json, console)
    except LookupError as exc:
        fail(str(exc.args[0]), 1)


@app.command("notify-test")
def notify_test_command(ctx: typer.Context, subscription: str) -> None:
    """Send a test message through every channel of one subscription."""
    from monitor.notify.cli import notify_test

    raise typer.Exit(notify_test(ctx.obj.config, ctx.obj.database, subscription))


@app.command()
def dispatch(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
) -> None:
    """Deliver pending alerts (and digests when due) until stopped with SIGTERM or Ctrl-C."""
    from monitor.notify.cli import dispatch as run_dispatch

    raise typer.Exit(run_dispatch(ctx.obj.config, ctx.obj.database, once=once))


@app.command()
def demo(
    keep: Annotated[Path | None, typer.Option(help="Keep the demo's database here.")] = None,
) -> None:
    """Run everything once on a local simulated government site, offline."""
    from monitor.demo import run_demo

    raise typer.Exit(run_demo(console, keep))


if __name__ == "__main__":
    app()
