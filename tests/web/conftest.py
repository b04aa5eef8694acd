"""One world for the web tests, filled by real crawls of the simulated site.

`regwatch crawl` runs twice as a process (a baseline, then after edits on the site: two
figures changed in one policy, a policy whose text carries `<script>` published, a new policy
published), so every page, feed and API answer is checked against what the crawler stored.
The crawls cost seconds, so the world is built once per session (and per database backend).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from crawler.simsite import SimSite
from monitor.context import AppContext, open_context
from monitor.web.app import create_app
from storage.models import Event

from ..conftest import PG_ENV, ROOT, Cli, fresh_database

TOKEN = "web-test-token-5f1c9a7e2b"
CHANNEL_SECRET = "Sk-93hQ2mZ7pWx"
CHANGED_POLICY = "ybj-mzgj"
SCRIPT_TITLE = "关于<script>alert(1)</script>测试页面的通知"
SCRIPT_BODY = (
    "第一条 <script>document.title='pwned'</script>本通知自发布之日起施行，起付标准为500元。"
)


@dataclass
class World:
    site: SimSite
    cli: Cli
    config: Path
    db_url: str
    ctx: AppContext
    changed_url: str
    script_url: str
    new_url: str

    def base(self) -> tuple[str, ...]:
        return ("--config", str(self.config), "--db", self.db_url)

    def event_for(self, url: str) -> Event:
        with self.ctx.db.read() as session:
            event = session.scalar(select(Event).where(Event.url == url).order_by(Event.id))
        assert event is not None, f"no event for {url}"
        return event


def _backends() -> list[Any]:
    marks = [] if os.environ.get(PG_ENV) else [pytest.mark.skip(reason=f"{PG_ENV} not set")]
    return ["sqlite", pytest.param("postgres", marks=marks)]


@pytest.fixture(scope="session", params=_backends())
def web_db_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp("webdb")) as url:
        yield url


def write_config(path: Path, site: SimSite, db_url: str, token: str | None = TOKEN) -> Path:
    config: dict[str, Any] = {
        "database": db_url,
        "crawl": {"delay": "0s", "concurrency_per_domain": 4, "retries": 0},
        "sources": site.sources(),
        "subscriptions": [
            {
                "id": "clinic",
                # Nothing listens on port 9: alerts stay in the outbox with an error.
                "notify": [f"json://bot:{CHANNEL_SECRET}@127.0.0.1:9/hook"],
                "keywords": ["门诊"],
            },
            {"id": "everything", "notify": ["json://127.0.0.1:9/all"]},
        ],
    }
    if token is not None:
        config["web"] = {"token": token}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def world(web_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("web")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1", COLUMNS="200")
    cli = Cli(env=env, cwd=workdir)
    with SimSite() as site:
        config = write_config(workdir / "regwatch.yaml", site, web_db_url)
        base = ("--config", str(config), "--db", web_db_url)
        cli(*base, "crawl", timeout=180)
        site.edit(CHANGED_POLICY, "每个自然年度200元", "每个自然年度100元")
        site.edit(CHANGED_POLICY, "统筹基金支付比例为60%", "统筹基金支付比例为70%")
        script_id = site.publish("rsj", title=SCRIPT_TITLE, body=[SCRIPT_BODY])
        new_id = site.publish("gjj")
        cli(*base, "crawl", timeout=180)
        ctx = open_context(config, web_db_url)
        yield World(
            site=site,
            cli=cli,
            config=config,
            db_url=web_db_url,
            ctx=ctx,
            changed_url=site.policy_url(CHANGED_POLICY),
            script_url=site.policy_url(script_id),
            new_url=site.policy_url(new_id),
        )
        ctx.db.dispose()


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.ctx)) as test_client:
        yield test_client


def login(client: TestClient, token: str = TOKEN) -> None:
    response = client.post("/login", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
