"""What one crawl process per crawl costs, against crawling in the daemon's own process.

    .venv/bin/python tests/daemon/bench_spawn.py [ROUNDS]

Crawls one unchanged page (a 304) of the simulated site ROUNDS times: as the daemon does it
(`python -m monitor.daemon.child`, timed from spawn to exit), and in one long-lived process with
Scrapy's CrawlerRunner on a single reactor (timed per crawl, modules already imported). The
difference is the price of isolation per crawl. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def spawned(env: dict[str, str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "monitor.daemon.child", "bench"], env=env, cwd=ROOT, check=True
        )
        times.append(time.perf_counter() - started)
    return times


def in_process(config_path: str, db_url: str, rounds: int) -> None:
    """Runs in its own process (`--in-process`): one reactor, crawls one after another."""
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.crawler import CrawlerRunner
    from twisted.internet import defer, task

    from crawler.settings import scrapy_settings
    from crawler.spider import RegwatchSpider
    from monitor.context import open_context
    from monitor.crawl import spec_for
    from monitor.ingest import Ingestor
    from storage.repo import known_pages

    ctx = open_context(config_path, db_url)
    source = ctx.config.sources[0]
    settings = scrapy_settings(ctx.config.crawl, pipelines={"monitor.pipeline.IngestPipeline": 1})
    runner = CrawlerRunner(settings)

    @defer.inlineCallbacks
    def crawl_all(_reactor: Any) -> Any:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            with ctx.db.read() as session:
                known = {source.id: known_pages(session, source.id)}
            ingestor = Ingestor(ctx.db, ctx.config)
            spec = spec_for(source, ctx.config.crawl.obey_robots, ctx.config.crawl.attachments)
            yield runner.crawl(RegwatchSpider, sources=[spec], known=known, ingestor=ingestor)
            times.append(time.perf_counter() - started)
        print(f"in one process: median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}) over {rounds} crawls", flush=True)  # fmt: skip

    task.react(crawl_all)


def main(rounds: int) -> None:
    from crawler.simsite import SimSite

    with SimSite() as site, tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "regwatch.yaml"
        db_url = f"sqlite:///{tmp}/bench.db"
        source = {"id": "bench", "name": "bench", "pages": [site.policy_urls("ybj")[0]]}
        config_path.write_text(yaml.safe_dump({"crawl": {"delay": "0s"}, "sources": [source]}))
        env = {**os.environ, "PYTHONPATH": str(ROOT), "REGWATCH_CONFIG": str(config_path),
               "REGWATCH_DB": db_url}  # fmt: skip
        spawned(env, 1)  # the baseline, so that every timed crawl is a 304
        per_process = spawned(env, rounds)
        print(f"process per crawl: median {statistics.median(per_process):.2f} s "
              f"(min {min(per_process):.2f}) over {rounds} crawls", flush=True)  # fmt: skip
        subprocess.run(
            [sys.executable, __file__, "--in-process", str(config_path), db_url, str(rounds)],
            env=env, check=True,
        )  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["--in-process"]:
        in_process(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
