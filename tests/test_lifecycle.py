"""Change detection on the simulated site: noise never alerts, substance always does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from crawler.simsite import GeneratedSite, SimSite
from storage.db import Database
from storage.models import DeliveryAttempt, Event, Outbox, Page, ZstdDict


@pytest.fixture
def site() -> Iterator[SimSite]:
    with SimSite() as simsite:
        yield simsite


class World:
    def __init__(
        self, cli: Any, db_url: str, path: Path, sources: list[dict[str, Any]], **extra: Any
    ) -> None:
        config = {
            "database": db_url,
            "crawl": {"delay": "0s", "concurrency_per_domain": 4},
            "sources": sources,
            # an alert is an outbox row; this channel is never reached (port 9 refuses)
            "subscriptions": [{"id": "all", "notify": ["json://127.0.0.1:9/hook"]}],
            **extra,
        }
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        self.cli, self.path, self.db = cli, path, Database(db_url)

    def crawl(self, *sources: str) -> None:
        self.cli("--config", str(self.path), "crawl", *sources)

    def events(self) -> list[Event]:
        with self.db.read() as session:
            return list(session.scalars(select(Event).order_by(Event.id)))

    def alerts(self) -> int:
        with self.db.read() as session:
            return int(session.scalar(select(func.count()).select_from(Outbox)) or 0)


def make_world(cli: Any, db_url: str, tmp_path: Path, site: SimSite, **extra: Any) -> World:
    return World(cli, db_url, tmp_path / "regwatch.yaml", site.sources(), **extra)


def test_noise_only_changes_make_no_event_on_any_page(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    for pid in site.policy_ids("ybj")[:2]:
        site.inject_spam(pid, inside_article=True)
    site.inject_spam(site.policy_ids("gjj")[0], inside_article=False)
    world.crawl()
    site.churn_noise()
    world.crawl()
    site.churn_noise()
    world.crawl()
    assert world.events() == []
    with world.db.read() as session:
        changed = session.scalar(select(func.count()).select_from(Page).where(Page.versions > 1))
    assert changed == 0


@pytest.mark.parametrize("kind", ["punct", "linebreak", "traditional"])
def test_cosmetic_edit_is_recorded_but_silent(
    kind: str, site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    world.crawl("sim-ybj")
    site.cosmetic_edit("ybj-mzgj", kind)
    world.crawl("sim-ybj")
    assert [e.type for e in world.events()] == ["cosmetic"]
    assert world.alerts() == 0


def test_amount_change_names_article_and_figures(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    world.crawl("sim-gjj")
    site.edit("gjj-jcjs", "月缴存基数上限为26340元", "月缴存基数上限为28000元")
    world.crawl("sim-gjj")
    (event,) = world.events()
    assert event.type == "changed" and world.alerts() == 1
    assert "26340元 → 28000元" in event.summary_text
    assert any("26340元" in f["old"] and "28000元" in f["new"] for f in event.summary["figures"])
    assert event.summary_text.startswith("第") or "（" in event.summary_text


def test_inserted_article_is_one_addition(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    world.crawl("sim-ybj")
    site.insert_article(
        "ybj-mzgj", 3, "参保人员在异地就医的，按照国家和本市有关规定执行门诊共济保障待遇。"
    )
    world.crawl("sim-ybj")
    (event,) = world.events()
    assert event.type == "changed"
    assert len(event.summary["added"]) == 1 and event.summary["modified"] == []
    assert event.summary["renumbered"]


def test_removal_needs_repeated_missing_answers_over_the_grace(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site, removal={"after": 3, "grace": "1s"})
    world.crawl("sim-gjj")
    site.remove("gjj-tqgl", "404")
    world.crawl("sim-gjj")
    world.crawl("sim-gjj")
    assert world.events() == []  # two misses: not yet
    world.crawl("sim-gjj")
    (event,) = world.events()
    assert event.type == "removed" and event.url == site.policy_url("gjj-tqgl")
    world.crawl("sim-gjj")
    assert len(world.events()) == 1  # reported once

    site.restore("gjj-tqgl")
    world.crawl("sim-gjj")
    assert [e.type for e in world.events()] == ["removed", "restored"]


def test_grace_period_holds_even_after_many_misses(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site, removal={"after": 2, "grace": "1h"})
    world.crawl("sim-ybj")
    site.remove("ybj-mzgj", "soft404")
    for _ in range(3):
        world.crawl("sim-ybj")
    assert world.events() == []
    with world.db.read() as session:
        page = session.scalar(select(Page).where(Page.url == site.policy_url("ybj-mzgj")))
        assert page is not None and page.status == "missing" and page.missing_count == 3


def test_moved_page_is_followed_silently(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    world.crawl("sim-gjj")
    old_url = site.policy_url("gjj-kstb")
    new_url = site.move("gjj-kstb")
    world.crawl("sim-gjj")
    events = world.events()
    assert [(e.type, e.url, e.new_url) for e in events] == [("moved", old_url, new_url)]
    assert world.alerts() == 0


def test_first_crawl_of_a_big_new_source_alerts_nothing(
    cli: Any, db_url: str, tmp_path: Path
) -> None:
    with GeneratedSite(200, page_size=50) as big:
        sources = [
            {
                "id": f"gen-{s}",
                "name": f"generated {s}",
                "listing": [big.listing_url(s)],
                "max_listing_pages": 10,
            }
            for s in ("ybj", "rsj", "gjj")
        ]
        world = World(cli, db_url, tmp_path / "regwatch.yaml", sources)
        world.crawl()
        with world.db.read() as session:
            pages = session.scalar(select(func.count()).select_from(Page))
        assert pages == 200
        assert world.events() == [] and world.alerts() == 0


def test_alerts_on_compressed_snapshots_render_in_another_process(
    cli: Any, db_url: str, tmp_path: Path, http: Any
) -> None:
    """The daemon's dispatcher is not the process that stored the snapshots: it must load the
    site's zstd dictionary (trained after 48 pages) from the database to render the diff."""
    with GeneratedSite(60, page_size=50) as big:
        source = {"id": "gen", "name": "generated", "pages": big.policy_urls()}
        hook = http.url("json", "/alerts")
        subscriptions = [{"id": "all", "notify": [hook]}]
        world = World(
            cli, db_url, tmp_path / "regwatch.yaml", [source], subscriptions=subscriptions
        )
        world.crawl("--queue-only")
        edited = big.edit_every_kth(20)
        world.crawl("--queue-only")
        with world.db.read() as session:
            dictionaries = session.scalar(select(func.count()).select_from(ZstdDict))
        assert dictionaries and len(edited) == 3

        cli("--config", str(world.path), "dispatch", "--once")

        assert len(http.delivered("/alerts")) == len(edited) == world.alerts()
        with world.db.read() as session:
            failed = session.scalars(select(DeliveryAttempt).where(~DeliveryAttempt.ok)).all()
        assert [a.error for a in failed] == []


def test_flapping_page_is_reported_as_reverted_then_silenced(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    world.crawl("sim-gjj")
    a, b = "单位和职工缴存比例均为5%", "单位和职工缴存比例均为6%"
    for old, new in [(a, b), (b, a), (a, b), (b, a)]:
        site.edit("gjj-jcjs", old, new)
        world.crawl("sim-gjj")
    events = world.events()
    assert [e.type for e in events] == ["changed", "reverted", "reverted", "reverted"]
    assert [e.silent for e in events] == [False, False, True, True]
    assert world.alerts() == 2


def test_changed_attachment_is_a_change_naming_its_policy(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    world.crawl("sim-ybj")
    gold = site.gold("ybj-mztb")
    xlsx = next(a for a in gold.attachments if a.type == "xlsx")
    with world.db.read() as session:
        stored = session.scalars(select(Page).where(Page.kind == "attachment")).all()
        assert {p.url for p in stored} >= {a.url for a in gold.attachments}
    old_cell = xlsx.text.split("\t")[-1].split("\n")[0]
    site.edit_attachment("ybj-mztb", gold.attachments.index(xlsx), old_cell, old_cell + "（调整）")
    world.crawl("sim-ybj")
    (event,) = world.events()
    assert event.type == "changed" and event.url == xlsx.url
    assert event.summary["policy"]["url"] == gold.url
    assert world.alerts() == 1
