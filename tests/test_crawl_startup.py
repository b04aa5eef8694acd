"""What a crawl process loads: every crawl is a process of its own (the daemon starts one per
batch), so modules it never uses are start-up time and memory paid on every crawl."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from crawler.simsite import SimSite

# Pulled in by Scrapy components regwatch does not run (cookies, remote control, telnet), and
# Alembic, which only a database below head needs.
UNUSED = ("tldextract", "aiohttp", "twisted.conch", "alembic", "monitor.notify.testsend")
_SCRIPT = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps([m for m in {unused!r} if m in sys.modules])))
from monitor.cli import app
app(sys.argv[1:], prog_name="regwatch")
"""


def test_a_crawl_loads_no_unused_module(cli: Any, tmp_path: Path) -> None:
    with SimSite() as sim:
        config = {
            "database": f"sqlite:///{tmp_path / 'regwatch.db'}",
            "crawl": {"delay": "0s"},
            "sources": [{"id": "ybj", "name": "医保局", "pages": sim.policy_urls("ybj")[:3]}],
        }
        path = tmp_path / "regwatch.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        argv = [sys.executable, "-c", _SCRIPT.format(unused=UNUSED), "--config", str(path)]

        def crawl() -> list[str]:
            done = subprocess.run(
                [*argv, "crawl"], env=cli.env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stderr
            return list(json.loads(done.stdout.strip().splitlines()[-1]))

        assert crawl() == ["alembic"]  # the first start creates the schema
        assert crawl() == []
        assert len([r for r in sim.requests if r.status == 200]) >= 3


_WRONG_REACTOR = """
import sys
from twisted.internet import epollreactor
epollreactor.install()  # not the reactor Scrapy is told to use: the crawl cannot start
from monitor.context import open_context
from monitor.crawl import run_crawl
reports = run_crawl(open_context(sys.argv[1]), notify=False)
print(" ".join(report.status for report in reports))
"""


def test_a_crawl_that_cannot_start_is_failed_not_ok(cli: Any, tmp_path: Path) -> None:
    config = {
        "database": f"sqlite:///{tmp_path / 'regwatch.db'}",
        "sources": [{"id": "ybj", "name": "医保局", "pages": ["http://127.0.0.1:9/a.html"]}],
    }
    path = tmp_path / "regwatch.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _WRONG_REACTOR, str(path)],
        env=cli.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["failed"]
    assert "crawl did not complete" in done.stderr
