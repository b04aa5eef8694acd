"""`regwatch serve` as users start it: a real process on a real port."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from ..conftest import wait_for
from .conftest import TOKEN, World, write_config


@contextmanager
def serving(world: World, *args: str) -> Iterator[str]:
    """Start `regwatch serve ARGS`, yield its base URL once it listens, stop it after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *world.base(), "serve", "--port", "0", *args],
        cwd=world.cli.cwd,
        env=world.cli.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        lines.extend(iter(process.stderr.readline, ""))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:

        def announced() -> str | None:
            assert process.poll() is None, "".join(lines)
            found = [m for line in lines if (m := re.search(r"serving on (http://\S+?)/$", line))]
            return found[0].group(1) if found else None

        url: str = wait_for(announced, timeout=30)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=5)


def test_serve_on_loopback(world: World) -> None:
    with serving(world) as url:
        assert url.startswith("http://127.0.0.1:")
        status = httpx.get(f"{url}/api/v1/status")
        assert status.status_code == 200
        assert {s["id"] for s in status.json()["sources"]} >= {"sim-ybj", "sim-rsj", "sim-gjj"}
        dashboard = httpx.get(f"{url}/")
        assert dashboard.status_code == 200 and "最新变更" in dashboard.text


def test_serve_beyond_loopback_guards_everything(world: World) -> None:
    with serving(world, "--host", "0.0.0.0") as url:
        local = url.replace("0.0.0.0", "127.0.0.1")
        assert httpx.get(f"{local}/").status_code == 303
        assert httpx.get(f"{local}/api/v1/status").status_code == 401
        token = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(f"{local}/api/v1/status", headers=token).status_code == 200


def test_serve_beyond_loopback_refuses_without_a_token(world: World) -> None:
    config = write_config(world.config.with_name("open.yaml"), world.site, world.db_url, None)
    result = world.cli("--config", str(config), "serve", "--host", "0.0.0.0", check=False)
    assert result.returncode == 2
    assert "web.token" in result.stderr
