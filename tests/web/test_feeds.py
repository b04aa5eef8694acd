"""Atom feeds: valid, stable ids, narrowed by source or subscription, 304 on revalidation."""

from __future__ import annotations

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy import select

from storage.models import Event, Outbox

from .conftest import World


def parse(client: TestClient, **params: str) -> feedparser.FeedParserDict:
    response = client.get("/feed.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def change_ids(feed: feedparser.FeedParserDict) -> list[int]:
    return [int(entry.link.rsplit("/", 1)[1]) for entry in feed.entries]


def test_feed_is_valid_atom_with_what_the_database_holds(world: World, client: TestClient) -> None:
    feed = parse(client)
    with world.ctx.db.read() as session:
        alerted = session.scalars(
            select(Event)
            .where(Event.silent.is_(False))
            .order_by(Event.detected_at.desc(), Event.id.desc())
        ).all()
    assert change_ids(feed) == [e.id for e in alerted]
    changed = world.event_for(world.changed_url)
    entry = feed.entries[change_ids(feed).index(changed.id)]
    assert changed.title in entry.title and "内容变更" in entry.title
    assert "200元 → 100元" in entry.summary
    assert "<ins" in entry.content[0].value  # the side-by-side diff
    assert [link.href for link in entry.links] == [f"http://testserver/changes/{changed.id}"]
    assert f'href="{world.changed_url}"' in entry.content[0].value
    again = parse(client)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]  # stable ids
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_feed_narrowed_by_source_and_subscription(world: World, client: TestClient) -> None:
    changed = world.event_for(world.changed_url)
    new = world.event_for(world.new_url)
    assert change_ids(parse(client, source=new.source_id)) == [new.id]
    assert change_ids(parse(client, source=changed.source_id)) == [changed.id]
    # The "clinic" subscription wants the keyword 门诊: exactly what it was alerted about.
    with world.ctx.db.read() as session:
        alerted = set(
            session.scalars(select(Outbox.event_id).where(Outbox.subscription_id == "clinic"))
        )
    clinic = change_ids(parse(client, subscription="clinic"))
    assert set(clinic) == alerted and changed.id in clinic and new.id not in clinic
    assert set(change_ids(parse(client, subscription="everything"))) >= {changed.id, new.id}
    assert client.get("/feed.atom", params={"source": "nope"}).status_code == 404
    assert client.get("/feed.atom", params={"subscription": "nope"}).status_code == 404


def test_conditional_requests_get_304(client: TestClient) -> None:
    first = client.get("/feed.atom")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert client.get("/feed.atom", headers={"If-Modified-Since": modified}).status_code == 304
    stale = client.get("/feed.atom", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    old = client.get("/feed.atom", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert old.status_code == 200
    other = client.get("/feed.atom", params={"source": "sim-gjj"})
    assert other.headers["etag"] != etag
    english = client.get("/feed.atom", params={"lang": "en"}, headers={"If-None-Match": etag})
    assert english.status_code == 200 and "【Changed】" in english.text
