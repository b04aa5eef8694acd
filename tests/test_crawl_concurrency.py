"""The per-domain concurrency limit holds with no delay between requests (Scrapy's own
downloader lets a whole queue through at delay 0; crawler.downloader fixes that)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from crawler.simsite import SimSite


def test_no_delay_still_keeps_the_per_domain_limit(cli: Any, tmp_path: Path) -> None:
    with SimSite() as sim:
        sim.delay = 0.1  # slow answers make concurrent requests overlap at the server
        pages = sim.policy_urls("ybj") + sim.policy_urls("rsj") + sim.policy_urls("gjj")
        assert len(pages) >= 12
        config = {
            "database": f"sqlite:///{tmp_path / 'regwatch.db'}",
            "crawl": {"delay": "0s", "concurrency": 16, "concurrency_per_domain": 3},
            "sources": [{"id": "one", "name": "一个站点", "pages": pages}],
        }
        path = tmp_path / "regwatch.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

        cli("--config", str(path), "crawl")

        fetched = {sim.url(r.path) for r in sim.requests if r.status == 200}
        assert set(pages) <= fetched  # and their attachments
        assert sim.peak_in_flight() == 3  # reached, never exceeded
