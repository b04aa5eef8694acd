"""Acceptance 3: a dispatcher killed (SIGKILL) in the middle of a batch loses nothing and, once
restarted, delivers every alert, each outbox row exactly once by regwatch's record."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from monitor.notify import DELIVERED, SENDING
from monitor.notify.dispatcher import INTERRUPTED

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 12
ANSWERED_BEFORE_KILL = 4
WORKERS = 2


def _start(world, tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
    env["PYTHONPATH"] = str(ROOT)
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor.notify",
            "dispatch",
            "--config",
            str(world.path),
            "--db",
            world.database_url,
            "--workers",
            str(WORKERS),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _statuses(world) -> Counter[str]:
    return Counter(row.status for row in world.rows())


def test_sigkill_mid_batch_then_restart_delivers_everything_once(make_world, http, wait, tmp_path):
    world = make_world(
        f"""
daemon:
  tick: 1s
subscriptions:
  - id: ops
    notify: ["{http.url("json", "/slow")}"]
"""
    )
    for _ in range(EVENTS):
        world.add_event()
    # The endpoint answers the first posts, then holds the next ones open: the dispatcher is
    # killed while it waits for them, with the rest of its batch claimed but not yet sent.
    http.answer_freely = ANSWERED_BEFORE_KILL
    first = _start(world, tmp_path, "first")
    try:
        wait(lambda: _statuses(world)[DELIVERED] >= ANSWERED_BEFORE_KILL)
        wait(lambda: len(http.received()) >= ANSWERED_BEFORE_KILL + WORKERS)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL

    at_kill = world.rows()
    interrupted = {row.id for row in at_kill if row.status == SENDING}
    assert _statuses(world) == Counter(
        {DELIVERED: ANSWERED_BEFORE_KILL, SENDING: EVENTS - ANSWERED_BEFORE_KILL}
    )
    held = {post.json()["title"] for post in http.received()[ANSWERED_BEFORE_KILL:]}
    assert len(held) == WORKERS

    http.gate.set()
    second = _start(world, tmp_path, "second")
    try:
        # The rows the dead process held are taken back at once (its pid is gone), long
        # before their lease would run out.
        wait(lambda: _statuses(world)[DELIVERED] == EVENTS, timeout=60)
        # Crawls run elsewhere: an alert queued now by another process is picked up too.
        world.add_event(title="稍后发现的政策")
        wait(lambda: _statuses(world)[DELIVERED] == EVENTS + 1, timeout=30)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    assert second.returncode == 0, (tmp_path / "second.log").read_text()

    for row in world.rows():
        attempts = world.attempts(row.id)
        assert [a.ok for a in attempts].count(True) == 1, row.id
        assert row.status == DELIVERED and row.delivered_at is not None
        if row.id in interrupted:
            assert [a.error for a in attempts if not a.ok] == [INTERRUPTED]
        else:
            assert len(attempts) == 1

    # At the channel: every alert arrived; only the two in flight at the kill arrived twice.
    counts = Counter(post.json()["title"] for post in http.received())
    assert len(counts) == EVENTS + 1
    assert {title for title, n in counts.items() if n > 1} == held
    assert max(counts.values()) == 2
