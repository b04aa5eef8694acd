"""The daemon's scheduling decisions as pure functions: what is due, what runs together, when next.

Nothing here reads the clock or the database, so every rule is tested with plain values.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from urllib.parse import urlsplit

from apscheduler.triggers.cron import CronTrigger

from config.schema import Schedule, SourceConfig

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    """A source as the planner sees it: where it crawls and when it is due (None: never placed)."""

    id: str
    domains: frozenset[str]
    due_at: datetime | None


@dataclass(frozen=True)
class Batch:
    """Sources crawled by one process: sources that share a domain always go together."""

    source_ids: tuple[str, ...]
    domains: frozenset[str]


def domains_of(source: SourceConfig) -> frozenset[str]:
    """Host names: the key of Scrapy's download slots, so per-domain limits line up with them."""
    return frozenset(
        (urlsplit(url).hostname or "").lower() for url in (*source.listing, *source.pages)
    )


def candidates(
    sources: Iterable[SourceConfig], due_at: Mapping[str, datetime | None]
) -> list[Candidate]:
    """The enabled configured sources with their stored due times."""
    return [Candidate(s.id, domains_of(s), due_at.get(s.id)) for s in sources if s.enabled]


def jitter_fraction(source_id: str) -> float:
    """A stable number in [0, 1) per source, so its place in the interval survives restarts."""
    digest = hashlib.sha256(source_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def next_due(
    schedule: Schedule, source_id: str, jitter: float, after: datetime, tz: tzinfo = UTC
) -> datetime:
    """When a source is next due, given that its last crawl ended at `after`.

    An interval source keeps a fixed grid (epoch + its jitter offset + k·interval): steady
    periods, no drift, and sources with the same interval spread by their offsets. The next slot
    is the first at least half an interval after the crawl ended, so a crawl that started late is
    not repeated moments later. A cron source is due at its next fire time plus its jitter share
    of the gap to the fire time after that (cron strings are read in `tz`).
    """
    if schedule.interval is not None:
        interval = schedule.interval
        anchor = EPOCH + interval * (jitter_fraction(source_id) * jitter)
        steps = math.ceil((after + interval / 2 - anchor) / interval)
        return anchor + interval * steps
    if schedule.cron is None:
        raise ValueError(f"schedule without interval or cron: {schedule.text!r}")
    trigger = CronTrigger.from_crontab(schedule.cron, timezone=tz)
    first = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    if first is None:
        raise ValueError(f"cron schedule never fires: {schedule.text!r}")
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) or first
    offset = (second - first) * (jitter_fraction(source_id) * jitter)
    return (first + offset).astimezone(UTC)


def reconciled_due(
    schedule: Schedule,
    source_id: str,
    jitter: float,
    due_at: datetime | None,
    last_crawl_at: datetime | None,
    tz: tzinfo = UTC,
) -> datetime | None:
    """The due time under the current config, so an edited schedule applies at once.

    A source that was advanced after its last crawl gets its due time recomputed from that crawl
    (unchanged if the schedule is unchanged: `next_due` is deterministic). A source whose last
    crawl did not complete (due time not after it) stays due: it must be crawled again.
    """
    if due_at is None or last_crawl_at is None or due_at <= last_crawl_at:
        return due_at
    return next_due(schedule, source_id, jitter, last_crawl_at, tz)


def overdue(items: Iterable[Candidate], now: datetime) -> list[Candidate]:
    return [c for c in items if c.due_at is None or c.due_at <= now]


def spread(late: Sequence[Candidate], now: datetime, window: timedelta) -> dict[str, datetime]:
    """Place overdue sources evenly over `window` from `now`, longest-waiting first.

    This is what keeps a restart (or a first start) from firing every source at once.
    """
    ordered = sorted(late, key=lambda c: (c.due_at or EPOCH, c.id))
    count = len(ordered)
    return {c.id: now + window * (i / count) for i, c in enumerate(ordered)}


def due(items: Iterable[Candidate], now: datetime, running: Iterable[str] = ()) -> list[Candidate]:
    """Sources due now and not being crawled, earliest due first."""
    busy = set(running)
    ready = [c for c in overdue(items, now) if c.id not in busy]
    return sorted(ready, key=lambda c: (c.due_at or EPOCH, c.id))


def batches(ready: Sequence[Candidate], busy_domains: Iterable[str], slots: int) -> list[Batch]:
    """Group due sources into crawls: no busy domain touched, never two crawls on one domain.

    Sources whose domains overlap go into one batch (one process, so one shared Scrapy slot per
    domain); at most `slots` batches start. A source that cannot start now simply stays due.
    """
    blocked = set(busy_domains)
    groups: list[tuple[list[str], set[str]]] = []
    for candidate in ready:
        if candidate.domains & blocked:
            continue
        touching = [g for g in groups if g[1] & candidate.domains]
        if not touching and len(groups) >= slots:
            continue
        ids = [i for g in touching for i in g[0]] + [candidate.id]
        domains = set(candidate.domains).union(*(g[1] for g in touching))
        groups = [g for g in groups if all(g is not t for t in touching)]
        groups.append((ids, domains))
    return [Batch(tuple(ids), frozenset(domains)) for ids, domains in groups]
