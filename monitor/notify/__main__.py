"""`python -m monitor.notify dispatch|notify-test|outbox`: the notification commands on their
own, for running a dispatcher process next to crawls started elsewhere."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from monitor.notify.cli import ConfigOption, DbOption, dispatch, notify_test, outbox_app

app = typer.Typer(help="regwatch notifications", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


@app.command("dispatch")
def dispatch_command(
    once: Annotated[bool, typer.Option("--once", help="deliver what is due, then exit")] = False,
    workers: Annotated[int, typer.Option(help="channels sent to in parallel")] = 4,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    raise typer.Exit(dispatch(config, db, once=once, workers=workers))


@app.command("notify-test")
def notify_test_command(
    subscription: Annotated[str, typer.Argument(help="subscription id")],
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    raise typer.Exit(notify_test(config, db, subscription))


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app()
