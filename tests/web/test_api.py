"""The JSON API returns what the database holds, in the `changes --json` shape."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from storage.models import Event, Page, Snapshot, Source

from .conftest import World


def test_changes_are_the_cli_records(world: World, client: TestClient) -> None:
    lines = world.cli(*world.base(), "changes", "--json", "--all").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    body = client.get("/api/v1/changes", params={"all": "true"}).json()
    assert body["next"] is None
    assert [{k: v for k, v in item.items() if k != "page_id"} for item in body["items"]] == records
    changed = world.event_for(world.changed_url)
    item = next(i for i in body["items"] if i["id"] == changed.id)
    assert item["type"] == "changed" and item["page_id"] == changed.page_id
    assert "200元 → 100元" in item["summary"]
    assert {
        "label": "普通门诊统筹起付标准",
        "old": "200元",
        "new": "100元",
        "unit": "第五条",
    } in item["details"]["figures"]


def test_change_detail_has_diff_and_versions(world: World, client: TestClient) -> None:
    changed = world.event_for(world.changed_url)
    detail = client.get(f"/api/v1/changes/{changed.id}").json()
    assert detail["diff"] == changed.diff and "-第五条" in detail["diff"]
    assert '<ins class="rw-ins"' in detail["diff_html"]
    assert (detail["from_version"], detail["to_version"]) == (1, 2)
    assert client.get("/api/v1/changes/999999").status_code == 404


def test_changes_filters_and_cursor_pagination(world: World, client: TestClient) -> None:
    with world.ctx.db.read() as session:
        expected = session.scalars(
            select(Event.id)
            .where(Event.silent.is_(False))
            .order_by(Event.detected_at.desc(), Event.id.desc())
        ).all()
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": "1"} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/changes", params=params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == list(expected)
    new = world.event_for(world.new_url)
    only_new = client.get("/api/v1/changes", params={"type": "new", "source": new.source_id})
    assert [i["id"] for i in only_new.json()["items"]] == [new.id]
    assert client.get("/api/v1/changes", params={"q": "门诊共济"}).json()["items"][0]["url"] == (
        world.changed_url
    )
    assert client.get("/api/v1/changes", params={"cursor": "garbage"}).status_code == 422
    assert client.get("/api/v1/changes", params={"cursor": "999999"}).status_code == 404
    assert client.get("/api/v1/changes", params={"limit": "0"}).status_code == 422


def test_sources_pages_versions_and_status(world: World, client: TestClient) -> None:
    with world.ctx.db.read() as session:
        sources = {s.id: s for s in session.scalars(select(Source))}
        page = session.scalar(select(Page).where(Page.url == world.changed_url))
        assert page is not None
        snapshots = session.scalars(
            select(Snapshot).where(Snapshot.page_id == page.id).order_by(Snapshot.version)
        ).all()
        texts = [s.text for s in snapshots]
        page_count = len(session.scalars(select(Page.id)).all())
    listed = client.get("/api/v1/sources").json()
    assert {s["id"]: s["name"] for s in listed} == {k: v.name for k, v in sources.items()}
    assert all(s["last_crawl"]["status"] == "ok" for s in listed)
    assert sum(s["pages"] for s in listed) == page_count

    ids: list[int] = []
    cursor = None
    while True:
        body = client.get(
            "/api/v1/pages", params={"limit": "7"} | ({"cursor": cursor} if cursor else {})
        ).json()
        ids += [p["id"] for p in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert sorted(ids) == sorted(set(ids)) and len(ids) == page_count

    detail = client.get(f"/api/v1/pages/{page.id}").json()
    assert detail["doc_number"] == snapshots[-1].meta["doc_number"]
    assert [v["version"] for v in detail["history"]] == [1, 2]
    versions = client.get(f"/api/v1/pages/{page.id}/versions").json()
    assert [v["chars"] for v in versions] == [len(text) for text in texts]
    for snapshot, text in zip(snapshots, texts, strict=True):
        body = client.get(f"/api/v1/pages/{page.id}/versions/{snapshot.version}").json()
        assert body["text"] == text and body["meta"] == snapshot.meta
    assert client.get(f"/api/v1/pages/{page.id}/versions/9").status_code == 404

    status = client.get("/api/v1/status").json()
    assert {s["id"] for s in status["sources"]} == set(sources)
    assert status["daemon"] is None and set(status["outbox"]) >= {"pending", "dead"}
