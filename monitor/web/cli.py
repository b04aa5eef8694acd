"""The `serve` command; monitor.cli registers it on the `regwatch` app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; beyond loopback the token guards all.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one.")] = 8080,
) -> None:
    """Serve the web page, Atom feeds and JSON API until stopped (Ctrl-C)."""
    import uvicorn

    from monitor.cli import context, fail
    from monitor.web.app import create_app
    from monitor.web.auth import WebConfigError, is_loopback

    app_context = context(ctx)
    try:
        app = create_app(app_context, private=not is_loopback(host), log_level=ctx.obj.log_level)
    except WebConfigError as exc:
        fail(str(exc), 2)
    level = str(ctx.obj.log_level).lower()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=level if level in {"debug", "info", "warning", "error"} else "warning",
        access_log=level in {"debug", "info"},
        proxy_headers=False,
        root_path=app_context.config.web.base_path,  # the prefix a reverse proxy serves us under
    )
    server = uvicorn.Server(config)
    sock = config.bind_socket()  # bound here so that --port 0 can say which port it got
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    print(f"regwatch: serving on http://{shown}:{bound_port}/", file=sys.stderr, flush=True)
    server.run(sockets=[sock])
