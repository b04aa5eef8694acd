"""The daemon's scheduling rules, as pure functions with an explicit clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from config.schema import Schedule, SourceConfig
from monitor.daemon import plan
from monitor.daemon.plan import Candidate

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def cand(source_id: str, *domains: str, due: datetime | None = NOW) -> Candidate:
    return Candidate(source_id, frozenset(domains or {"a.gov.cn"}), due)


def test_domains_are_scrapy_slot_keys() -> None:
    source = SourceConfig(
        id="s",
        name="s",
        listing=["https://WWW.Example.gov.cn:8443/zcwj/"],
        pages=["http://www.example.gov.cn/t1.html", "https://other.gov.cn/a"],
    )
    assert plan.domains_of(source) == {"www.example.gov.cn", "other.gov.cn"}


def test_jitter_fraction_is_stable_and_spread() -> None:
    values = [plan.jitter_fraction(f"source-{i}") for i in range(1000)]
    assert values == [plan.jitter_fraction(f"source-{i}") for i in range(1000)]
    assert all(0 <= v < 1 for v in values)
    assert sum(v < 0.5 for v in values) in range(450, 551)


def test_interval_keeps_a_grid_with_a_per_source_offset() -> None:
    every = Schedule.parse("every 6h")
    first = plan.next_due(every, "a", 0.1, NOW)
    second = plan.next_due(every, "a", 0.1, first + timedelta(minutes=3))
    assert second - first == timedelta(hours=6)  # steady period, no drift by crawl duration
    offset = (first - plan.EPOCH) % timedelta(hours=6)
    assert offset == timedelta(hours=6) * (plan.jitter_fraction("a") * 0.1)
    assert offset < timedelta(minutes=36)
    offsets = {
        (plan.next_due(every, f"s{i}", 0.1, NOW) - plan.EPOCH) % timedelta(hours=6)
        for i in range(20)
    }
    assert len(offsets) == 20  # same interval, different slots


def test_next_slot_is_at_least_half_an_interval_away() -> None:
    every = Schedule.parse("every 1h")
    for minutes in range(0, 180, 7):
        after = NOW + timedelta(minutes=minutes)
        due = plan.next_due(every, "x", 0.2, after)
        assert timedelta(minutes=30) <= due - after <= timedelta(minutes=90)


def test_zero_jitter_means_no_offset() -> None:
    due = plan.next_due(Schedule.parse("every 30m"), "x", 0.0, NOW + timedelta(minutes=1))
    assert due == NOW + timedelta(minutes=30)


def test_cron_is_read_in_the_configured_zone_and_jittered_within_the_gap() -> None:
    daily = Schedule.parse("0 7 * * *")
    due = plan.next_due(daily, "x", 0.1, NOW, SHANGHAI)  # 12:00 UTC = 20:00 in Shanghai
    fire = datetime(2025, 3, 2, 7, 0, tzinfo=SHANGHAI)
    assert fire <= due < fire + timedelta(hours=2, minutes=24)
    assert due - fire == timedelta(days=1) * (plan.jitter_fraction("x") * 0.1)
    assert plan.next_due(daily, "x", 0.0, NOW, SHANGHAI) == fire


def test_reconciled_due_applies_a_new_schedule_but_keeps_an_unfinished_source_due() -> None:
    old, new = Schedule.parse("every 6h"), Schedule.parse("every 10m")
    crawled = NOW - timedelta(minutes=1)
    stored = plan.next_due(old, "x", 0.1, crawled)
    assert plan.reconciled_due(old, "x", 0.1, stored, crawled) == stored
    faster = plan.reconciled_due(new, "x", 0.1, stored, crawled)
    assert faster is not None and faster <= crawled + timedelta(minutes=16)
    interrupted = NOW - timedelta(hours=1)  # due time not advanced past the last crawl
    assert plan.reconciled_due(new, "x", 0.1, interrupted, crawled) == interrupted
    assert plan.reconciled_due(new, "x", 0.1, None, crawled) is None


def test_due_selection_skips_future_and_running_sources() -> None:
    items = [
        cand("late", due=NOW - timedelta(hours=1)),
        cand("now", due=NOW),
        cand("new", due=None),
        cand("later", due=NOW + timedelta(seconds=1)),
        cand("busy", due=NOW - timedelta(hours=2)),
    ]
    assert [c.id for c in plan.due(items, NOW, running={"busy"})] == ["new", "late", "now"]


def test_restart_spreads_overdue_sources_evenly_over_the_window() -> None:
    late = [cand(f"s{i:02d}", due=NOW - timedelta(minutes=i)) for i in range(50)]
    placed = plan.spread(late, NOW, timedelta(minutes=10))
    times = sorted(placed.values())
    assert times[0] == NOW and times[-1] < NOW + timedelta(minutes=10)
    gaps = {b - a for a, b in itertools.pairwise(times)}
    assert gaps == {timedelta(seconds=12)}
    assert placed["s49"] == NOW  # the longest waiting goes first


def test_same_domain_sources_share_one_batch() -> None:
    ready = [cand(f"x{i}", "x.gov.cn") for i in range(20)] + [cand("y", "y.gov.cn")]
    result = plan.batches(ready, busy_domains=(), slots=2)
    assert [len(b.source_ids) for b in result] == [20, 1]
    assert result[0].domains == {"x.gov.cn"}


def test_busy_domains_wait_and_slots_limit_new_batches() -> None:
    ready = [cand("a", "a.cn"), cand("b", "b.cn"), cand("c", "c.cn"), cand("a2", "a.cn")]
    assert plan.batches(ready, busy_domains={"a.cn"}, slots=5) == [
        plan.Batch(("b",), frozenset({"b.cn"})),
        plan.Batch(("c",), frozenset({"c.cn"})),
    ]
    limited = plan.batches(ready, busy_domains=(), slots=1)
    assert limited == [plan.Batch(("a", "a2"), frozenset({"a.cn"}))]
    assert plan.batches(ready, busy_domains=(), slots=0) == []


def test_sources_spanning_domains_join_every_batch_they_touch() -> None:
    ready = [cand("a", "a.cn"), cand("b", "b.cn"), cand("ab", "a.cn", "b.cn"), cand("c", "c.cn")]
    result = plan.batches(ready, busy_domains=(), slots=2)
    assert sorted(result[0].source_ids) == ["a", "ab", "b"]
    assert result[0].domains == {"a.cn", "b.cn"}
    assert result[1].source_ids == ("c",)
    assert plan.batches(ready, busy_domains={"b.cn"}, slots=3) == [
        plan.Batch(("a",), frozenset({"a.cn"})),
        plan.Batch(("c",), frozenset({"c.cn"})),
    ]


def test_candidates_leave_out_disabled_sources() -> None:
    sources = [
        SourceConfig(id="on", name="on", pages=["http://a.cn/1"]),
        SourceConfig(id="off", name="off", pages=["http://a.cn/2"], enabled=False),
    ]
    found = plan.candidates(sources, {"on": NOW})
    assert found == [Candidate("on", frozenset({"a.cn"}), NOW)]


@pytest.mark.parametrize("text", ["every 5s", "every 2d", "*/5 * * * *"])
def test_next_due_is_always_in_the_future(text: str) -> None:
    schedule = Schedule.parse(text)
    for k in range(50):
        after = NOW + timedelta(seconds=37 * k)
        assert plan.next_due(schedule, f"s{k}", 0.5, after, SHANGHAI) > after
