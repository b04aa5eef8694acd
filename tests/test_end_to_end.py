"""The whole path on the simulated site: crawl → extract → store → compare → alert → deliver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy import func, select

from crawler.simsite import SimSite
from storage.db import Database
from storage.models import Event, Outbox, Page, Snapshot

SECRET = "Pw-7f3kQ9zL"


@pytest.fixture
def site() -> Iterator[SimSite]:
    with SimSite() as simsite:
        yield simsite


@pytest.fixture
def world(
    site: SimSite, smtp: Any, http: Any, cli: Any, db_url: str, tmp_path: Path
) -> dict[str, Any]:
    config = {
        "database": db_url,
        "crawl": {"delay": "0s", "concurrency_per_domain": 4},
        "sources": [
            *site.sources(),
            {"id": "offline", "name": "不可达站点", "pages": ["http://127.0.0.1:9/zcwj/t1.html"]},
        ],
        "subscriptions": [
            {"id": "hr", "notify": [http.url("json", "/hook"), smtp.url()]},
        ],
    }
    path = tmp_path / "regwatch.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    cli.env["SMTP_PASSWORD"] = SECRET
    return {"config": str(path), "db": Database(db_url)}


def events(db: Database) -> list[Event]:
    with db.read() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def article_policy(site: SimSite) -> str:
    return next(p for p in site.policy_ids("ybj") if "第三条" in site.gold_text(p))


def test_watch_cycle(
    site: SimSite, world: dict[str, Any], cli: Any, smtp: Any, http: Any, wait: Any
) -> None:
    db: Database = world["db"]
    crawl = ("--config", world["config"], "crawl")

    cli(*crawl)
    assert events(db) == []
    with db.read() as session:
        pages = session.scalar(select(func.count()).select_from(Page).where(Page.kind == "policy"))
        assert pages is not None and pages >= 10
        offline = session.scalar(select(Page).where(Page.source_id == "offline"))
        assert offline is not None and offline.status == "error" and offline.error_count == 1
    assert http.received() == [] and smtp.messages == []

    policy = article_policy(site)
    site.edit(policy, site.gold(policy).text.split("第三条", 1)[1][:12], "参保人员起付标准为1000元")
    cli(*crawl)
    changed = [e for e in events(db) if not e.silent]
    assert [e.type for e in changed] == ["changed"]
    assert changed[0].url == site.policy_url(policy)
    wait(lambda: len(http.delivered("/hook")) == 1 and len(smtp.messages) == 1)
    assert "1000元" in smtp.html()

    new_id = site.publish("gjj")
    cli(*crawl)
    fresh = [e for e in events(db) if e.id > changed[0].id and not e.silent]
    assert [(e.type, e.url) for e in fresh] == [("new", site.policy_url(new_id))]

    site.clear_requests()
    before = len(events(db))
    result = cli(*crawl)
    assert len(events(db)) == before
    conditional = [r for r in site.requests if r.if_none_match or r.if_modified_since]
    listings = {k: {_path(url) for url in site.listing_urls(k)} for k in ("rsj", "ybj", "gjj")}
    # ybj's and gjj's listings put a fresh tracking parameter in every link, so their bytes
    # change on every visit; rsj's do not, and are neither sent again nor parsed again
    changing = listings["ybj"] | listings["gjj"]
    assert conditional and all(r.status == 304 for r in conditional if r.path not in changing)
    assert {r.status for r in conditional if r.path in listings["rsj"]} == {304}
    assert "offline" in result.stdout and SECRET not in result.stdout + result.stderr
    with db.read() as session:
        outbox = session.scalars(select(Outbox)).all()
        assert len(outbox) == 4 and all(row.status == "delivered" for row in outbox)
        assert not [e for e in events(db) if e.type == "removed"]


def test_gbk_site_text_is_correct_chinese(site: SimSite, world: dict[str, Any], cli: Any) -> None:
    cli("--config", world["config"], "crawl", "sim-rsj")
    db: Database = world["db"]
    checked = 0
    with db.read() as session:
        for policy in site.policy_ids("rsj"):
            if site.status(policy) != "active":
                continue
            page = session.scalar(select(Page).where(Page.url == site.policy_url(policy)))
            if page is None:
                continue
            snapshot = session.get(Snapshot, page.last_snapshot_id)
            gold = site.gold(policy)
            assert snapshot is not None
            assert snapshot.meta.get("encoding") in {"gb18030", "gbk", "gb2312"}
            assert snapshot.title == gold.title
            assert snapshot.text == gold.body
            checked += 1
    assert checked >= 3


def test_recrawl_prints_diff_and_changes_json(
    site: SimSite, world: dict[str, Any], cli: Any
) -> None:
    base = ("--config", world["config"])
    cli(*base, "crawl", "sim-ybj")
    policy = article_policy(site)
    url = site.policy_url(policy)
    old = site.gold(policy).text.split("第三条", 1)[1][:12]
    site.edit(policy, old, "起付标准调整为800元")

    result = cli(*base, "recrawl", url, "--no-notify")
    assert "800元" in result.stdout and "+" in result.stdout
    history = cli(*base, "history", url, "--json")
    assert [json.loads(line)["version"] for line in history.stdout.splitlines()] == [1, 2]

    lines = cli(*base, "changes", "--json").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 1
    for key in ("id", "type", "url", "source", "title", "detected_at", "significance", "summary"):
        assert key in records[0]
    assert records[0]["type"] == "changed" and records[0]["url"] == url

    diff = cli(*base, "diff", url, "--format", "markdown")
    assert "800元" in diff.stdout


def test_unreachable_host_records_error_without_removal(world: dict[str, Any], cli: Any) -> None:
    base = ("--config", world["config"])
    for _ in range(4):
        cli(*base, "crawl", "offline")
    db: Database = world["db"]
    assert events(db) == []
    errors = [
        json.loads(x) for x in cli(*base, "changes", "--errors", "--json").stdout.splitlines()
    ]
    assert [(e["url"], e["errors"]) for e in errors] == [("http://127.0.0.1:9/zcwj/t1.html", 4)]
    with db.read() as session:
        from storage.models import CrawlRun

        runs = session.scalars(select(CrawlRun).where(CrawlRun.source_id == "offline")).all()
        assert len(runs) == 4 and all(r.status == "failed" and r.errors for r in runs)


def _path(url: str) -> str:
    """Path and query, as the simulated site records a request."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
