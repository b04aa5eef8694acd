"""Shared fixtures: real databases, real local servers (an aiosmtpd SMTP server with login, an
HTTP server that records posts and can fail or hold them), the real CLI in a subprocess."""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

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


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema on the test PostgreSQL."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'regwatch.db'}"
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


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


SMTP_USER = "regwatch"
SMTP_PASSWORD = "Pw-7f3kQ9zL"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- SMTP ----------------------------------------------------------------------------------


class SmtpServer:
    password = SMTP_PASSWORD

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[str] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
        )

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password.decode() == SMTP_PASSWORD
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def html(self, index: int = 0) -> str:
        part = self.messages[index].get_body(preferencelist=("html",))
        assert part is not None, "no HTML part"
        return str(part.get_content())

    def url(self, password: str = "${SMTP_PASSWORD}") -> str:
        return (
            f"mailto://{SMTP_USER}:{password}@127.0.0.1:{self.port}"
            "?mode=insecure&from=regwatch@example.com&to=hr@example.com"
        )


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


# -- HTTP ----------------------------------------------------------------------------------


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpServer:
    """Records every POST; can fail the first N posts of a path, or hold posts at a gate."""

    posts: list[Post] = field(default_factory=list)
    fail_first: dict[str, int] = field(default_factory=dict)
    always_fail: set[str] = field(default_factory=set)
    answer_freely: int | None = None  # after this many posts, hold the rest until `gate`
    gate: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def received(self, path: str | None = None) -> list[Post]:
        with self.lock:
            return [p for p in self.posts if path is None or p.path.split("?")[0] == path]

    def delivered(self, path: str | None = None) -> list[Post]:
        return [p for p in self.received(path) if p.status < 300]

    def url(self, scheme: str, path: str, query: str = "") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}{query}"


def _handler(state: HttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            path = self.path.split("?")[0]
            with state.lock:
                seen = sum(1 for p in state.posts if p.path.split("?")[0] == path)
                failing = path in state.always_fail or seen < state.fail_first.get(path, 0)
                post = Post(self.path, dict(self.headers), body, 500 if failing else 200)
                state.posts.append(post)
                hold = state.answer_freely is not None and len(state.posts) > state.answer_freely
            if hold:
                state.gate.wait(30)
            self.send_response(post.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if post.status < 300 else b'{"error": "boom"}')

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def http() -> Iterator[HttpServer]:
    state = HttpServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.gate.set()
    server.shutdown()
    server.server_close()


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
