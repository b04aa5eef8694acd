"""Where a profiled crawl spent its time, from py-spy's raw (collapsed-stack) output.

    python bench/profile_summary.py bench/out/run-*/profile-phase1.txt

Each sample is put in the first of a few stages its stack passes through (start-up imports,
extraction, comparison, listing parsing, ingest's database work, compression, delivery, Scrapy
and Twisted), then the busiest functions are listed by own time and by inclusive time.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

RATE = 250  # samples per second, as bench/regwatch_side.py asks py-spy for

# (stage, markers): a sample goes to the stage of the frame nearest its leaf that carries one of
# the markers; for the two stages that drive the database, SQLAlchemy frames below that frame
# make it "…: database".
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("start-up: imports", ("_find_and_load",)),
    ("start-up: config, migrations", ("open_context", "alembic/")),
    ("extraction (crawler/extract)", ("crawler/extract/",)),
    ("comparison (monitor/compare)", ("monitor/compare/",)),
    ("listing parsing (crawler/listing.py)", ("crawler/listing.py",)),
    ("blob: zstd + lookup (storage/blobs.py)", ("storage/blobs.py", "zstandard")),
    ("site lines (storage/repo.py record_site_lines)", ("record_site_lines",)),
    ("ingest (monitor/ingest.py)", ("monitor/ingest.py", "monitor/pipeline.py")),
    ("notify: outbox + delivery", ("monitor/notify/", "apprise/")),
    ("spider callbacks (crawler/spider.py)", ("crawler/spider.py",)),
    ("crawl set-up / close (monitor/crawl.py)", ("monitor/crawl.py",)),
    ("CLI (monitor/cli.py)", ("monitor/cli.py",)),
    ("Scrapy", ("scrapy/",)),
    ("Twisted / asyncio / network", ("twisted/", "asyncio/")),
)
_DB_DRIVERS = ("ingest (monitor/ingest.py)", "crawl set-up / close (monitor/crawl.py)",
               "site lines (storage/repo.py record_site_lines)")  # fmt: skip
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def parse(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = raw.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def short(frame: str) -> str:
    """`func (path/to/site-packages/pkg/mod.py:12)` → `func (pkg/mod.py)`."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match.group("file")
    for anchor in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if anchor in file:
            file = file.split(anchor, 1)[1]
    return f"{match.group('func')} ({file})"


def stage(frames: list[str]) -> str:
    saw_sql = False
    for frame in reversed(frames):
        saw_sql = saw_sql or "sqlalchemy/" in frame
        for name, markers in STAGES:
            if any(m in frame for m in markers):
                return f"{name}: database" if saw_sql and name in _DB_DRIVERS else name
    return "other"


def summarize(path: Path, top: int = 15) -> str:
    stacks = parse(path)
    total = sum(c for _, c in stacks)
    if not total:
        return f"{path}: no samples"
    stages: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for frames, count in stacks:
        stages[stage(frames)] += count
        own[short(frames[-1])] += count
        for name in {short(f) for f in frames}:
            inclusive[name] += count
    lines = [f"{total} samples ≈ {total / RATE:.1f} s of CPU-busy time", "", "| stage | share |",
             "|---|---:|"]  # fmt: skip
    for name, count in stages.most_common():
        lines.append(f"| {name} | {100 * count / total:.1f} % |")
    lines += ["", "Own time:", ""]
    lines += [f"- {100 * c / total:5.1f} % {name}" for name, c in own.most_common(top)]
    ours = [(n, c) for n, c in inclusive.most_common() if _ours(n)]
    lines += ["", "Inclusive time, regwatch functions:", ""]
    lines += [f"- {100 * c / total:5.1f} % {name}" for name, c in ours[:top]]
    return "\n".join(lines)


def _ours(name: str) -> bool:
    return any(f"({p}/" in name for p in ("crawler", "monitor", "storage", "config"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profiles", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    for path in args.profiles:
        print(f"## {path}\n\n{summarize(path, args.top)}\n")


if __name__ == "__main__":
    main()
