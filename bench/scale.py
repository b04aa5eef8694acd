"""The daemon at scale: 100,000 watched pages, what a scheduler tick costs and how much memory
an idle daemon holds.

    python bench/scale.py [--pages 100000] [--sources 500] [--runs 50]

1. A fresh SQLite database (schema by our Alembic migrations) is filled through SQLAlchemy
   core: `--sources` sources with their pages dealt evenly (each page with validators, one
   snapshot with a short text, and one raw body), next due times spread over a day starting an
   hour from now, last checks spread over the past day.
2. Scheduler tick: the daemon's own `Daemon.tick()` in this process, with a runner that starts
   nothing, at three clock times: nothing due, one hour into the day (≈ 1/24 of the sources
   due), and everything due. Median and max over `--runs` ticks each. Also one dispatcher pass
   (`Dispatcher.run_once()`) over the empty outbox.
3. Idle daemon: `regwatch run` on that database with a config of the same sources (each on its
   own loopback address, port 9, where nothing listens, so nothing could be fetched even if a
   crawl started); once its RSS has been steady for 5 s it is read (process tree) and the daemon
   gets SIGTERM, which must end it with exit code 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import yaml
import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from proctree import MB, file_size, tree_rss

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 10_000


def source_config(k: int) -> dict[str, Any]:
    host = f"127.0.{1 + k // 250}.{1 + k % 250}"
    return {
        "id": f"s{k:04d}",
        "name": f"source {k}",
        "listing": [f"http://{host}:9/zcwj/index.html"],
        "schedule": "every 1d",
    }


def write_config(path: Path, sources: int) -> None:
    config = {
        "crawl": {"delay": "0s", "obey_robots": False},
        "sources": [source_config(k) for k in range(sources)],
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def fill(db_url: str, config: Path, pages: int, sources: int, text_bytes: int) -> float:
    """Create the schema and insert everything; returns the seconds it took."""
    from sqlalchemy import insert, text

    from monitor.context import open_context
    from storage.models import Blob, Page, Snapshot, Source

    started = time.perf_counter()
    ctx = open_context(config, db_url)  # migrations + the sources of the config
    now = datetime.now(UTC)
    day = timedelta(days=1)
    compressor = zstandard.ZstdCompressor(level=10)
    with ctx.db.writer.begin() as conn:
        for k in range(sources):
            conn.execute(
                Source.__table__.update()
                .where(Source.__table__.c.id == f"s{k:04d}")
                .values(next_due_at=now + timedelta(hours=1) + day * (k / sources),
                        baseline_at=now - 7 * day)
            )  # fmt: skip
        for start in range(0, pages, CHUNK):
            page_rows, blob_rows, snap_rows = [], [], []
            for i in range(start, min(start + CHUNK, pages)):
                k = i % sources
                host = f"127.0.{1 + k // 250}.{1 + k % 250}"
                url = f"http://{host}:9/zcwj/202406/t20240601_{i}.html"
                article = f"第{i}条 政策正文。" * 20
                body = f"<html><body><div id='zoom'>{article}</div></body></html>"
                raw = body.encode()
                raw_hash = hashlib.sha256(raw).hexdigest()
                checked = now - day * ((i % 1440) / 1440)
                etag = f'"{raw_hash[:20]}"'
                page_rows.append(
                    {"id": i + 1, "source_id": f"s{k:04d}", "url": url, "kind": "policy",
                     "status": "active", "title": f"政策 {i}", "first_seen_at": checked,
                     "last_checked_at": checked, "etag": etag, "raw_hash": raw_hash,
                     "last_modified": "Fri, 28 Jun 2024 09:00:00 GMT", "versions": 1,
                     "missing_count": 0, "error_count": 0}
                )  # fmt: skip
                blob_rows.append(
                    {"hash": raw_hash, "size": len(raw), "codec": "zstd",
                     "data": compressor.compress(raw)}
                )  # fmt: skip
                body_text = (f"第{i}条 " + "参保人员按规定享受待遇。" * 200)[: text_bytes // 3]
                snap_rows.append(
                    {"id": i + 1, "page_id": i + 1, "version": 1, "fetched_at": checked,
                     "url": url, "http_status": 200, "content_type": "text/html",
                     "etag": etag, "raw_hash": raw_hash, "title": f"政策 {i}",
                     "text_z": compressor.compress(body_text.encode()), "chars": len(body_text),
                     "text_hash": hashlib.sha256(body_text.encode()).hexdigest(),
                     "key_hash": hashlib.sha256(body_text.encode()).hexdigest(), "meta": {}}
                )  # fmt: skip
            conn.execute(insert(Page.__table__), page_rows)
            conn.execute(insert(Blob.__table__), blob_rows)
            conn.execute(insert(Snapshot.__table__), snap_rows)
        conn.execute(text("UPDATE pages SET last_snapshot_id = id"))
    ctx.db.dispose()
    return time.perf_counter() - started


@dataclass
class _Handle:
    """A crawl that was never started: enough of CrawlHandle for one tick."""

    batch: Any
    started_at: datetime
    stop_reason: str | None = None
    pid: int | None = None

    def poll(self) -> int | None:
        return None


class _NullRunner:
    def __init__(self) -> None:
        self.started = 0

    def start(self, batch: Any) -> _Handle:
        self.started += 1
        return _Handle(batch, datetime.now(UTC))

    def close(self) -> None:
        return


def measure_ticks(db_url: str, config: Path, runs: int) -> dict[str, Any]:
    from monitor.context import open_context
    from monitor.daemon.service import Daemon
    from monitor.notify.dispatcher import Dispatcher

    ctx = open_context(config, db_url)
    now = datetime.now(UTC)
    out: dict[str, Any] = {}
    for label, at in (
        ("nothing due", now),
        ("1 h into the day (~1/24 of sources due)", now + timedelta(hours=2)),
        ("all sources due", now + timedelta(days=2)),
    ):
        runner = _NullRunner()
        daemon = Daemon(ctx, runner, clock=lambda at=at: at)  # type: ignore[arg-type]
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            daemon.tick()
            times.append((time.perf_counter() - started) * 1000)
            daemon.handles.clear()
        out[label] = {
            "median_ms": round(statistics.median(times), 2),
            "max_ms": round(max(times), 2),
            "batches_started_per_tick": runner.started // runs,
        }
    dispatcher = Dispatcher(ctx.db, ctx.loaded)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        dispatcher.run_once()
        times.append((time.perf_counter() - started) * 1000)
    out["dispatcher pass, empty outbox"] = {
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 2),
    }
    ctx.db.dispose()
    return out


def idle_daemon(db_url: str, config: Path, workdir: Path, timeout: float) -> dict[str, Any]:
    """Start `regwatch run`, wait until its RSS is steady, read it, stop it with SIGTERM."""
    log = workdir / "daemon.log"
    argv = [sys.executable, "-m", "monitor.cli", "--config", str(config), "--db", db_url]
    argv += ["--log-level", "INFO", "run"]
    with log.open("w") as stream:
        child = subprocess.Popen(argv, cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT)
    proc = psutil.Process(child.pid)
    started = time.monotonic()
    samples: list[tuple[float, int]] = []
    steady = False
    try:
        while time.monotonic() - started < timeout:
            if child.poll() is not None:
                raise RuntimeError(f"daemon exited early:\n{log.read_text()[-2000:]}")
            now = time.monotonic()
            samples.append((now, tree_rss(proc)))
            window = [r for t, r in samples if now - t <= 5.0]
            ready = "daemon_started" in log.read_text()
            if ready and now - started > 5.0 and max(window) - min(window) <= 0.01 * max(window):
                steady = True
                break
            time.sleep(0.25)
        rss = tree_rss(proc)
        settle = time.monotonic() - started
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            code = child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            code = child.wait()
    return {
        "rss_mb": round(rss / MB, 1),
        "peak_rss_mb": round(max(r for _, r in samples) / MB, 1),
        "steady": steady,
        "seconds_to_steady": round(settle, 1),
        "exit_code_after_sigterm": code,
        "log": str(log),
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        f"{result['pages']:,} pages in {result['sources']} sources; database "
        f"{result['db_mb']:.0f} MB, filled in {result['fill_seconds']:.1f} s.",
        "",
        "| measurement | median ms | max ms | crawls started per tick |",
        "|---|---:|---:|---:|",
    ]
    for label, t in result["ticks"].items():
        started = t.get("batches_started_per_tick", "")
        lines.append(f"| {label} | {t['median_ms']} | {t['max_ms']} | {started} |")
    d = result["daemon"]
    lines += [
        "",
        f"Idle daemon (`regwatch run`): RSS {d['rss_mb']} MB (peak {d['peak_rss_mb']} MB) after "
        f"{d['seconds_to_steady']} s (steady: {d['steady']}); exit code after SIGTERM: "
        f"{d['exit_code_after_sigterm']}.",
        "",
        "Targets (issue 7):",
        "",
    ]
    worst = max(t["median_ms"] for label, t in result["ticks"].items() if "dispatcher" not in label)
    lines.append(f"- {'PASS' if worst <= 200 else 'FAIL'}: scheduler tick ≤ 200 ms "
                 f"(worst median {worst} ms)")  # fmt: skip
    ok = d["rss_mb"] <= 300
    lines.append(f"- {'PASS' if ok else 'FAIL'}: idle daemon ≤ 300 MB RSS ({d['rss_mb']} MB)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pages", type=int, default=100_000)
    p.add_argument("--sources", type=int, default=500)
    p.add_argument("--runs", type=int, default=50, help="ticks per measurement")
    p.add_argument("--text-bytes", type=int, default=600, help="clean text per snapshot")
    p.add_argument("--timeout", type=float, default=120.0, help="wait for a steady daemon")
    p.add_argument("--workdir", help="default: a new directory under bench/out")
    p.add_argument("--json", help="also write the results as JSON to this file")
    args = p.parse_args(argv)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="scale-", dir=out))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "scale.db"
    db.unlink(missing_ok=True)
    db_url = f"sqlite:///{db}"
    config = workdir / "scale.yaml"
    write_config(config, args.sources)
    os.environ.pop("REGWATCH_DB", None)
    fill_seconds = fill(db_url, config, args.pages, args.sources, args.text_bytes)
    result: dict[str, Any] = {
        "pages": args.pages,
        "sources": args.sources,
        "fill_seconds": fill_seconds,
        "db_mb": file_size(db) / MB,
        "ticks": measure_ticks(db_url, config, args.runs),
        "daemon": idle_daemon(db_url, config, workdir, args.timeout),
        "command": "python bench/scale.py " + " ".join(argv or sys.argv[1:]),
    }
    print(render(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
