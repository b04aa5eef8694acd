"""Policy text is untrusted and shown as text; anything that changes state needs the token;
beyond loopback everything does; channel secrets never reach a page."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from monitor.context import open_context
from monitor.web.app import create_app
from monitor.web.auth import Auth, WebConfigError
from storage.models import Page, Snapshot

from .conftest import TOKEN, World, login, write_config


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def test_script_in_policy_text_is_shown_as_text(world: World, client: TestClient) -> None:
    event = world.event_for(world.script_url)
    with world.ctx.db.read() as session:
        page = session.scalar(select(Page).where(Page.url == world.script_url))
        assert page is not None
        stored = session.get(Snapshot, page.last_snapshot_id)
        assert stored is not None
        assert "<script>document.title='pwned'</script>" in stored.text  # stored as text
    views = [
        client.get(f"/changes/{event.id}"),
        client.get(f"/pages/{page.id}"),
        client.get(f"/pages/{page.id}/versions/1"),
        client.get("/changes"),
        client.get("/"),
    ]
    for response in views:
        assert response.status_code == 200
        assert "<script" not in response.text.lower(), response.url
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in views[0].text  # the title, escaped
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in views[2].text
    feed = client.get("/feed.atom")
    assert b"<script" not in feed.content.lower()


def test_state_changes_need_the_token(world: World, client: TestClient) -> None:
    form = {"kind": "source", "target": "sim-gjj"}
    assert client.post("/actions/recrawl", data=form).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token-at-all"}
    assert client.post("/actions/recrawl", data=form, headers=wrong).status_code == 401
    assert client.post("/api/v1/recrawl", json={"source": "sim-gjj"}).status_code == 401
    assert (
        client.post("/api/v1/recrawl", json={"source": "sim-gjj"}, headers=wrong).status_code == 401
    )
    assert client.post("/logout").status_code == 401

    login(client)
    assert client.post("/actions/recrawl", data=form).status_code == 403  # no CSRF field
    bad = form | {"csrf": "0" * 64}
    assert client.post("/actions/recrawl", data=bad).status_code == 403
    csrf = csrf_of(client.get("/").text)
    foreign = {"Origin": "https://evil.example"}
    assert (
        client.post("/actions/recrawl", data=form | {"csrf": csrf}, headers=foreign).status_code
        == 403
    )
    # A session cookie alone does not authorise the JSON API (a form on another site can
    # send cookies, not an Authorization header).
    assert client.post("/api/v1/recrawl", json={"source": "sim-gjj"}).status_code == 401
    assert client.app.state.jobs.get(1) is None  # type: ignore[attr-defined]


def test_login_rejects_wrong_tokens_and_foreign_redirects(client: TestClient) -> None:
    failed = client.post("/login", data={"token": "x" * 30})
    assert failed.status_code == 401 and "regwatch_session" not in failed.headers.get(
        "set-cookie", ""
    )
    bounce = client.post(
        "/login", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False
    )
    assert bounce.status_code == 303 and bounce.headers["location"] == "/"
    cookie = bounce.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and TOKEN not in cookie


@pytest.fixture
def tokenless(world: World) -> Iterator[TestClient]:
    path = write_config(world.config.with_name("no-token.yaml"), world.site, world.db_url, None)
    ctx = open_context(path, world.db_url)
    with TestClient(create_app(ctx)) as test_client:
        yield test_client
    ctx.db.dispose()


def test_without_a_configured_token_actions_are_off(tokenless: TestClient) -> None:
    assert tokenless.get("/").status_code == 200
    response = tokenless.post("/actions/recrawl", data={"kind": "source", "target": "sim-gjj"})
    assert response.status_code == 403
    for token in ("", "None", "null"):
        assert tokenless.post("/login", data={"token": token}).status_code in {401, 422}
    api = tokenless.post(
        "/api/v1/recrawl", json={"source": "sim-gjj"}, headers={"Authorization": "Bearer "}
    )
    assert api.status_code == 403
    assert "Log in" not in tokenless.get("/", params={"lang": "en"}).text


def test_served_beyond_loopback_everything_needs_the_token(world: World) -> None:
    with pytest.raises(WebConfigError, match=r"web\.token"):
        Auth(token=None, private=True)
    with pytest.raises(WebConfigError, match="16"):
        Auth(token="short", private=False)
    with TestClient(create_app(world.ctx, private=True)) as client:
        page = client.get("/changes", params={"source": "sim-ybj"}, follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=/changes%3Fsource%3Dsim-ybj"
        for path in ("/api/v1/changes", "/feed.atom", "/openapi.json"):
            denied = client.get(path)
            assert denied.status_code == 401 and "Bearer" in denied.headers["www-authenticate"]
        assert client.get("/static/style.css").status_code == 200
        assert client.get("/login").status_code == 200
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get("/api/v1/changes", headers=bearer).status_code == 200
        # Feed readers know user and password only: the token as the password works.
        basic = base64.b64encode(f"reader:{TOKEN}".encode()).decode()
        assert (
            client.get("/feed.atom", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        )
        login(client)
        assert client.get("/changes").status_code == 200
