"""The HTML pages show what the crawls stored: dashboard, timeline and its filters, change
page, policy page with metadata and history, subscriptions with their outbox."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import func, select

from storage.models import CrawlRun, Event, Outbox, Page, Snapshot, Source

from .conftest import CHANNEL_SECRET, World


def doc(response: object) -> lxml_html.HtmlElement:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    return lxml_html.fromstring(response.text)  # type: ignore[attr-defined]


def change_links(page: lxml_html.HtmlElement) -> list[int]:
    return [int(a.get("href").rsplit("/", 1)[1]) for a in page.cssselect("li.change a.title")]


def test_dashboard_lists_sources_and_latest_changes(world: World, client: TestClient) -> None:
    page = doc(client.get("/"))
    with world.ctx.db.read() as session:
        sources = session.scalars(select(Source)).all()
        runs = {
            run.source_id: run for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id))
        }
        alerted = session.scalars(
            select(Event).where(Event.silent.is_(False)).order_by(Event.detected_at.desc())
        ).all()
    cards = {card.get("id"): card for card in page.cssselect("article.source")}
    assert set(cards) == {f"source-{s.id}" for s in sources}
    zone = ZoneInfo(world.ctx.config.notifications.timezone)
    for source in sources:
        text = cards[f"source-{source.id}"].text_content()
        assert source.name in text
        finished = runs[source.id].finished_at
        assert finished is not None
        assert finished.astimezone(zone).strftime("%Y-%m-%d %H:%M") in text
        assert "正常" in text  # the state, in Chinese by default
    assert change_links(page) == [e.id for e in alerted][:15]


def test_timeline_filters(world: World, client: TestClient) -> None:
    changed = world.event_for(world.changed_url)
    new = world.event_for(world.new_url)
    script = world.event_for(world.script_url)
    everything = change_links(doc(client.get("/changes")))
    assert {changed.id, new.id, script.id} <= set(everything)

    def shown(**params: str) -> set[int]:
        return set(change_links(doc(client.get("/changes", params=params))))

    assert shown(source=changed.source_id) == {changed.id}
    assert shown(type="new") == {new.id, script.id}
    assert shown(type="changed") == {changed.id}
    assert shown(q="门诊共济") == {changed.id}
    assert shown(q="no such words anywhere") == set()
    with world.ctx.db.read() as session:
        gjj = session.get(Source, new.source_id)
        assert gjj is not None and gjj.region
    assert shown(region=gjj.region) == {new.id}
    assert shown(topic=gjj.topics[0]) == {new.id}
    day = changed.detected_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert changed.id in shown(since=day.isoformat(), until=day.isoformat())
    assert shown(until=(day - timedelta(days=1)).isoformat()) == set()
    assert shown(since=(day + timedelta(days=1)).isoformat()) == set()
    # Empty form fields (as a browser sends them) mean "no filter".
    assert shown(source="", region="", topic="", type="", since="", until="", q="") == set(
        everything
    )


def test_change_page_shows_summary_diff_and_versions(world: World, client: TestClient) -> None:
    event = world.event_for(world.changed_url)
    page = doc(client.get(f"/changes/{event.id}"))
    figures = [li.text_content() for li in page.cssselect("ul.figures li")]
    assert any("200元" in f and "100元" in f for f in figures), figures
    assert any("60%" in f and "70%" in f for f in figures), figures
    inserted = [ins.text_content() for ins in page.cssselect(".diff td.rw-new ins.rw-ins")]
    deleted = [d.text_content() for d in page.cssselect(".diff td.rw-old del.rw-del")]
    assert "100" in "".join(inserted) and "70" in "".join(inserted)
    assert "200" in "".join(deleted) and "60" in "".join(deleted)
    with world.ctx.db.read() as session:
        old = session.get(Snapshot, event.from_snapshot_id)
        new = session.get(Snapshot, event.to_snapshot_id)
        assert old is not None and new is not None
        stored_old, stored_new = old.text, new.text
    hrefs = {a.get("href") for a in page.cssselect("a")}
    old_link = f"/pages/{event.page_id}/versions/{old.version}"
    new_link = f"/pages/{event.page_id}/versions/{new.version}"
    assert {old_link, new_link, world.changed_url} <= hrefs
    old_text = doc(client.get(old_link)).cssselect("pre.text")[0].text_content()
    new_text = doc(client.get(new_link)).cssselect("pre.text")[0].text_content()
    assert old_text == stored_old and "每个自然年度200元" in old_text
    assert new_text == stored_new and "每个自然年度100元" in new_text


def test_policy_page_shows_metadata_attachments_and_history(
    world: World, client: TestClient
) -> None:
    with world.ctx.db.read() as session:
        policy = session.scalar(select(Page).where(Page.url == world.changed_url))
        assert policy is not None
        meta = session.get(Snapshot, policy.last_snapshot_id).meta  # type: ignore[union-attr]
        with_files = session.scalar(
            select(Page).where(Page.kind == "policy", Page.id.in_(select(Page.parent_id))).limit(1)
        )
        assert with_files is not None
        files = session.scalars(select(Page).where(Page.parent_id == with_files.id)).all()
    page = doc(client.get(f"/pages/{policy.id}"))
    facts = page.cssselect("dl.facts")[0].text_content()
    assert meta["doc_number"] and meta["doc_number"] in facts  # 渝医保发〔2022〕16号
    assert meta["issuer"] in facts and meta["published"] in facts
    rows = page.cssselect("section table.grid tbody tr")
    assert [r.cssselect("td")[0].text_content().strip() for r in rows] == ["v2", "v1"]
    assert world.event_for(world.changed_url).id in change_links(page)

    attachments = doc(client.get(f"/pages/{with_files.id}")).cssselect("ul.attachments li")
    linked = {a.get("href") for li in attachments for a in li.cssselect("a")}
    assert len(attachments) == len(files) > 0
    assert {f"/pages/{f.id}" for f in files} <= linked


def test_subscriptions_page_shows_outbox_without_secrets(world: World, client: TestClient) -> None:
    response = client.get("/subscriptions")
    page = doc(response)
    with world.ctx.db.read() as session:
        counts = dict(
            session.execute(
                select(Outbox.status, func.count())
                .where(Outbox.subscription_id == "clinic")
                .group_by(Outbox.status)
            ).all()
        )
        matched = session.scalars(
            select(Outbox.event_id).where(Outbox.subscription_id == "clinic")
        ).all()
    card = page.cssselect("#sub-clinic")[0]
    assert "门诊" in card.text_content()
    shown = {
        int(a.get("href").rsplit("/", 1)[1])
        for a in card.cssselect("table.outbox a")
        if a.get("href", "").startswith("/changes/")
    }
    assert shown == set(matched) and world.event_for(world.changed_url).id in shown
    for status, count in counts.items():
        badge = card.cssselect(f".outbox-counts .state-{status} b")[0]
        assert badge.text_content() == str(count)
    assert CHANNEL_SECRET not in response.text
    assert "127.0.0.1:9" not in response.text  # not even a redacted channel URL


def test_language_from_query_cookie_and_browser(client: TestClient) -> None:
    assert "<title>政策变更监测" in client.get("/").text
    english = client.get("/", params={"lang": "en"})
    assert "Regulation watch" in english.text and 'lang="en"' in english.text
    assert "Regulation watch" in client.get("/changes").text  # remembered in a cookie
    client.cookies.clear()
    headers = {"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}
    assert "Latest changes" in client.get("/", headers=headers).text
    headers = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    assert "最新变更" in client.get("/", headers=headers).text


def test_unknown_things_are_404_pages(client: TestClient) -> None:
    for path in ("/changes/999999", "/pages/999999", "/pages/1/versions/999", "/jobs/42"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
    assert client.get("/changes", params={"cursor": "%%%"}).status_code == 400


def test_timeline_pages_with_a_cursor(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More events than one page holds: the "older" link leads on without repeats."""
    monkeypatch.setattr("monitor.web.pages.PAGE_SIZE", 2)
    with world.ctx.db.read() as session:
        expected = session.scalars(
            select(Event.id).order_by(Event.detected_at.desc(), Event.id.desc())
        ).all()
    assert len(expected) > 2
    seen: list[int] = []
    url: str | None = "/changes?all=1"
    pages = 0
    while url:
        page = doc(client.get(url))
        seen += change_links(page)
        older = page.cssselect("p.pager a[rel=next]")
        url = older[0].get("href") if older else None
        pages += 1
    assert seen == list(expected) and pages == -(-len(expected) // 2)
