"""Real delivery targets on 127.0.0.1 (an aiosmtpd SMTP server with login, an HTTP server that
records posts and can fail or hold them) and a small world of sources, subscriptions and
events on the shared `db_url` database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from monitor.compare import compare
from monitor.context import AppContext, open_context
from monitor.notify import enqueue
from monitor.notify.dispatcher import Dispatcher
from storage.blobs import put_blob
from storage.models import DeliveryAttempt, Event, Outbox, Page, Snapshot

SMTP_PASSWORD = "Pw-7f3kQ9zL"  # the password the shared `smtp` fixture accepts


# -- the world -----------------------------------------------------------------------------

SOURCES = """
sources:
  - id: cq-ybj
    name: 重庆市医疗保障局 · 政策文件
    region: 重庆市
    topics: [医疗保险]
    pages: [https://ybj.cq.gov.cn/zcwj/t20220601_1.html]
  - id: sh-rsj
    name: 上海市人力资源和社会保障局
    region: 上海市
    topics: [就业, 社会保险]
    pages: [https://rsj.sh.gov.cn/zcwj/t1.html]
"""

OLD_TEXT = """重庆市职工基本医疗保险门诊共济保障实施办法
第一条 为健全互助共济、责任共担的职工基本医疗保险门诊共济保障机制，制定本办法。
第十二条 普通门诊统筹起付标准为1200元，政策范围内报销比例为50%。
第十三条 本办法自2022年1月1日起施行。"""

NEW_TEXT = OLD_TEXT.replace("1200元", "1000元").replace("50%", "60%")


_NUMERALS = "一二三四五六七八九十"


def _article(n: int) -> str:
    tens, ones = divmod(n, 10)
    if n < 10:
        return _NUMERALS[n - 1]
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")


def policy_text(amount: int, articles: int = 60) -> str:
    """A long policy whose every article carries figures derived from `amount`."""
    lines = ["重庆市职工基本医疗保险门诊共济保障实施办法"]
    for n in range(1, articles + 1):
        lines.append(
            f"第{_article(n)}条 第{n}类人员的普通门诊统筹起付标准为{amount + n}元，"
            f"年度最高支付限额为{amount * 10 + n}元，具体办法由市医疗保障局另行制定。"
        )
    return "\n".join(lines)


@pytest.fixture(name="policy_text")
def policy_text_fixture() -> Callable[..., str]:
    return policy_text


class FakeClock:
    """The dispatcher's clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 5, 20, 1, 0, tzinfo=UTC))


class World:
    """A config file, an upgraded database, and helpers to make events and dispatch them."""

    def __init__(self, tmp_path: Path, database_url: str, config_text: str) -> None:
        self.path = tmp_path / "regwatch.yaml"
        self.path.write_text(f"database: {database_url}\n{SOURCES}\n{config_text}", "utf-8")
        self.database_url = database_url
        self.context: AppContext = open_context(self.path, database_url)
        self.counter = 0

    @property
    def db(self) -> Any:
        return self.context.db

    @property
    def config(self) -> Any:
        return self.context.config

    def dispatcher(self, clock: Callable[[], datetime] | None = None, **kwargs: Any) -> Dispatcher:
        import random

        if clock is not None:
            kwargs["clock"] = clock
        return Dispatcher(self.db, self.context.loaded, rng=random.Random(7), **kwargs)

    def add_event(
        self,
        *,
        source_id: str = "cq-ybj",
        type: str = "changed",
        title: str | None = None,
        old_text: str | None = OLD_TEXT,
        new_text: str | None = NEW_TEXT,
        significance: int = 2,
        silent: bool = False,
        spam: bool = False,
        at: datetime | None = None,
        summary_text: str | None = None,
        notify: bool = True,
    ) -> tuple[int, int]:
        """Store a page, its snapshots and an event, and enqueue it in the same transaction,
        as the crawl ingest does. Returns (event id, outbox rows created)."""
        self.counter += 1
        at = at or datetime.now(UTC)
        title = title or f"门诊共济保障实施办法（第{self.counter}号）"
        with self.db.write() as session:
            page = Page(
                source_id=source_id, url=f"https://example.gov.cn/{source_id}/t{self.counter}.html"
            )
            session.add(page)
            session.flush()
            snapshots: list[Snapshot | None] = []
            for version, text in enumerate((old_text, new_text), start=1):
                if text is None:
                    snapshots.append(None)
                    continue
                digest = put_blob(session, text.encode())
                snapshot = Snapshot(
                    page_id=page.id,
                    version=version,
                    url=page.url,
                    http_status=200,
                    raw_hash=digest,
                    title=title,
                    text=text,
                    text_hash=hashlib.sha256(text.encode()).hexdigest(),
                    key_hash=hashlib.sha256(text.encode()).hexdigest(),
                    fetched_at=at,
                )
                session.add(snapshot)
                session.flush()
                snapshots.append(snapshot)
            old, new = snapshots
            diff, summary = "", summary_text or ""
            if old_text and new_text:
                comparison = compare(old_text, new_text, old_title=title, new_title=title)
                diff = comparison.unified_diff()
                summary = summary_text if summary_text is not None else comparison.summary_text()
            event = Event(
                type=type,
                page_id=page.id,
                source_id=source_id,
                detected_at=at,
                url=page.url,
                title=title,
                significance=significance,
                silent=silent,
                from_snapshot_id=old.id if old else None,
                to_snapshot_id=new.id if new else None,
                summary={},
                summary_text=summary,
                diff=diff,
                spam_detected=spam,
            )
            session.add(event)
            session.flush()
            created = enqueue(session, event, self.config, now=at) if notify else 0
            return event.id, created

    def rows(self, event_id: int | None = None) -> list[Outbox]:
        with self.db.read() as session:
            query = select(Outbox).order_by(Outbox.id)
            if event_id is not None:
                query = query.where(Outbox.event_id == event_id)
            return list(session.scalars(query))

    def attempts(self, outbox_id: int) -> list[DeliveryAttempt]:
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(DeliveryAttempt)
                    .where(DeliveryAttempt.outbox_id == outbox_id)
                    .order_by(DeliveryAttempt.id)
                )
            )

    def close(self) -> None:
        self.db.dispose()


@pytest.fixture
def make_world(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], World]]:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.delenv("REGWATCH_DB", raising=False)
    monkeypatch.delenv("REGWATCH_CONFIG", raising=False)
    worlds: list[World] = []

    def make(config_text: str) -> World:
        world = World(tmp_path, db_url, config_text)
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        world.close()
