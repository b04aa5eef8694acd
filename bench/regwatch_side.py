"""regwatch under test: its config for the bench site, one crawl as a measured process, and what
each crawl left in the database (read with plain sqlite3, so the bench needs none of our code)."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from proctree import Measured, file_size, run_measured

ROOT = Path(__file__).resolve().parents[1]

# Fast, not polite: a local site. Scrapy caps a domain at concurrency_per_domain (schema max 32),
# and all three simulated sites share the one host 127.0.0.1.
CRAWL_SETTINGS: dict[str, Any] = {
    "delay": "0s",
    "concurrency": 64,
    "concurrency_per_domain": 32,
    "obey_robots": False,
    "autothrottle": False,
}


def write_config(
    path: Path,
    ready: dict[str, Any],
    *,
    discovery: str,
    sink_url: str | None,
) -> None:
    """One source per simulated site. `listing`: policies are discovered on the listing pages
    (what users configure); `pages`: every policy URL is in the config (like urlwatch's jobs)."""
    sources = []
    for source in ready["sources"]:
        source = dict(source)
        if discovery == "pages":
            prefix = urlsplit(source["listing"][0]).path.split("/")[1]
            source["pages"] = [u for u in ready["urls"] if urlsplit(u).path.split("/")[1] == prefix]
            source["listing"] = []
        source["schedule"] = "every 1d"
        sources.append(source)
    config: dict[str, Any] = {"crawl": CRAWL_SETTINGS, "sources": sources}
    if sink_url:
        config["subscriptions"] = [
            {"id": "bench", "notify": [sink_url], "events": ["new", "changed", "removed"]}
        ]
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def crawl_argv(
    config: Path, db: Path, profile_to: Path | None = None, scrapy_set: Sequence[str] = ()
) -> list[str]:
    if scrapy_set:
        entry = [str(Path(__file__).with_name("what_if.py")), *scrapy_set, "--"]
    else:
        entry = ["-m", "monitor.cli"]
    # The daemon's crawl process ends at the outbox too; delivery is timed apart (deliver()).
    argv = [sys.executable, *entry, "--config", str(config), "--db", f"sqlite:///{db}", "crawl",
            "--queue-only"]  # fmt: skip
    if profile_to is None:
        return argv
    py_spy = Path(sys.executable).with_name("py-spy")
    return [str(py_spy), "record", "--format", "raw", "--rate", "250", "--nonblocking",
            "--output", str(profile_to), "--", *argv]  # fmt: skip


def run_crawl(
    config: Path, db: Path, profile_to: Path | None = None, scrapy_set: Sequence[str] = ()
) -> Measured:
    measured = run_measured(crawl_argv(config, db, profile_to, scrapy_set), cwd=ROOT)
    if measured.returncode != 0:
        raise RuntimeError(f"regwatch crawl failed ({measured.returncode}):\n{measured.stderr}")
    return measured


def deliver(config: Path, db: Path) -> Measured:
    """One dispatcher pass over the outbox, as the daemon makes after a crawl."""
    argv = [sys.executable, "-m", "monitor.cli", "--config", str(config), "--db", f"sqlite:///{db}",
            "dispatch", "--once"]  # fmt: skip
    measured = run_measured(argv, cwd=ROOT)
    if measured.returncode != 0:
        raise RuntimeError(f"regwatch dispatch failed ({measured.returncode}):\n{measured.stderr}")
    return measured


@contextmanager
def _read_only(db: Path) -> Iterator[sqlite3.Connection]:
    """Closed on leaving (sqlite3's own context manager only commits): an open connection here
    would keep regwatch's write-ahead log on disk, and in the store size, after it exits."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


@dataclass
class DbState:
    size: int = 0
    policy_pages: int = 0
    snapshots: int = 0
    blobs: int = 0
    blob_bytes: int = 0
    raw_bytes: int = 0
    text_bytes: int = 0
    outbox: int = 0
    max_event_id: int = 0
    events: dict[str, int] = field(default_factory=dict)


def db_state(db: Path) -> DbState:
    if not db.exists():
        return DbState()
    with _read_only(db) as conn:

        def one(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0] or 0)

        return DbState(
            size=file_size(db),
            policy_pages=one("SELECT count(*) FROM pages WHERE kind = 'policy'"),
            snapshots=one("SELECT count(*) FROM snapshots"),
            blobs=one("SELECT count(*) FROM blobs"),
            blob_bytes=one("SELECT sum(length(data)) FROM blobs"),
            raw_bytes=one("SELECT sum(size) FROM blobs"),
            text_bytes=one("SELECT sum(length(text_z)) FROM snapshots"),
            outbox=one("SELECT count(*) FROM outbox"),
            max_event_id=one("SELECT max(id) FROM events"),
            events=dict(conn.execute("SELECT type, count(*) FROM events GROUP BY type").fetchall()),
        )


def events_since(db: Path, after_id: int, kind: str) -> list[str]:
    """URLs of the events of one type recorded after event `after_id`."""
    with _read_only(db) as conn:
        rows = conn.execute(
            "SELECT url FROM events WHERE id > ? AND type = ? ORDER BY id", (after_id, kind)
        ).fetchall()
    return [r[0] for r in rows]


def crawl_counts(db: Path, after_run_id: int) -> dict[str, int]:
    """Totals of the crawl runs after `after_run_id`: pages reached, fetched (200), 304, errors."""
    with _read_only(db) as conn:
        row = conn.execute(
            "SELECT sum(pages), sum(fetched), sum(not_modified), sum(errors), max(id) "
            "FROM crawl_runs WHERE id > ?",
            (after_run_id,),
        ).fetchone()
    keys: Sequence[str] = ("pages", "fetched", "not_modified", "errors", "last_run_id")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}
