"""Deliver the outbox: claim due rows, send through Apprise outside any transaction, record.

All state lives in the database, so any number of dispatchers (in the daemon, in a `regwatch
dispatch` process, on other machines sharing PostgreSQL) can run, crash and restart:

* claiming marks rows `sending` with the claimer's identity in one short transaction
  (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: its single writer lock);
* just before sending, the claim is renewed and checked, so a row taken over by another
  dispatcher is never sent by this one as well;
* a row left `sending` by a dead dispatcher is taken back: at once when the dead process ran
  on this host (its pid is gone), else when its claim is older than the lease. It counts as
  an interrupted attempt, so a message that kills its dispatcher cannot loop forever.

Delivery is at-least-once to the channel (a crash after the channel accepted a message and
before the outcome was recorded sends it again) and exactly one outbox row per alert.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import psutil
from sqlalchemy import CursorResult, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from config.loader import LoadedConfig
from config.schema import SubscriptionConfig
from monitor.notify.channels import SendResult, Target, all_channel_secrets, find_channel
from monitor.notify.enqueue import DEAD, DELIVERED, DIGEST, PENDING, SENDING
from monitor.notify.labels import label
from monitor.notify.render import (
    DigestItem,
    Fmt,
    message_title,
    render_digest,
    render_message,
)
from monitor.notify.schedule import last_slot
from monitor.redaction import install_redaction, scrub
from storage.db import Database
from storage.models import DeliveryAttempt, Event, Outbox, Snapshot, Source, Subscription, utcnow

log = logging.getLogger(__name__)
_Query = TypeVar("_Query", bound=Select[Any])

INTERRUPTED = "interrupted: the dispatcher stopped while sending"


@dataclass
class DispatchStats:
    """Counts of messages (a digest is one message however many rows it covers)."""

    digests: int = 0  # digests released this run
    claimed: int = 0
    delivered: int = 0
    failed: int = 0  # failed and scheduled again
    dead: int = 0
    recovered: int = 0  # rows taken back from a dead or stale claim
    released: int = 0  # claimed but not sent because of a stop request


@dataclass
class _Job:
    """One message to one channel: a single alert, or a digest covering many rows."""

    ids: list[int]
    subscription_id: str
    channel_key: str
    digest_id: str | None
    attempts: int
    events: list[Event] = field(default_factory=list)


@dataclass
class _Loaded:
    snapshots: dict[int, Snapshot]
    sources: dict[str, Source]


def _process_identity() -> tuple[str, int, str]:
    pid = os.getpid()
    return socket.gethostname(), pid, f"{psutil.Process(pid).create_time():.2f}"


def _owner_gone(claimed_by: str, host: str) -> bool:
    """Whether a claim was made by a process of this host that no longer runs."""
    parts = claimed_by.split(":")
    if len(parts) < 3 or parts[0] != host:
        return False
    try:
        process = psutil.Process(int(parts[1]))
        return (
            process.status() == psutil.STATUS_ZOMBIE or f"{process.create_time():.2f}" != parts[2]
        )
    except (psutil.NoSuchProcess, ValueError):
        return True
    except psutil.Error:
        return False


class Dispatcher:
    def __init__(
        self,
        db: Database,
        loaded: LoadedConfig,
        *,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        workers: int = 4,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self.db = db
        self.loaded = loaded
        self.config = loaded.config
        self.settings = loaded.config.notifications
        self.clock = clock
        self.rng = rng or random.Random()
        self.workers = max(workers, 1)
        self.lease = lease
        self.secrets = frozenset(loaded.secrets | all_channel_secrets(loaded.config))
        install_redaction(self.secrets)
        self.host, pid, started = _process_identity()
        self.identity = f"{self.host}:{pid}:{started}:{uuid.uuid4().hex[:8]}"
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Finish the messages being sent; hand back the claimed ones not yet started."""
        self._stopping.set()

    # -- digests ----------------------------------------------------------------------------

    def run_digests(self) -> int:
        """Release the digests whose time has come; returns how many (one per subscription).

        Rows waiting for a slot that has passed become one group per subscription and channel,
        named after the latest slot, so a dispatcher that was down for days sends one digest
        of everything that waited, not one per missed slot.
        """
        now = self.clock()
        with self.db.write() as session:
            query = select(Outbox).where(Outbox.status == DIGEST, Outbox.next_attempt_at <= now)
            rows = list(session.scalars(self._lock(query)))
            by_subscription: dict[str, list[Outbox]] = {}
            for row in rows:
                by_subscription.setdefault(row.subscription_id, []).append(row)
            for subscription_id, group in by_subscription.items():
                spec = self._subscription(subscription_id)
                slot = (
                    last_slot(spec.digest, now, self.settings.timezone)
                    if spec is not None and spec.digest is not None
                    else now
                )
                digest_id = f"{subscription_id}@{slot:%Y-%m-%dT%H:%MZ}"
                for row in group:
                    row.status, row.digest_id, row.next_attempt_at = PENDING, digest_id, now
                subscription = session.get(Subscription, subscription_id)
                if subscription is not None:
                    subscription.last_digest_at = now
                log.info("digest %s released: %d rows", digest_id, len(group))
        return len(by_subscription)

    # -- one pass ---------------------------------------------------------------------------

    def run_once(self, limit: int = 100) -> DispatchStats:
        """Release due digests, then claim up to `limit` due rows and deliver them."""
        stats = DispatchStats(digests=self.run_digests())
        jobs, loaded = self._claim(limit, stats)
        stats.claimed = len(jobs)
        if not jobs:
            return stats
        with ThreadPoolExecutor(max_workers=min(self.workers, len(jobs))) as pool:
            for outcome in pool.map(lambda job: self._deliver(job, loaded), jobs):
                if outcome == DELIVERED:
                    stats.delivered += 1
                elif outcome == DEAD:
                    stats.dead += 1
                elif outcome == PENDING:
                    stats.failed += 1
                elif outcome == "released":
                    stats.released += 1
        return stats

    def seconds_until_due(self, cap: float) -> float:
        """How long a loop may sleep before something becomes due (at most `cap`)."""
        now = self.clock()
        with self.db.read() as session:
            waiting = session.scalar(
                select(func.min(Outbox.next_attempt_at)).where(Outbox.status.in_([PENDING, DIGEST]))
            )
            claimed = session.scalar(
                select(func.min(Outbox.claimed_at)).where(Outbox.status == SENDING)
            )
        moments = [m for m in (waiting, claimed + self.lease if claimed else None) if m]
        if not moments:
            return cap
        return max(0.0, min(cap, (min(moments) - now).total_seconds()))

    # -- claiming ---------------------------------------------------------------------------

    def _lock(self, query: _Query) -> _Query:
        """Row locks that other dispatchers skip, where the database has them."""
        return query if self.db.is_sqlite else query.with_for_update(skip_locked=True)

    def _claim(self, limit: int, stats: DispatchStats) -> tuple[list[_Job], _Loaded]:
        with self.db.write() as session:
            now = self.clock()
            rows = self._due_rows(session, now, limit)
            rows = self._complete_digest_groups(session, rows)
            jobs: dict[tuple[str, str, str], _Job] = {}
            for row in rows:
                if row.status == SENDING:
                    stats.recovered += 1
                    if not self._count_interruption(session, row, now):
                        continue
                row.status, row.claimed_at, row.claimed_by = SENDING, now, self.identity
                group = row.digest_id or f"row:{row.id}"
                job = jobs.setdefault(
                    (group, row.subscription_id, row.channel_key),
                    _Job([], row.subscription_id, row.channel_key, row.digest_id, 0),
                )
                job.ids.append(row.id)
                job.attempts = max(job.attempts, row.attempts)
            loaded = self._load(session, rows, list(jobs.values()))
        return list(jobs.values()), loaded

    def _due_rows(self, session: Session, now: datetime, limit: int) -> list[Outbox]:
        stale = now - self.lease
        due = select(Outbox).where(
            or_(
                and_(Outbox.status == PENDING, Outbox.next_attempt_at <= now),
                and_(Outbox.status == SENDING, Outbox.claimed_at <= stale),
            )
        )
        rows = list(
            session.scalars(
                self._lock(due.order_by(Outbox.next_attempt_at, Outbox.id).limit(limit))
            )
        )
        orphans = select(Outbox).where(
            Outbox.status == SENDING,
            Outbox.claimed_at > stale,
            Outbox.claimed_by.like(f"{self.host}:%"),
            Outbox.claimed_by != self.identity,
        )
        taken = {row.id for row in rows}
        for row in session.scalars(self._lock(orphans.limit(limit))):
            if row.id not in taken and _owner_gone(row.claimed_by or "", self.host):
                rows.append(row)
        return rows

    def _complete_digest_groups(self, session: Session, rows: list[Outbox]) -> list[Outbox]:
        """A digest goes out as one message: claim the rest of its group with it."""
        taken = {row.id for row in rows}
        groups = {(row.digest_id, row.channel_key) for row in rows if row.digest_id}
        for digest_id, channel_key in groups:
            rest = select(Outbox).where(
                Outbox.digest_id == digest_id,
                Outbox.channel_key == channel_key,
                Outbox.status == PENDING,
            )
            rows += [row for row in session.scalars(self._lock(rest)) if row.id not in taken]
        return rows

    def _count_interruption(self, session: Session, row: Outbox, now: datetime) -> bool:
        """Record an interrupted send as a failed attempt; False when that was the last one."""
        session.add(DeliveryAttempt(outbox_id=row.id, at=now, ok=False, error=INTERRUPTED))
        row.attempts += 1
        row.last_error = INTERRUPTED
        log.warning("outbox %d: taking back from %s (%s)", row.id, row.claimed_by, INTERRUPTED)
        if row.attempts >= self.settings.max_attempts:
            self._bury(row, INTERRUPTED)
            return False
        return True

    def _bury(self, row: Outbox, error: str) -> None:
        row.status, row.claimed_at, row.claimed_by = DEAD, None, None
        row.last_error = f"{error} (gave up after {row.attempts} attempts)"

    def _load(self, session: Session, rows: list[Outbox], jobs: list[_Job]) -> _Loaded:
        """Everything rendering needs, read while the claim transaction is open."""
        event_ids = {row.event_id for row in rows}
        events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_(event_ids)))}
        by_row = {row.id: row.event_id for row in rows}
        snapshot_ids: set[int] = set()
        for job in jobs:
            job.events = [events[by_row[i]] for i in job.ids]
            if job.digest_id is None:
                event = job.events[0]
                snapshot_ids |= {i for i in (event.from_snapshot_id, event.to_snapshot_id) if i}
        snapshots = {
            s.id: s for s in session.scalars(select(Snapshot).where(Snapshot.id.in_(snapshot_ids)))
        }
        for snapshot in snapshots.values():
            snapshot.decode_text()  # once detached, it could not load its site's zstd dictionary
        source_ids = {e.source_id for e in events.values()}
        sources = {
            s.id: s for s in session.scalars(select(Source).where(Source.id.in_(source_ids)))
        }
        return _Loaded(snapshots, sources)

    # -- delivering -------------------------------------------------------------------------

    def _deliver(self, job: _Job, loaded: _Loaded) -> str:
        if self._stopping.is_set():
            self._release(job)
            return "released"
        if not self._renew(job):
            log.info("outbox %s: claim taken over by another dispatcher", job.ids)
            return "lost"
        channel = find_channel(self.config, job.subscription_id, job.channel_key)
        subscription = self._subscription(job.subscription_id)
        if channel is None or subscription is None:
            return self._record(
                job, SendResult(False, "channel no longer in the config", 0.0), final=True
            )
        try:
            target = Target(channel)
        except ValueError as exc:
            return self._record(job, SendResult(False, str(exc), 0.0), final=True)
        try:
            title, body = self._render(job, subscription, target, loaded)
        except Exception as exc:  # a rendering bug fails this message, not the dispatcher
            log.exception("outbox %s: cannot render the message", job.ids)
            error = scrub(f"cannot render the message: {type(exc).__name__}: {exc}", self.secrets)
            return self._record(job, SendResult(False, error, 0.0))
        return self._record(job, target.send(title, body, self.secrets))

    def _render(
        self, job: _Job, subscription: SubscriptionConfig, target: Target, loaded: _Loaded
    ) -> tuple[str, str]:
        """Render within the channel's limit, shrinking the budget when the service counts
        bytes rather than characters."""
        language = subscription.language or self.settings.language
        title = (
            label(language, "digest_title", n=len(job.events))
            if job.digest_id is not None
            else message_title(job.events[0], language)
        )
        budget = target.body_budget(title)
        for _ in range(6):
            title, body = self._render_within(job, subscription, target, loaded, budget)
            excess = target.excess(title, body)
            if excess <= 1.0:
                break
            budget = max(int(budget / excess * 0.97), 100)
        return title, body

    def _render_within(
        self,
        job: _Job,
        subscription: SubscriptionConfig,
        target: Target,
        loaded: _Loaded,
        budget: int,
    ) -> tuple[str, str]:
        language = subscription.language or self.settings.language
        fmt: Fmt = target.format  # type: ignore[assignment]
        settings = self.settings
        if job.digest_id is not None:
            return render_digest(
                [DigestItem(e, loaded.sources.get(e.source_id)) for e in job.events],
                subscription_id=subscription.id,
                fmt=fmt,
                language=language,
                max_chars=budget,
                base_url=settings.base_url,
                timezone=settings.timezone,
            )
        event = job.events[0]
        return render_message(
            event,
            loaded.snapshots.get(event.from_snapshot_id or -1),
            loaded.snapshots.get(event.to_snapshot_id or -1),
            source=loaded.sources.get(event.source_id),
            fmt=fmt,
            language=language,
            max_chars=budget,
            excerpt_chars=settings.excerpt_chars,
            base_url=settings.base_url,
            timezone=settings.timezone,
        )

    def _renew(self, job: _Job) -> bool:
        with self.db.write() as session:
            result = session.execute(
                update(Outbox)
                .where(
                    Outbox.id.in_(job.ids),
                    Outbox.status == SENDING,
                    Outbox.claimed_by == self.identity,
                )
                .values(claimed_at=self.clock())
            )
            return bool(cast(CursorResult[Any], result).rowcount)

    def _release(self, job: _Job) -> None:
        with self.db.write() as session:
            session.execute(
                update(Outbox)
                .where(Outbox.id.in_(job.ids), Outbox.claimed_by == self.identity)
                .values(status=PENDING, claimed_at=None, claimed_by=None)
            )

    def _backoff(self, attempts: int) -> timedelta:
        """Exponential from `backoff_base`, capped at `backoff_max`, with equal jitter
        (half fixed, half random) so channels that failed together do not retry together."""
        base = self.settings.backoff_base.total_seconds()
        cap = self.settings.backoff_max.total_seconds()
        delay = min(cap, base * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=delay / 2 + self.rng.uniform(0, delay / 2))

    def _record(self, job: _Job, result: SendResult, *, final: bool = False) -> str:
        with self.db.write() as session:
            now = self.clock()
            delay = self._backoff(job.attempts + 1)
            outcome = "lost"
            for row in session.scalars(select(Outbox).where(Outbox.id.in_(job.ids))):
                session.add(
                    DeliveryAttempt(
                        outbox_id=row.id,
                        at=now,
                        ok=result.ok,
                        error=result.error,
                        duration=result.duration,
                    )
                )
                if row.status != SENDING or row.claimed_by != self.identity:
                    continue
                row.attempts += 1
                row.claimed_at = row.claimed_by = None
                if result.ok:
                    row.status, row.delivered_at = DELIVERED, now
                elif final or row.attempts >= self.settings.max_attempts:
                    self._bury(row, result.error or "delivery failed")
                else:
                    row.status, row.last_error = PENDING, result.error
                    row.next_attempt_at = now + delay
                outcome = row.status
        self._log(job, result, outcome)
        return outcome

    def _log(self, job: _Job, result: SendResult, outcome: str) -> None:
        label_ = self._label(job)
        if result.ok:
            log.info("outbox %s delivered to %s in %.2fs", job.ids, label_, result.duration)
        elif outcome == DEAD:
            log.error("outbox %s to %s is dead: %s", job.ids, label_, result.error)
        else:
            log.warning("outbox %s to %s failed: %s", job.ids, label_, result.error)

    def _label(self, job: _Job) -> str:
        channel = find_channel(self.config, job.subscription_id, job.channel_key)
        return channel.label if channel else f"{job.subscription_id}/{job.channel_key[:8]}"

    def _subscription(self, subscription_id: str) -> SubscriptionConfig | None:
        return next((s for s in self.config.subscriptions if s.id == subscription_id), None)
