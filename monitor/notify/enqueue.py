"""Turn an event into outbox rows, inside the transaction that records the event.

Writing the rows in the event's own transaction is what makes alerts neither lost nor
doubled: the event and its alerts commit together or not at all, and the unique key
(event, subscription, channel) makes a repeated enqueue insert nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.schema import Config, SubscriptionConfig
from monitor.notify.channels import channels_of
from monitor.notify.matching import EventFacts, fold, wants
from monitor.notify.schedule import next_slot
from storage.models import Event, Outbox, Page, Snapshot, Source, Subscription, utcnow

# Outbox statuses. 'digest' rows wait (next_attempt_at = their digest slot) until the
# dispatcher releases them as one message; 'sending' rows are claimed by a dispatcher.
PENDING, SENDING, DELIVERED, DEAD, DIGEST = "pending", "sending", "delivered", "dead", "digest"


def enqueue(session: Session, event: Event, config: Config, *, now: datetime | None = None) -> int:
    """Queue one row per matching (subscription, channel); returns how many rows were created.

    Call it for every event, silent ones included: a subscription that lists a silent type
    (`cosmetic`, `moved`) in its `events` asked for it.
    """
    if not config.subscriptions:
        return 0
    now = now or utcnow()
    if event.id is None:
        session.flush()
    needs_text = any(s.keywords for s in config.subscriptions)
    facts = _facts(session, event, with_text=needs_text)
    folded = fold(facts.text) if needs_text else None
    rows: list[dict[str, Any]] = []
    for subscription in config.subscriptions:
        if not wants(subscription, facts, folded):
            continue
        _ensure_subscription_row(session, subscription)
        status, due = PENDING, now
        if subscription.digest is not None:
            status, due = DIGEST, next_slot(subscription.digest, now, config.notifications.timezone)
        rows += [
            {
                "event_id": event.id,
                "subscription_id": subscription.id,
                "channel_key": channel.key,
                "channel_label": channel.label,
                "status": status,
                "created_at": now,
                "next_attempt_at": due,
                "attempts": 0,
            }
            for channel in channels_of(subscription)
        ]
    return _insert_new(session, rows)


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT DO NOTHING, so a concurrent or repeated enqueue is harmless."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect in {"sqlite", "postgresql"}:
        module: Any = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(Outbox).on_conflict_do_nothing(
            index_elements=["event_id", "subscription_id", "channel_key"]
        )
        return len(session.execute(statement.returning(Outbox.id), rows).all())
    existing = set(
        session.execute(
            select(Outbox.subscription_id, Outbox.channel_key).where(
                Outbox.event_id == rows[0]["event_id"]
            )
        ).tuples()
    )
    fresh = [r for r in rows if (r["subscription_id"], r["channel_key"]) not in existing]
    if fresh:
        session.execute(insert(Outbox), fresh)
    return len(fresh)


def _ensure_subscription_row(session: Session, subscription: SubscriptionConfig) -> None:
    """Outbox rows reference the subscription; callers that skipped the config sync still work."""
    if session.get(Subscription, subscription.id) is None:
        spec = subscription.model_dump(mode="json", exclude={"notify"})
        session.add(Subscription(id=subscription.id, spec=spec))
        session.flush()


def _facts(session: Session, event: Event, *, with_text: bool) -> EventFacts:
    source = session.get(Source, event.source_id)
    text = ""
    if with_text:
        parts = [event.title or "", event.summary_text or "", changed_text(session, event)]
        text = "\n".join(parts)
    return EventFacts(
        type=event.type,
        source_id=event.source_id,
        region=source.region if source else None,
        topics=tuple(source.topics or ()) if source else (),
        significance=event.significance,
        silent=event.silent,
        text=text,
    )


def changed_text(session: Session, event: Event) -> str:
    """What changed: the diff's added and removed lines; a new policy's (or a removed
    one's last) text when there is no diff."""
    if event.diff:
        return "\n".join(
            line[1:]
            for line in event.diff.splitlines()
            if line[:1] in {"+", "-"} and not line.startswith(("+++", "---"))
        )
    snapshot_id = event.to_snapshot_id or event.from_snapshot_id
    if snapshot_id is None:
        page = session.get(Page, event.page_id)
        snapshot_id = page.last_snapshot_id if page else None
    snapshot = session.get(Snapshot, snapshot_id) if snapshot_id else None
    return snapshot.text if snapshot else ""
