"""The pages in a real browser: headless Chromium (Debian's `chromium`), driven over the Chrome
DevTools protocol, opens the dashboard, follows a change to its diff page, and checks that the
changed figure is highlighted, on a desktop screen and on a phone. Screenshots are written to
test-artifacts/web/ (ignored by git) for people to look at.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import uvicorn

from monitor.web.app import create_app

from ..conftest import ROOT, wait_for
from .conftest import World

ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--window-size=1280,900",
)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine: install Debian's `chromium` package to run",
)


@pytest.fixture
def served(world: World) -> Iterator[str]:
    """The app on a real port, in a thread of this process (it never crawls in-process)."""
    config = uvicorn.Config(create_app(world.ctx), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    sock = config.bind_socket()
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, timeout=20)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def devtools(tmp_path: Path) -> Iterator[str]:
    """A fresh headless Chromium; yields the websocket URL of its page."""
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        port = wait_for(
            lambda: active.exists() and active.read_text().split("\n")[0].strip(), timeout=60
        )
        targets = wait_for(
            lambda: [
                t
                for t in httpx.get(f"http://127.0.0.1:{port}/json/list").json()
                if t["type"] == "page"
            ],
            timeout=30,
        )
        yield targets[0]["webSocketDebuggerUrl"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Page:
    """Just enough of the DevTools protocol: commands, JavaScript, navigation by clicking."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        await self.ws.send_json({"id": ident, "method": method, "params": params})
        while True:
            message = json.loads((await self.ws.receive(timeout=60)).data)
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    async def js(self, expression: str) -> Any:
        reply = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise AssertionError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def loaded(self, path: str, timeout: float = 30) -> None:
        """Wait until the page at `path` (pathname + search) has finished loading."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        here = "location.pathname + location.search"
        while await self.js(f"{here} + ' ' + document.readyState") != f"{path} complete":
            if loop.time() > deadline:
                raise AssertionError(f"{path} not loaded; at {await self.js(here)}")
            await asyncio.sleep(0.05)

    async def screenshot(self, name: str) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        data = base64.b64decode(shot["data"])
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        path.write_bytes(data)
        return path


HIGHLIGHTS = """JSON.stringify([...document.querySelectorAll('.diff td.rw-new ins.rw-ins')].map(el => ({
  text: el.textContent,
  background: getComputedStyle(el).backgroundColor,
  cell: getComputedStyle(el.closest('td')).backgroundColor,
  visible: el.getBoundingClientRect().width > 0,
})))"""


async def browse(ws_url: str, base: str, change_id: int) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url, max_msg_size=0) as ws:
        page = Page(ws)
        await page.send("Page.enable")
        await page.send("Page.navigate", url=f"{base}/?lang=zh")
        await page.loaded("/?lang=zh")
        link = f'li.change a.title[href="/changes/{change_id}"]'
        assert await page.js(f"!!document.querySelector('{link}')"), "change not on dashboard"
        await page.js(f"document.querySelector('{link}').click()")
        await page.loaded(f"/changes/{change_id}")
        desktop = {
            "lang": await page.js("document.documentElement.lang"),
            "highlights": json.loads(await page.js(HIGHLIGHTS)),
            "figures": await page.js(
                "[...document.querySelectorAll('mark.figure')].map(m => m.textContent)"
            ),
            "screenshot": await page.screenshot("change-desktop.png"),
        }
        await page.send(
            "Emulation.setDeviceMetricsOverride",
            width=390,
            height=844,
            deviceScaleFactor=2,
            mobile=True,
        )
        await page.send("Page.reload")
        await page.loaded(f"/changes/{change_id}")
        phone = {
            "overflow": await page.js(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            ),
            "stacked": await page.js(
                "getComputedStyle(document.querySelector('.diff td.rw-new')).display"
            ),
            "highlights": json.loads(await page.js(HIGHLIGHTS)),
            "screenshot": await page.screenshot("change-phone.png"),
        }
        return {"desktop": desktop, "phone": phone}


def test_dashboard_to_highlighted_figure(world: World, served: str, devtools: str) -> None:
    change = world.event_for(world.changed_url)
    seen = asyncio.run(browse(devtools, served, change.id))
    desktop, phone = seen["desktop"], seen["phone"]
    assert desktop["lang"] == "zh-CN"
    assert "100元" in desktop["figures"] and "70%" in desktop["figures"]
    for view in (desktop, phone):
        marked = {h["text"]: h for h in view["highlights"]}
        assert {"100", "70"} <= set(marked), view["highlights"]
        for figure in ("100", "70"):
            style = marked[figure]
            assert style["visible"]
            assert style["background"] not in {"rgba(0, 0, 0, 0)", "transparent", style["cell"]}
    assert phone["stacked"] == "block" and phone["overflow"] <= 0
    for view in (desktop, phone):
        assert view["screenshot"].stat().st_size > 10_000
