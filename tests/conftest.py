"""Shared fixtures: real databases, real local servers, the real CLI in a subprocess."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "REGWATCH_TEST_POSTGRES_URL"


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05) -> Any:
    """Poll until `condition()` is truthy; fail with the last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)


@pytest.fixture
def wait() -> Callable[..., Any]:
    return wait_for


def _backends() -> list[Any]:
    backends: list[Any] = ["sqlite"]
    marks = [] if os.environ.get(PG_ENV) else [pytest.mark.skip(reason=f"{PG_ENV} not set")]
    backends.append(pytest.param("postgres", marks=marks))
    return backends


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'regwatch.db'}"
        return
    import sqlalchemy as sa

    base = os.environ[PG_ENV]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpSink:
    """A local webhook endpoint that records every request and can fail the first N."""

    url: str
    posts: list[Post] = field(default_factory=list)
    fail_first: int = 0
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with sink.lock:
                sink.answered += 1
                failing = sink.answered <= sink.fail_first
                if not failing:
                    sink.posts.append(Post(self.path, dict(self.headers), body))
            self.send_response(500 if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", 0)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            sink.messages.append(email.message_from_bytes(envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=0)
    controller.start()
    sink.port = controller.server.sockets[0].getsockname()[1]
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Cli:
    """Runs `regwatch` as a real process, the way users and cron do."""

    env: dict[str, str]
    cwd: Path

    def __call__(self, *args: str, check: bool = True, timeout: float = 120) -> Any:
        result = subprocess.run(
            [sys.executable, "-m", "monitor.cli", *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"regwatch {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
    env["PYTHONPATH"] = str(ROOT)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "200"
    return Cli(env=env, cwd=tmp_path)
