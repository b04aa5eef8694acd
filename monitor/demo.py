"""`regwatch demo`: a whole watch cycle on the simulated site, offline, in well under a minute.

Each crawl runs as its own `regwatch crawl` process, as under cron or the daemon (a Twisted
reactor runs once per process); the simulated site and the alert sink live in this process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.rule import Rule
from sqlalchemy import select

from crawler.simsite import SimSite
from monitor.history import EVENT_LABELS, render_diff
from storage.db import Database
from storage.models import Event, Snapshot

DEMO_CONFIG = Path(__file__).resolve().parents[1] / "config" / "demo.yaml"


class AlertSink(ThreadingHTTPServer):
    """A local webhook that keeps what it receives: the alert channel of the demo and of the
    benchmark. Serves from a thread of its own as soon as it is made; `shutdown()` stops it."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                sink.received.append(self.rfile.read(int(self.headers["Content-Length"] or 0)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """As a json:// Apprise URL."""
        return f"json://127.0.0.1:{self.server_address[1]}/alerts"


def run_demo(console: Console, keep: Path | None = None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="regwatch-demo-"))
    database = keep or workdir / "demo.db"
    sink = AlertSink()
    with SimSite() as site:
        env = {
            **os.environ,
            "REGWATCH_DEMO_SITE": site.base_url,
            "REGWATCH_DEMO_SINK": f"127.0.0.1:{sink.server_address[1]}",
            "REGWATCH_DEMO_DB": f"sqlite:///{database}",
        }
        env.pop("REGWATCH_DB", None)

        def crawl(step: str) -> None:
            console.print(Rule(step))
            command = [sys.executable, "-m", "monitor.cli", "--config", str(DEMO_CONFIG), "crawl"]
            subprocess.run(command, env=env, check=True)

        crawl("1. 基线抓取 baseline crawl: everything is recorded, nobody is alerted")
        site.churn_noise()
        crawl("2. 只有噪声变化 noise only (counters, sidebars): no alert")
        site.edit("ybj-mzgj", "统筹基金支付比例为60%", "统筹基金支付比例为70%")
        site.edit("ybj-mzgj", "每个自然年度200元", "每个自然年度100元")
        published = site.publish("rsj")
        site.churn_noise()
        crawl("3. 一项政策修改、一项政策发布 one policy amended, one published")
        console.print(Rule("告警 alerts"))
        shown = _print_alerts(console, Database(f"sqlite:///{database}"))
        console.print(Rule("投递 delivered"))
        console.print(
            f"the local webhook sink received {len(sink.received)} alert(s); "
            f"new policy: {site.policy_url(published)}",
            markup=False,
        )
    sink.shutdown()
    console.print(f"database: {database}", markup=False)
    ok = {"new", "changed"} <= shown and len(sink.received) >= 2
    return 0 if ok else 1


def _print_alerts(console: Console, db: Database) -> set[str]:
    shown: set[str] = set()
    with db.read() as session:
        for event in session.scalars(select(Event).where(Event.silent.is_(False))):
            shown.add(event.type)
            label = EVENT_LABELS.get(event.type, event.type)
            console.print(f"[bold]【{label}】{event.title}[/bold]")
            console.print(event.url, markup=False)
            if event.from_snapshot_id and event.to_snapshot_id:
                old = session.get(Snapshot, event.from_snapshot_id)
                new = session.get(Snapshot, event.to_snapshot_id)
                assert old is not None and new is not None
                print(render_diff(old, new, "text"))
            else:
                console.print(event.summary_text, markup=False)
            console.print()
    db.dispose()
    return shown
