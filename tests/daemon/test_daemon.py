"""Issue 6 acceptance: `regwatch run` as a real process, against the simulated site.

Schedules are in seconds and every wait polls with a deadline. The daemon's crawls are real
`python -m monitor.daemon.child` processes; alerts go to a local webhook through Apprise.
"""

from __future__ import annotations

import itertools
import json
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from monitor.context import open_context
from storage.models import Source

NEW_RULE = "参保人员在定点医疗机构发生的门诊费用，起付标准由1200元调整为1000元。"


def hook(sink: Any) -> list[dict[str, Any]]:
    return [{"id": "team", "notify": [sink.url("json", "/hook")]}]


def test_alerts_once_for_an_edit_and_exits_0_on_sigterm(
    world_for: Any, db_url: str, sim: Any, http: Any, wait: Any
) -> None:
    world: Any = world_for(db_url)
    (policy,) = sim.editable(1)
    url = sim.policy_url(policy)
    world.write_config(
        [{"id": "ybj", "name": "医保局", "pages": [url], "schedule": "every 1s"}],
        subscriptions=hook(http),
    )
    daemon = world.start()
    wait(lambda: world.sources()["ybj"].baseline_at, timeout=30)
    assert http.delivered() == []  # the baseline alerts nobody

    sim.edit_article(policy, 1, NEW_RULE)
    wait(lambda: http.delivered(), timeout=30)
    seen = len(world.finished_runs("ybj"))
    wait(lambda: len(world.finished_runs("ybj")) >= seen + 1, timeout=30)  # crawled once more
    wait(lambda: all(o.status == "delivered" for o in world.outbox()), timeout=10)

    assert len(http.delivered()) == 1
    assert "1000" in http.delivered()[0].body.decode()
    assert len(world.outbox()) == 1

    sim.delay = 1.0  # stop in the middle of a crawl: it ends cleanly, within stop_timeout
    wait(lambda: sim.in_flight() > 0, timeout=30)
    asked = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - asked < 10
    assert "daemon_stopped" in daemon.log()
    assert daemon.crawls_gone()
    last = world.runs("ybj")[-1]
    assert last.status == "interrupted"
    source = world.sources()["ybj"]
    assert source.next_due_at is not None and source.next_due_at <= datetime.now(UTC)
    assert source.consecutive_failures == 0


def test_sigkill_mid_crawl_recrawls_the_source_without_losing_or_repeating_alerts(
    world: Any, sim: Any, http: Any, wait: Any
) -> None:
    first_policy, second_policy = sim.editable(2)
    first, second = sim.policy_url(first_policy), sim.policy_url(second_policy)
    world.write_config(
        [{"id": "ybj", "name": "医保局", "pages": [first, second], "schedule": "every 1s"}],
        subscriptions=hook(http),
        crawl={"concurrency_per_domain": 1},
    )
    daemon = world.start()
    wait(lambda: world.sources()["ybj"].baseline_at, timeout=30)
    sim.edit_article(first_policy, 1, NEW_RULE)
    wait(lambda: http.delivered(), timeout=30)  # the first change is alerted before the kill

    sim.hang(second)  # the next crawl will be in flight on the second page when we kill
    sim.edit_article(second_policy, 1, NEW_RULE)
    crawls = len(daemon.crawl_pids())
    wait(lambda: len(daemon.crawl_pids()) > crawls and sim.in_flight() == 1, timeout=30)
    daemon.process.kill()
    daemon.process.wait(10)
    wait(daemon.crawls_gone, timeout=10)  # the crawl died with its daemon
    sim.clear_faults()  # in case the kill came before the hang was reached
    sim.release_hangs()
    assert world.runs("ybj")[-1].status == "running"
    assert len(world.events("changed")) == 1

    runs = len(world.runs("ybj"))
    again = world.start()
    again.wait_log("stale_runs_closed runs=1")
    # The interrupted crawl is redone; it sees both pages, so a repeat of the first change would
    # show up here as well.
    wait(lambda: len(world.finished_runs("ybj")) > runs, timeout=30)
    wait(lambda: all(o.status == "delivered" for o in world.outbox()), timeout=10)

    assert sorted(e.url for e in world.events("changed")) == sorted([first, second])
    assert len(http.delivered()) == 2  # one per change: none lost, none repeated
    assert [r.status for r in world.runs("ybj")].count("interrupted") == 1
    assert again.stop() == 0


def test_twenty_sources_on_one_domain_share_its_budget_and_obey_robots(
    world: Any, sim: Any, wait: Any
) -> None:
    sim.delay = 0.2  # slow answers make concurrent requests overlap at the server
    sim.robots_txt = "User-agent: *\nDisallow: /gjj/\n"
    pages = (sim.policy_urls("ybj") + sim.policy_urls("rsj")) * 2
    allowed = [f"{url}?id={k}" for k, url in enumerate(pages[:17])]
    blocked = sim.policy_urls("gjj")[:3]
    urls = allowed + blocked
    assert len(urls) == 20
    world.write_config(
        [
            {"id": f"s{i:02d}", "name": f"栏目{i}", "pages": [u], "schedule": "every 1h"}
            for i, u in enumerate(urls)
        ],
        crawl={"concurrency_per_domain": 2},
        daemon={"restart_spread": "1s", "max_parallel_crawls": 4},
    )
    daemon = world.start()
    wait(lambda: len({r.source_id for r in world.finished_runs()}) == 20, timeout=60)

    assert sim.peak_in_flight() == 2  # reached, never exceeded, across all crawl processes
    paths = [r.path for r in sim.requests]
    assert not [p for p in paths if p.startswith("/gjj/")]
    assert len([p for p in paths if p.startswith(("/ybj/", "/rsj/"))]) >= 17
    statuses = {r.source_id: r.status for r in world.runs()}
    assert [statuses[f"s{i:02d}"] for i in range(17)] == ["ok"] * 17
    running, most = 0, 0  # never two crawl processes on the domain at once
    for line in daemon.log().splitlines():
        if "crawl_started" in line:
            running += 1
        elif "crawl_finished" in line:
            running -= 1
        most = max(most, running)
    assert most == 1
    assert len(daemon.crawl_pids()) >= 2  # sources became due at different times
    assert daemon.stop() == 0


def test_second_daemon_on_the_same_database_refuses_to_start(
    world_for: Any, db_url: str, wait: Any
) -> None:
    world: Any = world_for(db_url)
    world.write_config([])
    first = world.start()
    second = world.run("run", timeout=60)
    assert second.returncode != 0
    message = second.stderr.strip().splitlines()
    assert len(message) == 1, second.stderr
    assert re.match(r"regwatch: another `regwatch run` \(pid \d+\) is already using", message[0])
    assert f"pid {first.process.pid}" in message[0]
    assert first.process.poll() is None
    assert first.stop() == 0


def test_restart_spreads_fifty_overdue_sources_over_the_window(
    world: Any, sim: Any, wait: Any
) -> None:
    base = sim.policy_urls("ybj")[0]
    window = 4.0
    world.write_config(
        [
            {
                "id": f"s{i:02d}",
                "name": f"栏目{i}",
                "pages": [f"{base}?id={i}"],
                "schedule": "every 1h",
            }
            for i in range(50)
        ],
        daemon={"restart_spread": f"{window}s"},
    )
    ctx = open_context(world.config_path, world.db_url)  # as left by a daemon down for an hour
    with ctx.db.write() as session:
        for source in session.scalars(select(Source)):
            source.next_due_at = datetime.now(UTC) - timedelta(hours=1)
    ctx.db.dispose()

    started = time.time()
    daemon = world.start()
    daemon.wait_log("sources_placed count=50")
    placed = sorted(s.next_due_at for s in world.sources().values() if s.next_due_at)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(placed)]
    assert len(placed) == 50
    assert all(abs(g - window / 50) < 0.01 for g in gaps[:10])  # first ones still unmoved

    wait(lambda: len({r.source_id for r in world.runs()}) == 50, timeout=60)
    starts = sorted({r.source_id: r.started_at.timestamp() for r in world.runs()}.values())
    first_second = [s for s in starts if s - starts[0] < 1.0]
    # no stampede at start-up: about what the spread made due in that second (50 / window; one
    # crawl at a time on the domain takes each batch of due sources), far from all 50
    assert len(first_second) <= 1.5 * 50 / window
    assert starts[-1] - starts[0] >= 0.6 * window
    assert starts[-1] - started < window + 15
    assert daemon.stop() == 0


def test_recrawl_works_beside_the_daemon_and_status_reports(
    world: Any, sim: Any, http: Any, wait: Any
) -> None:
    (policy,) = sim.editable(1)
    url = sim.policy_url(policy)
    world.write_config(
        [{"id": "ybj", "name": "医保局", "pages": [url], "schedule": "every 1h"}],
        subscriptions=hook(http),
    )
    daemon = world.start()
    wait(lambda: world.finished_runs("ybj"), timeout=30)
    sim.edit_article(policy, 1, NEW_RULE)

    result = world.run("recrawl", url)
    assert result.returncode == 0, result.stderr
    assert "1000" in result.stdout
    wait(lambda: len(http.delivered()) == 1, timeout=20)

    status = world.run("status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["daemon"] == f"pid {daemon.process.pid}"
    (row,) = [s for s in report["sources"] if s["id"] == "ybj"]
    assert row["last_crawl"]["status"] == "ok"
    assert row["next_run"] > datetime.now(UTC).isoformat()
    assert row["consecutive_failures"] == 0
    assert report["outbox"] == {"pending": 0, "digest": 0, "dead": 0}
    assert daemon.process.poll() is None
    assert daemon.stop() == 0


def test_a_hung_crawl_is_killed_at_the_wall_clock_limit(world: Any, sim: Any, wait: Any) -> None:
    url = sim.policy_urls("ybj")[0]
    sim.hang(url, times=10)
    world.write_config(
        [{"id": "ybj", "name": "医保局", "pages": [url], "schedule": "every 1h"}],
        crawl={"wall_clock_limit": "1s", "timeout": "60s"},
    )
    daemon = world.start()
    wait(lambda: world.finished_runs("ybj"), timeout=30)
    (run,) = world.runs("ybj")
    assert run.status == "timeout"
    assert world.sources()["ybj"].consecutive_failures == 1
    assert daemon.process.poll() is None
    assert daemon.stop() == 0


def test_sighup_reloads_the_config_and_keeps_state(world: Any, sim: Any, wait: Any) -> None:
    first, second = sim.policy_urls("ybj")[:2]
    one = {"id": "one", "name": "一", "pages": [first], "schedule": "every 1h"}
    world.write_config([one])
    daemon = world.start()
    later = datetime.now(UTC) + timedelta(minutes=10)
    due = wait(lambda: (d := world.sources()["one"].next_due_at) and d > later and d, timeout=30)

    world.write_config(
        [one, {"id": "two", "name": "二", "pages": [second], "schedule": "every 1h"}]
    )
    daemon.process.send_signal(signal.SIGHUP)
    daemon.wait_log("config_reloaded sources=2")
    wait(lambda: world.finished_runs("two"), timeout=30)

    assert len(world.runs("one")) == 1  # not crawled again: its turn is kept
    assert world.sources()["one"].next_due_at == due
    assert daemon.stop() == 0
