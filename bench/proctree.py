"""Run a command and measure it as a whole: wall time and the peak RSS of its process tree.

The tree (the child and every descendant alive at a poll) is sampled every 20 ms with psutil;
the peak is the largest sum of resident set sizes seen. A short-lived descendant can slip
between two polls, so the figure is a lower bound, the same way for every tool measured.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.02
MB = 1024 * 1024


@dataclass(frozen=True)
class Measured:
    returncode: int
    wall: float
    """Seconds from spawn to exit, start-up included."""
    peak_rss: int
    """Bytes: the largest summed RSS of the process tree seen."""
    stdout: str
    stderr: str


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600.0,
) -> Measured:
    peak = 0
    done = threading.Event()
    started = time.perf_counter()
    child = subprocess.Popen(
        list(argv),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc = psutil.Process(child.pid)

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            with contextlib.suppress(psutil.NoSuchProcess):
                peak = max(peak, tree_rss(proc))
            done.wait(POLL_SECONDS)

    sampler = threading.Thread(target=poll, daemon=True)
    sampler.start()
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    finally:
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        if child.poll() is None:
            child.kill()
            child.wait()
    return Measured(child.returncode, wall, peak, stdout, stderr)


def file_size(path: Path) -> int:
    """Size of a SQLite database with its -wal and -shm companions (0 for missing files)."""
    total = 0
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            total += os.stat(f"{path}{suffix}").st_size
    return total
