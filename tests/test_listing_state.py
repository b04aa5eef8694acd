"""Listings are asked for conditionally: an unchanged listing is neither parsed nor a reason to
miss a policy, and a changed one is read again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy import select

from crawler.simsite import SimSite
from storage.models import CrawlRun, ListingPage, Page
from tests.test_lifecycle import World, make_world


@pytest.fixture
def site() -> Iterator[SimSite]:
    with SimSite() as simsite:
        yield simsite


def listing_paths(world: World) -> set[str]:
    with world.db.read() as session:
        urls = session.scalars(select(ListingPage.url).where(ListingPage.source_id == "sim-rsj"))
        return {urlsplit(u)._replace(scheme="", netloc="").geturl() for u in urls}


def policy_urls(world: World) -> set[str]:
    with world.db.read() as session:
        query = select(Page.url).where(Page.source_id == "sim-rsj", Page.kind == "policy")
        return set(session.scalars(query))


def test_unchanged_listings_answer_304_and_new_policies_are_still_found(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    world = make_world(cli, db_url, tmp_path, site)
    world.crawl("sim-rsj")
    paths = listing_paths(world)
    assert len(paths) >= 2  # the first listing page and at least one next page

    site.clear_requests()
    world.crawl("sim-rsj")
    answers = {r.path: r for r in site.requests if r.path in paths}
    assert set(answers) == paths  # next pages followed although their parent was not parsed
    assert all(r.if_none_match and r.status == 304 for r in answers.values())
    assert listing_paths(world) == paths
    assert world.events() == []

    new_id = site.publish("rsj")
    site.clear_requests()
    world.crawl("sim-rsj")
    first = {r.path: r.status for r in site.requests if r.path in paths}
    assert 200 in first.values()  # the listing that now shows the new policy was read again
    assert [(e.type, e.url) for e in world.events()] == [("new", site.policy_url(new_id))]


def test_an_unfinished_crawl_saves_no_listing_state(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    """Its listings may have linked to pages it never reached: the next crawl reads them all."""
    world = make_world(cli, db_url, tmp_path, site)
    config = yaml.safe_load(world.path.read_text(encoding="utf-8"))
    config["crawl"] |= {"wall_clock_limit": "1s", "timeout": "3s"}
    world.path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site.hang(urlsplit(site.policy_url(site.policy_ids("rsj")[0])).path)
    try:
        world.crawl("sim-rsj")
    finally:
        site.release_hangs()
    with world.db.read() as session:
        status = session.scalar(select(CrawlRun.status).order_by(CrawlRun.id.desc()).limit(1))
    assert status == "timeout"
    assert listing_paths(world) == set()


def test_a_new_follow_rule_reads_unchanged_listings_again(
    site: SimSite, cli: Any, db_url: str, tmp_path: Path
) -> None:
    """The links kept from a listing were chosen by the old rule: a 304 must not stand for them."""
    world = make_world(cli, db_url, tmp_path, site)
    config = yaml.safe_load(world.path.read_text(encoding="utf-8"))
    (rsj,) = [s for s in config["sources"] if s["id"] == "sim-rsj"]
    rsj["follow"] = "/no-policy-matches-this/"
    world.path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    world.crawl("sim-rsj")
    paths = listing_paths(world)
    assert paths and policy_urls(world) == set()

    del rsj["follow"]
    world.path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site.clear_requests()
    world.crawl("sim-rsj")
    answers = [r for r in site.requests if r.path in paths]
    assert answers and all(not r.if_none_match and r.status == 200 for r in answers)
    assert site.policy_urls("rsj")[0] in policy_urls(world)
