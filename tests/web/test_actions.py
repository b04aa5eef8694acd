""" "Recrawl now" from the web takes the path of `regwatch recrawl` / `regwatch crawl`: a child
process that fetches, stores and compares, so the change shows up like any other.

A world of its own (one source, baseline crawl through the `cli` fixture): these tests add
events, which the shared world's tests must not see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from crawler.simsite import SimSite
from monitor.context import open_context
from monitor.web.app import create_app
from storage.models import Event, Page

from ..conftest import wait_for
from .conftest import TOKEN, login

POLICY = "gjj-tqgl"


@pytest.fixture
def small_world(cli: Any, db_url: str, tmp_path: Path) -> Iterator[tuple[SimSite, TestClient]]:
    with SimSite() as site:
        gjj = next(s for s in site.sources() if s["id"] == "sim-gjj")
        config = tmp_path / "regwatch.yaml"
        settings = {
            "database": db_url,
            "crawl": {"delay": "0s", "retries": 0},
            "web": {"token": TOKEN},
            "sources": [gjj],
        }
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        cli("--config", str(config), "--db", db_url, "crawl")
        ctx = open_context(config, db_url)
        with TestClient(create_app(ctx)) as client:
            yield site, client
        ctx.db.dispose()


def finished_job(client: TestClient, job_id: int) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        return None if job["running"] else job

    result: dict[str, Any] = wait_for(done, timeout=120, interval=0.2)
    return result


def test_recrawl_button_records_the_change(small_world: tuple[SimSite, TestClient]) -> None:
    site, client = small_world
    url = site.policy_url(POLICY)
    site.edit(POLICY, "1500元", "1800元")
    login(client)
    with client.app.state.ctx.db.read() as session:  # type: ignore[attr-defined]
        page = session.scalar(select(Page).where(Page.url == url))
        assert page is not None and page.versions == 1
    policy_page = client.get(f"/pages/{page.id}").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', policy_page)
    assert csrf and f'name="target" value="{url}"' in policy_page
    response = client.post(
        "/actions/recrawl",
        data={"kind": "page", "target": url, "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    job = finished_job(client, job_id)
    assert job["returncode"] == 0, job["output"]
    assert "1800元" in job["output"]  # `regwatch recrawl` prints the diff
    assert job["kind"] == "page" and job["target"] == url
    job_page = client.get(f"/jobs/{job_id}").text
    assert "1800元" in job_page and 'http-equiv="refresh"' not in job_page

    with client.app.state.ctx.db.read() as session:  # type: ignore[attr-defined]
        events = session.scalars(select(Event).where(Event.url == url)).all()
        assert [e.type for e in events] == ["changed"]
        assert "1500元 → 1800元" in events[0].summary_text
    timeline = client.get("/changes").text
    assert f"/changes/{events[0].id}" in timeline


def test_api_crawls_a_source_with_a_bearer_token(small_world: tuple[SimSite, TestClient]) -> None:
    site, client = small_world
    published = site.publish("gjj")
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    unknown = client.post("/api/v1/recrawl", json={"source": "nope"}, headers=bearer)
    assert unknown.status_code == 404
    started = client.post("/api/v1/recrawl", json={"source": "sim-gjj"}, headers=bearer)
    assert started.status_code == 202, started.text
    again = client.post("/api/v1/recrawl", json={"source": "sim-gjj"}, headers=bearer)
    assert again.json()["id"] == started.json()["id"]  # one crawl per target at a time
    job = finished_job(client, started.json()["id"])
    assert job["returncode"] == 0, job["output"]
    items = client.get("/api/v1/changes", params={"type": "new"}).json()["items"]
    assert [item["url"] for item in items] == [site.policy_url(published)]
